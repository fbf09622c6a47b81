struct Plain;

galaxy_core::app! {
    app = Site;
    chain web = [Plain];
    routes {
        GET "/" => home, public, via web;
    }
}

async fn home() -> &'static str {
    "home"
}

fn main() {}
