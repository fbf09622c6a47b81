use galaxy_core::prelude::*;

galaxy_core::app! {
    app = Shop;
    routes {
        POST "/orders/{id: u64}" => update, public;
    }
}

#[derive(serde::Deserialize)]
struct Order {
    quantity: u32,
}

async fn update(Json(order): Json<Order>, Path(id): Path<u64>) -> String {
    format!("{id}: {}", order.quantity)
}

fn main() {}
