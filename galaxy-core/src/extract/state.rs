use std::convert::Infallible;

use http::request::Parts;

use super::{Context, FromRequestParts};

/// The application state, or a part of it (anything that implements [`FromRef`] for it).
#[derive(Debug, Clone, Copy, Default)]
pub struct State<T>(pub T);

impl<T> std::ops::Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Takes a `Self` out of a reference to the application state `S`, e.g. one pool of a state
/// that holds several.
pub trait FromRef<S> {
    /// Takes the value.
    fn from_ref(state: &S) -> Self;
}

impl<T: Clone> FromRef<T> for T {
    fn from_ref(state: &T) -> T {
        state.clone()
    }
}

impl<Cx, T> FromRequestParts<Cx> for State<T>
where
    Cx: Context,
    T: FromRef<Cx::State>,
{
    type Rejection = Infallible;

    async fn from_request_parts(_: &mut Parts, cx: &Cx) -> Result<Self, Infallible> {
        Ok(State(T::from_ref(cx.state())))
    }
}
