use std::borrow::Cow;

use http::StatusCode;

use crate::error_pages::{ErrorPage, Format};
use crate::response::{IntoResponse, Response};

/// Why an extractor refused a request: a 4xx status and a short message, answered as an
/// [error page](crate::error_pages) in the format the client negotiated: JSON
/// (`{"error": "..."}`), HTML or plain text.
#[derive(Debug, Clone)]
pub struct Rejection {
    status: StatusCode,
    message: Cow<'static, str>,
    format: Format,
}

impl Rejection {
    /// A rejection with `status` and `message`; `json` picks JSON over plain text.
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>, json: bool) -> Self {
        let format = if json { Format::Json } else { Format::Text };
        Self::with_format(status, message, format)
    }

    /// A rejection answered in `format`.
    pub fn with_format(
        status: StatusCode,
        message: impl Into<Cow<'static, str>>,
        format: Format,
    ) -> Self {
        Self {
            status,
            message: message.into(),
            format,
        }
    }

    /// A rejection that answers in the format the request's headers ask for
    /// ([`Format::negotiate`]).
    pub fn for_request(
        headers: &http::HeaderMap,
        status: StatusCode,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::with_format(status, message, Format::negotiate(headers))
    }

    /// The status it answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message it answers with.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let message: std::sync::Arc<str> = match self.message {
            Cow::Borrowed(message) => message.into(),
            Cow::Owned(message) => message.into(),
        };
        ErrorPage::new(self.status, message).render(self.format)
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl std::error::Error for Rejection {}

/// So that a handler returning [`crate::Result`] can use `?` on a rejection (e.g. from
/// [`Multipart::fields`](super::Multipart::fields)): the same status and message.
impl From<Rejection> for crate::Error {
    fn from(rejection: Rejection) -> Self {
        crate::Error::status(rejection.status, rejection.message.into_owned())
    }
}
