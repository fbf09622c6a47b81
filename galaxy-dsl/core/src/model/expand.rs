//! Generating the `Model` impl, the fillable input struct and the typed-column module.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::parse::{FieldDef, ModelDef, RelationDef, RelationKind, snake_case};
use super::validate::Checked;

/// The expansion; `checked.errors` are appended as `compile_error!`s after the items, so a
/// wrong column is reported once instead of breaking every use of the model.
pub(crate) fn expand(def: &ModelDef, checked: &Checked) -> TokenStream {
    let ident = &def.ident;
    let vis = &def.vis;
    let table = &def.table;
    let primary_key = &def.primary_key;
    let timestamps = def.timestamps;
    let input_ident = format_ident!("New{}", ident);
    let module = format_ident!("{}", snake_case(&ident.to_string()));

    let columns: Vec<String> = def.fields.iter().map(|f| f.column.clone()).collect();
    let key_field = def.fields.iter().find(|f| f.column == def.primary_key);
    let (key_ty, key_ident) = match key_field {
        Some(f) => {
            let (ty, id) = (&f.ty, &f.ident);
            (quote!(#ty), quote!(#id))
        }
        // Reported by validation; `()` keeps the rest of the expansion well-formed.
        None => (quote!(i64), quote!(__galaxy_missing_key)),
    };
    let key_expr = if key_field.is_some() {
        quote!(::core::clone::Clone::clone(&self.#key_ident))
    } else {
        quote!(::core::unreachable!("model has no primary key"))
    };
    let values: Vec<TokenStream> = def
        .fields
        .iter()
        .filter(|f| f.column != def.primary_key)
        .map(|f| {
            let (id, name) = (&f.ident, &f.column);
            let value = value_expr(f, &quote!(self.#id));
            let kind = stored_kind(f);
            quote!((#name, (|| -> ::galaxy_orm::Result<::galaxy_orm::Value> { ::core::result::Result::Ok(#value) })().unwrap_or(::galaxy_orm::Value::Null(#kind))))
        })
        .collect();
    let try_values = def
        .fields
        .iter()
        .filter(|f| f.column != def.primary_key)
        .map(|f| {
            let (id, name) = (&f.ident, &f.column);
            let value = value_expr(f, &quote!(self.#id));
            quote!((#name, #value))
        });
    let value_of_arms = def.fields.iter().map(|f| {
        let (id, name) = (&f.ident, &f.column);
        let value = value_expr(f, &quote!(self.#id));
        let kind = stored_kind(f);
        quote!(#name => (|| -> ::galaxy_orm::Result<::galaxy_orm::Value> { ::core::result::Result::Ok(#value) })().unwrap_or(::galaxy_orm::Value::Null(#kind)))
    });
    let fillable: Vec<_> = def.fields.iter().filter(|f| f.fillable).collect();
    let input_fields = fillable.iter().map(|f| {
        let (id, ty) = (&f.ident, &f.ty);
        quote!(pub #id: #ty)
    });
    let input_values: Vec<TokenStream> = fillable
        .iter()
        .map(|f| {
            let (id, name) = (&f.ident, &f.column);
            let value = value_expr(f, &quote!(input.#id));
            let kind = stored_kind(f);
            quote!((#name, (|| -> ::galaxy_orm::Result<::galaxy_orm::Value> { ::core::result::Result::Ok(#value) })().unwrap_or(::galaxy_orm::Value::Null(#kind))))
        })
        .collect();
    let try_input_values = fillable.iter().map(|f| {
        let (id, name) = (&f.ident, &f.column);
        let value = value_expr(f, &quote!(input.#id));
        quote!((#name, #value))
    });
    // The model's own SELECT lists `COLUMNS`, in field order: field `i` is column `i`, which
    // `get_at` checks with one comparison instead of looking the name up in every row, and
    // which `from_row_in_order` takes as read (its caller checked the result's columns once).
    let read_fields = |at: fn(usize) -> Column| {
        def.fields
            .iter()
            .enumerate()
            .map(move |(i, f)| {
                let (id, column) = (&f.ident, &f.column);
                let read = read_expr(f, &quote!(#column), at(i));
                quote!(#id: #read)
            })
            .collect::<Vec<_>>()
    };
    let read_fields_in_order = read_fields(Column::InOrder);
    let read_fields = read_fields(Column::At);
    // Aliased columns follow another model's: their positions are not known here.
    let read_fields_aliased = def.fields.iter().map(|f| {
        let (id, column) = (&f.ident, &f.column);
        let read = read_expr(
            f,
            &quote!(&::std::format!("{}{}", alias, #column)),
            Column::Named,
        );
        quote!(#id: #read)
    });
    let cast_checks = def.fields.iter().filter_map(|f| {
        let cast = f.cast.as_ref()?;
        let column = checked.casts.iter().find(|c| c.column == f.column)?;
        let (kind, message) = (column.kind, &column.message);
        let stored = cast_stored(f)?;
        Some(quote_spanned! {cast.span()=>
            const _: () = if !::galaxy_orm::__private::kind_fits(
                <#stored as ::galaxy_orm::FieldType>::KIND,
                #kind,
            ) {
                ::core::panic!(#message)
            };
        })
    });
    let soft_delete = if def.soft_deletes {
        quote!(::core::option::Option::Some("deleted_at"))
    } else {
        quote!(::core::option::Option::None)
    };
    let now = quote::quote_spanned!(Span::mixed_site()=> now);
    let touch = if def.timestamps {
        quote! {
            self.updated_at = ::core::convert::From::from(#now);
            if creating {
                self.created_at = ::core::convert::From::from(#now);
            }
        }
    } else {
        quote!(let _ = (#now, creating);)
    };
    let column_consts = def.fields.iter().map(|f| {
        let (id, name) = (&f.ident, &f.column);
        let ty = column_type(f);
        let doc = format!("The `{name}` column of `{table}`.");
        quote! {
            #[doc = #doc]
            #[allow(non_upper_case_globals)]
            pub const #id: ::galaxy_orm::Column<super::#ident, #ty> = ::galaxy_orm::Column::new(#name);
        }
    });
    let relation_consts = def.relations.iter().map(|r| relation_const(def, r));
    let relation_checks = def.relations.iter().filter_map(relation_check);
    let module_doc = format!("Typed columns of [`{ident}`], for its queries.");
    let input_doc = format!("The fillable fields of [`{ident}`]: what `{ident}::create` accepts.");
    let watched = checked.files.iter().filter_map(|p| p.to_str()).map(|p| {
        quote!(
            const _: &[u8] = ::core::include_bytes!(#p);
        )
    });
    let errors = checked.errors.iter().map(syn::Error::to_compile_error);

    quote! {
        #[doc = #input_doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::galaxy_orm::__private::serde::Deserialize)]
        #[serde(crate = "::galaxy_orm::__private::serde")]
        #vis struct #input_ident {
            #(#input_fields,)*
        }

        #[doc = #module_doc]
        #vis mod #module {
            #[allow(unused_imports)]
            use super::*;
            #(#column_consts)*
            #(#relation_consts)*
        }

        // Rebuild when a migration changes: the derive read these files.
        #(#watched)*

        impl ::galaxy_orm::Model for #ident {
            const TABLE: &'static str = #table;
            const PRIMARY_KEY: &'static str = #primary_key;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const TIMESTAMPS: bool = #timestamps;
            const SOFT_DELETE: ::core::option::Option<&'static str> = #soft_delete;
            type Key = #key_ty;
            type Input = #input_ident;

            fn from_row(row: &::galaxy_orm::Row) -> ::galaxy_orm::Result<Self> {
                ::core::result::Result::Ok(Self {
                    #(#read_fields,)*
                })
            }

            fn from_row_in_order(row: &::galaxy_orm::Row) -> ::galaxy_orm::Result<Self> {
                ::core::result::Result::Ok(Self {
                    #(#read_fields_in_order,)*
                })
            }

            fn from_row_aliased(row: &::galaxy_orm::Row, alias: &str) -> ::galaxy_orm::Result<Self> {
                ::core::result::Result::Ok(Self {
                    #(#read_fields_aliased,)*
                })
            }

            fn key(&self) -> Self::Key {
                #key_expr
            }

            fn value_of(&self, column: &str) -> ::core::option::Option<::galaxy_orm::Value> {
                ::core::option::Option::Some(match column {
                    #(#value_of_arms,)*
                    _ => return ::core::option::Option::None,
                })
            }

            fn values(&self) -> ::std::vec::Vec<(&'static str, ::galaxy_orm::Value)> {
                ::std::vec![#(#values),*]
            }

            fn input_values(input: Self::Input) -> ::std::vec::Vec<(&'static str, ::galaxy_orm::Value)> {
                ::std::vec![#(#input_values),*]
            }

            fn try_values(&self) -> ::galaxy_orm::Result<::std::vec::Vec<(&'static str, ::galaxy_orm::Value)>> {
                ::core::result::Result::Ok(::std::vec![#(#try_values),*])
            }

            fn try_input_values(input: Self::Input) -> ::galaxy_orm::Result<::std::vec::Vec<(&'static str, ::galaxy_orm::Value)>> {
                ::core::result::Result::Ok(::std::vec![#(#try_input_values),*])
            }

            fn touch(&mut self, #now: ::galaxy_orm::__private::OffsetDateTime, creating: bool) {
                #touch
            }
        }

        // The columns relations name on other models exist there (checked once those models'
        // derives have run, as constants).
        #(#relation_checks)*
        // Each cast stores a type that fits its column.
        #(#cast_checks)*

        #(#errors)*
    }
}

/// The type a cast field's cast stores (without the field's `Option`), or `None` for a plain
/// field.
fn cast_stored(f: &FieldDef) -> Option<TokenStream> {
    let cast = f.cast.as_ref()?;
    let ty = f.cast_inner.as_ref().unwrap_or(&f.ty);
    // Spanned on the cast, so that "`Title` is not serde" points at `cast = Json`.
    Some(quote_spanned!(cast.span()=> <#cast as ::galaxy_orm::Cast<#ty>>::Stored))
}

/// The type of the field's typed column: its own type, or what its cast stores.
fn column_type(f: &FieldDef) -> TokenStream {
    match (cast_stored(f), &f.cast_inner) {
        (Some(stored), Some(_)) => quote!(::core::option::Option<#stored>),
        (Some(stored), None) => stored,
        (None, _) => {
            let ty = &f.ty;
            quote!(#ty)
        }
    }
}

/// The `Kind` of the field's stored value, for a `NULL` of it.
fn stored_kind(f: &FieldDef) -> TokenStream {
    let ty = column_type(f);
    quote!(<#ty as ::galaxy_orm::FieldType>::KIND)
}

/// The field's value as a `Value` (with `?` on a cast's encoding), from `place`.
fn value_expr(f: &FieldDef, place: &TokenStream) -> TokenStream {
    let Some(stored) = cast_stored(f) else {
        return quote!(::galaxy_orm::FieldType::to_value(&#place));
    };
    let cast = &f.cast;
    let ty = f.cast_inner.as_ref().unwrap_or(&f.ty);
    let encode = quote!(<#cast as ::galaxy_orm::Cast<#ty>>::encode);
    if f.cast_inner.is_some() {
        quote!(match &#place {
            ::core::option::Option::Some(value) => ::galaxy_orm::FieldType::to_value(&#encode(value)?),
            ::core::option::Option::None => ::galaxy_orm::Value::Null(<#stored as ::galaxy_orm::FieldType>::KIND),
        })
    } else {
        quote!(::galaxy_orm::FieldType::to_value(&#encode(&#place)?))
    }
}

/// Where a field's column is in the row it is read from.
#[derive(Clone, Copy)]
enum Column {
    /// At this position, already checked for the whole result.
    InOrder(usize),
    /// Expected at this position, checked by name.
    At(usize),
    /// Anywhere: found by name.
    Named,
}

/// Reads the field from `row`'s column `name` (through its cast, if any), at `column`.
fn read_expr(f: &FieldDef, name: &TokenStream, column: Column) -> TokenStream {
    let get = |ty: TokenStream| match column {
        Column::InOrder(i) => quote!(row.get_in_order::<#ty>(#i, #name)?),
        Column::At(i) => quote!(row.get_at::<#ty>(#i, #name)?),
        Column::Named => quote!(row.get::<#ty>(#name)?),
    };
    let Some(stored) = cast_stored(f) else {
        return get(quote!(_));
    };
    let cast = &f.cast;
    let ty = f.cast_inner.as_ref().unwrap_or(&f.ty);
    let decode = quote!(<#cast as ::galaxy_orm::Cast<#ty>>::decode);
    if f.cast_inner.is_some() {
        let read = get(quote!(::core::option::Option<#stored>));
        quote!(match #read {
            ::core::option::Option::Some(stored) => ::core::option::Option::Some(#decode(stored)?),
            ::core::option::Option::None => ::core::option::Option::None,
        })
    } else {
        let read = get(stored);
        quote!(#decode(#read)?)
    }
}

/// The constant `<model>::<relation>`: a relation descriptor.
fn relation_const(def: &ModelDef, r: &RelationDef) -> TokenStream {
    let ident = &def.ident;
    let (name, fk, rk) = (&r.name, &r.foreign_key, &r.related_key);
    let target = r.target.as_ref().map(|t| quote!(#t));
    let target_name = target.as_ref().map(ToString::to_string).unwrap_or_default();
    let (ty, ctor, doc) = match r.kind {
        RelationKind::HasMany => (
            quote!(::galaxy_orm::HasMany<super::#ident, #target>),
            quote!(::galaxy_orm::HasMany::new(#fk)),
            format!("`{ident}` has many `{target_name}` through their `{fk}`."),
        ),
        RelationKind::HasOne => (
            quote!(::galaxy_orm::HasOne<super::#ident, #target>),
            quote!(::galaxy_orm::HasOne::new(#fk)),
            format!("`{ident}` has one `{target_name}` through its `{fk}`."),
        ),
        RelationKind::BelongsTo => (
            quote!(::galaxy_orm::BelongsTo<super::#ident, #target>),
            quote!(::galaxy_orm::BelongsTo::new(#fk)),
            format!("`{ident}` belongs to a `{target_name}` through its `{fk}`."),
        ),
        RelationKind::BelongsToMany => {
            let pivot = &r.pivot;
            (
                quote!(::galaxy_orm::BelongsToMany<super::#ident, #target, #pivot>),
                quote!(::galaxy_orm::BelongsToMany::new(#fk, #rk)),
                format!(
                    "`{ident}` belongs to many `{target_name}` through the pivot `{}` (`{fk}`, `{rk}`).",
                    quote!(#pivot)
                ),
            )
        }
        RelationKind::MorphMany => (
            quote!(::galaxy_orm::MorphMany<super::#ident, #target>),
            quote!(::galaxy_orm::MorphMany::new(#rk, #fk)),
            format!("`{ident}` has many `{target_name}` through their `{rk}` and `{fk}`."),
        ),
        RelationKind::MorphTo => (
            quote!(::galaxy_orm::MorphTo<super::#ident>),
            quote!(::galaxy_orm::MorphTo::new(#rk, #fk)),
            format!("`{ident}` belongs to a row of any model named by its `{rk}` and `{fk}`."),
        ),
    };
    quote! {
        #[doc = #doc]
        #[allow(non_upper_case_globals)]
        pub const #name: #ty = #ctor;
    }
}

/// A constant that fails to evaluate, with a message naming the relation, when a column it
/// names on another model (the children's foreign key, the pivot's keys) is not a column of
/// that model.
fn relation_check(r: &RelationDef) -> Option<TokenStream> {
    let (model, columns): (&syn::Type, Vec<&String>) = match r.kind {
        RelationKind::HasMany | RelationKind::HasOne => (r.target.as_ref()?, vec![&r.foreign_key]),
        RelationKind::MorphMany => (r.target.as_ref()?, vec![&r.foreign_key, &r.related_key]),
        RelationKind::BelongsToMany => (r.pivot.as_ref()?, vec![&r.foreign_key, &r.related_key]),
        RelationKind::BelongsTo | RelationKind::MorphTo => return None,
    };
    let checks = columns.into_iter().map(|column| {
        let message = format!(
            "relation `{}` names column `{column}` of `{}`, which has no such column\n\nhelp: name the column with {}, or add it to `{}` and its migration",
            r.name,
            quote!(#model),
            match r.kind {
                RelationKind::BelongsToMany => "`foreign_key = \"...\"` or `related_key = \"...\"`",
                RelationKind::MorphMany => "`name = \"...\"`",
                _ => "`foreign_key = \"...\"`",
            },
            quote!(#model),
        );
        quote_spanned! {model.span()=>
            const _: () = if !::galaxy_orm::__private::has_column(
                <#model as ::galaxy_orm::Model>::COLUMNS,
                #column,
            ) {
                ::core::panic!(#message)
            };
        }
    });
    Some(quote!(#(#checks)*))
}
