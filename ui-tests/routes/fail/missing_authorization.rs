galaxy_core::app! {
    app = Admin;
    routes {
        GET "/" => home, public;
        group "/admin" {
            GET "/users" => users;
        }
    }
}

async fn home() -> &'static str {
    "home"
}

async fn users() -> &'static str {
    "users"
}

fn main() {}
