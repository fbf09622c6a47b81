galaxy_core::app! {
    app = Blog;
    routes {
        GET "/tags/{tag ~ [a-z+}" => show, public;
    }
}

async fn show() -> &'static str {
    "tag"
}

fn main() {}
