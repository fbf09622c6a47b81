//! `web` and `api` exist without being declared, and provide their values to handlers.
use galaxy_core::middleware::{CsrfToken, RequestId, Session};

galaxy_core::app! {
    app = Site;
    routes {
        group "/" via web {
            GET "/form" => form, public;
        }
        group "/api" via api {
            GET "/id" => id, public;
        }
    }
}

async fn form(session: Session, token: CsrfToken) -> String {
    let _ = session;
    token.value()
}

async fn id(id: RequestId) -> String {
    id.to_string()
}

fn main() {
    let _ = Site::new(());
}
