//! `RequestId`: every request gets an id, echoed in the response and available to handlers and
//! logs.

use std::net::IpAddr;
use std::sync::Arc;

use http::{HeaderName, HeaderValue};

use super::{HCons, HNil, Middleware, MiddlewareContext, Next};
use crate::{Request, Response, request_id};

/// `x-request-id`, parsed once at compile time rather than from a `&str` on every insert.
const X_REQUEST_ID: HeaderName = HeaderName::from_static(request_id::HEADER);

/// The id of the current request, provided by the [`RequestIdLayer`] middleware.
///
/// ```
/// use galaxy_core::middleware::RequestId;
///
/// async fn handler(id: RequestId) -> String {
///     format!("you are request {id}")
/// }
/// ```
#[derive(Clone)]
pub struct RequestId(Id);

/// A generated id lives inline (no allocation per request, a copy per clone); one trusted from
/// a proxy's header, of any length up to 128, is shared.
#[derive(Clone)]
enum Id {
    Generated([u8; 16]),
    Incoming(Arc<str>),
}

impl RequestId {
    /// The id.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Lowercase hex digits are ASCII, so this never fails.
            Id::Generated(hex) => std::str::from_utf8(hex).unwrap_or_default(),
            Id::Incoming(id) => id,
        }
    }
}

impl PartialEq for RequestId {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RequestId {}

impl std::fmt::Debug for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RequestId").field(&self.as_str()).finish()
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::context_value!(RequestId);

/// Gives every request an id: the `x-request-id` header when a trusted proxy sent one, a fresh
/// id otherwise. The id is echoed in the response's `x-request-id` and handlers can take it as
/// [`RequestId`].
///
/// A request id from an untrusted client is ignored: ids end up in logs, and letting anyone
/// choose them lets anyone forge log lines that seem to belong to another request.
///
/// # Example
///
/// ```ignore
/// chain web = [RequestIdLayer::default(), ...];
/// chain behind_proxy = [RequestIdLayer::trusting(["10.0.0.1".parse().unwrap()]), ...];
/// ```
#[derive(Debug, Clone, Default)]
pub struct RequestIdLayer {
    trusted_proxies: Vec<IpAddr>,
}

impl RequestIdLayer {
    /// Accepts incoming ids from these proxy addresses.
    pub fn trusting(proxies: impl IntoIterator<Item = IpAddr>) -> Self {
        Self {
            trusted_proxies: proxies.into_iter().collect(),
        }
    }

    fn incoming(&self, req: &Request, peer: Option<IpAddr>) -> Option<RequestId> {
        let trusted = peer.is_some_and(|ip| self.trusted_proxies.contains(&ip));
        if !trusted {
            return None;
        }
        let value = req.headers().get(request_id::HEADER)?.to_str().ok()?;
        // Only short, printable ids: they go into logs and headers.
        let valid =
            !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_graphic());
        valid.then(|| RequestId(Id::Incoming(Arc::from(value))))
    }
}

impl<S: Send + Sync> Middleware<S> for RequestIdLayer {
    type Provides = HCons<RequestId, HNil>;
    type Requires = HNil;

    async fn call<N: Next>(
        &self,
        mut req: Request,
        cx: MiddlewareContext<'_, S>,
        next: N,
    ) -> Response {
        let peer = cx.peer_addr().map(|addr| addr.ip());
        let id = self
            .incoming(&req, peer)
            .unwrap_or_else(|| RequestId(Id::Generated(request_id::generate_hex())));
        req.extensions_mut().insert(id.clone());
        let mut res = next.run(req).await;
        if let Ok(value) = HeaderValue::from_str(id.as_str()) {
            res.headers_mut().insert(X_REQUEST_ID, value);
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_and_incoming_ids_read_display_and_compare_as_their_text() {
        let generated = RequestId(Id::Generated(*b"0123456789abcdef"));
        assert_eq!(generated.as_str(), "0123456789abcdef");
        assert_eq!(generated.to_string(), "0123456789abcdef");
        assert_eq!(format!("{generated:?}"), r#"RequestId("0123456789abcdef")"#);
        let incoming = RequestId(Id::Incoming(Arc::from("0123456789abcdef")));
        assert_eq!(generated, incoming);
        assert_ne!(
            generated,
            RequestId(Id::Incoming(Arc::from("from-the-proxy")))
        );
    }
}
