//! `MethodOverride`: HTML forms can only `GET` and `POST`; a `POST` with a `_method` form field
//! (or an `X-HTTP-Method-Override` header) of `PUT`, `PATCH` or `DELETE` is routed as that
//! method.

use std::borrow::Cow;

use http::header::CONTENT_TYPE;
use http::{Method, StatusCode};
use http_body_util::{BodyExt, Limited};

use super::{HNil, Middleware, MiddlewareContext, Next};
use crate::error::plain;
use crate::{Body, DEFAULT_BODY_LIMIT, Request, Response};

/// The form field that names the method.
pub const METHOD_FIELD: &str = "_method";
/// The header that names the method.
pub const METHOD_HEADER: &str = "x-http-method-override";

/// `MethodOverride`: HTML forms can only `GET` and `POST`; a `POST` with a `_method` form field
/// (or an `X-HTTP-Method-Override` header) of `PUT`, `PATCH` or `DELETE` is routed as that
/// method.
///
/// It changes the method the router sees, so it must run before routing: put it in
/// `chain global`. Only `POST` is overridden, and only to those three methods: a link cannot
/// turn into a `DELETE`, and no request can become a `GET` that skips CSRF checks. To read the
/// field it buffers urlencoded form bodies (up to the default body limit, else `413`) and hands
/// them on unchanged.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::MethodOverride;
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Forms;
///     chain global = [MethodOverride];
///     routes {
///         DELETE "/posts/{id: u64}" => destroy, public;
///     }
/// }
///
/// async fn destroy(Path(id): Path<u64>) -> String { format!("deleted {id}") }
///
/// # #[tokio::main] async fn main() {
/// let res = TestClient::new(Forms::new(()))
///     .post("/posts/7")
///     .form(&[("_method", "DELETE")])
///     .send()
///     .await;
/// assert_eq!(res.text(), "deleted 7");
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct MethodOverride;

/// The method `value` asks for, if it is one a `POST` may become.
fn allowed(value: &str) -> Option<Method> {
    let value = value.trim();
    [Method::PUT, Method::PATCH, Method::DELETE]
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(value))
}

fn is_form(req: &Request) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

impl<S: Send + Sync> Middleware<S> for MethodOverride {
    type Provides = HNil;
    type Requires = HNil;

    async fn call<N: Next>(
        &self,
        mut req: Request,
        _: MiddlewareContext<'_, S>,
        next: N,
    ) -> Response {
        if req.method() != Method::POST {
            return next.run(req).await;
        }
        let from_header = req
            .headers()
            .get(METHOD_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(allowed);
        if let Some(method) = from_header {
            *req.method_mut() = method;
            return next.run(req).await;
        }
        if !is_form(&req) {
            return next.run(req).await;
        }
        let (mut parts, body) = req.into_parts();
        let bytes = match Limited::new(body, DEFAULT_BODY_LIMIT).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(err) if err.is::<http_body_util::LengthLimitError>() => {
                return plain(StatusCode::PAYLOAD_TOO_LARGE, "request body is too large\n");
            }
            Err(_) => return plain(StatusCode::BAD_REQUEST, "could not read the request body\n"),
        };
        let fields: Vec<(Cow<'_, str>, Cow<'_, str>)> =
            serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        if let Some(method) = fields
            .iter()
            .find(|(name, _)| name == METHOD_FIELD)
            .and_then(|(_, value)| allowed(value))
        {
            parts.method = method;
        }
        next.run(Request::from_parts(parts, Body::from(bytes)))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::allowed;
    use http::Method;

    #[test]
    fn only_put_patch_delete() {
        assert_eq!(allowed("delete"), Some(Method::DELETE));
        assert_eq!(allowed(" PUT "), Some(Method::PUT));
        assert_eq!(allowed("PATCH"), Some(Method::PATCH));
        assert_eq!(allowed("GET"), None);
        assert_eq!(allowed("CONNECT"), None);
    }
}
