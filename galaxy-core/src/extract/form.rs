use http::StatusCode;
use http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use super::urlencoded::{self, DecodeError};
use super::{Context, FromRequest, Rejection, ViaRequest, read_body};
use crate::request::Request;

/// An `application/x-www-form-urlencoded` body: `415` for another content type, `413` over the
/// body limit, `400` when a name or value is not UTF-8, `422` when the fields do not fit `T`.
///
/// # Example
///
/// ```
/// use galaxy_core::prelude::*;
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Login {
///     email: String,
///     remember: Option<bool>,
/// }
///
/// let Form(login) = Form::<Login>::from_bytes(b"email=ada%40example.com").unwrap();
/// assert_eq!(login.email, "ada@example.com");
/// assert_eq!(login.remember, None);
/// assert_eq!(Form::<Login>::from_bytes(b"email=%FF").unwrap_err().status(), 400);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Form<T>(pub T);

fn is_form(headers: &http::HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| m.essence_str() == mime::APPLICATION_WWW_FORM_URLENCODED.essence_str())
}

impl<T: DeserializeOwned> Form<T> {
    /// Decodes an url-encoded body, with the rejections of the extractor (answered as text).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Rejection> {
        decode(bytes, false)
    }
}

fn decode<T: DeserializeOwned>(bytes: &[u8], json: bool) -> Result<Form<T>, Rejection> {
    urlencoded::decode(bytes).map(Form).map_err(|err| {
        let status = match err {
            DecodeError::NotUtf8 => StatusCode::BAD_REQUEST,
            DecodeError::Shape(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        Rejection::new(status, format!("invalid form body: {err}"), json)
    })
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
        decode(&bytes, json)
    }
}
