//! `Csrf`: refuses cross-site requests that would change something.
//!
//! See [`Csrf`] for the checks, in order.
//!
//! `Csrf` needs the session (it keeps the token there), so it comes after
//! [`SessionLayer`](super::SessionLayer) in a chain; the other way round does not compile.
//!
//! # Example
//!
//! ```
//! use galaxy_core::middleware::{Csrf, CsrfToken, SessionLayer};
//! use galaxy_core::prelude::*;
//!
//! galaxy_core::app! {
//!     app = Site;
//!     chain web = [
//!         SessionLayer::new(galaxy_core::cookie::Key::generate()),
//!         Csrf::default().allow_origin("https://admin.example.com"),
//!     ];
//!     routes {
//!         GET "/comment" => form, public, via web;
//!         POST "/comment" => store, public, via web;
//!     }
//! }
//!
//! async fn form(csrf: CsrfToken) -> Html<String> {
//!     Html(format!(r#"<form method="post">{}<button>send</button></form>"#, csrf.field().0))
//! }
//!
//! async fn store() -> &'static str {
//!     "stored"
//! }
//!
//! # #[tokio::main] async fn main() {
//! let client = TestClient::new(Site::new(()));
//! let res = client
//!     .post("/comment")
//!     .header("sec-fetch-site", "cross-site")
//!     .send()
//!     .await;
//! assert_eq!(res.status(), 403);
//! let res = client
//!     .post("/comment")
//!     .header("sec-fetch-site", "same-origin")
//!     .send()
//!     .await;
//! assert_eq!(res.text(), "stored");
//! # }
//! ```

use std::borrow::Cow;
use std::fmt;

use http::header::{CONTENT_TYPE, HOST, ORIGIN};
use http::{HeaderMap, HeaderName, Method, StatusCode};
use subtle::ConstantTimeEq as _;

use super::{HCons, HNil, Middleware, MiddlewareContext, Next, Session};
use crate::extract::{Rejection, read_body};
use crate::response::IntoResponse as _;
use crate::{Body, DEFAULT_BODY_LIMIT, Request, Response};

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
/// The header a script sends the token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field a form sends the token in.
pub const CSRF_FIELD: &str = "_token";

/// The session's CSRF token, provided by [`Csrf`], for the hidden field of a form (or a
/// `<meta>` tag scripts read it from). The token is drawn the first time a view asks for it,
/// so requests that render no form do not touch the session.
///
/// It renders in maud templates as the token (`input type="hidden" name="_token"
/// value=(csrf);`), and [`field`](CsrfToken::field) renders the whole hidden input.
#[derive(Clone)]
pub struct CsrfToken(Session);

impl CsrfToken {
    /// The token.
    pub fn value(&self) -> String {
        self.0.csrf_token()
    }

    /// `<input type="hidden" name="_token" value="...">`.
    pub fn field(&self) -> maud::Markup {
        // Tokens are base64url: nothing in them needs escaping.
        maud::PreEscaped(format!(
            r#"<input type="hidden" name="{CSRF_FIELD}" value="{}">"#,
            self.value()
        ))
    }
}

impl fmt::Display for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value())
    }
}

impl fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CsrfToken").finish_non_exhaustive()
    }
}

impl maud::Render for CsrfToken {
    fn render_to(&self, buffer: &mut String) {
        self.value().render_to(buffer);
    }
}

// Not `context_value!`: the token is the session's, so it is read from the `Session` that `Csrf`
// checked (the chain check guarantees `Csrf` ran, and it answers 500 without a session) rather
// than stored in the request's extensions a second time, per request.
impl<Cx, I> crate::FromRequestParts<Cx, super::ViaContext<I>> for CsrfToken
where
    Cx: crate::extract::Context,
    Cx::Provided: super::Has<CsrfToken, I>,
{
    type Rejection = crate::extract::Rejection;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _: &Cx,
    ) -> Result<Self, Self::Rejection> {
        super::__provided::<Session>(parts).map(CsrfToken)
    }
}

/// Refuses cross-site requests with unsafe methods. Provides [`CsrfToken`]; needs [`Session`]
/// before it in the chain.
///
/// Safe methods (`GET`, `HEAD`, `OPTIONS`, `TRACE`) always pass: they must not change anything.
/// An unsafe request (`POST`, `PUT`, `PATCH`, `DELETE`, ...) passes when, checked in this order:
///
/// 1. its `Sec-Fetch-Site` header (sent by every current browser) is `same-origin` or `none`
///    (typed in the address bar); `same-site` and `cross-site` are refused unless
///    [`allow_same_site`](Csrf::allow_same_site) or an [allowed origin](Csrf::allow_origin)
///    says otherwise;
/// 2. without it, its `Origin` header names the request's own host or an allowed origin;
/// 3. without either (older browsers), it carries the session's CSRF token: in the form field
///    `_token` of an url-encoded form, or in the `X-CSRF-Token` header. Views put the token in
///    their forms from [`CsrfToken`].
///
/// Anything else is answered `403 Forbidden` with a message saying why (JSON when the client
/// speaks JSON). The session cookie's `SameSite=Lax` is a further layer under these checks.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::Csrf;
///
/// // Also accept form posts from a sibling subdomain and one other origin.
/// let csrf = Csrf::default()
///     .allow_same_site()
///     .allow_origin("https://pay.example.com");
/// # let _ = csrf;
/// ```
#[derive(Debug, Clone)]
pub struct Csrf {
    allowed_origins: Vec<String>,
    allow_same_site: bool,
    body_limit: usize,
}

impl Default for Csrf {
    fn default() -> Self {
        Self {
            allowed_origins: Vec::new(),
            allow_same_site: false,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }
}

/// Why a request was refused.
type Refusal = Cow<'static, str>;

enum Verdict {
    Allow,
    Refuse(Refusal),
    /// No `Sec-Fetch-Site` nor `Origin`: the token decides.
    CheckToken,
}

impl Csrf {
    /// Also accepts unsafe requests from `origin` (`scheme://host[:port]`, as browsers send it
    /// in `Origin`), even cross-site.
    #[must_use]
    pub fn allow_origin(mut self, origin: &str) -> Self {
        self.allowed_origins
            .push(origin.trim_end_matches('/').to_ascii_lowercase());
        self
    }

    /// Accepts unsafe requests from the same site (another subdomain of the same registrable
    /// domain); refused by default, as a sibling subdomain is not always as trusted.
    #[must_use]
    pub fn allow_same_site(mut self) -> Self {
        self.allow_same_site = true;
        self
    }

    /// The most of an url-encoded form body read to find its `_token` (2 MiB by default).
    #[must_use]
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    fn origin_allowed(&self, origin: Option<&str>) -> bool {
        origin.is_some_and(|origin| {
            let origin = origin.to_ascii_lowercase();
            self.allowed_origins.contains(&origin)
        })
    }

    fn check_headers(&self, req: &Request) -> Verdict {
        let headers = req.headers();
        let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
        if let Some(site) = headers.get(SEC_FETCH_SITE).and_then(|v| v.to_str().ok()) {
            match site {
                "same-origin" | "none" => return Verdict::Allow,
                "same-site" if self.allow_same_site => return Verdict::Allow,
                "same-site" | "cross-site" => {
                    return if self.origin_allowed(origin) {
                        Verdict::Allow
                    } else {
                        Verdict::Refuse(
                            format!(
                                "cross-site request refused (Sec-Fetch-Site: {site}, Origin: {})",
                                origin.unwrap_or("none")
                            )
                            .into(),
                        )
                    };
                }
                // A value from a future spec: the next checks decide.
                _ => {}
            }
        }
        let Some(origin) = origin else {
            return Verdict::CheckToken;
        };
        if self.origin_allowed(Some(origin)) || same_host(origin, request_host(req)) {
            Verdict::Allow
        } else {
            Verdict::Refuse(format!("cross-site request refused (Origin: {origin})").into())
        }
    }

    /// Checks the token in the `X-CSRF-Token` header or the `_token` form field; gives the
    /// request back (its body read and put back) when it matches.
    async fn check_token(&self, req: Request, session: &Session) -> Result<Request, Response> {
        let refuse = |req: &Request, why: &'static str| forbidden(req.headers(), why.into());
        let Some(expected) = session.existing_csrf_token() else {
            return Err(refuse(
                &req,
                "CSRF token missing: the session has none (reload the form and try again)",
            ));
        };
        if let Some(sent) = req.headers().get(CSRF_HEADER) {
            return if tokens_match(sent.as_bytes(), &expected) {
                Ok(req)
            } else {
                Err(refuse(&req, "CSRF token mismatch"))
            };
        }
        if !is_form(req.headers()) {
            return Err(refuse(
                &req,
                "CSRF token missing: send it in the `_token` form field or the `X-CSRF-Token` header",
            ));
        }
        let (parts, body) = req.into_parts();
        // `read_body` wants a request; lend it the headers (length and format of errors).
        let mut probe = Request::new(body);
        *probe.headers_mut() = parts.headers.clone();
        let bytes = match read_body(probe, self.body_limit).await {
            Ok(bytes) => bytes,
            Err(rejection) => return Err(rejection.into_response()),
        };
        let sent = form_field(&bytes, CSRF_FIELD);
        let req = Request::from_parts(parts, Body::full(bytes));
        match sent {
            Some(sent) if tokens_match(sent.as_bytes(), &expected) => Ok(req),
            Some(_) => Err(refuse(&req, "CSRF token mismatch")),
            None => Err(refuse(
                &req,
                "CSRF token missing: send it in the `_token` form field or the `X-CSRF-Token` header",
            )),
        }
    }
}

fn tokens_match(sent: &[u8], expected: &str) -> bool {
    // `ct_eq` on slices of different lengths is false without comparing; the length of a
    // token is no secret.
    bool::from(sent.ct_eq(expected.as_bytes()))
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// The host the request was sent to: its `Host` header (HTTP/1.1), or the URI's authority
/// (HTTP/2's `:authority`).
fn request_host(req: &Request) -> Option<&str> {
    req.headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
}

/// `true` when `origin` (`scheme://host[:port]`) names `host`, the host the request was sent
/// to.
fn same_host(origin: &str, host: Option<&str>) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let Some(host) = host else {
        return false;
    };
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return false,
    };
    let host = host.strip_suffix(default_port).unwrap_or(host);
    let authority = authority.strip_suffix(default_port).unwrap_or(authority);
    authority.eq_ignore_ascii_case(host)
}

fn forbidden(headers: &HeaderMap, why: Refusal) -> Response {
    tracing::info!(reason = %why, "CSRF check refused a request");
    Rejection::for_request(headers, StatusCode::FORBIDDEN, why).into_response()
}

fn is_safe(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

impl<S: Send + Sync> Middleware<S> for Csrf {
    type Provides = HCons<CsrfToken, HNil>;
    type Requires = HCons<Session, HNil>;

    async fn call<N: Next>(
        &self,
        mut req: Request,
        _: MiddlewareContext<'_, S>,
        next: N,
    ) -> Response {
        let Some(session) = req.extensions().get::<Session>().cloned() else {
            // The chain check makes this unreachable from `app!`; answer 500, not panic.
            tracing::error!("`Csrf` ran without a session: put `SessionLayer` before it");
            return crate::error::internal_error(&"`Csrf` ran without a session");
        };
        if !is_safe(req.method()) {
            match self.check_headers(&req) {
                Verdict::Allow => {}
                Verdict::Refuse(why) => return forbidden(req.headers(), why),
                Verdict::CheckToken => match self.check_token(req, &session).await {
                    Ok(checked) => req = checked,
                    Err(res) => return res,
                },
            }
        }
        // The handler's `CsrfToken` is read from the session already in the extensions.
        drop(session);
        next.run(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_get_head_options_and_trace_are_safe() {
        for method in [Method::GET, Method::HEAD, Method::OPTIONS, Method::TRACE] {
            assert!(is_safe(&method), "{method}");
        }
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(!is_safe(&method), "{method}");
        }
        assert!(!is_safe(&Method::from_bytes(b"PROPFIND").unwrap()));
    }

    #[test]
    fn the_host_falls_back_to_the_uri_authority() {
        let req = Request::builder()
            .uri("https://app.example/form")
            .body(Body::empty())
            .unwrap();
        assert_eq!(request_host(&req), Some("app.example"));
    }

    #[test]
    fn origins_match_the_host_with_or_without_default_ports() {
        let h = Some("example.com");
        assert!(same_host("https://example.com", h));
        assert!(same_host("https://example.com:443", h));
        assert!(same_host("https://EXAMPLE.com", h));
        assert!(!same_host("http://example.com:443", h));
        assert!(!same_host("https://evil.com", h));
        assert!(!same_host("null", h));
        assert!(!same_host("https://example.com", None));
        let h = Some("localhost:3000");
        assert!(same_host("http://localhost:3000", h));
        assert!(!same_host("http://localhost:3001", h));
    }

    #[test]
    fn form_fields_are_found_and_tokens_compared() {
        assert_eq!(
            form_field(b"a=1&_token=xyz", "_token").as_deref(),
            Some("xyz")
        );
        assert_eq!(form_field(b"a=1", "_token"), None);
        assert!(tokens_match(b"abc", "abc"));
        assert!(!tokens_match(b"abd", "abc"));
        assert!(!tokens_match(b"ab", "abc"));
    }
}
