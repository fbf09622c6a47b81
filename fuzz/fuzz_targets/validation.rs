//! Request schemas and error negotiation under arbitrary input. The first byte picks what the
//! rest is:
//!
//! - `0`: an `Accept` header: negotiation never panics.
//! - `1`: a form body posted to a `Valid<Form<T>>` route behind a session: answered 200, 303
//!   (back to the form) or a 4xx, never a 5xx; a 303 never leaves the site.
//! - `2`: a `Referer` sent with an invalid form: the redirect stays on this site.
//! - anything else: a JSON body posted to a `Valid<Json<T>>` route: 200 or a 4xx.

#![no_main]

use std::sync::LazyLock;

use galaxy_core::cookie::Key;
use galaxy_core::error_pages::Format;
use galaxy_core::middleware::SessionLayer;
use galaxy_core::{Form, HeaderMap, Json, TestClient, TestResponse, Valid};
use garde::Validate;
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

galaxy_core::app! {
    app = Site;
    chain web = [SessionLayer::new(Key::from(&[7u8; 64]))];
    routes {
        POST "/form" => form, public, via web;
        POST "/json" => json, public;
    }
}

#[derive(Deserialize, Validate)]
struct Entry {
    #[garde(length(min = 1, max = 20))]
    name: String,
    #[garde(email)]
    email: String,
    #[garde(range(min = 1, max = 10))]
    count: Option<u8>,
    #[garde(dive)]
    tags: Vec<Tag>,
}

#[derive(Deserialize, Validate)]
struct Tag {
    #[garde(length(max = 5))]
    label: String,
}

async fn form(Valid(Form(entry)): Valid<Form<Entry>>) -> String {
    entry.name
}

async fn json(Valid(Json(entry)): Valid<Json<Entry>>) -> String {
    entry.name
}

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
});

static CLIENT: LazyLock<TestClient<Site>> = LazyLock::new(|| TestClient::new(Site::new(())));

fn assert_answered(res: &TestResponse) {
    let status = res.status().as_u16();
    assert!(
        matches!(status, 200 | 303 | 400..=499),
        "{status}: {}",
        res.text()
    );
    if status == 303 {
        let location = res.header("location").unwrap_or_default();
        assert!(
            location.starts_with('/') && !location.starts_with("//") && !location.contains('\\'),
            "redirected off site: {location:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode {
        0 => {
            let Ok(value) = galaxy_core::http::HeaderValue::from_bytes(rest) else {
                return;
            };
            let mut headers = HeaderMap::new();
            headers.insert("accept", value);
            let _ = Format::negotiate(&headers);
        }
        1 => {
            let res = RUNTIME.block_on(
                CLIENT
                    .post("/form")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(rest.to_vec())
                    .send(),
            );
            assert_answered(&res);
        }
        2 => {
            let Ok(referer) = galaxy_core::http::HeaderValue::from_bytes(rest) else {
                return;
            };
            let res = RUNTIME.block_on(
                CLIENT
                    .post("/form")
                    .header("host", "app.example")
                    .header("referer", referer)
                    .form(&[("name", ""), ("email", "x")])
                    .send(),
            );
            assert_answered(&res);
        }
        _ => {
            let res = RUNTIME.block_on(
                CLIENT
                    .post("/json")
                    .header("content-type", "application/json")
                    .body(rest.to_vec())
                    .send(),
            );
            assert_answered(&res);
        }
    }
});
