use galaxy_core::middleware::{RequestId, RequestIdLayer};

galaxy_core::app! {
    app = Site;
    chain tracked = [RequestIdLayer::default()];
    routes {
        GET "/tracked" => show_id, public, via tracked;
        GET "/untracked" => show_id, public;
    }
}

async fn show_id(id: RequestId) -> String {
    id.to_string()
}

fn main() {}
