//! Galaxy's procedural macros. Everything happens in `galaxy-dsl-core`; this crate only hands
//! token streams across the proc-macro boundary.

/// Declares an application: its state, and its routes. See `galaxy_core::app!`'s guide.
#[proc_macro]
pub fn app(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    galaxy_dsl_core::app(input.into()).into()
}
