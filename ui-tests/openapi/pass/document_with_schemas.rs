// With `openapi = "..."`, handlers whose types derive `JsonSchema` are described.
use galaxy_core::prelude::*;
use galaxy_core::schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, JsonSchema)]
#[schemars(crate = "galaxy_core::schemars")]
struct Item {
    id: u64,
}

#[derive(Deserialize, JsonSchema)]
#[schemars(crate = "galaxy_core::schemars")]
struct NewItem {
    name: String,
}

async fn show(Path(id): Path<u64>) -> Json<Item> {
    Json(Item { id })
}

async fn store(Json(new): Json<NewItem>) -> Result<Json<Item>, Error> {
    Ok(Json(Item { id: new.name.len() as u64 }))
}

galaxy_core::app! {
    app = Shop;
    openapi = "/openapi.json";
    routes {
        GET "/items/{id: u64}" => show, public;
        POST "/items" => store, public;
    }
}

fn main() {
    let _: serde_json::Value = Shop::openapi();
}
