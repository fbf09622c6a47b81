use http::StatusCode;
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::{Context, FromRequestParts, Rejection};

/// The query string deserialized into `T`; `400` when it does not fit, or when a name or value
/// is not UTF-8 once percent-decoded.
///
/// Use `Option<T>` fields for parameters a client may leave out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<Cx: Context, T: DeserializeOwned + Send> FromRequestParts<Cx> for Query<T> {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _: &Cx) -> Result<Self, Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        super::urlencoded::decode(query.as_bytes())
            .map(Query)
            .map_err(|err| {
                Rejection::for_request(
                    &parts.headers,
                    StatusCode::BAD_REQUEST,
                    format!("invalid query string: {err}"),
                )
            })
    }
}
