//! The router `app!` generates, exercised through the test client.

use galaxy_core::prelude::*;
use serde::Deserialize;

#[derive(Debug)]
pub struct AppState {
    admin_token: &'static str,
}

fn is_admin(req: &Request, state: &AppState) -> bool {
    req.headers()
        .get("x-admin")
        .is_some_and(|v| v.as_bytes() == state.admin_token.as_bytes())
}

galaxy_core::app! {
    app = Site;
    state = AppState;
    routes {
        GET "/" => home, name = home, public;
        GET "/users/new" => new_user, name = users.create, public;
        GET "/users/{id: u64}" => show_user, name = users.show, public;
        DELETE "/users/{id: u64}" => delete_user, name = users.destroy, authorize = is_admin;
        GET "/users/{name}" => user_by_name, name = users.by_name, public;
        GET "/tags/{tag ~ [a-z]+}" => tag, name = tags.show, public;
        GET "/files/{*path}" => file, name = files.show, public;
        POST "/echo" => echo, name = echo, public, body_limit = 16;
        GET "/panic" => panics, public;
        GET "/things/{id: u64}" => thing, public;
        DELETE "/things/{name}" => delete_thing, public;
        GET "/notes/today" => todays_note, public;
        PUT "/notes/{name}" => put_note, public;
        group "/api/v1" {
            GET "/items/{id: i32}/parts/{part: String}" => part, name = api.items.part, public;
            group "/admin", authorize = is_admin {
                GET "/stats" => stats, name = api.admin.stats;
            }
        }
        resource "/photos/{photo: u64}" => photos, public, except = [destroy];
    }
}

async fn home() -> Html<String> {
    Html(format!("<a href=\"{}\">me</a>", routes::users::show(1)))
}

async fn new_user() -> &'static str {
    "form"
}

async fn show_user(Path(id): Path<u64>) -> String {
    format!("user {id}")
}

async fn delete_user(Path(id): Path<u64>) -> String {
    format!("deleted {id}")
}

async fn user_by_name(Path(name): Path<String>) -> String {
    format!("user named {name}")
}

async fn tag(Path(tag): Path<String>) -> String {
    format!("tag {tag}")
}

async fn file(Path(path): Path<String>) -> String {
    format!("file {path}")
}

async fn thing(Path(id): Path<u64>) -> String {
    format!("thing {id}")
}

async fn delete_thing(Path(name): Path<String>) -> String {
    format!("deleted thing {name}")
}

async fn todays_note() -> &'static str {
    "today's note"
}

async fn put_note(Path(name): Path<String>) -> String {
    format!("put note {name}")
}

async fn echo(body: String) -> String {
    body
}

async fn panics() -> &'static str {
    panic!("the handler broke")
}

async fn part(Path((id, part)): Path<(i32, String)>) -> String {
    format!("item {id} part {part}")
}

async fn stats(State(_): State<Shared>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "users": 2 }))
}

#[derive(Clone, Debug)]
struct Shared;

impl galaxy_core::extract::FromRef<AppState> for Shared {
    fn from_ref(_: &AppState) -> Self {
        Shared
    }
}

mod photos {
    use galaxy_core::prelude::*;

    pub(crate) async fn index() -> &'static str {
        "photos"
    }
    pub(crate) async fn create() -> &'static str {
        "new photo form"
    }
    pub(crate) async fn store() -> StatusCode {
        StatusCode::CREATED
    }
    pub(crate) async fn show(Path(id): Path<u64>) -> String {
        format!("photo {id}")
    }
    pub(crate) async fn edit(Path(id): Path<u64>) -> String {
        format!("edit photo {id}")
    }
    pub(crate) async fn update(Path(id): Path<u64>) -> String {
        format!("updated photo {id}")
    }
}

fn client() -> TestClient<Site> {
    TestClient::new(Site::new(AppState {
        admin_token: "sesame",
    }))
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

#[tokio::test]
async fn routes_match_in_declaration_order_with_typed_parameters() {
    let client = client();
    assert_eq!(client.get("/users/new").send().await.text(), "form");
    assert_eq!(client.get("/users/42").send().await.text(), "user 42");
    assert_eq!(
        client.get("/users/ada").send().await.text(),
        "user named ada"
    );
    assert_eq!(
        client.get("/users/ada%20l").send().await.text(),
        "user named ada l"
    );
    assert_eq!(client.get("/tags/rust").send().await.text(), "tag rust");
    assert_eq!(client.get("/tags/Rust").send().await.status(), 404);
    assert_eq!(
        client.get("/files/a/b/c.txt").send().await.text(),
        "file a/b/c.txt"
    );
    assert_eq!(client.get("/files").send().await.status(), 404);
    assert_eq!(
        client
            .get("/api/v1/items/-3/parts/bolt")
            .send()
            .await
            .text(),
        "item -3 part bolt"
    );
    assert_eq!(
        client
            .get("/api/v1/items/x/parts/bolt")
            .send()
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn unknown_paths_are_404_and_json_clients_get_json() {
    let client = client();
    let res = client.get("/nope").send().await;
    assert_eq!(res.status(), 404);
    let res = client
        .get("/nope")
        .header("accept", "application/json")
        .send()
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert!(res.json::<ErrorBody>().error.contains("no route"));
}

#[tokio::test]
async fn wrong_methods_get_405_with_allow_and_options_lists_them() {
    let client = client();
    let res = client.post("/users/42").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("DELETE, GET, HEAD, OPTIONS"));
    let res = client.options("/users/42").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.header("allow"), Some("DELETE, GET, HEAD, OPTIONS"));
}

#[tokio::test]
async fn a_method_the_first_matching_path_lacks_falls_through_to_later_routes() {
    let client = client();
    assert_eq!(client.get("/things/42").send().await.text(), "thing 42");
    assert_eq!(
        client.delete("/things/42").send().await.text(),
        "deleted thing 42"
    );
    let res = client.post("/things/42").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(
        res.header("allow"),
        Some("DELETE, GET, HEAD, OPTIONS"),
        "both routes' methods"
    );
    let res = client.options("/things/bolt").send().await;
    assert_eq!(res.header("allow"), Some("DELETE, OPTIONS"));
}

#[tokio::test]
async fn a_path_without_parameters_falls_through_to_later_routes_for_other_methods() {
    // `/notes/today` is matched whole, before the path is split into segments; a method it
    // does not answer must still reach the parameter route declared after it.
    let client = client();
    assert_eq!(
        client.get("/notes/today").send().await.text(),
        "today's note"
    );
    assert_eq!(client.head("/notes/today").send().await.status(), 200);
    assert_eq!(
        client.put("/notes/today").send().await.text(),
        "put note today"
    );
    let res = client.delete("/notes/today").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS, PUT"));
    assert_eq!(client.get("/notes/today/").send().await.status(), 308);
}

#[tokio::test]
async fn integer_parameters_match_only_their_canonical_form() {
    let client = client();
    assert_eq!(client.get("/users/7").send().await.text(), "user 7");
    assert_eq!(client.get("/users/0").send().await.text(), "user 0");
    assert_eq!(
        client.get("/users/007").send().await.text(),
        "user named 007"
    );
    assert_eq!(client.get("/users/+7").send().await.text(), "user named +7");
    assert_eq!(
        client.get("/api/v1/items/-0/parts/x").send().await.status(),
        404
    );
    assert_eq!(
        client.get("/api/v1/items/-12/parts/x").send().await.text(),
        "item -12 part x"
    );
}

#[tokio::test]
async fn head_is_answered_by_get_without_a_body() {
    let res = client().head("/users/7").send().await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().is_empty());
}

#[tokio::test]
async fn trailing_slashes_redirect_to_the_route() {
    let res = client().get("/users/7/?x=1").send().await;
    assert_eq!(res.status(), 308);
    assert_eq!(res.header("location"), Some("/users/7?x=1"));
}

#[tokio::test]
async fn authorization_checks_guard_routes_and_groups() {
    let client = client();
    assert_eq!(client.delete("/users/1").send().await.status(), 403);
    let res = client
        .delete("/users/1")
        .header("x-admin", "sesame")
        .send()
        .await;
    assert_eq!(res.text(), "deleted 1");
    assert_eq!(client.get("/api/v1/admin/stats").send().await.status(), 403);
    let res = client
        .get("/api/v1/admin/stats")
        .header("x-admin", "sesame")
        .send()
        .await;
    assert_eq!(res.json::<serde_json::Value>()["users"], 2);
}

#[tokio::test]
async fn body_limits_apply_per_route() {
    let client = client();
    let res = client.post("/echo").body("short").send().await;
    assert_eq!(res.text(), "short");
    let res = client.post("/echo").body("x".repeat(17)).send().await;
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_with_a_request_id_and_the_app_keeps_serving() {
    let client = client();
    let res = client.get("/panic").send().await;
    assert_eq!(res.status(), 500);
    let id = res.header("x-request-id").expect("a request id").to_owned();
    assert!(res.text().contains(&id));
    assert!(!res.text().contains("the handler broke"));
    assert_eq!(client.get("/").send().await.status(), 200);
}

#[tokio::test]
async fn resources_expand_to_laravel_routes() {
    let client = client();
    assert_eq!(client.get("/photos").send().await.text(), "photos");
    assert_eq!(
        client.get("/photos/create").send().await.text(),
        "new photo form"
    );
    assert_eq!(client.post("/photos").send().await.status(), 201);
    assert_eq!(client.get("/photos/3").send().await.text(), "photo 3");
    assert_eq!(
        client.get("/photos/3/edit").send().await.text(),
        "edit photo 3"
    );
    assert_eq!(
        client.put("/photos/3").send().await.text(),
        "updated photo 3"
    );
    assert_eq!(
        client.patch("/photos/3").send().await.text(),
        "updated photo 3"
    );
    assert_eq!(
        client.delete("/photos/3").send().await.status(),
        405,
        "destroy is excepted"
    );
    assert_eq!(routes::photos::edit(3), "/photos/3/edit");
}

#[test]
fn url_helpers_include_prefixes_and_encode_parameters() {
    assert_eq!(routes::home(), "/");
    assert_eq!(routes::users::show(42), "/users/42");
    assert_eq!(routes::users::by_name("a b/c"), "/users/a%20b%2Fc");
    assert_eq!(
        routes::api::items::part(-1, "x"),
        "/api/v1/items/-1/parts/x"
    );
    assert_eq!(routes::api::admin::stats(), "/api/v1/admin/stats");
    assert_eq!(routes::files::show("a/b c"), "/files/a/b%20c");
}

#[test]
fn the_route_table_lists_every_route() {
    let table = Site::routes();
    let stats = table
        .iter()
        .find(|r| r.name == Some("api.admin.stats"))
        .unwrap();
    assert_eq!(stats.path, "/api/v1/admin/stats");
    assert_eq!(stats.method, "GET");
    assert_eq!(
        stats.authorization,
        galaxy_core::routing::Authorization::Check("is_admin")
    );
    // index, create, store, show, edit, update (PUT and PATCH); destroy is excepted.
    assert_eq!(
        table
            .iter()
            .filter(|r| r.handler.starts_with("photos::"))
            .count(),
        7
    );
}
