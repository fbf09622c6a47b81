use http::StatusCode;
use http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use super::{Context, FromRequest, Rejection, ViaRequest, read_body};
use crate::request::Request;

/// An `application/x-www-form-urlencoded` body: `415` for another content type, `413` over the
/// body limit, `422` when the fields do not fit `T`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Form<T>(pub T);

fn is_form(headers: &http::HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| m.essence_str() == mime::APPLICATION_WWW_FORM_URLENCODED.essence_str())
}

impl<Cx: Context, T: DeserializeOwned> FromRequest<Cx, ViaRequest> for Form<T> {
    type Rejection = Rejection;

    async fn from_request(req: Request, cx: &Cx) -> Result<Self, Rejection> {
        let json = super::wants_json(req.headers());
        if !is_form(req.headers()) {
            return Err(Rejection::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "expected a request with `Content-Type: application/x-www-form-urlencoded`",
                json,
            ));
        }
        let bytes = read_body(req, cx.body_limit()).await?;
        serde_urlencoded::from_bytes(&bytes)
            .map(Form)
            .map_err(|err| {
                Rejection::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("invalid form body: {err}"),
                    json,
                )
            })
    }
}
