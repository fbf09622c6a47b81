//! `Compression`: gzip or brotli response bodies for clients that accept them, by tower-http's
//! `CompressionLayer`.

use std::fmt;
use std::sync::OnceLock;

pub use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;

use super::{HNil, Middleware, MiddlewareContext, Next, Tower};
use crate::{Request, Response};

/// `Compression`: gzip or brotli response bodies for clients that accept them, by tower-http's
/// `CompressionLayer`.
///
/// The encoding is chosen from the request's `Accept-Encoding` (brotli preferred); responses
/// that are small (under 32 bytes), already encoded, images, gRPC or server-sent events are
/// left alone. `Vary: Accept-Encoding` is added.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::Compression;
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Big;
///     chain global = [Compression::new()];
///     routes {
///         GET "/" => page, public;
///     }
/// }
///
/// async fn page() -> String { "galaxy ".repeat(1000) }
///
/// # #[tokio::main] async fn main() {
/// let res = TestClient::new(Big::new(())).get("/").header("accept-encoding", "gzip").send().await;
/// assert_eq!(res.header("content-encoding"), Some("gzip"));
/// assert!(res.bytes().len() < 7000);
/// # }
/// ```
pub struct Compression {
    layer: CompressionLayer,
    tower: OnceLock<Tower>,
}

impl fmt::Debug for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compression").finish_non_exhaustive()
    }
}

impl Default for Compression {
    fn default() -> Self {
        Self::new()
    }
}

impl Compression {
    /// gzip and brotli, at the default level.
    pub fn new() -> Self {
        Self {
            layer: CompressionLayer::new().gzip(true).br(true),
            tower: OnceLock::new(),
        }
    }

    fn map(mut self, f: impl FnOnce(CompressionLayer) -> CompressionLayer) -> Self {
        self.layer = f(self.layer);
        self
    }

    /// Turns gzip on or off.
    pub fn gzip(self, enable: bool) -> Self {
        self.map(|l| l.gzip(enable))
    }

    /// Turns brotli on or off.
    pub fn br(self, enable: bool) -> Self {
        self.map(|l| l.br(enable))
    }

    /// The compression level: `CompressionLevel::Fastest`, `Best`, `Default` or `Precise(n)`.
    pub fn level(self, level: CompressionLevel) -> Self {
        self.map(|l| l.quality(level))
    }
}

impl<S: Send + Sync> Middleware<S> for Compression {
    type Provides = HNil;
    type Requires = HNil;

    async fn call<N: Next>(&self, req: Request, cx: MiddlewareContext<'_, S>, next: N) -> Response {
        let tower = self.tower.get_or_init(|| Tower::new(self.layer.clone()));
        Middleware::call(tower, req, cx, next).await
    }
}
