galaxy_core::app! {
    app = Blog;
    routes {
        GET "/" => home, public;
    }
}

struct Page;

async fn home() -> Page {
    Page
}

fn main() {}
