// Every mistake of one invocation is reported, not only the first.
galaxy_core::app! {
    app = Blog;
    routes {
        GET "/posts/{id: u64}" => show, public;
        GET "/drafts" => drafts;
        GET "/tags/{tag: float}" => tags, public;
    }
}

async fn show() -> &'static str {
    "post"
}

async fn drafts() -> &'static str {
    "drafts"
}

async fn tags() -> &'static str {
    "tags"
}

fn main() {}
