galaxy_core::app! {
    app = Blog;
    routes {
        GET "/posts/{id: u65}" => show, public;
    }
}

async fn show() -> &'static str {
    "post"
}

fn main() {}
