//! `IpFilter`: allow and deny lists of CIDR ranges; other clients get `403 Forbidden`.

use std::net::IpAddr;

use http::StatusCode;

use super::client_ip::{ClientIp, IpRanges};
use super::{HCons, HNil, Middleware, MiddlewareContext, Next};
use crate::error::plain;
use crate::{Request, Response};

/// `IpFilter`: allow and deny lists of CIDR ranges; other clients get `403 Forbidden`.
///
/// The address checked is the [`ClientIp`] a [`TrustedProxies`](super::TrustedProxies) before
/// it in the chain provides (the chain does not compile without one). A deny entry wins over an
/// allow entry; with an allow list, only the addresses in it pass.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::{IpFilter, TrustedProxies};
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Admin;
///     chain admin = [TrustedProxies::none(), IpFilter::allow(["127.0.0.1", "10.0.0.0/8"]).deny(["10.6.6.0/24"])];
///     routes {
///         GET "/admin" => admin, public, via admin;
///     }
/// }
///
/// async fn admin() -> &'static str { "welcome" }
///
/// # #[tokio::main] async fn main() {
/// // In-process requests come from 127.0.0.1.
/// let res = TestClient::new(Admin::new(())).get("/admin").send().await;
/// assert_eq!(res.status(), 200);
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct IpFilter {
    allow: IpRanges,
    deny: IpRanges,
}

impl IpFilter {
    /// Only these ranges (or addresses) pass.
    ///
    /// # Panics
    ///
    /// When a range is malformed.
    pub fn allow<I>(ranges: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        Self::default().and_allow(ranges)
    }

    /// Everyone but these ranges passes.
    ///
    /// # Panics
    ///
    /// When a range is malformed.
    pub fn deny_only<I>(ranges: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        Self::default().deny(ranges)
    }

    /// Adds ranges to the allow list.
    ///
    /// # Panics
    ///
    /// When a range is malformed.
    pub fn and_allow<I>(mut self, ranges: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.allow.extend(IpRanges::parse(ranges, "IpFilter"));
        self
    }

    /// Adds ranges to the deny list, which wins over the allow list.
    ///
    /// # Panics
    ///
    /// When a range is malformed.
    pub fn deny<I>(mut self, ranges: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.deny.extend(IpRanges::parse(ranges, "IpFilter"));
        self
    }

    /// Whether `ip` may pass.
    pub fn permits(&self, ip: IpAddr) -> bool {
        !self.deny.contains(ip) && (self.allow.is_empty() || self.allow.contains(ip))
    }
}

impl<S: Send + Sync> Middleware<S> for IpFilter {
    type Provides = HNil;
    type Requires = HCons<ClientIp, HNil>;

    async fn call<N: Next>(&self, req: Request, cx: MiddlewareContext<'_, S>, next: N) -> Response {
        let ip = ClientIp::of(&req, cx.peer_addr());
        if self.permits(ip) {
            next.run(req).await
        } else {
            tracing::info!(%ip, "ip filter refused a client");
            plain(StatusCode::FORBIDDEN, "forbidden\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deny_wins_and_allow_lists_are_exclusive() {
        let f = IpFilter::allow(["10.0.0.0/8", "::1"]).deny(["10.6.6.0/24"]);
        assert!(f.permits("10.1.2.3".parse().unwrap()));
        assert!(f.permits("::1".parse().unwrap()));
        assert!(!f.permits("10.6.6.6".parse().unwrap()));
        assert!(!f.permits("192.0.2.1".parse().unwrap()));
        let f = IpFilter::deny_only(["192.0.2.0/24"]);
        assert!(f.permits("10.1.2.3".parse().unwrap()));
        assert!(!f.permits("192.0.2.1".parse().unwrap()));
        assert!(
            !f.permits("::ffff:192.0.2.1".parse().unwrap()),
            "mapped v4 is v4"
        );
    }
}
