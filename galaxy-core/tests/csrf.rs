//! `Csrf`: safe methods pass; unsafe ones pass on `Sec-Fetch-Site`, then `Origin`, then the
//! session's token, and get a 403 saying why otherwise.

use std::sync::LazyLock;

use galaxy_core::TestResponse;
use galaxy_core::cookie::Key;
use galaxy_core::middleware::{Csrf, CsrfToken, SecurityHeaders, Session, SessionLayer};
use galaxy_core::prelude::*;
use serde::Deserialize;

static KEY: LazyLock<Key> = LazyLock::new(Key::generate);

galaxy_core::app! {
    app = Site;
    chain web = [
        SecurityHeaders::default(),
        SessionLayer::new(KEY.clone()),
        Csrf::default().allow_origin("https://partner.example"),
    ];
    chain siblings = [SessionLayer::new(KEY.clone()), Csrf::default().allow_same_site()];
    routes {
        GET "/form" => form, public, via web;
        GET "/view" => view, public, via web;
        OPTIONS "/form" => form, public, via web;
        POST "/form" => store, public, via web;
        PUT "/form" => store, public, via web;
        PATCH "/form" => store, public, via web;
        DELETE "/form" => store, public, via web;
        POST "/comment" => comment, public, via web;
        POST "/login" => login, public, via web;
        POST "/sibling" => store, public, via siblings;
    }
}

async fn form(csrf: CsrfToken) -> String {
    csrf.value()
}

async fn view(csrf: CsrfToken) -> Markup {
    maud::html! { form method="post" { (csrf.field()) input name="x" value=(csrf); } }
}

async fn store() -> &'static str {
    "stored"
}

#[derive(Deserialize)]
struct Comment {
    body: String,
}

async fn comment(Form(comment): Form<Comment>) -> String {
    format!("comment: {}", comment.body)
}

async fn login(session: Session) -> &'static str {
    session.regenerate();
    "logged in"
}

fn client() -> TestClient<Site> {
    TestClient::new(Site::new(()))
}

/// A browser that opened the form page: it holds a session cookie, and the page's CSRF token.
async fn browser_with_token() -> (TestClient<Site>, String) {
    let browser = client().save_cookies();
    let token = browser.get("/form").send().await.text();
    assert!(
        browser.cookie("__Host-session").is_some(),
        "a session cookie"
    );
    (browser, token)
}

fn assert_refused(res: &TestResponse, why: &str) {
    assert_eq!(res.status(), 403, "{}", res.text());
    assert!(res.text().contains(why), "{:?} lacks {why:?}", res.text());
}

#[tokio::test]
async fn safe_methods_are_never_blocked() {
    let client = client();
    for method in [Method::GET, Method::HEAD, Method::OPTIONS] {
        let res = client
            .request(method.clone(), "/form")
            .header("sec-fetch-site", "cross-site")
            .header("origin", "https://evil.example")
            .send()
            .await;
        assert_eq!(res.status(), 200, "{method}");
    }
}

#[tokio::test]
async fn same_origin_and_user_initiated_requests_pass() {
    let client = client();
    for site in ["same-origin", "none"] {
        let res = client
            .post("/form")
            .header("sec-fetch-site", site)
            .send()
            .await;
        assert_eq!(res.text(), "stored", "{site}");
    }
}

#[tokio::test]
async fn cross_site_and_same_site_requests_are_refused() {
    let client = client();
    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        for site in ["cross-site", "same-site"] {
            let res = client
                .request(method.clone(), "/form")
                .header("sec-fetch-site", site)
                .send()
                .await;
            assert_refused(&res, "cross-site request refused");
            assert!(res.text().contains(site));
        }
    }
}

#[tokio::test]
async fn a_cross_site_request_with_a_valid_token_is_still_refused() {
    let (browser, token) = browser_with_token().await;
    let res = browser
        .post("/form")
        .header("sec-fetch-site", "cross-site")
        .header("x-csrf-token", token)
        .send()
        .await;
    assert_refused(&res, "cross-site request refused");
}

#[tokio::test]
async fn allowed_origins_and_same_site_can_be_configured() {
    let client = client();
    let res = client
        .post("/form")
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://partner.example")
        .send()
        .await;
    assert_eq!(res.text(), "stored");
    let res = client
        .post("/sibling")
        .header("sec-fetch-site", "same-site")
        .send()
        .await;
    assert_eq!(res.text(), "stored");
    let res = client
        .post("/sibling")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn without_sec_fetch_site_the_origin_must_be_the_host() {
    let client = client();
    let res = client
        .post("/form")
        .header("host", "app.example")
        .header("origin", "https://app.example")
        .send()
        .await;
    assert_eq!(res.text(), "stored");
    let res = client
        .post("/form")
        .header("host", "app.example")
        .header("origin", "https://partner.example")
        .send()
        .await;
    assert_eq!(res.text(), "stored", "an allowed origin");
    for origin in ["https://evil.example", "null", "https://app.example.evil"] {
        let res = client
            .post("/form")
            .header("host", "app.example")
            .header("origin", origin)
            .send()
            .await;
        assert_refused(&res, "cross-site request refused");
    }
}

#[tokio::test]
async fn without_either_header_the_token_decides() {
    let (browser, token) = browser_with_token().await;

    let res = browser
        .post("/form")
        .header("x-csrf-token", &token)
        .send()
        .await;
    assert_eq!(res.text(), "stored", "the token in the header");

    let res = browser
        .post("/comment")
        .form(&[("_token", token.as_str()), ("body", "hello")])
        .send()
        .await;
    assert_eq!(
        res.text(),
        "comment: hello",
        "the token in the form, and the handler still reads the form"
    );
}

#[tokio::test]
async fn a_forged_or_missing_token_is_refused() {
    let (browser, token) = browser_with_token().await;
    let forged = format!("{}x", &token[..token.len() - 1]);
    let (_, from_another_session) = browser_with_token().await;

    for (header, why) in [
        (Some(&forged), "CSRF token mismatch"),
        (Some(&from_another_session), "CSRF token mismatch"),
        (None, "CSRF token missing"),
    ] {
        let mut req = browser.post("/form");
        if let Some(token) = header {
            req = req.header("x-csrf-token", token);
        }
        assert_refused(&req.send().await, why);
    }
    for (form, why) in [
        (
            vec![("_token", forged.as_str()), ("body", "hello")],
            "CSRF token mismatch",
        ),
        (vec![("body", "hello")], "CSRF token missing"),
    ] {
        let res = browser.post("/comment").form(&form).send().await;
        assert_refused(&res, why);
    }

    // No session at all.
    let res = client()
        .post("/form")
        .header("x-csrf-token", &token)
        .send()
        .await;
    assert_refused(&res, "CSRF token missing");
}

#[tokio::test]
async fn refusals_answer_json_to_json_clients_and_keep_security_headers() {
    let res = client()
        .post("/form")
        .header("sec-fetch-site", "cross-site")
        .header("accept", "application/json")
        .send()
        .await;
    assert_eq!(res.status(), 403);
    let body: serde_json::Value = res.json();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("cross-site request refused")
    );
    assert_eq!(res.header("x-frame-options"), Some("DENY"));
}

#[tokio::test]
async fn the_token_renders_in_views_and_is_stable_within_a_session() {
    let (browser, token) = browser_with_token().await;
    let res = browser.get("/view").send().await;
    let body = res.text();
    assert!(
        body.contains(&format!(
            r#"<input type="hidden" name="_token" value="{token}">"#
        )),
        "{body}"
    );
    assert!(body.contains(&format!(r#"value="{token}""#)));
    assert!(
        res.header("set-cookie").is_none(),
        "an existing token does not change the session"
    );
}

#[tokio::test]
async fn requests_that_render_no_token_do_not_start_a_session() {
    let res = client()
        .post("/form")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await;
    assert!(res.header("set-cookie").is_none());
}

#[tokio::test]
async fn regenerating_the_session_draws_a_new_token() {
    let (browser, token) = browser_with_token().await;
    let before = browser.cookie("__Host-session");
    browser
        .post("/login")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await;
    assert_ne!(browser.cookie("__Host-session"), before, "a new session");
    let res = browser
        .post("/form")
        .header("x-csrf-token", &token)
        .send()
        .await;
    assert_refused(&res, "CSRF token missing");
    assert_ne!(browser.get("/form").send().await.text(), token);
}
