// The document's path is a route like any other: an app route already on it is a conflict.

async fn spec() -> &'static str {
    "{}"
}

galaxy_core::app! {
    app = Shop;
    openapi = "/openapi.json";
    routes {
        GET "/openapi.json" => spec, public;
    }
}

fn main() {}
