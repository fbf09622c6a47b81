//! Chains on groups and routes, nested, with provided values taken by handlers.
use galaxy_core::middleware::{Ctx, RequestId, RequestIdLayer};

galaxy_core::app! {
    app = Site;
    chain tracked = [RequestIdLayer::default()];
    chain trusted = [RequestIdLayer::trusting(["10.0.0.1".parse().unwrap()])];
    routes {
        GET "/" => home, public;
        group "/t" via tracked {
            GET "/a" => by_value, public;
            GET "/b" => by_ctx, public;
        }
        GET "/c" => by_value, public, via trusted;
    }
}

async fn home() -> &'static str {
    "home"
}

async fn by_value(id: RequestId) -> String {
    id.to_string()
}

async fn by_ctx(Ctx(id): Ctx<RequestId>, maybe: Option<RequestId>) -> String {
    format!("{id} {}", maybe.is_some())
}

fn main() {
    let _ = Site::new(());
}
