//! `Bound<M>`: the value a route parameter was bound to before the handler ran, e.g. the `Post`
//! of `GET "/posts/{post: Post}"`.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use http::request::Parts;

use super::{Context, FromRequestParts, Rejection};
use crate::middleware::{Has, ViaContext};

/// The model a route parameter such as `{post: Post}` was bound to.
///
/// The routes DSL looks the value up before authorization and the handler run (a missing row
/// answers 404), so the handler only takes it: `async fn show(post: Bound<Post>)`. Asking for a
/// `Bound<Post>` on a route that binds no `Post` is a compile error.
///
/// It derefs to the model; [`Bound::into_inner`] takes the model out.
pub struct Bound<M>(Arc<M>);

impl<M> Bound<M> {
    /// Wraps a bound value. Called by the code `app!` generates.
    pub fn new(value: M) -> Self {
        Self(Arc::new(value))
    }

    /// The model itself (cloned only if something else still shares it, which the framework
    /// does not).
    pub fn into_inner(self) -> M
    where
        M: Clone,
    {
        Arc::unwrap_or_clone(self.0)
    }
}

// By hand: a derive would ask `M: Clone` where only the `Arc` is cloned.
impl<M> Clone for Bound<M> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<M: fmt::Debug> fmt::Debug for Bound<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Bound").field(&self.0).finish()
    }
}

impl<M> Deref for Bound<M> {
    type Target = M;
    fn deref(&self) -> &M {
        &self.0
    }
}

impl<Cx, M, I> FromRequestParts<Cx, ViaContext<I>> for Bound<M>
where
    Cx: Context,
    Cx::Provided: Has<Bound<M>, I>,
    M: Send + Sync + 'static,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _: &Cx) -> Result<Self, Rejection> {
        crate::middleware::__provided(parts)
    }
}
