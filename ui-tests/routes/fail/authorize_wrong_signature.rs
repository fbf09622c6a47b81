galaxy_core::app! {
    app = Admin;
    routes {
        GET "/admin" => dashboard, authorize = is_admin;
    }
}

fn is_admin(user: &str) -> bool {
    user == "root"
}

async fn dashboard() -> &'static str {
    "dashboard"
}

fn main() {}
