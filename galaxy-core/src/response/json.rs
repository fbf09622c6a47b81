use http::HeaderValue;
use http::header::CONTENT_TYPE;
use serde::Serialize;

use super::{IntoResponse, Response};
use crate::Body;
use crate::error::internal_error;

/// A JSON response (`application/json`), and the JSON body extractor.
///
/// As a response it serializes its value; as an extractor it requires a JSON content type and
/// deserializes the body (see [`crate::extract`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        // Most API responses are small; starting at 128 bytes saves the first few regrowths.
        let mut buf = Vec::with_capacity(128);
        match serde_json::to_writer(&mut buf, &self.0) {
            Ok(()) => {
                let mut res = Response::new(Body::from(buf));
                res.headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                res
            }
            // Only a value that cannot be JSON (a map with non-string keys, a failing
            // `Serialize` impl) gets here: the server's fault, so a 500.
            Err(err) => internal_error(&err),
        }
    }
}
