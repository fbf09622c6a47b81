use std::convert::Infallible;

use http::request::Parts;

use super::{Context, FromRequestParts};

/// The route's path parameters, typed by the route template.
///
/// For `GET "/users/{id: u64}"` the handler takes `Path<u64>`; for two parameters, a tuple
/// `Path<(String, u64)>` in template order. The values were parsed while matching the route, so
/// this extractor cannot fail, and asking for a type the template does not declare is a compile
/// error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Path<T>(pub T);

impl<T> std::ops::Deref for Path<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Route parameters (a tuple, in template order) that can be extracted as `T`.
#[diagnostic::on_unimplemented(
    message = "this route's path parameters `{Self}` cannot be extracted as `Path<{T}>`",
    label = "the route template declares parameters of type `{Self}`",
    note = "a route with one parameter `{{id: u64}}` is extracted as `Path<u64>`; with several, as a tuple in template order, e.g. `Path<(String, u64)>`; change the handler's `Path` type or the parameter type in the route template"
)]
pub trait PathParams<T> {
    /// The parameters as `T`.
    fn extract(&self) -> T;
}

impl<A: Clone> PathParams<A> for (A,) {
    fn extract(&self) -> A {
        self.0.clone()
    }
}

macro_rules! tuple_params {
    ($($ty:ident),+) => {
        impl<$($ty: Clone),+> PathParams<($($ty,)+)> for ($($ty,)+) {
            fn extract(&self) -> ($($ty,)+) {
                self.clone()
            }
        }
    };
}

tuple_params!(A);
tuple_params!(A, B);
tuple_params!(A, B, C);
tuple_params!(A, B, C, D);
tuple_params!(A, B, C, D, E);
tuple_params!(A, B, C, D, E, F);
tuple_params!(A, B, C, D, E, F, G);
tuple_params!(A, B, C, D, E, F, G, H);

impl<Cx, T> FromRequestParts<Cx> for Path<T>
where
    Cx: Context,
    Cx::Params: PathParams<T>,
{
    type Rejection = Infallible;

    async fn from_request_parts(_: &mut Parts, cx: &Cx) -> Result<Self, Infallible> {
        Ok(Path(cx.params().extract()))
    }
}
