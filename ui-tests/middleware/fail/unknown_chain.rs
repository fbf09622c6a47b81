use galaxy_core::middleware::RequestIdLayer;

galaxy_core::app! {
    app = Site;
    chain web = [RequestIdLayer::default()];
    routes {
        group "/admin" via admin {
            GET "/" => home, public;
        }
    }
}

async fn home() -> &'static str {
    "home"
}

fn main() {}
