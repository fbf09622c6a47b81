//! What a route's middleware may answer on its own (a 429 from a rate limit, a 403 from CSRF
//! protection), so the document lists it.

use std::marker::PhantomData;

use super::Operation;
use crate::middleware::{
    ConcurrencyLimit, Csrf, IpFilter, MaintenanceMode, RateLimit, SessionLayer, Timeout,
};

/// A middleware whose own answers can be described in an OpenAPI operation.
///
/// Optional: a middleware without it adds nothing to the document (it is not an error), so
/// implement it for middleware that answers requests itself.
///
/// # Example
///
/// ```
/// use galaxy_core::openapi::{DescribeMiddleware, Operation};
///
/// /// Answers 401 to requests without a valid `Authorization` header.
/// struct BearerAuth;
///
/// impl DescribeMiddleware for BearerAuth {
///     fn describe(op: &mut Operation<'_>) {
///         op.error("401", "no valid bearer token");
///     }
/// }
/// ```
pub trait DescribeMiddleware {
    /// Adds the responses this middleware answers with to `op`.
    fn describe(op: &mut Operation<'_>);
}

impl DescribeMiddleware for Csrf {
    fn describe(op: &mut Operation<'_>) {
        op.error(
            "403",
            "the CSRF token is missing or does not match the session",
        );
    }
}

impl DescribeMiddleware for RateLimit {
    fn describe(op: &mut Operation<'_>) {
        op.error(
            "429",
            "too many requests; `Retry-After` says when to come back",
        );
        op.error("503", "the rate limit store is unavailable");
    }
}

impl DescribeMiddleware for ConcurrencyLimit {
    fn describe(op: &mut Operation<'_>) {
        op.error("503", "too many requests in flight");
    }
}

impl DescribeMiddleware for Timeout {
    fn describe(op: &mut Operation<'_>) {
        op.error("408", "the request took too long to arrive");
        op.error("503", "the answer took too long");
    }
}

impl DescribeMiddleware for MaintenanceMode {
    fn describe(op: &mut Operation<'_>) {
        op.error("503", "the app is down for maintenance");
    }
}

impl DescribeMiddleware for IpFilter {
    fn describe(op: &mut Operation<'_>) {
        op.error("403", "the client's address is not allowed");
    }
}

impl DescribeMiddleware for SessionLayer {
    fn describe(op: &mut Operation<'_>) {
        op.error("503", "the session store is unavailable");
    }
}

/// Lets generated code describe a chain's middleware when it implements
/// [`DescribeMiddleware`] and skip it otherwise, without requiring the trait of every
/// middleware (method resolution prefers [`Described`] on `&MiddlewareProbe<M>`, and falls back
/// to [`Undescribed`] one auto-reference later).
#[doc(hidden)]
#[derive(Debug)]
pub struct MiddlewareProbe<M>(PhantomData<fn() -> M>);

impl<M> MiddlewareProbe<M> {
    /// A probe for `M`.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

#[doc(hidden)]
pub trait Described {
    fn describe_into(&self, op: &mut Operation<'_>);
}

impl<M: DescribeMiddleware> Described for MiddlewareProbe<M> {
    fn describe_into(&self, op: &mut Operation<'_>) {
        M::describe(op);
    }
}

#[doc(hidden)]
pub trait Undescribed {
    fn describe_into(&self, _: &mut Operation<'_>) {}
}

impl<M> Undescribed for &MiddlewareProbe<M> {}
