galaxy_core::app! {
    app = Blog;
    routes {
        GET "/posts/{id: u64}" => show, public;
        GET "/posts/{post: u64}" => show_again, public;
    }
}

async fn show() -> &'static str {
    "post"
}

async fn show_again() -> &'static str {
    "post"
}

fn main() {}
