//! Galaxy's runtime error type, and the one place internal errors become a 500.

use std::fmt;
use std::net::SocketAddr;

use http::{HeaderValue, StatusCode};

use crate::error_pages::{ErrorPage, Format};
use crate::response::{IntoResponse, Response};
use crate::{BoxError, request_id};

/// A `Result` whose error defaults to Galaxy's [`Error`]; handlers may return it.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong in the runtime, or in a handler that returns `Result<_, Error>`.
///
/// As a response, [`Error::Status`] answers with its status and message; every other variant is
/// an internal error: it is logged with a request id and answered with a 500 that shows the id
/// and nothing else.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listener could not bind its address.
    #[error("could not listen on {addr}: {source}")]
    Bind {
        /// The address that was asked for.
        addr: SocketAddr,
        /// Why binding failed.
        source: std::io::Error,
    },
    /// An I/O error outside a single connection (e.g. building the runtime).
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The server configuration is not usable.
    #[error("invalid server configuration: {0}")]
    Config(String),
    /// A client-facing error with the status to answer and a message that is safe to show.
    #[error("{status}: {message}")]
    Status {
        /// The response status.
        status: StatusCode,
        /// A short message for the client.
        message: String,
    },
    /// Any other failure inside a handler; its details are logged, never sent.
    #[error("internal error: {0}")]
    Internal(BoxError),
}

impl Error {
    /// A client-facing error: `status` with a message that is safe to show.
    pub fn status(status: StatusCode, message: impl Into<String>) -> Self {
        Self::Status {
            status,
            message: message.into(),
        }
    }

    /// `404 Not Found`.
    pub fn not_found() -> Self {
        Self::status(StatusCode::NOT_FOUND, "not found")
    }

    /// An internal error (answered with a 500 that shows only a request id).
    pub fn internal(err: impl Into<BoxError>) -> Self {
        Self::Internal(err.into())
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match self {
            Self::Status { status, message } => {
                // The message as it is (the body handlers have always had), marked so that
                // `ErrorPages` renders it in the app's look.
                let page = ErrorPage::new(status, message.as_str());
                let mut res = (status, message).into_response();
                crate::error_pages::mark(&mut res, page);
                res
            }
            other => internal_error(&other),
        }
    }
}

/// Logs `err` under a fresh request id and answers `500` with that id and nothing else.
pub(crate) fn internal_error(err: &dyn fmt::Display) -> Response {
    let id = request_id::generate();
    tracing::error!(request_id = %id, error = %err, "internal server error");
    internal_error_page(&id, Some(err.to_string()))
}

/// Logs a handler's panic under `request_id` (a fresh one when `None`) and answers `500` with
/// the id and nothing of the panic: what the pipeline, `CatchPanic` and `SecurityHeaders` all
/// answer when the code they wrap panics.
pub(crate) fn panic_response(
    panic: &(dyn std::any::Any + Send),
    request_id: Option<&str>,
) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic with a non-string payload");
    let id = request_id.map_or_else(request_id::generate, str::to_owned);
    tracing::error!(request_id = %id, panic = message, "handler panicked");
    internal_error_page(&id, Some(format!("panic: {message}")))
}

/// `500` showing `request_id` and nothing else; `detail` (the error, the panic) is kept aside
/// for [`ErrorPages`](crate::error_pages::ErrorPages) in development mode.
fn internal_error_page(request_id: &str, detail: Option<String>) -> Response {
    let mut page = ErrorPage::new(StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
        .with_request_id(request_id);
    if let Some(detail) = detail {
        page = page.with_detail(detail);
    }
    let mut res = page.render(Format::Text);
    if let Ok(value) = HeaderValue::from_str(request_id) {
        res.headers_mut().insert(request_id::HEADER, value);
    }
    res
}

/// A response with `status` and a short plain-text body; used for the runtime's own answers
/// (404, 405, 413, 414, ...).
///
/// The response carries its [`ErrorPage`], so an app's error pages render it in their look.
pub(crate) fn plain(status: StatusCode, message: &'static str) -> Response {
    ErrorPage::new(status, message.trim_end()).render(Format::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_show_only_a_request_id() {
        let res = Error::internal("database password is hunter2").into_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(res.headers().contains_key(request_id::HEADER));
    }

    #[test]
    fn status_errors_show_their_message() {
        let res = Error::status(StatusCode::CONFLICT, "taken").into_response();
        assert_eq!(res.status(), StatusCode::CONFLICT);
    }
}
