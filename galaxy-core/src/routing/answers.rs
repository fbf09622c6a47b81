//! The router's own answers: 404, 405, OPTIONS, 403 and the trailing-slash redirect.

use http::header::{ALLOW, LOCATION};
use http::{HeaderMap, HeaderValue, StatusCode};

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

/// `405 Method Not Allowed` with the path's `Allow` list.
pub fn method_not_allowed(headers: &HeaderMap, allow: &'static str) -> Response {
    let mut res = Rejection::for_request(
        headers,
        StatusCode::METHOD_NOT_ALLOWED,
        "this path does not answer this method",
    )
    .into_response();
    res.headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    res
}

/// `204 No Content` with the path's `Allow` list: the answer to `OPTIONS` when the app declares
/// no `OPTIONS` route of its own.
pub fn options(allow: &'static str) -> Response {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::NO_CONTENT;
    res.headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
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
