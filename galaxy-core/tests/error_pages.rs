//! Error pages: every error answer (router, extractor, middleware, handler error, panic)
//! rendered in the negotiated format by the app's renderer, with internals shown only in
//! development mode, and the headers of the original answer kept.

use std::sync::LazyLock;

use galaxy_core::cookie::Key;
use galaxy_core::error_pages::{DefaultErrorPages, ErrorPage, ErrorPages, ErrorRenderer};
use galaxy_core::middleware::{Csrf, MaintenanceMode, MaintenanceSwitch, RateLimit, SessionLayer};
use galaxy_core::prelude::*;
use maud::html;

static DOWN: LazyLock<MaintenanceSwitch> = LazyLock::new(MaintenanceSwitch::new);

galaxy_core::app! {
    app = Site;
    chain web = [SessionLayer::new(Key::generate()).secure(false), Csrf::default()];
    chain limited = [RateLimit::per_route(1)];
    chain maintenance = [MaintenanceMode::new(DOWN.clone())];
    routes {
        GET "/" => home, public;
        GET "/fail" => fail, public;
        GET "/panic" => panics, public;
        GET "/gone" => gone, public;
        GET "/items/{id: u32}" => item, public;
        POST "/web/form" => home, public, via web;
        GET "/limited" => home, public, via limited;
        GET "/down" => home, public, via maintenance;
    }
}

async fn home() -> &'static str {
    "home"
}

async fn fail() -> Result<&'static str> {
    Err(Error::internal(
        "connection to db:5432 refused, password=hunter2",
    ))
}

async fn panics() -> &'static str {
    panic!("secret panic message")
}

async fn gone() -> Result<&'static str> {
    Err(Error::status(StatusCode::GONE, "this post was removed"))
}

async fn item(Path(id): Path<u32>) -> String {
    id.to_string()
}

/// An app's own look: a branded page, and a JSON body with its own shape.
struct Branded;

impl ErrorRenderer for Branded {
    fn html(&self, page: &ErrorPage) -> Markup {
        html! {
            h1.brand { (page.status().as_u16()) }
            p { (page.message()) }
            @if let Some(detail) = page.detail() { pre { (detail) } }
        }
    }

    fn json(&self, page: &ErrorPage) -> serde_json::Value {
        let mut body = DefaultErrorPages.json(page);
        body["status"] = page.status().as_u16().into();
        body
    }
}

fn branded(development: bool) -> TestClient<ErrorPages<Site, Branded>> {
    TestClient::new(
        ErrorPages::new(Site::new(()))
            .renderer(Branded)
            .development(development),
    )
}

const HTML: &str = "text/html,application/xhtml+xml,*/*;q=0.8";

#[tokio::test]
async fn without_error_pages_browsers_get_html_api_clients_json_others_text() {
    let client = TestClient::new(Site::new(()));
    let res = client.get("/nope").header("accept", HTML).send().await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(
        res.text().contains("<h1>404 Not Found</h1>"),
        "{}",
        res.text()
    );
    let res = client
        .get("/nope")
        .header("accept", "application/json")
        .send()
        .await;
    assert_eq!(
        res.json::<serde_json::Value>()["error"],
        "no route matches this path"
    );
    let res = client.get("/nope").send().await;
    assert_eq!(res.text(), "no route matches this path\n");
}

#[tokio::test]
async fn the_app_renderer_draws_router_extractor_and_handler_errors() {
    let client = branded(false);
    for (path, status) in [("/nope", 404), ("/items/abc", 404), ("/gone", 410)] {
        let res = client.get(path).header("accept", HTML).send().await;
        assert_eq!(res.status(), status, "{path}");
        assert!(
            res.text().starts_with(r#"<h1 class="brand">"#),
            "{path}: {}",
            res.text()
        );
        let res = client
            .get(path)
            .header("accept", "application/json")
            .send()
            .await;
        assert_eq!(res.status(), status, "{path}");
        assert_eq!(res.json::<serde_json::Value>()["status"], status, "{path}");
    }
    let res = client.get("/gone").header("accept", HTML).send().await;
    assert!(res.text().contains("this post was removed"));

    // 405 keeps its `Allow` header.
    let res = client.delete("/").header("accept", HTML).send().await;
    assert_eq!(res.status(), 405);
    assert!(res.header("allow").is_some());
    assert!(res.text().starts_with(r#"<h1 class="brand">"#));

    // Successful answers are left alone.
    let res = client.get("/").header("accept", HTML).send().await;
    assert_eq!(res.text(), "home");
}

#[tokio::test]
async fn middleware_refusals_get_the_app_pages_and_keep_their_headers() {
    let client = branded(false);
    // 403 from the CSRF check.
    let res = client
        .post("/web/form")
        .header("accept", HTML)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await;
    assert_eq!(res.status(), 403);
    assert!(
        res.text().contains("cross-site request refused"),
        "{}",
        res.text()
    );
    assert!(res.text().starts_with(r#"<h1 class="brand">"#));

    // 429 from the rate limiter, with its Retry-After.
    assert_eq!(client.get("/limited").send().await.status(), 200);
    let res = client
        .get("/limited")
        .header("accept", "application/json")
        .send()
        .await;
    assert_eq!(res.status(), 429);
    assert!(res.header("retry-after").is_some());
    assert_eq!(res.json::<serde_json::Value>()["status"], 429);

    // 503 in maintenance mode.
    DOWN.enable();
    let res = client.get("/down").header("accept", HTML).send().await;
    DOWN.disable();
    assert_eq!(res.status(), 503);
    assert!(res.text().starts_with(r#"<h1 class="brand">503</h1>"#));
}

#[tokio::test]
async fn production_pages_never_show_internals() {
    let client = branded(false);
    for path in ["/fail", "/panic"] {
        for accept in [HTML, "application/json", "*/*"] {
            let res = client.get(path).header("accept", accept).send().await;
            assert_eq!(res.status(), 500);
            let text = res.text();
            assert!(
                !text.contains("hunter2") && !text.contains("secret panic"),
                "{text}"
            );
            let id = res.header("x-request-id").expect("a request id");
            if accept == "application/json" {
                assert_eq!(res.json::<serde_json::Value>()["request_id"], id);
            }
        }
    }
    // The default pages neither.
    let client = TestClient::new(ErrorPages::new(Site::new(())));
    let res = client.get("/fail").header("accept", HTML).send().await;
    assert!(!res.text().contains("hunter2"));
    assert!(res.text().contains(res.header("x-request-id").unwrap()));
}

#[tokio::test]
async fn development_pages_show_the_error_and_the_panic() {
    let client = branded(true);
    let res = client.get("/fail").header("accept", HTML).send().await;
    assert!(res.text().contains("password=hunter2"), "{}", res.text());
    let res = client
        .get("/panic")
        .header("accept", "application/json")
        .send()
        .await;
    assert_eq!(res.status(), 500);
    let detail = res.json::<serde_json::Value>()["detail"].clone();
    assert_eq!(detail, "panic: secret panic message");
}
