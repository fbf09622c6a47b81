use galaxy_core::prelude::*;

galaxy_core::app! {
    app = Blog;
    routes {
        GET "/posts/{id: u64}" => show, public;
    }
}

async fn show(Path(slug): Path<String>) -> String {
    slug
}

fn main() {}
