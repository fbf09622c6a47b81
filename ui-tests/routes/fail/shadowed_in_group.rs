galaxy_core::app! {
    app = Api;
    routes {
        group "/api" {
            GET "/items/{id: u64}" => item, public;
            HEAD "/items/{id: u32}" => update_item, public;
        }
    }
}

async fn item() -> &'static str {
    "item"
}

async fn update_item() -> &'static str {
    "updated"
}

fn main() {}
