// A route can only bind a model: `User` is a plain struct.
use galaxy_orm::Db;

pub struct User;

galaxy_core::app! {
    app = Site;
    state = Db;
    routes {
        GET "/users/{user: User}" => show, public;
    }
}

async fn show() -> &'static str {
    "user"
}

fn main() {}
