//! `ETag`: a strong `ETag` on `200` answers to `GET` and `HEAD`, and `304 Not Modified` when
//! the client already has that version (`If-None-Match`).

use http::header::{CACHE_CONTROL, CONTENT_LOCATION, DATE, ETAG, EXPIRES, IF_NONE_MATCH, VARY};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use http_body::Body as _;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};

use super::{HNil, Middleware, MiddlewareContext, Next};
use crate::error::internal_error;
use crate::{Body, Request, Response};

/// `ETag`: a strong `ETag` on `200` answers to `GET` and `HEAD`, and `304 Not Modified` when
/// the client already has that version (`If-None-Match`).
///
/// The tag is a hash (SHA-256, truncated) of the whole body, so it changes exactly when the
/// body does and is the same on every server. Bodies already in memory are hashed; streamed
/// bodies and bodies over the size limit (1 MiB unless [`ETag::max_size`] says otherwise) are
/// left alone, as are responses that already carry an `ETag`. The handler still runs: this
/// saves bandwidth, not work.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::ETag;
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Pages;
///     chain global = [ETag::new()];
///     routes {
///         GET "/" => home, public;
///     }
/// }
///
/// async fn home() -> &'static str { "home" }
///
/// # #[tokio::main] async fn main() {
/// let client = TestClient::new(Pages::new(()));
/// let tag = client.get("/").send().await.header("etag").unwrap().to_owned();
/// let res = client.get("/").header("if-none-match", &tag).send().await;
/// assert_eq!(res.status(), 304);
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ETag {
    max_size: u64,
}

impl Default for ETag {
    fn default() -> Self {
        Self::new()
    }
}

impl ETag {
    /// Tags bodies of up to 1 MiB.
    pub fn new() -> Self {
        Self {
            max_size: 1024 * 1024,
        }
    }

    /// Tags bodies of up to `bytes`.
    pub fn max_size(mut self, bytes: u64) -> Self {
        self.max_size = bytes;
        self
    }
}

/// The strong tag of `body`: 128 bits of its SHA-256, in hex, quoted.
pub(crate) fn tag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether `If-None-Match` lists `tag` (weak comparison, as RFC 9110 asks for this header).
pub(crate) fn none_match(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|candidate| {
            candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == tag
        })
}

impl<S: Send + Sync> Middleware<S> for ETag {
    type Provides = HNil;
    type Requires = HNil;

    async fn call<N: Next>(&self, req: Request, _: MiddlewareContext<'_, S>, next: N) -> Response {
        let conditional = matches!(*req.method(), Method::GET | Method::HEAD);
        // Only the validators are kept: the request itself goes down the chain.
        let if_none_match = (conditional && req.headers().contains_key(IF_NONE_MATCH)).then(|| {
            let mut validators = HeaderMap::new();
            for v in req.headers().get_all(IF_NONE_MATCH) {
                validators.append(IF_NONE_MATCH, v.clone());
            }
            validators
        });
        let res = next.run(req).await;
        let size = res.body().size_hint().exact();
        let eligible = conditional
            && res.status() == StatusCode::OK
            && !res.headers().contains_key(ETAG)
            && size.is_some_and(|n| n <= self.max_size);
        if !eligible {
            return res;
        }
        let (mut parts, body) = res.into_parts();
        let bytes = match body.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(err) => return internal_error(&err),
        };
        let tag = tag_of(&bytes);
        let Ok(value) = HeaderValue::from_str(&tag) else {
            return Response::from_parts(parts, Body::from(bytes));
        };
        if if_none_match.is_some_and(|headers| none_match(&headers, &tag)) {
            let mut res = Response::new(Body::empty());
            *res.status_mut() = StatusCode::NOT_MODIFIED;
            // What a 304 carries of the 200 it stands for (RFC 9110, 15.4.5).
            for name in [CACHE_CONTROL, CONTENT_LOCATION, DATE, EXPIRES, VARY] {
                for v in parts.headers.get_all(&name) {
                    res.headers_mut().append(name.clone(), v.clone());
                }
            }
            res.headers_mut().insert(ETAG, value);
            return res;
        }
        parts.headers.insert(ETAG, value);
        Response::from_parts(parts, Body::from(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_stable_and_lists_are_parsed() {
        let tag = tag_of(b"hello");
        assert_eq!(tag, tag_of(b"hello"));
        assert_ne!(tag, tag_of(b"hello!"));
        assert_eq!(tag.len(), 34);
        let mut h = HeaderMap::new();
        h.insert(IF_NONE_MATCH, format!("\"x\", W/{tag}").parse().unwrap());
        assert!(none_match(&h, &tag));
        h.insert(IF_NONE_MATCH, "\"x\"".parse().unwrap());
        assert!(!none_match(&h, &tag));
        h.insert(IF_NONE_MATCH, "*".parse().unwrap());
        assert!(none_match(&h, &tag));
    }
}
