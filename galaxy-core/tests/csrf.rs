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

fn session_cookie(res: &TestResponse) -> String {
    res.header("set-cookie")
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// A session cookie and its CSRF token, as a browser gets them from a form page.
async fn token(client: &TestClient<Site>) -> (String, String) {
    let res = client.get("/form").send().await;
    (session_cookie(&res), res.text())
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
    let client = client();
    let (cookie, token) = token(&client).await;
    let res = client
        .post("/form")
        .header("sec-fetch-site", "cross-site")
        .header("cookie", cookie)
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
    let client = client();
    let (cookie, token) = token(&client).await;

    let res = client
        .post("/form")
        .header("cookie", &cookie)
        .header("x-csrf-token", &token)
        .send()
        .await;
    assert_eq!(res.text(), "stored", "the token in the header");

    let res = client
        .post("/comment")
        .header("cookie", &cookie)
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
    let client = client();
    let (cookie, token) = token(&client).await;
    let forged = format!("{}x", &token[..token.len() - 1]);

    let res = client
        .post("/form")
        .header("cookie", &cookie)
        .header("x-csrf-token", &forged)
        .send()
        .await;
    assert_refused(&res, "CSRF token mismatch");

    let res = client
        .post("/comment")
        .header("cookie", &cookie)
        .form(&[("_token", forged.as_str()), ("body", "hello")])
        .send()
        .await;
    assert_refused(&res, "CSRF token mismatch");

    let res = client
        .post("/comment")
        .header("cookie", &cookie)
        .form(&[("body", "hello")])
        .send()
        .await;
    assert_refused(&res, "CSRF token missing");

    let res = client.post("/form").header("cookie", &cookie).send().await;
    assert_refused(&res, "CSRF token missing");

    // A valid token from another session.
    let (_, other) = self::token(&client).await;
    let res = client
        .post("/form")
        .header("cookie", &cookie)
        .header("x-csrf-token", &other)
        .send()
        .await;
    assert_refused(&res, "CSRF token mismatch");

    // No session at all.
    let res = client
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
    let client = client();
    let (cookie, token) = token(&client).await;
    let res = client.get("/view").header("cookie", &cookie).send().await;
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
    let client = client();
    let (cookie, token) = token(&client).await;
    let res = client
        .post("/login")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", &cookie)
        .send()
        .await;
    let cookie = session_cookie(&res);
    let res = client
        .post("/form")
        .header("cookie", &cookie)
        .header("x-csrf-token", &token)
        .send()
        .await;
    assert_refused(&res, "CSRF token missing");
    let res = client.get("/form").header("cookie", &cookie).send().await;
    assert_ne!(res.text(), token);
}
