//! The router's own answers: 404, 405, OPTIONS, 403 and the trailing-slash redirect.

use http::header::{ALLOW, LOCATION};
use http::{HeaderMap, HeaderValue, Method, StatusCode};

use crate::extract::Rejection;
use crate::response::{IntoResponse, Response};
use crate::{Body, Request};

/// `404 Not Found`, as JSON when the client speaks JSON.
pub fn not_found(headers: &HeaderMap) -> Response {
    Rejection::for_request(headers, StatusCode::NOT_FOUND, "no route matches this path")
        .into_response()
}

/// `403 Forbidden`: the route's authorization refused the request.
pub fn forbidden(headers: &HeaderMap) -> Response {
    Rejection::for_request(
        headers,
        StatusCode::FORBIDDEN,
        "this request is not authorized",
    )
    .into_response()
}

/// The bit of `method` in the method masks of generated matchers; `0` for a method no route
/// can declare.
pub fn method_bit(method: &Method) -> u8 {
    match method.as_str() {
        "GET" => 1,
        "HEAD" => 2,
        "POST" => 4,
        "PUT" => 8,
        "PATCH" => 16,
        "DELETE" => 32,
        "OPTIONS" => 64,
        _ => 0,
    }
}

/// The `Allow` header for a method mask; `OPTIONS` is always allowed (the router answers it).
fn allow_header(mask: u8) -> HeaderValue {
    const NAMES: [(u8, &str); 7] = [
        (32, "DELETE"),
        (1, "GET"),
        (2, "HEAD"),
        (64, "OPTIONS"),
        (16, "PATCH"),
        (4, "POST"),
        (8, "PUT"),
    ];
    let names: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| (mask | 64) & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    HeaderValue::from_str(&names.join(", ")).unwrap_or_else(|_| HeaderValue::from_static("OPTIONS"))
}

/// `405 Method Not Allowed` with the `Allow` list of the methods the path answers.
pub fn method_not_allowed(headers: &HeaderMap, allowed: u8) -> Response {
    let mut res = Rejection::for_request(
        headers,
        StatusCode::METHOD_NOT_ALLOWED,
        "this path does not answer this method",
    )
    .into_response();
    res.headers_mut().insert(ALLOW, allow_header(allowed));
    res
}

/// `204 No Content` with the `Allow` list: the answer to `OPTIONS` when the app declares no
/// `OPTIONS` route of its own for the path.
pub fn options(allowed: u8) -> Response {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::NO_CONTENT;
    res.headers_mut().insert(ALLOW, allow_header(allowed));
    res
}

/// `308 Permanent Redirect` from `/path/` to `/path`, keeping the query string.
pub fn trailing_slash_redirect(req: &Request, trimmed: &str) -> Response {
    let location = match req.uri().query() {
        Some(query) => format!("{trimmed}?{query}"),
        None => trimmed.to_owned(),
    };
    match HeaderValue::from_str(&location) {
        Ok(location) => {
            let mut res = StatusCode::PERMANENT_REDIRECT.into_response();
            res.headers_mut().insert(LOCATION, location);
            res
        }
        Err(_) => not_found(req.headers()),
    }
}
