use bytes::Bytes;
use http::StatusCode;
use http::header::CONTENT_LENGTH;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::{Context, FromRequest, Rejection, ViaRequest};
use crate::Body;
use crate::body::BodyTimeout;
use crate::request::Request;

/// Reads the whole body, refusing more than `limit` bytes with `413 Payload Too Large`.
///
/// A declared `Content-Length` over the limit is refused before a byte is read.
pub(crate) async fn read_body(req: Request, limit: usize) -> Result<Bytes, Rejection> {
    let (parts, body) = req.into_parts();
    let too_large = || {
        Rejection::for_request(
            &parts.headers,
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body is larger than the limit of {limit} bytes"),
        )
    };
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(err) if err.downcast_ref::<BodyTimeout>().is_some() => Err(Rejection::for_request(
            &parts.headers,
            StatusCode::REQUEST_TIMEOUT,
            "the request body stopped arriving",
        )),
        Err(err) => {
            tracing::debug!(error = %err, "failed to read a request body");
            Err(Rejection::for_request(
                &parts.headers,
                StatusCode::BAD_REQUEST,
                "failed to read the request body",
            ))
        }
    }
}

/// The raw body, up to the route's body limit.
impl<Cx: Context> FromRequest<Cx, ViaRequest> for Bytes {
    type Rejection = Rejection;

    async fn from_request(req: Request, cx: &Cx) -> Result<Self, Rejection> {
        read_body(req, cx.body_limit()).await
    }
}

/// The body as UTF-8 text, up to the route's body limit; `400` when it is not UTF-8.
impl<Cx: Context> FromRequest<Cx, ViaRequest> for String {
    type Rejection = Rejection;

    async fn from_request(req: Request, cx: &Cx) -> Result<Self, Rejection> {
        let json = super::wants_json(req.headers());
        let bytes = read_body(req, cx.body_limit()).await?;
        String::from_utf8(bytes.into()).map_err(|_| {
            Rejection::new(
                StatusCode::BAD_REQUEST,
                "request body is not valid UTF-8",
                json,
            )
        })
    }
}

/// The body as a stream, for handlers that read it themselves. The route's body limit does not
/// apply: the handler decides how much to read.
impl<Cx: Context> FromRequest<Cx, ViaRequest> for Body {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, _: &Cx) -> Result<Self, Self::Rejection> {
        Ok(req.into_body())
    }
}

/// The whole request, for handlers that want everything.
impl<Cx: Context> FromRequest<Cx, ViaRequest> for Request {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, _: &Cx) -> Result<Self, Self::Rejection> {
        Ok(req)
    }
}
