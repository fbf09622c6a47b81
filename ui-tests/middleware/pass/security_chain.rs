//! The security middleware in their working order, with handlers taking what they provide.
use galaxy_core::cookie::Key;
use galaxy_core::middleware::{CspNonce, Csrf, CsrfToken, SecurityHeaders, Session, SessionLayer};

galaxy_core::app! {
    app = Site;
    chain web = [
        SecurityHeaders::default().frame_options("SAMEORIGIN"),
        SessionLayer::new(Key::generate()).idle_timeout(std::time::Duration::from_secs(600)),
        Csrf::default().allow_origin("https://example.com"),
    ];
    routes {
        GET "/" => form, public, via web;
        POST "/" => store, public, via web;
    }
}

async fn form(nonce: CspNonce, csrf: CsrfToken, session: Session) -> String {
    format!("{nonce} {csrf} {:?}", session.get::<u64>("user_id"))
}

async fn store(session: Session) -> galaxy_core::Result<&'static str> {
    session.insert("saved", true)?;
    Ok("saved")
}

fn main() {}
