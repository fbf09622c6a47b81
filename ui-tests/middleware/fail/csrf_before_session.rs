use galaxy_core::cookie::Key;
use galaxy_core::middleware::{Csrf, SessionLayer};

// `Csrf` keeps its token in the session, so it must come after `SessionLayer`.
galaxy_core::app! {
    app = Site;
    chain web = [Csrf::default(), SessionLayer::new(Key::generate())];
    routes {
        POST "/comment" => comment, public, via web;
    }
}

async fn comment() -> &'static str {
    "stored"
}

fn main() {}
