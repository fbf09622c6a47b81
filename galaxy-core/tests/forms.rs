//! Url-encoded forms and query strings: the bad input each refuses, and with which status.

use std::collections::HashMap;

use galaxy_core::prelude::*;

galaxy_core::app! {
    app = Forms;
    routes {
        POST "/form" => form, public, body_limit = 64;
        GET "/query" => query, public;
    }
}

async fn form(Form(fields): Form<HashMap<String, String>>) -> String {
    let mut fields: Vec<_> = fields.into_iter().collect();
    fields.sort();
    format!("{fields:?}")
}

async fn query(Query(fields): Query<HashMap<String, String>>) -> String {
    format!("{:?}", fields.get("q"))
}

const FORM: &str = "application/x-www-form-urlencoded";

async fn post(content_type: &str, body: &[u8]) -> galaxy_core::TestResponse {
    TestClient::new(Forms::new(()))
        .post("/form")
        .header("content-type", content_type)
        .body(Bytes::copy_from_slice(body))
        .send()
        .await
}

#[tokio::test]
async fn a_form_with_a_charset_parameter_is_still_a_form() {
    let res = post(
        "application/x-www-form-urlencoded; charset=UTF-8",
        b"a=%C3%A9&b=+x+",
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), r#"[("a", "é"), ("b", " x ")]"#);
}

#[tokio::test]
async fn invalid_utf8_in_a_form_is_400_not_a_replacement_character() {
    for body in [
        b"a=%FF".as_slice(),
        b"%FE=1",
        b"a=%C3&b=%A9",
        b"a=\xff",
        b"a=%ED%A0%80",
    ] {
        let res = post(FORM, body).await;
        assert_eq!(res.status(), 400, "{body:?}");
        assert!(res.text().contains("not valid UTF-8"), "{}", res.text());
    }
}

#[tokio::test]
async fn other_content_types_are_415_and_oversize_forms_413() {
    for content_type in [
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/json",
    ] {
        let res = post(content_type, b"a=1").await;
        assert_eq!(res.status(), 415, "{content_type}");
    }
    let res = TestClient::new(Forms::new(()))
        .post("/form")
        .body("a=1")
        .send()
        .await;
    assert_eq!(res.status(), 415, "no content type");

    let res = post(FORM, &[b'a'; 65]).await;
    assert_eq!(res.status(), 413);
    assert!(res.text().contains("limit of 64 bytes"));
    assert_eq!(post(FORM, &[b'a'; 64]).await.status(), 200);
}

#[tokio::test]
async fn malformed_escapes_pass_through_as_text() {
    // `%zz` is not an escape: like browsers and `serde_urlencoded`, it is kept as written.
    let res = post(FORM, b"a=%zz&b=100%").await;
    assert_eq!(res.text(), r#"[("a", "%zz"), ("b", "100%")]"#);
}

#[tokio::test]
async fn invalid_utf8_in_a_query_is_400() {
    let client = TestClient::new(Forms::new(()));
    let res = client.get("/query?q=caf%C3%A9").send().await;
    assert_eq!(res.text(), r#"Some("café")"#);
    let res = client.get("/query?q=%FF").send().await;
    assert_eq!(res.status(), 400);
    assert!(res.text().contains("not valid UTF-8"), "{}", res.text());
}
