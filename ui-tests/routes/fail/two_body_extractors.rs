use galaxy_core::prelude::*;

galaxy_core::app! {
    app = Shop;
    routes {
        POST "/orders" => store, public;
    }
}

#[derive(serde::Deserialize)]
struct Order {
    quantity: u32,
}

async fn store(Json(order): Json<Order>, raw: String) -> String {
    format!("{} {raw}", order.quantity)
}

fn main() {}
