//! `Valid<Json|Form|Query>`: garde's rules, custom and async rules, the 422 JSON answer, the
//! redirect back with flashed errors and old input for HTML forms, and `FormState` reading
//! them; a property that a schema value posted back validates as it does locally.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use galaxy_core::cookie::Key;
use galaxy_core::middleware::{Csrf, Session, SessionLayer};
use galaxy_core::prelude::*;
use galaxy_core::validation::{FormState, ValidationContext};
use galaxy_core::{Markup, TestResponse};
use garde::{Path as FieldPath, Report, Validate};
use maud::html;
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default)]
pub struct AppState {
    taken: Arc<Mutex<HashSet<String>>>,
    async_runs: Arc<AtomicUsize>,
}

galaxy_core::app! {
    app = Site;
    state = AppState;
    chain web = [SessionLayer::new(Key::generate()).secure(false), Csrf::default()];
    routes {
        POST "/api/users" => api_create, public;
        GET "/api/search" => search, public;
        POST "/api/signup" => api_signup, public;
        POST "/bare/users" => bare_create, public;
        POST "/api/new_users" => api_new_user, public;
        group "/web" via web {
            GET "/users/new" => new_user, public;
            POST "/users" => web_create, public;
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
struct NewUser {
    #[garde(length(min = 1, max = 20))]
    name: String,
    #[garde(email)]
    email: String,
    #[garde(length(min = 8))]
    password: String,
    #[garde(range(min = 18, max = 130))]
    age: u32,
}

#[derive(Debug, Deserialize, Validate)]
struct Profile {
    #[garde(dive)]
    address: Address,
    #[garde(length(max = 3), inner(length(min = 1, max = 5)))]
    tags: Vec<String>,
}

#[derive(Debug, Deserialize, Validate)]
struct Address {
    #[garde(length(min = 1))]
    street: String,
}

#[derive(Debug, Deserialize, Validate)]
struct Search {
    #[garde(length(min = 2))]
    q: String,
    #[garde(range(max = 100))]
    per_page: Option<u32>,
}

/// A schema whose custom rule and async rule need the app state.
#[derive(Debug, Deserialize, Validate)]
#[garde(context(SignUpRules))]
struct SignUp {
    #[garde(email, custom(not_reserved))]
    email: String,
}

struct SignUpRules {
    taken: Arc<Mutex<HashSet<String>>>,
    runs: Arc<AtomicUsize>,
}

fn not_reserved(email: &str, _: &SignUpRules) -> garde::Result {
    if email.starts_with("admin@") {
        return Err(garde::Error::new("is reserved"));
    }
    Ok(())
}

impl ValidationContext<AppState, SignUp> for SignUpRules {
    fn from_state(state: &AppState) -> Self {
        Self {
            taken: state.taken.clone(),
            runs: state.async_runs.clone(),
        }
    }

    async fn validate_async(&self, value: &SignUp, _: &AppState) -> Result<(), Report> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        if self.taken.lock().unwrap().contains(&value.email) {
            let mut report = Report::new();
            report.append(
                FieldPath::new("email"),
                garde::Error::new("is already taken"),
            );
            return Err(report);
        }
        Ok(())
    }
}

async fn api_create(Valid(Json(user)): Valid<Json<Profile>>) -> String {
    format!("{} {}", user.address.street, user.tags.len())
}

async fn search(Valid(Query(search)): Valid<Query<Search>>) -> String {
    format!("searching {}", search.q)
}

async fn api_signup(Valid(Json(input)): Valid<Json<SignUp>>) -> String {
    format!("signed up {}", input.email)
}

async fn api_new_user(Valid(Json(user)): Valid<Json<NewUser>>) -> String {
    format!("created {}", user.name)
}

async fn bare_create(Valid(Form(user)): Valid<Form<NewUser>>) -> String {
    format!("created {}", user.name)
}

fn user_form(form: &FormState) -> Markup {
    html! {
        form method="post" action="/web/users" {
            input name="name" value=(form.old("name"));
            (form.errors_for("name"))
            input name="email" value=(form.old("email"));
            (form.errors_for("email"))
            input name="password" type="password";
            (form.errors_for("password"))
            input name="age" value=(form.old("age"));
            (form.errors_for("age"))
        }
    }
}

async fn new_user(form: FormState, again: FormState) -> Markup {
    // Two extractions in one request see the same flashed state.
    assert_eq!(form.failed(), again.failed());
    user_form(&form)
}

async fn web_create(session: Session, Valid(Form(user)): Valid<Form<NewUser>>) -> Result<Redirect> {
    session.flash("notice", format!("created {}", user.name))?;
    Ok(Redirect::to("/web/users/new"))
}

fn client() -> TestClient<Site> {
    TestClient::new(Site::new(AppState::default()))
}

#[tokio::test]
async fn valid_json_passes_and_invalid_json_answers_422_with_flattened_field_errors() {
    let client = client();
    let ok = serde_json::json!({ "address": { "street": "Main St" }, "tags": ["a", "b"] });
    let res = client.post("/api/users").json(&ok).send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "Main St 2");

    let bad = serde_json::json!({
        "address": { "street": "" },
        "tags": ["ok", "far too long", "", "x"]
    });
    let res = client.post("/api/users").json(&bad).send().await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.header("content-type"), Some("application/json"));
    let body: serde_json::Value = res.json();
    assert_eq!(body["error"], "the given data is invalid");
    let errors = body["errors"].as_object().unwrap();
    let mut fields: Vec<&str> = errors.keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["address.street", "tags", "tags[1]", "tags[2]"]);
    assert!(errors["tags[1]"][0].as_str().unwrap().contains("length"));
}

#[tokio::test]
async fn what_the_inner_extractor_refuses_is_answered_as_before() {
    let client = client();
    let res = client
        .post("/api/users")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await;
    assert_eq!(res.status(), 400);
    let res = client.post("/api/users").body("street=x").send().await;
    assert_eq!(res.status(), 415);
    let res = client
        .post("/api/users")
        .json(&serde_json::json!({ "address": {} }))
        .send()
        .await;
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("invalid JSON body")
    );
    assert!(body.get("errors").is_none());
}

#[tokio::test]
async fn an_invalid_query_answers_422_in_the_negotiated_format() {
    let client = client();
    let res = client.get("/api/search?q=rust&per_page=10").send().await;
    assert_eq!(res.text(), "searching rust");

    let res = client
        .get("/api/search?q=r&per_page=500")
        .header("accept", "application/json")
        .send()
        .await;
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json();
    assert!(body["errors"]["q"].is_array());
    assert!(body["errors"]["per_page"].is_array());

    let res = client
        .get("/api/search?q=r")
        .header("accept", "text/html")
        .send()
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(res.text().contains("<code>q</code>"), "{}", res.text());

    // A query string that does not deserialize is the `Query` extractor's 400.
    let res = client.get("/api/search?per_page=lots&q=ab").send().await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn custom_rules_see_the_context_and_async_rules_run_only_after_garde_passes() {
    let state = AppState::default();
    state.taken.lock().unwrap().insert("ada@example.com".into());
    let runs = state.async_runs.clone();
    let client = TestClient::new(Site::new(state));

    let res = client
        .post("/api/signup")
        .json(&serde_json::json!({ "email": "admin@example.com" }))
        .send()
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<serde_json::Value>()["errors"]["email"][0],
        "is reserved"
    );
    let res = client
        .post("/api/signup")
        .json(&serde_json::json!({ "email": "not an email" }))
        .send()
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        0,
        "async rules ran on invalid input"
    );

    let res = client
        .post("/api/signup")
        .json(&serde_json::json!({ "email": "ada@example.com" }))
        .send()
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<serde_json::Value>()["errors"]["email"][0],
        "is already taken"
    );
    let res = client
        .post("/api/signup")
        .json(&serde_json::json!({ "email": "grace@example.com" }))
        .send()
        .await;
    assert_eq!(res.text(), "signed up grace@example.com");
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_form_without_a_session_answers_a_422_page() {
    let client = client();
    let res = client
        .post("/bare/users")
        .header("accept", "text/html")
        .form(&[
            ("name", ""),
            ("email", "x"),
            ("password", "p"),
            ("age", "3"),
        ])
        .send()
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text();
    for field in ["name", "email", "password", "age"] {
        assert!(page.contains(&format!("<code>{field}</code>")), "{page}");
    }
    let res = client
        .post("/bare/users")
        .form(&[
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("password", "longenough"),
            ("age", "36"),
        ])
        .send()
        .await;
    assert_eq!(res.text(), "created Ada");
}

#[tokio::test]
async fn an_invalid_html_form_redirects_back_with_errors_and_old_input() {
    let client = client().save_cookies();
    let res = client.get("/web/users/new").send().await;
    assert_eq!(res.status(), 200);
    assert!(!res.text().contains("field-errors"));

    let res = client
        .post("/web/users")
        .header("sec-fetch-site", "same-origin")
        .header("host", "app.example")
        .header("referer", "https://app.example/web/users/new")
        .header("accept", "text/html")
        .form(&[
            ("name", "Ada <script>"),
            ("email", "not-an-email"),
            ("password", "short"),
            ("age", "12"),
        ])
        .send()
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.header("location"), Some("/web/users/new"));
    assert!(client.cookie("session").is_some(), "a session cookie");

    let page = client.get("/web/users/new").send().await.text();
    // Old input, escaped; the password is never flashed back.
    assert!(page.contains(r#"value="Ada &lt;script&gt;""#), "{page}");
    assert!(page.contains(r#"value="not-an-email""#), "{page}");
    assert!(page.contains(r#"value="12""#), "{page}");
    assert!(!page.contains("short"), "{page}");
    for field in ["email", "password", "age"] {
        assert!(page.contains(&format!(r#"id="{field}-errors""#)), "{page}");
    }
    assert!(!page.contains(r#"id="name-errors""#), "{page}");

    // Flashed once: the next visit is a fresh form.
    let res = client.get("/web/users/new").send().await;
    assert!(!res.text().contains("field-errors"), "{}", res.text());
}

#[tokio::test]
async fn a_foreign_referer_is_not_followed_and_json_clients_get_422() {
    let client = client();
    let invalid = [
        ("name", ""),
        ("email", "x"),
        ("password", "p"),
        ("age", "1"),
    ];
    let res = client
        .post("/web/users")
        .header("sec-fetch-site", "same-origin")
        .header("host", "app.example")
        .header("referer", "https://evil.example/")
        .form(&invalid)
        .send()
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.header("location"), Some("/web/users"));

    let res = client
        .post("/web/users")
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .form(&invalid)
        .send()
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.json::<serde_json::Value>()["errors"]["name"].is_array());
}

#[tokio::test]
async fn a_valid_html_form_reaches_the_handler() {
    let client = client();
    let res = client
        .post("/web/users")
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("password", "longenough"),
            ("age", "36"),
        ])
        .send()
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.header("location"), Some("/web/users/new"));
}

fn any_new_user() -> impl Strategy<Value = NewUser> {
    (
        "[a-zA-Z ]{0,24}",
        prop_oneof!["[a-z]{1,8}@[a-z]{1,8}\\.com", "[a-z@.]{0,12}"],
        "[ -~]{0,12}",
        0u32..200,
    )
        .prop_map(|(name, email, password, age)| NewUser {
            name,
            email,
            password,
            age,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A value serialised and posted back, as JSON or as a form, is accepted exactly when it
    /// validates locally, and refused with errors on exactly the fields garde names.
    #[test]
    fn a_posted_schema_validates_as_it_does_locally(user in any_new_user()) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let client = client();
        let expected = user.validate().err().map(|report| {
            galaxy_core::validation::flatten(&report).into_keys().collect::<Vec<_>>()
        });
        rt.block_on(async {
            let as_json = client.post("/api/new_users").json(&user).send().await;
            check(&as_json, expected.as_deref(), &user)?;
            let as_form = client
                .post("/bare/users")
                .header("accept", "application/json")
                .form(&user)
                .send()
                .await;
            check(&as_form, expected.as_deref(), &user)
        })?;
    }
}

fn check(
    res: &TestResponse,
    expected: Option<&[String]>,
    user: &NewUser,
) -> Result<(), TestCaseError> {
    match expected {
        None => {
            prop_assert_eq!(res.status(), 200);
            prop_assert_eq!(res.text(), format!("created {}", user.name));
        }
        Some(fields) => {
            prop_assert_eq!(res.status(), 422);
            let body: serde_json::Value = res.json();
            let mut got: Vec<String> = body["errors"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            got.sort();
            prop_assert_eq!(got, fields.to_vec());
        }
    }
    Ok(())
}
