// An app that does not ask for an OpenAPI document does not need `JsonSchema` on its types.
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
    routes {
        GET "/items/{id: u64}" => show, public;
    }
}

fn main() {}
