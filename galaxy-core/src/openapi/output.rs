//! What handler return types add to an operation: status codes and response bodies.

use std::borrow::Cow;
use std::convert::Infallible;

use schemars::JsonSchema;
use serde_json::json;

use super::Operation;
use crate::extract::Rejection;
use crate::validation::ValidationRejection;
use crate::{Body, Bytes, Error, HeaderMap, Html, Json, Markup, Redirect, Response, StatusCode};

/// A handler return type that can be described in an OpenAPI operation.
///
/// # Example
///
/// ```
/// use galaxy_core::openapi::{Operation, OperationOutput};
/// use galaxy_core::{IntoResponse, Response, StatusCode};
///
/// /// Answers `204 No Content`.
/// struct Deleted;
///
/// impl IntoResponse for Deleted {
///     fn into_response(self) -> Response {
///         StatusCode::NO_CONTENT.into_response()
///     }
/// }
///
/// impl OperationOutput for Deleted {
///     fn describe(op: &mut Operation<'_>) {
///         op.response("204", "deleted", None);
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no OpenAPI description",
    label = "this return type cannot be described in the app's OpenAPI document",
    note = "implement `galaxy_core::openapi::OperationOutput` for it, or derive `JsonSchema` for the type it answers with (`#[derive(galaxy_core::schemars::JsonSchema)]`)"
)]
pub trait OperationOutput {
    /// Adds the responses this type answers with to `op`.
    fn describe(op: &mut Operation<'_>);
}

fn string() -> serde_json::Value {
    json!({ "type": "string" })
}

impl<T: JsonSchema> OperationOutput for Json<T> {
    fn describe(op: &mut Operation<'_>) {
        let schema = op.schema_for::<T>();
        op.response("200", "a JSON answer", Some(("application/json", schema)));
    }
}

impl<T> OperationOutput for Html<T> {
    fn describe(op: &mut Operation<'_>) {
        op.response("200", "an HTML page", Some(("text/html", string())));
    }
}

impl OperationOutput for Markup {
    fn describe(op: &mut Operation<'_>) {
        op.response("200", "an HTML page", Some(("text/html", string())));
    }
}

macro_rules! text_output {
    ($($ty:ty),+) => {$(
        impl OperationOutput for $ty {
            fn describe(op: &mut Operation<'_>) {
                op.response("200", "a text answer", Some(("text/plain", string())));
            }
        }
    )+};
}

text_output!(String, &'static str, Cow<'static, str>);

macro_rules! bytes_output {
    ($($ty:ty),+) => {$(
        impl OperationOutput for $ty {
            fn describe(op: &mut Operation<'_>) {
                let schema = json!({ "type": "string", "contentMediaType": "application/octet-stream" });
                op.response("200", "bytes", Some(("application/octet-stream", schema)));
            }
        }
    )+};
}

bytes_output!(Bytes, Vec<u8>, &'static [u8]);

impl OperationOutput for () {
    fn describe(op: &mut Operation<'_>) {
        op.response("200", "an empty answer", None);
    }
}

impl OperationOutput for HeaderMap {
    fn describe(op: &mut Operation<'_>) {
        op.response("200", "an empty answer with headers", None);
    }
}

impl OperationOutput for Infallible {
    fn describe(_: &mut Operation<'_>) {}
}

/// A status chosen at run time, or a response built by hand: any status, any body.
macro_rules! any_output {
    ($($ty:ty),+) => {$(
        impl OperationOutput for $ty {
            fn describe(op: &mut Operation<'_>) {
                op.response("default", "an answer whose status the handler chooses", None);
            }
        }
    )+};
}

any_output!(StatusCode, Response, Body);

impl OperationOutput for Redirect {
    fn describe(op: &mut Operation<'_>) {
        op.response("3XX", "a redirect", None);
        op.response_header("3XX", "Location", "where to go");
    }
}

impl<T: OperationOutput, E: OperationOutput> OperationOutput for Result<T, E> {
    fn describe(op: &mut Operation<'_>) {
        T::describe(op);
        E::describe(op);
    }
}

/// `(StatusCode, T)`: `T`'s body under a status chosen at run time.
impl<T: OperationOutput> OperationOutput for (StatusCode, T) {
    fn describe(op: &mut Operation<'_>) {
        op.with_status("default", T::describe);
    }
}

impl OperationOutput for Error {
    fn describe(op: &mut Operation<'_>) {
        op.error("4XX", "an error the handler answers with");
        op.error("5XX", "an internal error (only a request id is shown)");
    }
}

impl OperationOutput for Rejection {
    fn describe(op: &mut Operation<'_>) {
        op.error("4XX", "the request cannot be read");
    }
}

impl OperationOutput for ValidationRejection {
    fn describe(op: &mut Operation<'_>) {
        op.error(
            "422",
            "the input does not validate; `errors` maps fields to messages",
        );
    }
}
