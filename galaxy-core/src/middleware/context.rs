//! The type-level list of values a middleware chain provides, and membership in it.
//!
//! A chain's list is built by the code `app!` generates from each middleware's
//! [`Middleware::Provides`](super::Middleware::Provides); a handler argument that needs a value
//! compiles only where the list has it. The index types ([`Here`], [`There`]) are inferred: they
//! keep the two membership impls from overlapping.

use std::convert::Infallible;
use std::marker::PhantomData;

use http::StatusCode;
use http::request::Parts;

use crate::extract::{Context, FromRequestParts, Rejection};

/// The empty list.
#[derive(Debug, Clone, Copy, Default)]
pub struct HNil;

/// A list with `H` in front of the list `T`.
#[derive(Debug)]
pub struct HCons<H, T>(Infallible, PhantomData<fn() -> (H, T)>);

/// Index: the value is the head of the list.
#[derive(Debug)]
pub struct Here(Infallible);

/// Index: the value is in the tail, at `I`.
#[derive(Debug)]
pub struct There<I>(Infallible, PhantomData<fn() -> I>);

/// The list contains `T` (at index `I`).
#[diagnostic::on_unimplemented(
    message = "this route's middleware chain does not provide `{T}`",
    label = "the handler asks for `{T}` here",
    note = "a context value can only be extracted behind a middleware that provides it: add the provider to the route's chain (`via ...`)",
    note = "a `Bound<M>` comes from a route parameter `{{name: M}}` of the route's own template",
    note = "the built-in providers: `RequestId` by `RequestIdLayer`, `ClientIp` by `TrustedProxies`, `CspNonce` by `SecurityHeaders`, `Session` by `SessionLayer`, `CsrfToken` by `Csrf` (the default `web` chain has all but `ClientIp`)"
)]
pub trait Has<T, I> {}

impl<T, Tail> Has<T, Here> for HCons<T, Tail> {}
impl<T, H, Tail, I> Has<T, There<I>> for HCons<H, Tail> where Tail: Has<T, I> {}

/// The list contains every element of `Values` (at the inferred indices `Is`). Asking it of a
/// list where a value appears twice is ambiguous, which is how a route whose chains provide a
/// value twice is rejected.
pub trait HasEach<Values, Is> {}

impl<L> HasEach<HNil, HNil> for L {}
impl<L, V, Vs, I, Is> HasEach<HCons<V, Vs>, HCons<I, Is>> for L where L: Has<V, I> + HasEach<Vs, Is> {}

/// A middleware's requirement `T` is provided by a middleware before it in its chain.
#[diagnostic::on_unimplemented(
    message = "this middleware needs `{T}`, which no middleware before it in the chain provides",
    label = "needs `{T}` from an earlier middleware",
    note = "put the middleware that provides `{T}` before this one in the chain"
)]
pub trait ProvidedBefore<T, I> {}

impl<T, Tail> ProvidedBefore<T, Here> for HCons<T, Tail> {}
impl<T, H, Tail, I> ProvidedBefore<T, There<I>> for HCons<H, Tail> where Tail: ProvidedBefore<T, I> {}

/// The list contains every element of `Needs`.
#[diagnostic::on_unimplemented(
    message = "this middleware needs a context value that no middleware before it in the chain provides",
    label = "its requirements `{Needs}` are not all provided before it",
    note = "put the middleware that provides the missing value (named below) before this one in the chain"
)]
pub trait ProvidesAll<Needs, Is> {}

impl<L> ProvidesAll<HNil, HNil> for L {}
impl<L, N, Ns, I, Is> ProvidesAll<HCons<N, Ns>, HCons<I, Is>> for L where
    L: ProvidedBefore<N, I> + ProvidesAll<Ns, Is>
{
}

/// The list `Self` followed by `Other`.
pub trait Append<Other> {
    /// The joined list.
    type Output;
}

impl<Other> Append<Other> for HNil {
    type Output = Other;
}

impl<H, T: Append<Other>, Other> Append<Other> for HCons<H, T> {
    type Output = HCons<H, T::Output>;
}

/// Marks the extractor impl of [`Ctx`] and of the built-in context values.
#[derive(Debug)]
pub struct ViaContext<I>(Infallible, PhantomData<fn() -> I>);

/// A value a middleware of the route's chain provides, e.g. `Ctx<UserId>` behind a middleware
/// whose `Provides` lists `UserId`. Asking for it on a route whose chain does not provide it is
/// a compile error.
#[derive(Debug, Clone)]
pub struct Ctx<T>(pub T);

impl<T> std::ops::Deref for Ctx<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Takes a provided value out of the request's extensions.
///
/// The type-level list guarantees the middleware ran; a missing value means a middleware
/// declared a value it did not insert, a bug answered with a 500 rather than a panic.
pub fn provided<T: Clone + Send + Sync + 'static>(parts: &Parts) -> Result<T, Rejection> {
    parts.extensions.get::<T>().cloned().ok_or_else(|| {
        tracing::error!(
            value = std::any::type_name::<T>(),
            "a middleware declared a context value it did not provide"
        );
        Rejection::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal server error",
            false,
        )
    })
}

impl<Cx, T, I> FromRequestParts<Cx, ViaContext<I>> for Ctx<T>
where
    Cx: Context,
    Cx::Provided: Has<T, I>,
    T: Clone + Send + Sync + 'static,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _: &Cx) -> Result<Self, Rejection> {
        provided(parts).map(Ctx)
    }
}

/// Implements the extractor for a type a middleware provides, so handlers take it directly
/// (`session: Session`) rather than as `Ctx<Session>`.
#[macro_export]
macro_rules! context_value {
    ($ty:ty) => {
        impl<Cx, I> $crate::FromRequestParts<Cx, $crate::middleware::ViaContext<I>> for $ty
        where
            Cx: $crate::extract::Context,
            Cx::Provided: $crate::middleware::Has<$ty, I>,
        {
            type Rejection = $crate::extract::Rejection;

            async fn from_request_parts(
                parts: &mut $crate::http::request::Parts,
                _: &Cx,
            ) -> ::core::result::Result<Self, Self::Rejection> {
                $crate::middleware::__provided(parts)
            }
        }
    };
}
