use http::StatusCode;
use http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use super::{Context, FromRequest, Rejection, ViaRequest, read_body};
use crate::Json;
use crate::request::Request;

/// `true` for `application/json` and `application/*+json`, parameters allowed.
pub(crate) fn is_json(headers: &http::HeaderMap) -> bool {
    let Some(mime) = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
    else {
        return false;
    };
    mime.type_() == mime::APPLICATION
        && (mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON))
}

/// The body as JSON: `415` without a JSON content type, `413` over the body limit, `400` for
/// malformed JSON, `422` for JSON of the wrong shape.
impl<Cx: Context, T: DeserializeOwned> FromRequest<Cx, ViaRequest> for Json<T> {
    type Rejection = Rejection;

    async fn from_request(req: Request, cx: &Cx) -> Result<Self, Rejection> {
        if !is_json(req.headers()) {
            return Err(Rejection::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "expected a request with `Content-Type: application/json`",
                true,
            ));
        }
        let bytes = read_body(req, cx.body_limit()).await?;
        serde_json::from_slice(&bytes).map(Json).map_err(|err| {
            let status = match err.classify() {
                serde_json::error::Category::Data => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::BAD_REQUEST,
            };
            Rejection::new(status, format!("invalid JSON body: {err}"), true)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(content_type: &str) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        h.insert(CONTENT_TYPE, content_type.parse().unwrap());
        h
    }

    #[test]
    fn recognises_json_content_types() {
        assert!(is_json(&headers("application/json")));
        assert!(is_json(&headers("application/json; charset=utf-8")));
        assert!(is_json(&headers("application/problem+json")));
        assert!(!is_json(&headers("text/json-ish")));
        assert!(!is_json(&headers("application/x-www-form-urlencoded")));
        assert!(!is_json(&http::HeaderMap::new()));
    }
}
