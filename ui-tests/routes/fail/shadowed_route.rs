galaxy_core::app! {
    app = Blog;
    routes {
        GET "/users/{name}" => by_name, public;
        GET "/users/new" => new_user, public;
    }
}

async fn by_name() -> &'static str {
    "user"
}

async fn new_user() -> &'static str {
    "form"
}

fn main() {}
