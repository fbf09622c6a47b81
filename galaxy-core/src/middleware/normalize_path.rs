//! `NormalizePath`: one URL per page, whatever slashes the client added. `/users/` and
//! `/users//` become `/users`, either by a redirect (the default: browsers and search engines
//! learn the right URL) or by rewriting the request before routing.

use http::header::LOCATION;
use http::uri::PathAndQuery;
use http::{HeaderValue, StatusCode, Uri};

use super::{HNil, Middleware, MiddlewareContext, Next};
use crate::{Body, Request, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    Redirect,
    Rewrite,
}

/// `NormalizePath`: one URL per page, whatever slashes the client added. `/users/` and
/// `/users//` become `/users`, either by a redirect (the default: browsers and search engines
/// learn the right URL) or by rewriting the request before routing.
///
/// It changes the path the router sees, so it must run before routing: put it in
/// `chain global`. The query string is kept. `/` stays `/`.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::NormalizePath;
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Site;
///     chain global = [NormalizePath::redirect()];
///     routes {
///         GET "/about" => about, public;
///     }
/// }
///
/// async fn about() -> &'static str { "about" }
///
/// # #[tokio::main] async fn main() {
/// let res = TestClient::new(Site::new(())).get("/about/?lang=en").send().await;
/// assert_eq!(res.status(), 308);
/// assert_eq!(res.header("location"), Some("/about?lang=en"));
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct NormalizePath {
    policy: Policy,
}

impl NormalizePath {
    /// Answers `308 Permanent Redirect` to the normalized path (308 keeps the method and body).
    pub fn redirect() -> Self {
        Self {
            policy: Policy::Redirect,
        }
    }

    /// Serves the normalized path as if it had been asked for.
    pub fn rewrite() -> Self {
        Self {
            policy: Policy::Rewrite,
        }
    }
}

/// `path` without trailing or repeated slashes, or `None` when it has none.
pub(crate) fn normalize(path: &str) -> Option<String> {
    if !path.contains("//") && (path.len() <= 1 || !path.ends_with('/')) {
        return None;
    }
    let mut out = String::with_capacity(path.len());
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(segment);
    }
    if out.is_empty() {
        out.push('/');
    }
    (out != path).then_some(out)
}

impl<S: Send + Sync> Middleware<S> for NormalizePath {
    type Provides = HNil;
    type Requires = HNil;

    async fn call<N: Next>(
        &self,
        mut req: Request,
        _: MiddlewareContext<'_, S>,
        next: N,
    ) -> Response {
        let Some(path) = normalize(req.uri().path()) else {
            return next.run(req).await;
        };
        let target = match req.uri().query() {
            Some(query) => format!("{path}?{query}"),
            None => path,
        };
        match self.policy {
            Policy::Redirect => {
                let mut res = Response::new(Body::empty());
                *res.status_mut() = StatusCode::PERMANENT_REDIRECT;
                if let Ok(location) = HeaderValue::from_str(&target) {
                    res.headers_mut().insert(LOCATION, location);
                }
                res
            }
            Policy::Rewrite => {
                let mut parts = req.uri().clone().into_parts();
                if let Ok(pq) = PathAndQuery::try_from(target) {
                    parts.path_and_query = Some(pq);
                    if let Ok(uri) = Uri::from_parts(parts) {
                        *req.uri_mut() = uri;
                    }
                }
                next.run(req).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn slashes() {
        assert_eq!(normalize("/"), None);
        assert_eq!(normalize("/a/b"), None);
        assert_eq!(normalize("/a/b/").as_deref(), Some("/a/b"));
        assert_eq!(normalize("//a///b//").as_deref(), Some("/a/b"));
        assert_eq!(normalize("//").as_deref(), Some("/"));
    }
}
