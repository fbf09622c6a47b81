use galaxy_core::middleware::{HCons, HNil, Middleware, MiddlewareContext, Next, RequestId, RequestIdLayer};
use galaxy_core::{Request, Response};

/// Logs requests under their id, so it needs `RequestIdLayer` before it.
struct AuditLog;

impl<S: Send + Sync> Middleware<S> for AuditLog {
    type Provides = HNil;
    type Requires = HCons<RequestId, HNil>;

    async fn call<N: Next>(&self, req: Request, _: MiddlewareContext<'_, S>, next: N) -> Response {
        next.run(req).await
    }
}

galaxy_core::app! {
    app = Site;
    chain web = [AuditLog, RequestIdLayer::default()];
    routes {
        GET "/" => home, public, via web;
    }
}

async fn home() -> &'static str {
    "home"
}

fn main() {}
