//! `MaintenanceMode`: while switched on, requests are answered `503 Service Unavailable` with
//! `Retry-After`, except from allow-listed addresses or clients that show the bypass secret.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use http::header::{CACHE_CONTROL, COOKIE, RETRY_AFTER};
use http::{HeaderValue, StatusCode};

use super::client_ip::{ClientIp, IpRanges};
use super::{HNil, Middleware, MiddlewareContext, Next};
use crate::error::plain;
use crate::{Request, Response};

/// The header that carries the bypass secret.
pub const BYPASS_HEADER: &str = "x-maintenance-bypass";
/// The cookie that carries the bypass secret.
pub const BYPASS_COOKIE: &str = "galaxy_maintenance_bypass";

/// The on/off switch of a [`MaintenanceMode`]; clones share it.
#[derive(Debug, Clone, Default)]
pub struct MaintenanceSwitch(Arc<AtomicBool>);

impl MaintenanceSwitch {
    /// A switch, off.
    pub fn new() -> Self {
        Self::default()
    }

    /// Turns maintenance mode on.
    pub fn enable(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Turns maintenance mode off.
    pub fn disable(&self) {
        self.0.store(false, Ordering::Release);
    }

    /// Whether maintenance mode is on.
    pub fn is_on(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// `MaintenanceMode`: while switched on, requests are answered `503 Service Unavailable` with
/// `Retry-After`, except from allow-listed addresses or clients that show the bypass secret.
///
/// The switch is a [`MaintenanceSwitch`]: a cheap shared handle that you keep (in a `static`,
/// or cloned into your admin handlers) and flip at run time. The secret is accepted from the
/// `x-maintenance-bypass` header or the `galaxy_maintenance_bypass` cookie, so an operator can
/// set the cookie once in a browser and use the site while everyone else waits.
///
/// Allow-listed addresses are checked against the [`ClientIp`] a
/// [`TrustedProxies`](super::TrustedProxies) before it provides, else the connection's peer
/// (in-process requests come from `127.0.0.1`).
///
/// # Example
///
/// ```
/// use std::sync::LazyLock;
/// use galaxy_core::middleware::{MaintenanceMode, MaintenanceSwitch};
/// use galaxy_core::prelude::*;
///
/// static MAINTENANCE: LazyLock<MaintenanceSwitch> = LazyLock::new(MaintenanceSwitch::new);
///
/// galaxy_core::app! {
///     app = Shop;
///     chain global = [
///         MaintenanceMode::new(MAINTENANCE.clone())
///             .allow_ips(["10.0.0.0/8"])
///             .bypass_secret("let-me-in")
///             .retry_after(600),
///     ];
///     routes {
///         GET "/" => home, public;
///     }
/// }
///
/// async fn home() -> &'static str { "home" }
///
/// # #[tokio::main] async fn main() {
/// let client = TestClient::new(Shop::new(()));
/// MAINTENANCE.enable();
/// assert_eq!(client.get("/").send().await.status(), 503);
/// let res = client.get("/").header("x-maintenance-bypass", "let-me-in").send().await;
/// assert_eq!(res.status(), 200);
/// MAINTENANCE.disable();
/// assert_eq!(client.get("/").send().await.status(), 200);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct MaintenanceMode {
    switch: MaintenanceSwitch,
    allow: IpRanges,
    secret: Option<String>,
    retry_after: u64,
}

impl MaintenanceMode {
    /// Maintenance mode controlled by `switch`, with `Retry-After: 60`.
    pub fn new(switch: MaintenanceSwitch) -> Self {
        Self {
            switch,
            allow: IpRanges::default(),
            secret: None,
            retry_after: 60,
        }
    }

    /// Lets these ranges (or addresses) through.
    ///
    /// # Panics
    ///
    /// When a range is malformed.
    pub fn allow_ips<I>(mut self, ranges: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.allow
            .extend(IpRanges::parse(ranges, "MaintenanceMode"));
        self
    }

    /// Lets through requests that carry `secret` in the bypass header or cookie.
    pub fn bypass_secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = Some(secret.into()).filter(|s| !s.is_empty());
        self
    }

    /// The `Retry-After` seconds sent with the 503.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = seconds;
        self
    }

    fn has_secret(&self, req: &Request) -> bool {
        let Some(secret) = &self.secret else {
            return false;
        };
        let matches = |v: &str| constant_time_eq(v.trim().as_bytes(), secret.as_bytes());
        let in_header = req
            .headers()
            .get_all(BYPASS_HEADER)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(matches);
        let in_cookie = || {
            req.headers()
                .get_all(COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .filter_map(|pair| pair.split_once('='))
                .any(|(name, value)| name.trim() == BYPASS_COOKIE && matches(value))
        };
        in_header || in_cookie()
    }
}

/// Compares without an early exit, so response times do not leak how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl<S: Send + Sync> Middleware<S> for MaintenanceMode {
    type Provides = HNil;
    type Requires = HNil;

    async fn call<N: Next>(&self, req: Request, cx: MiddlewareContext<'_, S>, next: N) -> Response {
        if !self.switch.is_on()
            || self.allow.contains(ClientIp::of(&req, cx.peer_addr()))
            || self.has_secret(&req)
        {
            return next.run(req).await;
        }
        let mut res = plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "down for maintenance, back soon\n",
        );
        res.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(self.retry_after));
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }
}
