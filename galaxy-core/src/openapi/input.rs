//! What handler arguments add to an operation: query parameters, a request body, the errors
//! their extraction may answer.

use http::{Extensions, HeaderMap, Method, Uri, Version};
use schemars::JsonSchema;

use super::Operation;
use crate::middleware::{ClientIp, CspNonce, CsrfToken, Ctx, RequestId, Session};
use crate::validation::FormState;
use crate::{Body, Bytes, Cookies, Form, Json, Path, Query, Request, State, Valid};

/// A handler argument that can be described in an OpenAPI operation.
///
/// Implement it for your own extractors when your app serves an OpenAPI document; an extractor
/// that reads nothing a client sends (state, middleware values) describes nothing.
///
/// # Example
///
/// ```
/// use galaxy_core::openapi::{Operation, OperationInput};
///
/// /// An extractor of the `X-Tenant` header.
/// struct Tenant(String);
///
/// impl OperationInput for Tenant {
///     fn describe(op: &mut Operation<'_>) {
///         op.error("400", "the `X-Tenant` header is missing");
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no OpenAPI description",
    label = "this extractor cannot be described in the app's OpenAPI document",
    note = "implement `galaxy_core::openapi::OperationInput` for it, or derive `JsonSchema` for the type it reads (`#[derive(galaxy_core::schemars::JsonSchema)]`)"
)]
pub trait OperationInput {
    /// Adds what this extractor reads from the request (and the errors it answers) to `op`.
    fn describe(op: &mut Operation<'_>);
}

/// Extractors that read nothing a client chooses, or whose shape the route already says.
macro_rules! describes_nothing {
    ($($ty:ty),+ $(,)?) => {$(
        impl OperationInput for $ty {
            fn describe(_: &mut Operation<'_>) {}
        }
    )+};
}

describes_nothing!(
    HeaderMap, Method, Uri, Version, Extensions, Cookies, Request, Body, Bytes, FormState,
    RequestId, CspNonce, CsrfToken, Session, ClientIp,
);

/// Path parameters are described from the route template, which their type must match.
impl<T> OperationInput for Path<T> {
    fn describe(_: &mut Operation<'_>) {}
}

impl<T> OperationInput for State<T> {
    fn describe(_: &mut Operation<'_>) {}
}

impl<T> OperationInput for Ctx<T> {
    fn describe(_: &mut Operation<'_>) {}
}

/// A bound model's parameter, and the 404 for a missing row, come from the route template.
impl<M> OperationInput for crate::Bound<M> {
    fn describe(_: &mut Operation<'_>) {}
}

/// An optional extractor never rejects: what it would read is described, but not required.
impl<T: OperationInput> OperationInput for Option<T> {
    fn describe(op: &mut Operation<'_>) {
        op.optional(T::describe);
    }
}

impl OperationInput for String {
    fn describe(op: &mut Operation<'_>) {
        op.request_body("text/plain", serde_json::json!({ "type": "string" }));
    }
}

impl<T: JsonSchema> OperationInput for Query<T> {
    fn describe(op: &mut Operation<'_>) {
        op.query_parameters::<T>();
    }
}

impl<T: JsonSchema> OperationInput for Json<T> {
    fn describe(op: &mut Operation<'_>) {
        let schema = op.schema_for::<T>();
        op.request_body("application/json", schema);
    }
}

impl<T: JsonSchema> OperationInput for Form<T> {
    fn describe(op: &mut Operation<'_>) {
        let schema = op.schema_for::<T>();
        op.request_body("application/x-www-form-urlencoded", schema);
    }
}

/// The 422 of `Valid<_>`, with the field errors.
fn invalid(op: &mut Operation<'_>) {
    op.error(
        "422",
        "the input does not validate; `errors` maps fields to messages",
    );
}

impl<T: JsonSchema> OperationInput for Valid<Json<T>> {
    fn describe(op: &mut Operation<'_>) {
        Json::<T>::describe(op);
        invalid(op);
    }
}

impl<T: JsonSchema> OperationInput for Valid<Query<T>> {
    fn describe(op: &mut Operation<'_>) {
        Query::<T>::describe(op);
        invalid(op);
    }
}

/// A form that does not validate goes back to the page it came from, with the errors and the
/// old input flashed, unless the client asked for JSON (then it is a 422 like the others).
impl<T: JsonSchema> OperationInput for Valid<Form<T>> {
    fn describe(op: &mut Operation<'_>) {
        Form::<T>::describe(op);
        invalid(op);
        op.response(
            "303",
            "the input does not validate: back to the form, errors flashed",
            None,
        );
        op.response_header("303", "Location", "the form's page");
    }
}
