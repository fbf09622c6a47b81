//! `SecurityHeaders`: every header on every response (errors and panics included), a fresh CSP
//! nonce per request that handlers see, headers the handler set kept, builders.

use galaxy_core::http::HeaderValue;
use galaxy_core::middleware::{
    CspNonce, HCons, HNil, Middleware, MiddlewareContext, Next, SecurityHeaders,
};
use galaxy_core::prelude::*;

/// Answers 401 by itself, to check that a middleware's own answer gets the headers too.
#[derive(Debug)]
struct Refuse;

impl<S: Send + Sync> Middleware<S> for Refuse {
    type Provides = HNil;
    type Requires = HCons<CspNonce, HNil>;

    async fn call<N: Next>(&self, _: Request, _: MiddlewareContext<'_, S>, _: N) -> Response {
        (StatusCode::UNAUTHORIZED, "no").into_response()
    }
}

galaxy_core::app! {
    app = Site;
    chain web = [SecurityHeaders::default()];
    chain refusing = [SecurityHeaders::default(), Refuse];
    chain custom = [
        SecurityHeaders::default()
            .content_security_policy("script-src 'nonce-{nonce}' 'strict-dynamic'")
            .hsts("max-age=60")
            .frame_options("SAMEORIGIN")
            .referrer_policy("no-referrer")
            .permissions_policy("geolocation=(self)")
            .cross_origin_opener_policy("same-origin-allow-popups")
            .content_type_options("nosniff"),
    ];
    chain bare = [
        SecurityHeaders::default()
            .without_content_security_policy()
            .without_hsts()
            .without_frame_options()
            .without_content_type_options()
            .without_referrer_policy()
            .without_permissions_policy()
            .without_cross_origin_opener_policy(),
    ];
    routes {
        GET "/" => nonce, public, via web;
        GET "/missing" => missing, public, via web;
        GET "/items" => item, public, via web;
        GET "/panic" => panics, public, via web;
        GET "/own" => own_headers, public, via web;
        GET "/refused" => nonce, public, via refusing;
        GET "/custom" => nonce, public, via custom;
        GET "/bare" => nonce, public, via bare;
        GET "/view" => view, public, via web;
    }
}

async fn nonce(nonce: CspNonce) -> String {
    nonce.to_string()
}

async fn missing() -> Result<String> {
    Err(Error::not_found())
}

#[derive(serde::Deserialize)]
struct Page {
    page: u32,
}

async fn item(Query(page): Query<Page>) -> String {
    page.page.to_string()
}

async fn panics() -> String {
    panic!("boom")
}

async fn own_headers() -> Response {
    let mut res = "own".into_response();
    let headers = res.headers_mut();
    headers.insert("x-frame-options", HeaderValue::from_static("SAMEORIGIN"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src *"),
    );
    res
}

async fn view(nonce: CspNonce) -> Markup {
    maud::html! { script nonce=(nonce) { "1" } }
}

fn client() -> TestClient<Site> {
    TestClient::new(Site::new(()))
}

const DEFAULTS: [(&str, &str); 6] = [
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
];

fn assert_defaults(res: &galaxy_core::TestResponse) {
    for (name, value) in DEFAULTS {
        assert_eq!(
            res.header(name),
            Some(value),
            "{name} on a {}",
            res.status()
        );
    }
    let csp = res.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("object-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
}

#[tokio::test]
async fn every_header_is_set_with_the_handlers_nonce_in_the_csp() {
    let res = client().get("/").send().await;
    assert_eq!(res.status(), 200);
    assert_defaults(&res);
    let nonce = res.text();
    assert_eq!(nonce.len(), 22, "128 bits in base64url");
    let csp = res.header("content-security-policy").unwrap();
    assert!(
        csp.contains(&format!("script-src 'self' 'nonce-{nonce}'")),
        "{csp}"
    );
    assert!(
        csp.contains(&format!("style-src 'self' 'nonce-{nonce}'")),
        "{csp}"
    );
}

#[tokio::test]
async fn every_request_gets_a_new_nonce() {
    let client = client();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..50 {
        let res = client.get("/").send().await;
        assert!(seen.insert(res.text()), "a nonce was repeated");
    }
}

#[tokio::test]
async fn the_nonce_renders_in_views() {
    let res = client().get("/view").send().await;
    let csp = res.header("content-security-policy").unwrap().to_owned();
    let body = res.text();
    let nonce = body
        .split("nonce=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    assert!(csp.contains(&format!("'nonce-{nonce}'")), "{body} / {csp}");
}

#[tokio::test]
async fn error_responses_get_the_headers() {
    let client = client();
    let res = client.get("/missing").send().await;
    assert_eq!(res.status(), 404);
    assert_defaults(&res);

    let res = client.get("/items?page=not-a-number").send().await;
    assert_eq!(res.status(), 400, "{}", res.text());
    assert_defaults(&res);

    let res = client.get("/refused").send().await;
    assert_eq!(res.status(), 401, "a later middleware answered by itself");
    assert_defaults(&res);
}

#[tokio::test]
async fn a_panicking_handler_answers_500_with_the_headers() {
    let res = client().get("/panic").send().await;
    assert_eq!(res.status(), 500);
    assert!(res.text().contains("request id"), "{}", res.text());
    assert!(!res.text().contains("boom"), "no internals in the answer");
    assert_defaults(&res);
}

#[tokio::test]
async fn headers_the_handler_set_are_kept() {
    let res = client().get("/own").send().await;
    assert_eq!(res.header("x-frame-options"), Some("SAMEORIGIN"));
    assert_eq!(res.header("content-security-policy"), Some("default-src *"));
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(res.headers().get_all("x-frame-options").iter().count(), 1);
}

#[tokio::test]
async fn every_header_can_be_changed() {
    let res = client().get("/custom").send().await;
    let nonce = res.text();
    assert_eq!(
        res.header("content-security-policy"),
        Some(format!("script-src 'nonce-{nonce}' 'strict-dynamic'").as_str())
    );
    assert_eq!(res.header("strict-transport-security"), Some("max-age=60"));
    assert_eq!(res.header("x-frame-options"), Some("SAMEORIGIN"));
    assert_eq!(res.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(res.header("permissions-policy"), Some("geolocation=(self)"));
    assert_eq!(
        res.header("cross-origin-opener-policy"),
        Some("same-origin-allow-popups")
    );
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test]
async fn every_header_can_be_turned_off() {
    let res = client().get("/bare").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().len(), 22, "handlers still get a nonce");
    for name in [
        "content-security-policy",
        "strict-transport-security",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
        "permissions-policy",
        "cross-origin-opener-policy",
    ] {
        assert!(res.header(name).is_none(), "{name} is still sent");
    }
}

#[tokio::test]
async fn a_response_that_reads_no_nonce_gets_the_policy_without_nonce_sources() {
    // `/items` never takes the nonce: no page can carry it, so the policy leaves it out and
    // allows exactly what the nonce-bearing one would.
    let res = client().get("/items?page=3").send().await;
    assert_eq!(res.text(), "3");
    let csp = res.header("content-security-policy").unwrap();
    assert!(!csp.contains("nonce"), "{csp}");
    assert!(csp.contains("script-src 'self'; style-src 'self'"), "{csp}");
    assert_defaults(&res);

    // A policy whose only script source was the nonce allows no script at all.
    galaxy_core::app! {
        app = NonceOnly;
        chain web = [SecurityHeaders::default().content_security_policy("script-src 'nonce-{nonce}'")];
        routes { GET "/" => no_nonce, public, via web; }
    }
    async fn no_nonce() -> &'static str {
        "no nonce"
    }
    let res = TestClient::new(NonceOnly::new(())).get("/").send().await;
    assert_eq!(
        res.header("content-security-policy"),
        Some("script-src 'none'")
    );
}
