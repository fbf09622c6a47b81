//! Every construct of the routes DSL in one app.
use galaxy_core::prelude::*;
use maud::html;

#[derive(Debug)]
pub struct AppState {
    pub token: String,
}

fn is_admin(req: &Request, state: &AppState) -> bool {
    req.headers().get("x-token").is_some_and(|t| t.as_bytes() == state.token.as_bytes())
}

galaxy_core::app! {
    app = Full;
    state = AppState;
    body_limit = 64 * 1024;
    routes {
        GET "/" => home, name = home, public;
        HEAD "/ping" => ping, public;
        GET "/users/new" => ping, name = users.create, public;
        GET "/users/{id: u64}" => user, name = users.show, public;
        GET "/users/{name}" => by_name, name = users.by_name, public;
        GET "/archive/{year: i32}/{month: u8}" => archive, name = archive, public;
        GET "/tags/{tag ~ [a-z0-9-]{1,32}}" => tag, name = tags.show, public;
        GET "/flags/{on: bool}" => flag, public;
        GET "/files/{*path}" => file, name = files, public;
        POST "/upload" => upload, public, body_limit = 10 * 1024 * 1024;
        group "/admin", authorize = is_admin {
            GET "/" => admin, name = admin.home;
            group "/reports/{year: i32}" {
                GET "/summary" => report, name = admin.reports.summary;
                DELETE "/summary" => report, public;
            }
        }
        resource "/photos/{photo: u64}" => photos, only = [index, show], public;
        resource "/comments/{comment: u64}" => comments, name = notes, except = [create, edit], authorize = is_admin;
    }
}

async fn home() -> Redirect {
    Redirect::to(routes::users::show(1))
}
async fn ping() {}
async fn user(Path(id): Path<u64>) -> String {
    id.to_string()
}
async fn by_name(Path(name): Path<String>) -> String {
    name
}
async fn archive(Path((year, month)): Path<(i32, u8)>) -> String {
    format!("{year}-{month}")
}
async fn tag(Path(tag): Path<String>, Query(q): Query<std::collections::HashMap<String, String>>) -> String {
    format!("{tag} {}", q.len())
}
async fn flag(Path(on): Path<bool>) -> Json<bool> {
    Json(on)
}
async fn file(Path(path): Path<String>, headers: HeaderMap) -> String {
    format!("{path} {}", headers.len())
}
async fn upload(State(state): State<Token>, body: Bytes) -> (StatusCode, String) {
    (StatusCode::CREATED, format!("{} {}", state.0, body.len()))
}
async fn admin() -> Markup {
    html! { a href=(routes::admin::reports::summary(2024)) { "summary" } }
}
async fn report(Path(year): Path<i32>) -> String {
    year.to_string()
}

#[derive(Clone)]
struct Token(String);

impl galaxy_core::extract::FromRef<AppState> for Token {
    fn from_ref(state: &AppState) -> Self {
        Token(state.token.clone())
    }
}

mod photos {
    use galaxy_core::prelude::*;
    pub async fn index() -> &'static str {
        "photos"
    }
    pub async fn show(Path(id): Path<u64>) -> String {
        id.to_string()
    }
}

mod comments {
    use galaxy_core::prelude::*;
    pub async fn index() -> &'static str {
        "comments"
    }
    pub async fn store(Form(fields): Form<std::collections::HashMap<String, String>>) -> String {
        fields.len().to_string()
    }
    pub async fn show(Path(id): Path<u64>) -> String {
        id.to_string()
    }
    pub async fn update(Path(id): Path<u64>, Json(v): Json<serde_json::Value>) -> String {
        format!("{id} {v}")
    }
    pub async fn destroy(Path(id): Path<u64>) -> String {
        id.to_string()
    }
}

fn main() {
    let _app = Full::new(AppState { token: "t".into() });
    assert_eq!(routes::notes::show(3), "/comments/3");
    assert_eq!(routes::admin::home(), "/admin");
    assert_eq!(routes::archive(2024, 2), "/archive/2024/2");
    assert_eq!(<Full as App>::routes().len(), 21);
}
