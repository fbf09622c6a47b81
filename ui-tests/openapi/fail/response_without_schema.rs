// An app that serves an OpenAPI document must be able to describe every handler: `Plain` does
// not derive `JsonSchema`.
use galaxy_core::prelude::*;
use serde::Serialize;

#[derive(Serialize)]
struct Plain {
    id: u64,
}

async fn show(Path(id): Path<u64>) -> Json<Plain> {
    Json(Plain { id })
}

galaxy_core::app! {
    app = Shop;
    openapi = "/openapi.json";
    routes {
        GET "/items/{id: u64}" => show, public;
    }
}

fn main() {}
