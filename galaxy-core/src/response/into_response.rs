use std::borrow::Cow;
use std::convert::Infallible;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Extensions, StatusCode};

use super::Response;
use crate::Body;

/// Turns a handler's return value into an HTTP response.
///
/// Implemented for strings, bytes, [`Json`](crate::Json), [`Html`](crate::Html), maud's `Markup`,
/// [`StatusCode`], `(StatusCode, T)`, `(StatusCode, headers.., T)`, `Result<T, E>` and `()`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be turned into a response",
    label = "a handler's return type must implement `IntoResponse`",
    note = "return a `String`, `&'static str`, `Json<T>`, `Html<T>`, `maud::Markup`, `Redirect`, `StatusCode`, a `(StatusCode, T)` tuple or `Result<T, E>` where both sides implement `IntoResponse`"
)]
pub trait IntoResponse {
    /// Builds the response.
    fn into_response(self) -> Response;
}

/// Something that adds headers (or extensions) to a response: the leading elements of a
/// `(StatusCode, H1, H2, .., body)` tuple.
pub trait IntoResponseParts {
    /// Adds this value's headers to `parts`.
    fn into_response_parts(self, parts: &mut ResponseParts);
}

/// The headers and extensions of a response under construction.
#[derive(Debug, Default)]
pub struct ResponseParts {
    /// The response headers.
    pub headers: HeaderMap,
    /// The response extensions.
    pub extensions: Extensions,
}

fn with_content_type(body: impl Into<Body>, content_type: &'static str) -> Response {
    let mut res = Response::new(body.into());
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

const TEXT_PLAIN: &str = "text/plain; charset=utf-8";
const OCTET_STREAM: &str = "application/octet-stream";

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        Response::new(Body::empty())
    }
}

impl IntoResponse for Infallible {
    fn into_response(self) -> Response {
        match self {}
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        with_content_type(self, TEXT_PLAIN)
    }
}

impl IntoResponse for String {
    fn into_response(self) -> Response {
        with_content_type(self, TEXT_PLAIN)
    }
}

impl IntoResponse for Cow<'static, str> {
    fn into_response(self) -> Response {
        match self {
            Cow::Borrowed(text) => text.into_response(),
            Cow::Owned(text) => text.into_response(),
        }
    }
}

impl IntoResponse for Bytes {
    fn into_response(self) -> Response {
        with_content_type(self, OCTET_STREAM)
    }
}

impl IntoResponse for Vec<u8> {
    fn into_response(self) -> Response {
        with_content_type(self, OCTET_STREAM)
    }
}

impl IntoResponse for &'static [u8] {
    fn into_response(self) -> Response {
        with_content_type(Bytes::from_static(self), OCTET_STREAM)
    }
}

impl IntoResponse for Body {
    fn into_response(self) -> Response {
        Response::new(self)
    }
}

impl IntoResponse for StatusCode {
    fn into_response(self) -> Response {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = self;
        res
    }
}

impl IntoResponse for maud::Markup {
    fn into_response(self) -> Response {
        super::Html(self.into_string()).into_response()
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(value) => value.into_response(),
            Err(err) => err.into_response(),
        }
    }
}

impl IntoResponse for HeaderMap {
    fn into_response(self) -> Response {
        let mut res = Response::new(Body::empty());
        *res.headers_mut() = self;
        res
    }
}

impl IntoResponseParts for HeaderMap {
    fn into_response_parts(self, parts: &mut ResponseParts) {
        parts.headers.extend(self);
    }
}

impl<K, V, const N: usize> IntoResponseParts for [(K, V); N]
where
    K: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
{
    /// Header pairs that do not form a valid name or value are dropped, and logged: they are a
    /// programming error, not something a client can cause.
    fn into_response_parts(self, parts: &mut ResponseParts) {
        for (name, value) in self {
            match (name.try_into(), value.try_into()) {
                (Ok(name), Ok(value)) => {
                    parts.headers.insert(name, value);
                }
                _ => tracing::error!("dropped an invalid response header pair"),
            }
        }
    }
}

impl<K, V> IntoResponseParts for (K, V)
where
    K: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
{
    fn into_response_parts(self, parts: &mut ResponseParts) {
        [self].into_response_parts(parts);
    }
}

fn merge(mut res: Response, parts: ResponseParts) -> Response {
    res.headers_mut().extend(parts.headers);
    res.extensions_mut().extend(parts.extensions);
    res
}

impl<T: IntoResponse> IntoResponse for (StatusCode, T) {
    fn into_response(self) -> Response {
        let mut res = self.1.into_response();
        *res.status_mut() = self.0;
        res
    }
}

macro_rules! tuple_with_parts {
    ($($part:ident),+) => {
        impl<$($part: IntoResponseParts,)+ T: IntoResponse> IntoResponse for ($($part,)+ T,) {
            #[allow(non_snake_case)]
            fn into_response(self) -> Response {
                let ($($part,)+ body,) = self;
                let mut parts = ResponseParts::default();
                $($part.into_response_parts(&mut parts);)+
                merge(body.into_response(), parts)
            }
        }

        impl<$($part: IntoResponseParts,)+ T: IntoResponse> IntoResponse for (StatusCode, $($part,)+ T,) {
            #[allow(non_snake_case)]
            fn into_response(self) -> Response {
                let (status, $($part,)+ body,) = self;
                let mut parts = ResponseParts::default();
                $($part.into_response_parts(&mut parts);)+
                let mut res = merge(body.into_response(), parts);
                *res.status_mut() = status;
                res
            }
        }
    };
}

tuple_with_parts!(H1);
tuple_with_parts!(H1, H2);
tuple_with_parts!(H1, H2, H3);
tuple_with_parts!(H1, H2, H3, H4);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_utf8_plain_text() {
        let res = "hi".into_response();
        assert_eq!(res.headers()[header::CONTENT_TYPE], TEXT_PLAIN);
    }

    #[test]
    fn status_and_headers_tuples_compose() {
        let res = (
            StatusCode::CREATED,
            [("x-one", "1")],
            ("x-two", "2"),
            "made",
        )
            .into_response();
        assert_eq!(res.status(), StatusCode::CREATED);
        assert_eq!(res.headers()["x-one"], "1");
        assert_eq!(res.headers()["x-two"], "2");
        assert_eq!(res.headers()[header::CONTENT_TYPE], TEXT_PLAIN);
    }

    #[test]
    fn results_answer_with_either_side() {
        let ok: Result<&str, StatusCode> = Ok("fine");
        assert_eq!(ok.into_response().status(), StatusCode::OK);
        let err: Result<&str, StatusCode> = Err(StatusCode::CONFLICT);
        assert_eq!(err.into_response().status(), StatusCode::CONFLICT);
    }
}
