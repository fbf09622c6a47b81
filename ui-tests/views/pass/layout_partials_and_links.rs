//! A layout and partials as plain functions, with URL helpers, the CSRF field, the CSP nonce,
//! flash messages and form state.
use galaxy_core::middleware::{Csrf, CspNonce, CsrfToken, SecurityHeaders, Session, SessionLayer};
use galaxy_core::prelude::*;
use galaxy_core::validation::FormState;
use galaxy_core::views::{csrf_field, flash_message, script};
use maud::{DOCTYPE, html};

galaxy_core::app! {
    app = Blog;
    chain web = [
        SecurityHeaders::default(),
        SessionLayer::new(galaxy_core::cookie::Key::generate()),
        Csrf::default(),
    ];
    routes {
        GET "/posts/{id: u64}" => show, name = posts.show, public, via web;
    }
}

fn layout(title: &str, nonce: &CspNonce, session: &Session, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html {
            head { title { (title) } }
            body { (flash_message(session, "notice")) (body) (script(nonce, "init()")) }
        }
    }
}

fn comment_form(csrf: &CsrfToken, form: &FormState, id: u64) -> Markup {
    html! {
        form method="post" action=(routes::posts::show(id)) {
            (csrf_field(csrf))
            textarea name="body" { (form.old("body")) }
            (form.errors_for("body"))
        }
    }
}

async fn show(
    Path(id): Path<u64>,
    nonce: CspNonce,
    session: Session,
    csrf: CsrfToken,
    form: FormState,
) -> Markup {
    layout("post", &nonce, &session, comment_form(&csrf, &form, id))
}

fn main() {
    let _ = Blog::new(());
}
