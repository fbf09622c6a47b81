use std::borrow::Cow;

use http::{HeaderValue, StatusCode, header};

use crate::Body;
use crate::response::{IntoResponse, Response};

/// Why an extractor refused a request: a 4xx status and a short message, answered as JSON
/// (`{"error": "..."}`) when the client speaks JSON and as plain text otherwise.
#[derive(Debug, Clone)]
pub struct Rejection {
    status: StatusCode,
    message: Cow<'static, str>,
    json: bool,
}

impl Rejection {
    /// A rejection with `status` and `message`; `json` picks the body format.
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>, json: bool) -> Self {
        Self {
            status,
            message: message.into(),
            json,
        }
    }

    /// A rejection that answers in the format the request's headers ask for.
    pub fn for_request(
        headers: &http::HeaderMap,
        status: StatusCode,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(status, message, super::wants_json(headers))
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
        let (body, content_type) = if self.json {
            let body = serde_json::json!({ "error": self.message }).to_string();
            (body, "application/json")
        } else {
            (format!("{}\n", self.message), "text/plain; charset=utf-8")
        };
        let mut res = Response::new(Body::from(body));
        *res.status_mut() = self.status;
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        res
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
