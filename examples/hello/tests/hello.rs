//! Every route of the hello app, through the in-process test client, and once over a real
//! socket. Each test has a SQLite database of its own in memory.

use galaxy_core::{App, Server, ServerConfig, TestClient};
use hello::{AppState, Hello, routes};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KEY: &str = "test-key";

/// A state over a fresh, migrated in-memory database.
async fn state() -> AppState {
    let db = hello::connect("sqlite::memory:")
        .await
        .expect("an in-memory database opens and migrates");
    AppState::new(KEY, db)
}

async fn client() -> TestClient<Hello> {
    TestClient::new(Hello::new(state().await))
}

#[tokio::test]
async fn the_home_page_links_to_the_other_routes() {
    let res = client().await.get("/").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some("text/html; charset=utf-8"));
    let page = res.text();
    assert!(page.starts_with("<!DOCTYPE html>"));
    for link in [
        r#"href="/hello/world""#,
        r#"href="/api/greetings/world?shout=true""#,
        r#"href="/api/stats""#,
        r#"action="/hello""#,
    ] {
        assert!(page.contains(link), "{link} missing from {page}");
    }
}

#[tokio::test]
async fn the_greeting_page_escapes_the_name() {
    let client = client().await;
    let res = client.get("/hello/Ada%20Lovelace").send().await;
    assert_eq!(res.status(), 200);
    assert!(res.text().contains("<h1>Hello, Ada Lovelace!</h1>"));

    let res = client.get("/hello/%3Cscript%3E").send().await;
    assert!(res.text().contains("Hello, &lt;script&gt;!"));
    assert!(!res.text().contains("<script>"));
}

#[tokio::test]
async fn the_form_redirects_to_the_greeting_page() {
    let res = client()
        .await
        .post("/hello")
        .form(&[("name", "Grace Hopper")])
        .send()
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.header("location"), Some("/hello/Grace%20Hopper"));
    assert_eq!(routes::hello("Grace Hopper"), "/hello/Grace%20Hopper");
}

#[tokio::test]
async fn a_blank_name_shows_the_form_again() {
    let res = client()
        .await
        .post("/hello")
        .form(&[("name", "  ")])
        .send()
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().contains("Please enter a name."));
}

#[tokio::test]
async fn the_api_greets_with_query_options() {
    let client = client().await;
    let res = client.get("/api/greetings/Ada").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(
        res.json::<Value>(),
        json!({ "message": "Hello, Ada!", "page": "/hello/Ada" })
    );

    let res = client
        .get("/api/greetings/Ada?lang=fr&shout=true")
        .send()
        .await;
    assert_eq!(res.json::<Value>()["message"], "BONJOUR, ADA!");
}

#[tokio::test]
async fn the_api_refuses_an_unknown_language() {
    let res = client()
        .await
        .get("/api/greetings/Ada?lang=xx")
        .header("accept", "application/json")
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert!(
        res.json::<Value>()["error"]
            .as_str()
            .is_some_and(|e| e.contains("invalid query string"))
    );
}

#[tokio::test]
async fn stats_need_the_api_key_and_count_greetings() {
    let client = client().await;
    assert_eq!(client.get("/api/stats").send().await.status(), 403);
    let wrong = client.get("/api/stats").header("x-api-key", "nope").send();
    assert_eq!(wrong.await.status(), 403);

    client.get("/hello/a").send().await;
    client.get("/api/greetings/b").send().await;
    let res = client
        .get("/api/stats")
        .header("x-api-key", KEY)
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>(), json!({ "greetings_served": 2 }));
    assert_eq!(client.app().state().greetings_served(), 2);
}

#[tokio::test]
async fn the_router_answers_what_no_route_does() {
    let client = client().await;
    assert_eq!(client.get("/nowhere").send().await.status(), 404);
    let res = client.delete("/hello/ada").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
    let res = client.get("/hello/ada/").send().await;
    assert_eq!(res.status(), 308);
    assert_eq!(res.header("location"), Some("/hello/ada"));
}

#[test]
fn url_helpers_include_the_group_prefix() {
    assert_eq!(routes::home(), "/");
    assert_eq!(routes::greet(), "/hello");
    assert_eq!(routes::api::greeting("a/b"), "/api/greetings/a%2Fb");
    assert_eq!(routes::api::stats(), "/api/stats");
}

#[tokio::test]
async fn it_serves_http_over_a_real_socket() {
    let config = ServerConfig::builder()
        .addr(([127, 0, 0, 1], 0).into())
        .build();
    let server = Server::bind(Hello::new(state().await), config)
        .await
        .expect("binds a free port");

    let mut stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .expect("connects");
    stream
        .write_all(
            b"GET /api/greetings/Ada HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        .await
        .expect("sends the request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .expect("reads the response until the server closes");

    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.contains("\r\nserver: galaxy\r\n"), "{response}");
    assert!(
        response.ends_with(r#"{"message":"Hello, Ada!","page":"/hello/Ada"}"#),
        "{response}"
    );
    server.shutdown().await;
}

/// The `name=value` of the session cookie a response sets, if it sets one.
fn session_cookie(res: &galaxy_core::TestResponse) -> Option<String> {
    res.header("set-cookie")
        .map(|set| set.split(';').next().unwrap().to_owned())
}

#[tokio::test]
async fn the_guestbook_form_comes_back_with_errors_and_old_input() {
    let client = client().await;
    let res = client.get("/guestbook").send().await;
    assert_eq!(res.status(), 200);
    let page = res.text();
    assert!(page.contains(r#"name="_token""#), "{page}");
    assert!(!page.contains("field-errors"), "{page}");

    // An invalid entry: back to the form (303), errors and old input flashed.
    let res = client
        .post("/guestbook")
        .header("sec-fetch-site", "same-origin")
        .header("host", "hello.example")
        .header("referer", "https://hello.example/guestbook")
        .form(&[
            ("name", "Ada <b>"),
            ("email", "not an email"),
            ("message", "see https://spam.example"),
        ])
        .send()
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.header("location"), Some("/guestbook"));
    let cookie = session_cookie(&res).expect("the session carries the errors");

    let page = client
        .get("/guestbook")
        .header("cookie", &cookie)
        .send()
        .await
        .text();
    assert!(page.contains("Please correct the fields below."), "{page}");
    assert!(page.contains(r#"value="Ada &lt;b&gt;""#), "{page}");
    assert!(page.contains(r#"value="not an email""#), "{page}");
    assert!(
        page.contains(">see https://spam.example</textarea>"),
        "{page}"
    );
    assert!(page.contains(r#"id="email-errors""#), "{page}");
    assert!(page.contains("may not contain links"), "{page}");
    assert!(!page.contains(r#"id="name-errors""#), "{page}");
    assert!(page.contains(r#"aria-invalid="true""#), "{page}");
}

#[tokio::test]
async fn the_guestbook_accepts_a_valid_entry_once_per_address() {
    let client = client().await;
    let entry = [
        ("name", "Grace"),
        ("email", "grace@example.com"),
        ("message", "Hello from the Navy"),
    ];
    let res = client
        .post("/guestbook")
        .header("sec-fetch-site", "same-origin")
        .form(&entry)
        .send()
        .await;
    assert_eq!(res.status(), 303);
    let cookie = session_cookie(&res).expect("the notice is flashed");
    let page = client
        .get("/guestbook")
        .header("cookie", &cookie)
        .send()
        .await
        .text();
    assert!(page.contains("Thank you, Grace!"), "{page}");
    assert!(
        page.contains("<strong>Grace</strong>: Hello from the Navy"),
        "{page}"
    );
    assert_eq!(client.app().state().entries().await.unwrap().len(), 1);

    // The same address again: the async rule refuses it, as JSON for an API client.
    let res = client
        .post("/guestbook")
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .form(&entry)
        .send()
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json();
    assert_eq!(
        body["errors"]["email"][0],
        "has already signed the guestbook"
    );
    assert_eq!(client.app().state().entries().await.unwrap().len(), 1);

    // A cross-site post never reaches validation.
    let res = client
        .post("/guestbook")
        .header("sec-fetch-site", "cross-site")
        .form(&entry)
        .send()
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn an_entry_has_a_page_of_its_own_bound_by_key() {
    let client = client().await;
    let res = client
        .post("/guestbook")
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("name", "Ada <3"),
            ("email", "ada@example.com"),
            ("message", "Notes on the engine"),
        ])
        .send()
        .await;
    assert_eq!(res.status(), 303);
    let entries = client.app().state().entries().await.unwrap();
    let url = routes::guestbook::show(entries[0].id);
    assert_eq!(url.as_str(), format!("/guestbook/{}", entries[0].id));

    let index = client.get("/guestbook").send().await.text();
    assert!(index.contains(&format!(r#"href="{url}""#)), "{index}");
    let page = client.get(url.as_str()).send().await;
    assert_eq!(page.status(), 200);
    let page = page.text();
    assert!(page.contains("<h1>Ada &lt;3 wrote</h1>"), "{page}");
    assert!(
        page.contains("<blockquote>Notes on the engine</blockquote>"),
        "{page}"
    );

    // No such row, and no key at all: both 404, before the handler runs.
    let missing = routes::guestbook::show(entries[0].id + 1);
    assert_eq!(client.get(missing.as_str()).send().await.status(), 404);
    assert_eq!(client.get("/guestbook/abc").send().await.status(), 404);
}

#[tokio::test]
async fn an_address_signs_once_whatever_its_case() {
    let client = client().await;
    let sign = |email: &'static str| {
        client
            .post("/guestbook")
            .header("sec-fetch-site", "same-origin")
            .header("accept", "application/json")
            .form(&[
                ("name", "Grace"),
                ("email", email),
                ("message", "Hello again"),
            ])
            .send()
    };
    assert_eq!(sign("Grace@Example.com").await.status(), 303);
    let res = sign("grace@example.COM").await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<Value>()["errors"]["email"][0],
        "has already signed the guestbook"
    );
    let entries = client.app().state().entries().await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].email, "grace@example.com");
}

#[tokio::test]
async fn a_database_file_is_created_migrated_and_kept_across_restarts() {
    let path = std::env::temp_dir().join(format!("hello-test-{}.sqlite", std::process::id()));
    let remove = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    };
    remove();
    let url = format!("sqlite://{}", path.display());

    let db = hello::connect(&url).await.expect("creates and migrates");
    assert!(path.exists());
    let signed = hello::Entry::sign(
        &db,
        hello::NewEntry {
            name: "Ada".into(),
            email: "ada@example.com".into(),
            message: "First".into(),
        },
    )
    .await
    .unwrap();
    db.close().await;

    // A restart: the migration is not applied twice, and the entry is still there.
    let db = hello::connect(&url).await.expect("opens again");
    assert_eq!(hello::Entry::oldest_first(&db).await.unwrap(), [signed]);
    db.close().await;
    remove();
}
