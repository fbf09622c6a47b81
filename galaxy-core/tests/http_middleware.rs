//! `Compression`, `Cors` and `ETag`.

use std::io::Read;
use std::time::Duration;

use galaxy_core::middleware::{Compression, Cors, ETag};
use galaxy_core::prelude::*;

galaxy_core::app! {
    app = Web;
    chain compressed = [Compression::new()];
    chain gzip_only = [Compression::new().br(false)];
    chain cors = [
        Cors::new()
            .allow_origins(["https://app.example.com"])
            .allow_methods([Method::GET, Method::POST])
            .allow_headers(["content-type"])
            .allow_credentials(true)
            .max_age(Duration::from_secs(600)),
    ];
    chain open = [Cors::permissive()];
    chain tagged = [ETag::new()];
    chain tagged_small = [ETag::new().max_size(8)];
    routes {
        GET "/big" => big, public, via compressed;
        GET "/tiny" => tiny, public, via compressed;
        GET "/gzip" => big, public, via gzip_only;
        GET "/data" => tiny, public, via cors;
        POST "/data" => tiny, public, via cors;
        GET "/public" => tiny, public, via open;
        GET "/page" => page, public, via tagged;
        POST "/page" => page, public, via tagged;
        GET "/missing" => missing, public, via tagged;
        GET "/own-tag" => own_tag, public, via tagged;
        GET "/big-page" => big, public, via tagged_small;
    }
}

async fn big() -> String {
    "all work and no play makes galaxy a dull framework\n".repeat(200)
}

async fn tiny() -> &'static str {
    "ok"
}

async fn page() -> Response {
    let mut res = "the page".into_response();
    res.headers_mut()
        .insert("cache-control", "max-age=60".parse().unwrap());
    res
}

async fn missing() -> Result<&'static str> {
    Err(Error::not_found())
}

async fn own_tag() -> Response {
    let mut res = "mine".into_response();
    res.headers_mut().insert("etag", "\"v1\"".parse().unwrap());
    res
}

fn client() -> TestClient<Web> {
    TestClient::new(Web::new(()))
}

#[tokio::test]
async fn gzip_for_clients_that_accept_it() {
    let res = client()
        .get("/big")
        .header("accept-encoding", "gzip")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-encoding"), Some("gzip"));
    assert!(
        res.header("vary")
            .unwrap()
            .to_lowercase()
            .contains("accept-encoding")
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(&res.bytes()[..])
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, big().await);
    assert!(res.bytes().len() < text.len() / 10);
}

#[tokio::test]
async fn brotli_is_preferred_when_offered() {
    let res = client()
        .get("/big")
        .header("accept-encoding", "gzip, br")
        .send()
        .await;
    assert_eq!(res.header("content-encoding"), Some("br"));
    let res = client()
        .get("/gzip")
        .header("accept-encoding", "gzip, br")
        .send()
        .await;
    assert_eq!(
        res.header("content-encoding"),
        Some("gzip"),
        "brotli turned off"
    );
}

#[tokio::test]
async fn no_compression_without_accept_encoding_or_for_tiny_bodies() {
    let res = client().get("/big").send().await;
    assert!(res.header("content-encoding").is_none());
    assert_eq!(res.text(), big().await);
    let res = client()
        .get("/tiny")
        .header("accept-encoding", "gzip")
        .send()
        .await;
    assert!(res.header("content-encoding").is_none());
    assert_eq!(res.text(), "ok");
}

#[tokio::test]
async fn cors_allows_listed_origins_with_credentials() {
    let res = client()
        .get("/data")
        .header("origin", "https://app.example.com")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("https://app.example.com")
    );
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
}

#[tokio::test]
async fn cors_says_nothing_to_other_origins() {
    let res = client()
        .get("/data")
        .header("origin", "https://evil.example")
        .send()
        .await;
    assert_eq!(
        res.status(),
        200,
        "the browser, not the server, blocks the read"
    );
    assert!(res.header("access-control-allow-origin").is_none());
}

mod preflight {
    use super::*;

    galaxy_core::app! {
        app = Global;
        // Preflights are `OPTIONS` requests the router answers itself, so they reach only
        // middleware that runs before routing.
        chain global = [
            Cors::new()
                .allow_origins(["https://app.example.com"])
                .allow_methods([Method::GET, Method::POST])
                .allow_headers(["content-type"])
                .max_age(Duration::from_secs(600)),
        ];
        routes {
            POST "/data" => tiny, public;
        }
    }

    #[tokio::test]
    async fn cors_in_the_global_chain_answers_preflights() {
        let res = TestClient::new(Global::new(()))
            .options("/data")
            .header("origin", "https://app.example.com")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.header("access-control-allow-origin"),
            Some("https://app.example.com")
        );
        let methods = res.header("access-control-allow-methods").unwrap();
        assert!(methods.contains("POST"), "{methods}");
        assert_eq!(
            res.header("access-control-allow-headers"),
            Some("content-type")
        );
        assert_eq!(res.header("access-control-max-age"), Some("600"));
    }
}

#[tokio::test]
async fn permissive_cors_allows_any_origin() {
    let res = client()
        .get("/public")
        .header("origin", "https://any.example")
        .send()
        .await;
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn etag_then_304_when_the_client_has_it() {
    let client = client();
    let first = client.get("/page").send().await;
    assert_eq!(first.status(), 200);
    let tag = first.header("etag").unwrap().to_owned();
    assert!(
        tag.starts_with('"') && tag.ends_with('"'),
        "a strong tag: {tag}"
    );
    assert_eq!(
        client.get("/page").send().await.header("etag"),
        Some(tag.as_str()),
        "stable"
    );

    let res = client
        .get("/page")
        .header("if-none-match", &tag)
        .send()
        .await;
    assert_eq!(res.status(), 304);
    assert!(res.bytes().is_empty());
    assert_eq!(res.header("etag"), Some(tag.as_str()));
    assert_eq!(
        res.header("cache-control"),
        Some("max-age=60"),
        "kept on the 304"
    );

    let res = client
        .get("/page")
        .header("if-none-match", format!("\"other\", W/{tag}"))
        .send()
        .await;
    assert_eq!(res.status(), 304, "lists and weak forms match");

    let res = client
        .head("/page")
        .header("if-none-match", &tag)
        .send()
        .await;
    assert_eq!(res.status(), 304, "HEAD too");
}

#[tokio::test]
async fn a_changed_tag_gets_the_full_response() {
    let res = client()
        .get("/page")
        .header("if-none-match", "\"stale\"")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "the page");
}

#[tokio::test]
async fn only_ok_get_responses_are_tagged() {
    let client = client();
    let res = client
        .post("/page")
        .header("if-none-match", "*")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.header("etag").is_none(), "not for POST");
    let res = client.get("/missing").send().await;
    assert_eq!(res.status(), 404);
    assert!(res.header("etag").is_none(), "not for errors");
    let res = client
        .get("/own-tag")
        .header("if-none-match", "\"v2\"")
        .send()
        .await;
    assert_eq!(
        res.header("etag"),
        Some("\"v1\""),
        "a handler's own tag is kept"
    );
    let res = client.get("/big-page").send().await;
    assert!(res.header("etag").is_none(), "not over the size limit");
}

mod invalid_cors {
    use super::*;

    galaxy_core::app! {
        app = CredentialsForAnyone;
        chain global = [Cors::permissive().allow_credentials(true)];
        routes {
            GET "/data" => tiny, public;
        }
    }

    // Browsers refuse credentials with `*`, so such an app must not start at all rather than
    // answer every request with a 500.
    #[test]
    #[should_panic(expected = "Cannot combine `Access-Control-Allow-Credentials: true`")]
    fn credentials_with_a_wildcard_stop_the_app_when_it_is_built() {
        let _ = CredentialsForAnyone::new(());
    }
}
