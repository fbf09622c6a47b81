galaxy_core::app! {
    app = Blog;
    routes {
        group "/blog" {
            GET "/posts/{id: u64}" => show, name = posts.show, public;
        }
    }
}

async fn show() -> galaxy_core::Redirect {
    galaxy_core::Redirect::to(routes::posts::show("seven"))
}

fn main() {}
