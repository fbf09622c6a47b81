galaxy_core::app! {
    app = Blog;
    routes {
        GET "/posts/{id: u64" => show, public;
    }
}

async fn show() -> &'static str {
    "post"
}

fn main() {}
