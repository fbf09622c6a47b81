// `with_trashed` only means something on a route that binds a model.
use galaxy_core::prelude::*;

galaxy_core::app! {
    app = Site;
    routes {
        GET "/posts/{id: i64}" => show, public, with_trashed;
    }
}

async fn show(Path(id): Path<i64>) -> String {
    id.to_string()
}

fn main() {}
