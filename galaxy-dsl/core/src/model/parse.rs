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

/// `has_many(comments = Comment, foreign_key = "post_id")`, `has_one(...)`,
/// `belongs_to(author = Author, foreign_key = "author_id")`,
/// `belongs_to_many(tags = Tag, pivot = PostTag)`, `morph_many(comments = Comment, name =
/// "commentable")` or `morph_to(commentable)`.
#[derive(Debug)]
pub(crate) struct RelationDef {
    /// Which kind of relation.
    pub(crate) kind: RelationKind,
    /// The relation's name (`comments`), generated as `post::comments`.
    pub(crate) name: Ident,
    /// The related model (`None` for `morph_to`, whose model is chosen where it is loaded).
    pub(crate) target: Option<Type>,
    /// The foreign-key column: on the child (`has_*`), on this model (`belongs_to`), on the
    /// pivot for this model's key (`belongs_to_many`); the id column of a morph relation.
    pub(crate) foreign_key: String,
    /// Where the foreign key was written (or the name, when defaulted).
    pub(crate) foreign_key_span: Span,
    /// `belongs_to_many`: the pivot model.
    pub(crate) pivot: Option<Type>,
    /// `belongs_to_many`: the pivot column holding the related model's key; morph relations:
    /// the type column.
    pub(crate) related_key: String,
}

/// The relation kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelationKind {
    /// The related model's rows hold this model's key.
    HasMany,
    /// Like `HasMany`, with at most one related row.
    HasOne,
    /// This model's row holds the related model's key.
    BelongsTo,
    /// Rows of a pivot model hold both keys.
    BelongsToMany,
    /// The related model's rows hold this model's key and its table name (`<name>_id`,
    /// `<name>_type`).
    MorphMany,
    /// This model's `<name>_id` and `<name>_type` name a row of any model.
    MorphTo,
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
    /// `#[galaxy(cast = Json)]`: the field is stored through a `galaxy_orm::Cast`.
    pub(crate) cast: Option<syn::Path>,
    /// For a cast field of type `Option<T>`: `T` (the cast applies to it; `None` is `NULL`).
    pub(crate) cast_inner: Option<Type>,
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
                    "unknown model attribute\n\nhelp: expected `table = \"...\"`, `primary_key = \"...\"`, `migrations = \"...\"`, `timestamps`, `soft_deletes`, `has_many(...)`, `has_one(...)`, `belongs_to(...)`, `belongs_to_many(...)`, `morph_many(...)` or `morph_to(...)`",
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
        let mut cast = None;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("galaxy")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("fillable") {
                    fillable = true;
                    Ok(())
                } else if meta.path.is_ident("cast") {
                    cast = Some(meta.value()?.parse::<syn::Path>()?);
                    Ok(())
                } else {
                    Err(meta.error(
                        "unknown field attribute\n\nhelp: a field attribute is `fillable` or `cast = Json` (any `galaxy_orm::Cast`)",
                    ))
                }
            })?;
        }
        let cast_inner = cast.as_ref().and_then(|_| match last_segment(&field.ty) {
            Some((name, Some(inner))) if name == "Option" => Some(inner.clone()),
            _ => None,
        });
        def.fields.push(FieldDef {
            rust: rust_type(&field.ty),
            column: syn::ext::IdentExt::unraw(&ident).to_string(),
            ident,
            ty: field.ty.clone(),
            fillable,
            cast,
            cast_inner,
        });
    }
    Ok(def)
}

fn relation_kind(path: &syn::Path) -> Option<RelationKind> {
    [
        ("has_many", RelationKind::HasMany),
        ("has_one", RelationKind::HasOne),
        ("belongs_to", RelationKind::BelongsTo),
        ("belongs_to_many", RelationKind::BelongsToMany),
        ("morph_many", RelationKind::MorphMany),
        ("morph_to", RelationKind::MorphTo),
    ]
    .into_iter()
    .find(|(name, _)| path.is_ident(name))
    .map(|(_, kind)| kind)
}

fn parse_relation(
    meta: &syn::meta::ParseNestedMeta<'_>,
    kind: RelationKind,
    model_snake: &str,
) -> syn::Result<RelationDef> {
    let mut target: Option<(Ident, Option<Type>)> = None;
    let mut foreign_key: Option<LitStr> = None;
    let mut related_key: Option<LitStr> = None;
    let mut pivot: Option<Type> = None;
    let mut morph_name: Option<LitStr> = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("foreign_key") {
            foreign_key = Some(inner.value()?.parse()?);
        } else if inner.path.is_ident("related_key") && kind == RelationKind::BelongsToMany {
            related_key = Some(inner.value()?.parse()?);
        } else if inner.path.is_ident("pivot") && kind == RelationKind::BelongsToMany {
            pivot = Some(inner.value()?.parse()?);
        } else if inner.path.is_ident("name") && kind == RelationKind::MorphMany {
            morph_name = Some(inner.value()?.parse()?);
        } else if let (Some(name), None) = (inner.path.get_ident(), &target) {
            let model = if kind == RelationKind::MorphTo {
                None
            } else {
                Some(inner.value()?.parse()?)
            };
            target = Some((name.clone(), model));
        } else {
            return Err(inner.error(match kind {
                RelationKind::BelongsToMany => "expected `name = Model`, `pivot = PivotModel`, `foreign_key = \"...\"` or `related_key = \"...\"`",
                RelationKind::MorphMany => "expected `name = Model` or `name = \"...\"` (the morph name)",
                RelationKind::MorphTo => "expected the relation's name only, as in `morph_to(commentable)`",
                _ => "expected `name = Model` or `foreign_key = \"...\"`",
            }));
        }
        Ok(())
    })?;
    let Some((name, target)) = target else {
        return Err(meta.error(match kind {
            RelationKind::MorphTo => "a `morph_to` relation needs a name\n\nhelp: write `morph_to(commentable)` for the columns `commentable_id` and `commentable_type`",
            _ => "a relation needs a name and a model\n\nhelp: write `has_many(comments = Comment)` or `belongs_to(author = Author)`",
        }));
    };
    let target_snake = target.as_ref().and_then(type_name).map(|n| snake_case(&n));
    if kind == RelationKind::MorphMany && morph_name.is_none() {
        return Err(syn::Error::new(
            name.span(),
            "`morph_many` needs the morph name of the related model's columns\n\nhelp: add `name = \"commentable\"` for the columns `commentable_id` and `commentable_type`",
        ));
    }
    if kind == RelationKind::BelongsToMany && pivot.is_none() {
        return Err(syn::Error::new(
            name.span(),
            "`belongs_to_many` needs its pivot model\n\nhelp: add `pivot = PostTag`, a model of the pivot table",
        ));
    }
    let (foreign_key, foreign_key_span) = match foreign_key {
        Some(lit) => (lit.value(), lit.span()),
        // Laravel's conventions: `post_id` on the children of `Post`; `author_id` for `author`.
        None => match kind {
            RelationKind::HasMany | RelationKind::HasOne | RelationKind::BelongsToMany => {
                (format!("{model_snake}_id"), name.span())
            }
            RelationKind::BelongsTo => (format!("{name}_id"), name.span()),
            RelationKind::MorphTo => (format!("{name}_id"), name.span()),
            RelationKind::MorphMany => {
                let morph = morph_name
                    .as_ref()
                    .map_or_else(|| name.to_string(), LitStr::value);
                (format!("{morph}_id"), name.span())
            }
        },
    };
    let related_key = match (kind, related_key) {
        (_, Some(lit)) => lit.value(),
        (RelationKind::BelongsToMany, None) => {
            format!("{}_id", target_snake.unwrap_or_default())
        }
        (RelationKind::MorphTo, None) => format!("{name}_type"),
        (RelationKind::MorphMany, None) => {
            let morph = morph_name
                .as_ref()
                .map_or_else(|| name.to_string(), LitStr::value);
            format!("{morph}_type")
        }
        _ => String::new(),
    };
    Ok(RelationDef {
        kind,
        name,
        target,
        foreign_key,
        foreign_key_span,
        pivot,
        related_key,
    })
}

/// The last path segment of a type (`models::PostTag` → `PostTag`).
fn type_name(ty: &Type) -> Option<String> {
    last_segment(ty).map(|(name, _)| name)
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
