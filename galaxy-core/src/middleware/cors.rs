//! `Cors`: cross-origin resource sharing, by tower-http's `CorsLayer` behind a small builder.

use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

use super::{HNil, Middleware, MiddlewareContext, Next, Tower};
use crate::{Request, Response};

/// `Cors`: cross-origin resource sharing, by tower-http's `CorsLayer` behind a small builder.
///
/// Preflight requests (`OPTIONS` with `Access-Control-Request-Method`) are answered by the
/// middleware itself; other requests go on and their responses get the
/// `Access-Control-Allow-*` headers when their `Origin` is allowed. A `Cors` that allows no
/// origin (`Cors::new()` alone) adds nothing, so browsers keep the same-origin policy.
///
/// Put it in `chain global` to answer preflights for every path, routes without an `OPTIONS`
/// handler included.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use galaxy_core::middleware::Cors;
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Api;
///     chain global = [
///         Cors::new()
///             .allow_origins(["https://app.example.com"])
///             .allow_methods([Method::GET, Method::POST])
///             .allow_headers(["content-type", "authorization"])
///             .allow_credentials(true)
///             .max_age(Duration::from_secs(600)),
///     ];
///     routes {
///         GET "/data" => data, public;
///     }
/// }
///
/// async fn data() -> &'static str { "{}" }
///
/// # #[tokio::main] async fn main() {
/// let res = TestClient::new(Api::new(()))
///     .get("/data")
///     .header("origin", "https://app.example.com")
///     .send()
///     .await;
/// assert_eq!(res.header("access-control-allow-origin"), Some("https://app.example.com"));
/// # }
/// ```
///
/// Allowing credentials together with any origin, method or header (`*`) is refused by
/// browsers; such a `Cors` stops the app when it is built (`App::new` panics saying which
/// wildcard), not on its first request.
pub struct Cors {
    layer: CorsLayer,
    tower: OnceLock<Tower>,
}

impl fmt::Debug for Cors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cors")
            .field("layer", &self.layer)
            .finish_non_exhaustive()
    }
}

impl Default for Cors {
    fn default() -> Self {
        Self::new()
    }
}

impl Cors {
    /// Allows nothing yet: add origins, methods and headers with the builder methods.
    pub fn new() -> Self {
        Self::from_layer(CorsLayer::new())
    }

    /// Any origin, method and header, without credentials: for public APIs.
    pub fn permissive() -> Self {
        Self::from_layer(CorsLayer::permissive())
    }

    /// Any tower-http `CorsLayer`, for what the builder does not cover.
    pub fn from_layer(layer: CorsLayer) -> Self {
        Self {
            layer,
            tower: OnceLock::new(),
        }
    }

    fn map(mut self, f: impl FnOnce(CorsLayer) -> CorsLayer) -> Self {
        self.layer = f(self.layer);
        self
    }

    /// Allows these origins (`https://app.example.com`: scheme, host and port, no path).
    ///
    /// # Panics
    ///
    /// When an origin is not a valid header value.
    pub fn allow_origins<I>(self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let origins: Vec<HeaderValue> = origins
            .into_iter()
            .map(|o| {
                HeaderValue::from_str(o.as_ref())
                    .unwrap_or_else(|_| panic!("Cors: `{}` is not a valid origin", o.as_ref()))
            })
            .collect();
        self.map(|l| l.allow_origin(AllowOrigin::list(origins)))
    }

    /// Allows any origin (`*`); not together with credentials.
    pub fn allow_any_origin(self) -> Self {
        self.map(|l| l.allow_origin(Any))
    }

    /// Allows the origins `predicate` accepts (e.g. every subdomain of yours).
    pub fn allow_origin_if<F>(self, predicate: F) -> Self
    where
        F: Fn(&HeaderValue) -> bool + Send + Sync + 'static,
    {
        self.map(|l| l.allow_origin(AllowOrigin::predicate(move |origin, _| predicate(origin))))
    }

    /// The methods cross-origin requests may use.
    pub fn allow_methods(self, methods: impl IntoIterator<Item = Method>) -> Self {
        let methods: Vec<Method> = methods.into_iter().collect();
        self.map(|l| l.allow_methods(methods))
    }

    /// The request headers cross-origin requests may send.
    ///
    /// # Panics
    ///
    /// When a name is not a valid header name.
    pub fn allow_headers<I>(self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let headers = header_names(headers, "allow_headers");
        self.map(|l| l.allow_headers(headers))
    }

    /// The response headers scripts may read besides the simple ones.
    ///
    /// # Panics
    ///
    /// When a name is not a valid header name.
    pub fn expose_headers<I>(self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let headers = header_names(headers, "expose_headers");
        self.map(|l| l.expose_headers(headers))
    }

    /// Whether cookies and `Authorization` may be sent cross-origin.
    pub fn allow_credentials(self, allow: bool) -> Self {
        self.map(|l| l.allow_credentials(allow))
    }

    /// How long browsers may cache a preflight's answer.
    pub fn max_age(self, max_age: Duration) -> Self {
        self.map(|l| l.max_age(max_age))
    }
}

fn header_names<I>(names: I, what: &str) -> Vec<HeaderName>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    names
        .into_iter()
        .map(|n| {
            HeaderName::try_from(n.as_ref())
                .unwrap_or_else(|_| panic!("Cors::{what}: `{}` is not a header name", n.as_ref()))
        })
        .collect()
}

impl<S: Send + Sync> Middleware<S> for Cors {
    type Provides = HNil;
    type Requires = HNil;

    async fn call<N: Next>(&self, req: Request, cx: MiddlewareContext<'_, S>, next: N) -> Response {
        let tower = self.tower.get_or_init(|| Tower::new(self.layer.clone()));
        Middleware::call(tower, req, cx, next).await
    }

    fn check(&self) {
        // tower-http validates a configuration when its layer wraps a service; wrapping a
        // placeholder runs those checks now instead of on the first request.
        let _ = tower::Layer::layer(&self.layer, ());
    }
}
