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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(Arc<str>);

impl RequestId {
    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
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
        valid.then(|| RequestId(Arc::from(value)))
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
        let id = self.incoming(&req, peer).unwrap_or_else(|| {
            let hex = request_id::generate_hex();
            RequestId(Arc::from(std::str::from_utf8(&hex).unwrap_or_default()))
        });
        req.extensions_mut().insert(id.clone());
        let mut res = next.run(req).await;
        if let Ok(value) = HeaderValue::from_str(id.as_str()) {
            res.headers_mut().insert(X_REQUEST_ID, value);
        }
        res
    }
}
