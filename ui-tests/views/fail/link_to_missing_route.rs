//! A view that links to a route the app does not declare.
use galaxy_core::prelude::*;
use maud::html;

galaxy_core::app! {
    app = Blog;
    routes {
        GET "/" => home, name = home, public;
        GET "/posts/{id: u64}" => show, name = posts.show, public;
    }
}

async fn home() -> Markup {
    html! {
        a href=(routes::posts::show(1)) { "first post" }
        a href=(routes::posts::edit(1)) { "edit it" }
    }
}

async fn show(Path(id): Path<u64>) -> String {
    id.to_string()
}

fn main() {}
