//! Generating the `Model` impl, the fillable input struct and the typed-column module.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use super::parse::{ModelDef, RelationKind, snake_case};
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
    let field_idents: Vec<_> = def.fields.iter().map(|f| &f.ident).collect();
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
    let values = def
        .fields
        .iter()
        .filter(|f| f.column != def.primary_key)
        .map(|f| {
            let (id, name) = (&f.ident, &f.column);
            quote!((#name, ::galaxy_orm::FieldType::to_value(&self.#id)))
        });
    let fillable: Vec<_> = def.fields.iter().filter(|f| f.fillable).collect();
    let input_fields = fillable.iter().map(|f| {
        let (id, ty) = (&f.ident, &f.ty);
        quote!(pub #id: #ty)
    });
    let input_values = fillable.iter().map(|f| {
        let (id, name) = (&f.ident, &f.column);
        quote!((#name, ::galaxy_orm::FieldType::to_value(&input.#id)))
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
        let (id, ty, name) = (&f.ident, &f.ty, &f.column);
        let doc = format!("The `{name}` column of `{table}`.");
        quote! {
            #[doc = #doc]
            #[allow(non_upper_case_globals)]
            pub const #id: ::galaxy_orm::Column<super::#ident, #ty> = ::galaxy_orm::Column::new(#name);
        }
    });
    let relation_consts = def.relations.iter().map(|r| {
        let (name, target, fk) = (&r.name, &r.target, &r.foreign_key);
        let (ty, doc) = match r.kind {
            RelationKind::HasMany => (
                quote!(::galaxy_orm::HasMany<super::#ident, #target>),
                format!(
                    "`{ident}` has many `{}` through their `{fk}`.",
                    quote!(#target)
                ),
            ),
            RelationKind::HasOne => (
                quote!(::galaxy_orm::HasOne<super::#ident, #target>),
                format!(
                    "`{ident}` has one `{}` through its `{fk}`.",
                    quote!(#target)
                ),
            ),
            RelationKind::BelongsTo => (
                quote!(::galaxy_orm::BelongsTo<super::#ident, #target>),
                format!(
                    "`{ident}` belongs to a `{}` through its `{fk}`.",
                    quote!(#target)
                ),
            ),
        };
        let ctor = match r.kind {
            RelationKind::HasMany => quote!(::galaxy_orm::HasMany::new(#fk)),
            RelationKind::HasOne => quote!(::galaxy_orm::HasOne::new(#fk)),
            RelationKind::BelongsTo => quote!(::galaxy_orm::BelongsTo::new(#fk)),
        };
        quote! {
            #[doc = #doc]
            #[allow(non_upper_case_globals)]
            pub const #name: #ty = #ctor;
        }
    });
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
                    #(#field_idents: row.get(#columns)?,)*
                })
            }

            fn key(&self) -> Self::Key {
                #key_expr
            }

            fn values(&self) -> ::std::vec::Vec<(&'static str, ::galaxy_orm::Value)> {
                ::std::vec![#(#values),*]
            }

            fn input_values(input: Self::Input) -> ::std::vec::Vec<(&'static str, ::galaxy_orm::Value)> {
                ::std::vec![#(#input_values),*]
            }

            fn touch(&mut self, #now: ::galaxy_orm::__private::OffsetDateTime, creating: bool) {
                #touch
            }
        }

        #(#errors)*
    }
}
