//! Galaxy's procedural macros. Everything happens in `galaxy-dsl-core`; this crate only hands
//! token streams across the proc-macro boundary.

/// Declares an application: its state, and its routes. See `galaxy_core::app!`'s guide.
#[proc_macro]
pub fn app(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    galaxy_dsl_core::app(input.into()).into()
}

/// Derives `galaxy_orm::Model` for a struct, checking every field against the crate's
/// migrations (`migrations/*.up.sql`, or `#[galaxy(migrations = "...")]` relative to the file).
/// See `galaxy_orm::Model`.
#[proc_macro_derive(Model, attributes(galaxy))]
pub fn derive_model(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let source_file = proc_macro::Span::call_site().local_file();
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    galaxy_dsl_core::derive_model(
        input.into(),
        source_file.as_deref(),
        manifest_dir.as_deref(),
    )
    .into()
}

/// See `galaxy_orm::embed_migrations!`.
#[proc_macro]
pub fn embed_migrations(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let source_file = proc_macro::Span::call_site().local_file();
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    galaxy_dsl_core::embed_migrations(
        input.into(),
        source_file.as_deref(),
        manifest_dir.as_deref(),
    )
    .into()
}
