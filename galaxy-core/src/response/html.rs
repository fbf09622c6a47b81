use http::HeaderValue;
use http::header::CONTENT_TYPE;

use super::{IntoResponse, Response};
use crate::Body;

/// An HTML response (`text/html; charset=utf-8`).
///
/// maud's `Markup` is already a response on its own; `Html` wraps any other string.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html<T>(pub T);

impl<T: Into<Body>> IntoResponse for Html<T> {
    fn into_response(self) -> Response {
        let mut res = Response::new(self.0.into());
        res.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        res
    }
}
