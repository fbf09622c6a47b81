//! Extractors through the test client: what each accepts, and the 4xx each answers otherwise.

use std::collections::HashMap;

use galaxy_core::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Item {
    name: String,
    count: u32,
}

#[derive(Debug, Deserialize)]
struct Paging {
    page: Option<u32>,
    per_page: u32,
}

galaxy_core::app! {
    app = Extracting;
    routes {
        POST "/json" => json_item, public;
        POST "/form" => form_item, public;
        GET "/query" => paging, public;
        GET "/headers" => user_agent, public;
        GET "/cookies" => cookies, public;
        POST "/bytes" => byte_count, public;
        POST "/text" => text, public;
        GET "/optional" => optional_query, public;
    }
}

async fn json_item(Json(item): Json<Item>) -> Json<Item> {
    Json(item)
}

async fn form_item(Form(item): Form<Item>) -> String {
    format!("{} x{}", item.name, item.count)
}

async fn paging(Query(paging): Query<Paging>) -> String {
    format!("page {:?} of {}", paging.page, paging.per_page)
}

async fn user_agent(headers: HeaderMap, method: Method, uri: galaxy_core::Uri) -> String {
    let agent = headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none");
    format!("{method} {uri} {agent}")
}

async fn cookies(cookies: Cookies) -> (Cookies, String) {
    let visits: u32 = cookies
        .get("visits")
        .and_then(|c| c.value().parse().ok())
        .unwrap_or(0);
    let cookies = cookies.add(galaxy_core::cookie::Cookie::new(
        "visits",
        (visits + 1).to_string(),
    ));
    (cookies, format!("visit {}", visits + 1))
}

async fn byte_count(body: Bytes) -> String {
    body.len().to_string()
}

async fn text(body: String) -> String {
    body.to_uppercase()
}

async fn optional_query(query: Option<Query<Paging>>) -> &'static str {
    if query.is_some() {
        "with paging"
    } else {
        "without paging"
    }
}

fn client() -> TestClient<Extracting> {
    TestClient::new(Extracting::new(()))
}

fn error_message(res: &galaxy_core::TestResponse) -> String {
    res.json::<HashMap<String, String>>()["error"].clone()
}

#[tokio::test]
async fn json_round_trips_and_rejects_what_it_cannot_read() {
    let client = client();
    let item = Item {
        name: "bolt".into(),
        count: 3,
    };
    let res = client.post("/json").json(&item).send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Item>(), item);

    let res = client.post("/json").body("{}").send().await;
    assert_eq!(res.status(), 415, "no content type");
    assert!(error_message(&res).contains("application/json"));

    let res = client
        .post("/json")
        .header("content-type", "application/json")
        .body("{oops")
        .send()
        .await;
    assert_eq!(res.status(), 400, "malformed JSON");

    let res = client
        .post("/json")
        .json(&serde_json::json!({"name": "bolt"}))
        .send()
        .await;
    assert_eq!(res.status(), 422, "JSON of the wrong shape");
    assert!(
        error_message(&res).contains("count"),
        "names the missing field"
    );
}

#[tokio::test]
async fn forms_decode_and_reject_wrong_content_types_and_fields() {
    let client = client();
    let res = client
        .post("/form")
        .form(&[("name", "nut"), ("count", "2")])
        .send()
        .await;
    assert_eq!(res.text(), "nut x2");
    let res = client
        .post("/form")
        .json(&serde_json::json!({}))
        .send()
        .await;
    assert_eq!(res.status(), 415);
    let res = client
        .post("/form")
        .form(&[("name", "nut"), ("count", "many")])
        .send()
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().contains("invalid form body"));
}

#[tokio::test]
async fn query_strings_decode_into_types() {
    let client = client();
    assert_eq!(
        client.get("/query?per_page=20&page=2").send().await.text(),
        "page Some(2) of 20"
    );
    assert_eq!(
        client.get("/query?per_page=20").send().await.text(),
        "page None of 20"
    );
    let res = client.get("/query?per_page=lots").send().await;
    assert_eq!(res.status(), 400);
    assert!(res.text().contains("invalid query string"));
    assert_eq!(
        client.get("/optional?per_page=x").send().await.text(),
        "without paging"
    );
    assert_eq!(
        client.get("/optional?per_page=1").send().await.text(),
        "with paging"
    );
}

#[tokio::test]
async fn head_extractors_see_the_request() {
    let res = client()
        .get("/headers?x=1")
        .header("user-agent", "probe")
        .send()
        .await;
    assert_eq!(res.text(), "GET /headers?x=1 probe");
}

#[tokio::test]
async fn cookies_are_read_and_changes_sent_back() {
    let res = client()
        .get("/cookies")
        .header("cookie", "visits=4; theme=dark")
        .send()
        .await;
    assert_eq!(res.text(), "visit 5");
    assert_eq!(res.header("set-cookie"), Some("visits=5"));
}

#[tokio::test]
async fn raw_bodies_respect_the_limit_and_utf8() {
    let client = client();
    assert_eq!(
        client
            .post("/bytes")
            .body(vec![0u8; 1000])
            .send()
            .await
            .text(),
        "1000"
    );
    let too_big = vec![0u8; galaxy_core::DEFAULT_BODY_LIMIT + 1];
    assert_eq!(
        client.post("/bytes").body(too_big).send().await.status(),
        413
    );
    assert_eq!(
        client.post("/text").body("shout").send().await.text(),
        "SHOUT"
    );
    assert_eq!(
        client
            .post("/text")
            .body(vec![0xff, 0xfe])
            .send()
            .await
            .status(),
        400
    );
}
