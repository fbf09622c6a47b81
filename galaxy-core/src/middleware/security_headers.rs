//! `SecurityHeaders`: the browser security headers on every response, with a fresh
//! Content-Security-Policy nonce per request.
//!
//! See [`SecurityHeaders`] for the headers, their defaults and how to change them.
//!
//! # Example
//!
//! ```
//! use galaxy_core::middleware::{CspNonce, SecurityHeaders};
//! use galaxy_core::prelude::*;
//!
//! galaxy_core::app! {
//!     app = Site;
//!     chain web = [SecurityHeaders::default().frame_options("SAMEORIGIN")];
//!     routes {
//!         GET "/" => home, public, via web;
//!     }
//! }
//!
//! async fn home(nonce: CspNonce) -> Html<String> {
//!     Html(format!("<script nonce=\"{nonce}\">console.log('hi')</script>"))
//! }
//!
//! # #[tokio::main] async fn main() {
//! let res = TestClient::new(Site::new(())).get("/").send().await;
//! assert_eq!(res.header("x-frame-options"), Some("SAMEORIGIN"));
//! let csp = res.header("content-security-policy").unwrap();
//! assert!(csp.contains("'nonce-"));
//! # }
//! ```

use std::fmt;
use std::future::Future as _;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};
use std::task::Poll;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::HeaderValue;
use http::header::{
    CONTENT_SECURITY_POLICY, Entry, HeaderName, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use rand::RngCore as _;

use super::{HCons, HNil, Middleware, MiddlewareContext, Next};
use crate::{Request, Response};

const PERMISSIONS_POLICY: HeaderName = HeaderName::from_static("permissions-policy");
const CROSS_ORIGIN_OPENER_POLICY: HeaderName =
    HeaderName::from_static("cross-origin-opener-policy");

const NONCE_PLACEHOLDER: &str = "{nonce}";

/// The default `Content-Security-Policy`; `{nonce}` stands for the request's nonce.
const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self' 'nonce-{nonce}'; \
     style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The CSP nonce of the current request, provided by [`SecurityHeaders`]: put it in the `nonce`
/// attribute of inline `<script>` and `<style>` elements. It renders in maud templates as is
/// (`script nonce=(nonce) { ... }`).
///
/// Every request gets its own nonce, drawn from a CSPRNG (128 bits, base64url) the first time
/// it is read (`as_str`, `Display`, rendering), so a response that uses none costs no draw: its
/// policy goes out without the nonce sources, which allows exactly as much (a nonce no page
/// carries allows nothing). Read it before the handler returns its response: a nonce first read
/// later, say by a body streamed afterwards, is not in the policy already sent.
#[derive(Clone)]
pub struct CspNonce(Arc<OnceLock<NonceText>>);

/// 16 random bytes in unpadded base64url.
type NonceText = [u8; 22];

impl CspNonce {
    /// A nonce that is drawn when first read.
    fn lazy() -> Self {
        Self(Arc::new(OnceLock::new()))
    }

    #[cfg(test)]
    fn generate() -> Self {
        let nonce = Self::lazy();
        let _ = nonce.as_str();
        nonce
    }

    fn draw() -> NonceText {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let mut text = [0u8; 22];
        // Into a stack buffer: no `String` to allocate and free per request.
        let written = URL_SAFE_NO_PAD
            .encode_slice(bytes, &mut text)
            .expect("16 bytes are 22 in unpadded base64");
        debug_assert_eq!(written, text.len());
        text
    }

    /// The nonce, once drawn: `None` while nobody has read it.
    fn drawn(&self) -> Option<&str> {
        self.0.get().map(text_str)
    }

    /// The nonce.
    pub fn as_str(&self) -> &str {
        text_str(self.0.get_or_init(Self::draw))
    }
}

fn text_str(text: &NonceText) -> &str {
    // base64url is ASCII, so this never fails; an empty nonce would only weaken nothing.
    std::str::from_utf8(text).unwrap_or_default()
}

impl PartialEq for CspNonce {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for CspNonce {}

impl fmt::Display for CspNonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CspNonce {
    // Not secret once sent, but there is no reason to copy it into logs either.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CspNonce").finish_non_exhaustive()
    }
}

impl maud::Render for CspNonce {
    fn render_to(&self, buffer: &mut String) {
        self.as_str().render_to(buffer);
    }
}

crate::context_value!(CspNonce);

/// The policy, split around `{nonce}` once at configuration time so a request only joins the
/// pieces around its nonce.
#[derive(Debug, Clone)]
struct CspTemplate {
    pieces: Vec<String>,
    /// The policy for a response whose nonce nobody read, built once (see [`nonceless`]).
    without_nonce: Option<HeaderValue>,
}

impl CspTemplate {
    fn parse(policy: &str) -> Self {
        Self {
            pieces: policy.split(NONCE_PLACEHOLDER).map(str::to_owned).collect(),
            without_nonce: HeaderValue::try_from(nonceless(policy)).ok(),
        }
    }

    fn render(&self, nonce: &str) -> Option<HeaderValue> {
        let value = self.pieces.join(nonce);
        HeaderValue::try_from(value).ok()
    }

    /// The header for a response whose nonce is `drawn` (`None`: nobody read it).
    fn header(&self, drawn: Option<&str>) -> Option<HeaderValue> {
        match drawn {
            Some(nonce) => self.render(nonce),
            None => self.without_nonce.clone(),
        }
    }
}

/// `policy` without the source expressions that name the nonce, and `'none'` for a directive
/// left with no source: what the policy allows when no page carries its nonce.
fn nonceless(policy: &str) -> String {
    policy
        .split(';')
        .map(|directive| {
            let mut tokens = directive.split_ascii_whitespace();
            let Some(name) = tokens.next() else {
                return String::new();
            };
            let had_sources = directive.split_ascii_whitespace().count() > 1;
            let kept: Vec<&str> = tokens.filter(|t| !t.contains(NONCE_PLACEHOLDER)).collect();
            if had_sources && kept.is_empty() {
                format!("{name} 'none'")
            } else {
                std::iter::once(name)
                    .chain(kept)
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        })
        .filter(|directive| !directive.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Sets the browser security headers on every response that passes through it, errors
/// included (a panicking handler's 500 too), and provides a fresh [`CspNonce`] per request.
///
/// The defaults are strict and fit a server-rendered app that serves its own scripts and styles:
///
/// | header | default |
/// |---|---|
/// | `Content-Security-Policy` | `default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'` |
/// | `Strict-Transport-Security` | `max-age=63072000; includeSubDomains` |
/// | `X-Frame-Options` | `DENY` |
/// | `X-Content-Type-Options` | `nosniff` |
/// | `Referrer-Policy` | `strict-origin-when-cross-origin` |
/// | `Permissions-Policy` | `camera=(), microphone=(), geolocation=(), payment=(), usb=()` |
/// | `Cross-Origin-Opener-Policy` | `same-origin` |
///
/// `{nonce}` in the policy is replaced by the request's nonce, which handlers and views take as
/// [`CspNonce`] to mark their inline `<script>`/`<style>` elements. A header the handler already
/// set is kept, so one route can loosen (or tighten) a policy without a chain of its own.
///
/// Every header has a setter and a `without_...` method that stops sending it.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::SecurityHeaders;
///
/// let headers = SecurityHeaders::default()
///     .content_security_policy("default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'")
///     .hsts("max-age=31536000")
///     .without_permissions_policy();
/// # let _ = headers;
/// ```
///
/// # Panics
///
/// The setters panic when a value is not a valid header value (a control character in it):
/// that is a mistake in the app's code, found the first time the app starts.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    csp: Option<CspTemplate>,
    fixed: Vec<(HeaderName, HeaderValue)>,
}

impl Default for SecurityHeaders {
    fn default() -> Self {
        let fixed = [
            (
                STRICT_TRANSPORT_SECURITY,
                "max-age=63072000; includeSubDomains",
            ),
            (X_FRAME_OPTIONS, "DENY"),
            (X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (REFERRER_POLICY, "strict-origin-when-cross-origin"),
            (
                PERMISSIONS_POLICY,
                "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
            ),
            (CROSS_ORIGIN_OPENER_POLICY, "same-origin"),
        ];
        Self {
            csp: Some(CspTemplate::parse(DEFAULT_CSP)),
            fixed: fixed
                .into_iter()
                .map(|(name, value)| (name, HeaderValue::from_static(value)))
                .collect(),
        }
    }
}

fn header_value(name: &HeaderName, value: &str) -> HeaderValue {
    HeaderValue::try_from(value)
        .unwrap_or_else(|_| panic!("invalid value for the `{name}` header: {value:?}"))
}

impl SecurityHeaders {
    fn set(mut self, name: HeaderName, value: Option<&str>) -> Self {
        self.fixed.retain(|(n, _)| *n != name);
        if let Some(value) = value {
            let value = header_value(&name, value);
            self.fixed.push((name, value));
        }
        self
    }

    /// The `Content-Security-Policy`; every `{nonce}` in it is replaced by the request's nonce.
    #[must_use]
    pub fn content_security_policy(mut self, policy: &str) -> Self {
        // Validate once with a nonce-shaped stand-in, so a bad policy fails at start-up.
        let template = CspTemplate::parse(policy);
        if template.render("AAAAAAAAAAAAAAAAAAAAAA").is_none() || template.without_nonce.is_none() {
            panic!("invalid value for the `content-security-policy` header: {policy:?}");
        }
        self.csp = Some(template);
        self
    }

    /// Sends no `Content-Security-Policy` (handlers still get a [`CspNonce`]).
    #[must_use]
    pub fn without_content_security_policy(mut self) -> Self {
        self.csp = None;
        self
    }

    /// The `Strict-Transport-Security` value, e.g. `max-age=31536000; includeSubDomains; preload`.
    #[must_use]
    pub fn hsts(self, value: &str) -> Self {
        self.set(STRICT_TRANSPORT_SECURITY, Some(value))
    }

    /// Sends no `Strict-Transport-Security`.
    #[must_use]
    pub fn without_hsts(self) -> Self {
        self.set(STRICT_TRANSPORT_SECURITY, None)
    }

    /// The `X-Frame-Options` value: `DENY` or `SAMEORIGIN`.
    #[must_use]
    pub fn frame_options(self, value: &str) -> Self {
        self.set(X_FRAME_OPTIONS, Some(value))
    }

    /// Sends no `X-Frame-Options`.
    #[must_use]
    pub fn without_frame_options(self) -> Self {
        self.set(X_FRAME_OPTIONS, None)
    }

    /// The `X-Content-Type-Options` value (`nosniff` is the only one browsers know).
    #[must_use]
    pub fn content_type_options(self, value: &str) -> Self {
        self.set(X_CONTENT_TYPE_OPTIONS, Some(value))
    }

    /// Sends no `X-Content-Type-Options`.
    #[must_use]
    pub fn without_content_type_options(self) -> Self {
        self.set(X_CONTENT_TYPE_OPTIONS, None)
    }

    /// The `Referrer-Policy` value, e.g. `no-referrer`.
    #[must_use]
    pub fn referrer_policy(self, value: &str) -> Self {
        self.set(REFERRER_POLICY, Some(value))
    }

    /// Sends no `Referrer-Policy`.
    #[must_use]
    pub fn without_referrer_policy(self) -> Self {
        self.set(REFERRER_POLICY, None)
    }

    /// The `Permissions-Policy` value, e.g. `geolocation=(self)`.
    #[must_use]
    pub fn permissions_policy(self, value: &str) -> Self {
        self.set(PERMISSIONS_POLICY, Some(value))
    }

    /// Sends no `Permissions-Policy`.
    #[must_use]
    pub fn without_permissions_policy(self) -> Self {
        self.set(PERMISSIONS_POLICY, None)
    }

    /// The `Cross-Origin-Opener-Policy` value, e.g. `same-origin-allow-popups`.
    #[must_use]
    pub fn cross_origin_opener_policy(self, value: &str) -> Self {
        self.set(CROSS_ORIGIN_OPENER_POLICY, Some(value))
    }

    /// Sends no `Cross-Origin-Opener-Policy`.
    #[must_use]
    pub fn without_cross_origin_opener_policy(self) -> Self {
        self.set(CROSS_ORIGIN_OPENER_POLICY, None)
    }

    fn apply(&self, res: &mut Response, nonce: &CspNonce) {
        let headers = res.headers_mut();
        // One growth of the map instead of several as the headers go in.
        headers.reserve(self.fixed.len() + 1);
        // `entry`: one lookup per header for "keep the handler's, else set ours".
        if let Some(csp) = &self.csp
            && let Entry::Vacant(slot) = headers.entry(CONTENT_SECURITY_POLICY)
            && let Some(value) = csp.header(nonce.drawn())
        {
            slot.insert(value);
        }
        for (name, value) in &self.fixed {
            if let Entry::Vacant(slot) = headers.entry(name) {
                slot.insert(value.clone());
            }
        }
    }
}

impl<S: Send + Sync> Middleware<S> for SecurityHeaders {
    type Provides = HCons<CspNonce, HNil>;
    type Requires = HNil;

    async fn call<N: Next>(
        &self,
        mut req: Request,
        _: MiddlewareContext<'_, S>,
        next: N,
    ) -> Response {
        let nonce = CspNonce::lazy();
        req.extensions_mut().insert(nonce.clone());
        // A panic below would otherwise become its 500 outside this middleware, without the
        // headers: the error page gets them too.
        // Polled in place under `catch_unwind` rather than wrapped in `CatchUnwind`, which
        // would copy the whole rest of the chain's future into the wrapper once more.
        let mut rest = std::pin::pin!(next.run(req));
        let outcome = std::future::poll_fn(|cx| {
            match std::panic::catch_unwind(AssertUnwindSafe(|| rest.as_mut().poll(cx))) {
                Ok(Poll::Pending) => Poll::Pending,
                Ok(Poll::Ready(res)) => Poll::Ready(Ok(res)),
                Err(panic) => Poll::Ready(Err(panic)),
            }
        })
        .await;
        let mut res = match outcome {
            Ok(res) => res,
            Err(panic) => crate::error::panic_response(&*panic, None),
        };
        self.apply(&mut res, &nonce);
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_fresh_and_url_safe() {
        let a = CspNonce::generate();
        let b = CspNonce::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 22);
        assert!(
            a.as_str()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }

    #[test]
    fn the_template_puts_the_nonce_in_every_placeholder() {
        let template = CspTemplate::parse("script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'");
        let value = template.render("abc").unwrap();
        assert_eq!(value, "script-src 'nonce-abc'; style-src 'nonce-abc'");
    }

    #[test]
    fn a_nonce_nobody_read_is_left_out_of_the_policy() {
        assert_eq!(
            nonceless(DEFAULT_CSP),
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        );
        // A directive whose only source was the nonce allows nothing, as before.
        assert_eq!(
            nonceless("script-src 'nonce-{nonce}' ; style-src 'nonce-{nonce}' 'strict-dynamic';"),
            "script-src 'none'; style-src 'strict-dynamic'"
        );
        assert_eq!(
            nonceless("upgrade-insecure-requests"),
            "upgrade-insecure-requests"
        );
        let template = CspTemplate::parse(DEFAULT_CSP);
        assert_eq!(template.header(None), template.without_nonce);
        assert!(
            !template
                .header(None)
                .unwrap()
                .to_str()
                .unwrap()
                .contains("nonce")
        );
        let with = template.header(Some("abc")).unwrap();
        assert!(with.to_str().unwrap().contains("'nonce-abc'"));
    }

    #[test]
    fn a_nonce_is_drawn_once_when_first_read() {
        let nonce = CspNonce::lazy();
        assert_eq!(nonce.drawn(), None);
        let copy = nonce.clone();
        let first = nonce.as_str().to_owned();
        assert_eq!(copy.drawn(), Some(first.as_str()));
        assert_eq!(copy.as_str(), first);
    }

    #[test]
    #[should_panic(expected = "invalid value for the `x-frame-options` header")]
    fn invalid_values_fail_at_configuration() {
        let _ = SecurityHeaders::default().frame_options("DENY\n");
    }
}
