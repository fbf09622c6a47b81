// Two middleware on one route provide `RequestId`: the handler could not tell which to take.
use galaxy_core::middleware::{RequestId, RequestIdLayer};

galaxy_core::app! {
    app = Site;
    chain global = [RequestIdLayer::default()];
    chain tracked = [RequestIdLayer::default()];
    routes {
        GET "/tracked" => show_id, public, via tracked;
    }
}

async fn show_id(id: RequestId) -> String {
    id.to_string()
}

fn main() {}
