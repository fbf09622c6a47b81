use http::header::LOCATION;
use http::{HeaderValue, StatusCode};

use super::{IntoResponse, Response};
use crate::Body;

/// A redirect response. Pair it with a generated URL helper so the target is checked at compile
/// time: `Redirect::to(routes::posts::show(id))`.
#[derive(Debug, Clone)]
pub struct Redirect {
    status: StatusCode,
    location: HeaderValue,
}

impl Redirect {
    /// `303 See Other`: the usual answer to a form post ("go and GET this").
    pub fn to(uri: impl AsRef<str>) -> Self {
        Self::with_status(StatusCode::SEE_OTHER, uri.as_ref())
    }

    /// `307 Temporary Redirect`: the client repeats the same method and body.
    pub fn temporary(uri: impl AsRef<str>) -> Self {
        Self::with_status(StatusCode::TEMPORARY_REDIRECT, uri.as_ref())
    }

    /// `308 Permanent Redirect`.
    pub fn permanent(uri: impl AsRef<str>) -> Self {
        Self::with_status(StatusCode::PERMANENT_REDIRECT, uri.as_ref())
    }

    fn with_status(status: StatusCode, uri: &str) -> Self {
        // A URI with bytes a header cannot carry is percent-encoded rather than rejected, so
        // `Redirect::to` cannot fail.
        let location = HeaderValue::from_str(uri).unwrap_or_else(|_| {
            let encoded =
                percent_encoding::utf8_percent_encode(uri, percent_encoding::CONTROLS).to_string();
            HeaderValue::from_str(&encoded).unwrap_or_else(|_| HeaderValue::from_static("/"))
        });
        Self { status, location }
    }

    /// The status code this redirect answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Location` it points to.
    pub fn location(&self) -> &str {
        self.location.to_str().unwrap_or("/")
    }
}

impl IntoResponse for Redirect {
    fn into_response(self) -> Response {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = self.status;
        res.headers_mut().insert(LOCATION, self.location);
        res
    }
}
