//! Parsing `#[derive(Model)]` input: the struct, its `#[galaxy(...)]` attributes and the Rust
//! types of its fields, into a [`ModelDef`].

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericArgument, Ident, LitStr, PathArguments, Type};

/// A parsed model struct.
#[derive(Debug)]
pub(crate) struct ModelDef {
    /// The struct's name.
    pub(crate) ident: Ident,
    /// The struct's visibility (given to the generated input struct and column module).
    pub(crate) vis: syn::Visibility,
    /// The table, from `table = "..."` or the pluralized snake-case struct name.
    pub(crate) table: String,
    /// Where the table name came from, for errors.
    pub(crate) table_span: Span,
    /// The primary-key field (`primary_key = "..."`, default `id`).
    pub(crate) primary_key: String,
    /// `timestamps`: `created_at`/`updated_at` are managed.
    pub(crate) timestamps: bool,
    /// `soft_deletes`: `deleted_at` marks deleted rows.
    pub(crate) soft_deletes: bool,
    /// `migrations = "..."`, relative to the file holding the derive.
    pub(crate) migrations: Option<LitStr>,
    /// The fields, in order.
    pub(crate) fields: Vec<FieldDef>,
    /// `has_many(...)` and `belongs_to(...)` declarations.
    pub(crate) relations: Vec<RelationDef>,
}

/// `has_many(comments = Comment, foreign_key = "post_id")`, `has_one(...)` or
/// `belongs_to(author = Author, foreign_key = "author_id")`.
#[derive(Debug)]
pub(crate) struct RelationDef {
    /// Which side of the foreign key this model is on.
    pub(crate) kind: RelationKind,
    /// The relation's name (`comments`), generated as `post::comments`.
    pub(crate) name: Ident,
    /// The related model.
    pub(crate) target: Type,
    /// The foreign-key column.
    pub(crate) foreign_key: String,
    /// Where the foreign key was written (or the name, when defaulted).
    pub(crate) foreign_key_span: Span,
}

/// The two relation kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelationKind {
    /// The related model's rows hold this model's key.
    HasMany,
    /// Like `HasMany`, with at most one related row.
    HasOne,
    /// This model's row holds the related model's key.
    BelongsTo,
}

/// One field of a model.
#[derive(Debug)]
pub(crate) struct FieldDef {
    /// The field's name.
    pub(crate) ident: Ident,
    /// Its column's name: the field name without `r#` (`r#type` → `type`).
    pub(crate) column: String,
    /// The field's type as written.
    pub(crate) ty: Type,
    /// `#[galaxy(fillable)]`: `create` takes it from input.
    pub(crate) fillable: bool,
    /// The recognised Rust type, or `None` for a type galaxy-orm cannot map.
    pub(crate) rust: Option<RustType>,
}

/// A field type galaxy-orm maps to a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RustType {
    /// The scalar type.
    pub(crate) kind: RustKind,
    /// Whether it is wrapped in `Option` (a nullable column).
    pub(crate) optional: bool,
}

/// The scalar Rust types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RustKind {
    /// `bool`
    Bool,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f64`
    F64,
    /// `String`
    String,
    /// `Vec<u8>`
    Bytes,
    /// `OffsetDateTime`
    Timestamp,
}

impl RustKind {
    /// How the type is written, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Bool => "bool",
            Self::I32 => "i32",
            Self::I64 => "i64",
            Self::F64 => "f64",
            Self::String => "String",
            Self::Bytes => "Vec<u8>",
            Self::Timestamp => "OffsetDateTime",
        }
    }
}

/// Parses the derive input; errors are spanned on the offending tokens.
pub(crate) fn parse(input: &DeriveInput) -> syn::Result<ModelDef> {
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "a model cannot be generic\n\nhelp: a model maps one table; remove the generic parameters",
        ));
    }
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "`Model` can only be derived for a struct\n\nhelp: declare the model as a struct with named fields",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "`Model` needs named fields, one per column\n\nhelp: write `struct Name { id: i64, ... }`",
        ));
    };

    let mut def = ModelDef {
        ident: input.ident.clone(),
        vis: input.vis.clone(),
        table: default_table(&input.ident.to_string()),
        table_span: input.ident.span(),
        primary_key: "id".to_owned(),
        timestamps: false,
        soft_deletes: false,
        migrations: None,
        fields: Vec::new(),
        relations: Vec::new(),
    };
    let model_snake = snake_case(&input.ident.to_string());
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("galaxy")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("table") {
                let lit: LitStr = meta.value()?.parse()?;
                def.table = lit.value();
                def.table_span = lit.span();
            } else if meta.path.is_ident("primary_key") {
                def.primary_key = meta.value()?.parse::<LitStr>()?.value();
            } else if meta.path.is_ident("migrations") {
                def.migrations = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("timestamps") {
                def.timestamps = true;
            } else if meta.path.is_ident("soft_deletes") {
                def.soft_deletes = true;
            } else if let Some(kind) = relation_kind(&meta.path) {
                def.relations.push(parse_relation(&meta, kind, &model_snake)?);
            } else {
                return Err(meta.error(
                    "unknown model attribute\n\nhelp: expected `table = \"...\"`, `primary_key = \"...\"`, `migrations = \"...\"`, `timestamps`, `soft_deletes`, `has_many(...)`, `has_one(...)` or `belongs_to(...)`",
                ));
            }
            Ok(())
        })?;
    }
    for field in &named.named {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let mut fillable = false;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("galaxy")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("fillable") {
                    fillable = true;
                    Ok(())
                } else {
                    Err(meta.error(
                        "unknown field attribute\n\nhelp: the only field attribute is `fillable`",
                    ))
                }
            })?;
        }
        def.fields.push(FieldDef {
            rust: rust_type(&field.ty),
            column: syn::ext::IdentExt::unraw(&ident).to_string(),
            ident,
            ty: field.ty.clone(),
            fillable,
        });
    }
    Ok(def)
}

fn relation_kind(path: &syn::Path) -> Option<RelationKind> {
    if path.is_ident("has_many") {
        Some(RelationKind::HasMany)
    } else if path.is_ident("has_one") {
        Some(RelationKind::HasOne)
    } else if path.is_ident("belongs_to") {
        Some(RelationKind::BelongsTo)
    } else {
        None
    }
}

fn parse_relation(
    meta: &syn::meta::ParseNestedMeta<'_>,
    kind: RelationKind,
    model_snake: &str,
) -> syn::Result<RelationDef> {
    let mut target: Option<(Ident, Type)> = None;
    let mut foreign_key: Option<LitStr> = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("foreign_key") {
            foreign_key = Some(inner.value()?.parse()?);
        } else if let Some(name) = inner.path.get_ident() {
            target = Some((name.clone(), inner.value()?.parse()?));
        } else {
            return Err(inner.error("expected `name = Model` or `foreign_key = \"...\"`"));
        }
        Ok(())
    })?;
    let Some((name, target)) = target else {
        return Err(meta.error(
            "a relation needs a name and a model\n\nhelp: write `has_many(comments = Comment)` or `belongs_to(author = Author)`",
        ));
    };
    let (foreign_key, foreign_key_span) = match foreign_key {
        Some(lit) => (lit.value(), lit.span()),
        // Laravel's conventions: `post_id` on the children of `Post`; `author_id` for `author`.
        None => match kind {
            RelationKind::HasMany | RelationKind::HasOne => {
                (format!("{model_snake}_id"), name.span())
            }
            RelationKind::BelongsTo => (format!("{name}_id"), name.span()),
        },
    };
    Ok(RelationDef {
        kind,
        name,
        target,
        foreign_key,
        foreign_key_span,
    })
}

/// `BlogPost` → `blog_posts`: the snake-case name with an `s`, Laravel's default.
fn default_table(struct_name: &str) -> String {
    let mut table = snake_case(struct_name);
    table.push('s');
    table
}

/// `BlogPost` → `blog_post`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Recognises a field type by its last path segment (`time::OffsetDateTime` and
/// `OffsetDateTime` alike); `Option<T>` marks a nullable column.
fn rust_type(ty: &Type) -> Option<RustType> {
    let (name, arg) = last_segment(ty)?;
    if name == "Option" {
        let inner = rust_type(arg?)?;
        if inner.optional {
            return None;
        }
        return Some(RustType {
            kind: inner.kind,
            optional: true,
        });
    }
    let kind = match name.as_str() {
        "bool" => RustKind::Bool,
        "i32" => RustKind::I32,
        "i64" => RustKind::I64,
        "f64" => RustKind::F64,
        "String" => RustKind::String,
        "OffsetDateTime" => RustKind::Timestamp,
        "Vec" if arg.and_then(last_segment).is_some_and(|(n, _)| n == "u8") => RustKind::Bytes,
        _ => return None,
    };
    Some(RustType {
        kind,
        optional: false,
    })
}

fn last_segment(ty: &Type) -> Option<(String, Option<&Type>)> {
    let Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last()?;
    let arg = match &segment.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    };
    Some((segment.ident.to_string(), arg))
}

impl FieldDef {
    /// The span to point at for a type error.
    pub(crate) fn type_span(&self) -> Span {
        self.ty.span()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_types() {
        assert_eq!(default_table("BlogPost"), "blog_posts");
        let ty: Type = syn::parse_quote!(Option<time::OffsetDateTime>);
        assert_eq!(
            rust_type(&ty),
            Some(RustType {
                kind: RustKind::Timestamp,
                optional: true
            })
        );
        let ty: Type = syn::parse_quote!(Vec<u8>);
        assert_eq!(rust_type(&ty).map(|t| t.kind), Some(RustKind::Bytes));
        let ty: Type = syn::parse_quote!(Vec<String>);
        assert_eq!(rust_type(&ty), None);
        let ty: Type = syn::parse_quote!(Option<Option<i64>>);
        assert_eq!(rust_type(&ty), None);
    }

    #[test]
    fn attributes() {
        let input: DeriveInput = syn::parse_quote! {
            #[galaxy(table = "articles", timestamps, soft_deletes, migrations = "db")]
            struct Post { id: i64, #[galaxy(fillable)] title: String }
        };
        let def = parse(&input).unwrap();
        assert_eq!(def.table, "articles");
        assert!(def.timestamps && def.soft_deletes);
        assert!(def.fields[1].fillable && !def.fields[0].fillable);

        let bad: DeriveInput = syn::parse_quote! {
            #[galaxy(tabel = "x")]
            struct Post { id: i64 }
        };
        assert!(
            parse(&bad)
                .unwrap_err()
                .to_string()
                .contains("unknown model attribute")
        );
    }
}
