//! The OpenAPI document `app!` generates: its structure (version, paths, operations, parameters
//! typed from templates, request and response schemas, Galaxy's error answers), every `$ref`
//! resolving, and the route that serves it.

use galaxy_core::middleware::{AccessLog, RateLimit, RequestIdLayer};
use galaxy_core::prelude::*;
use galaxy_core::schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

galaxy_core::app! {
    app = Shop;
    openapi = "/docs/openapi.json";
    chain limited = [RateLimit::per_route(100), RequestIdLayer::default(), AccessLog];
    routes {
        GET "/" => home, name = home, public;
        GET "/items/{id: u32}/flags/{on: bool}" => item, name = items.show, authorize = anyone;
        POST "/items" => create, name = items.store, public;
        PUT "/items/{code ~ [A-Z]{3}}" => rename, name = items.rename, public;
        GET "/search" => search, public;
        GET "/files/{*rest}" => files, name = files, public;
        DELETE "/items/{id: i16}" => remove, name = items.destroy, public;
        GET "/limited" => home, via limited, public;
        GET "/maybe" => maybe, public;
    }
}

fn anyone(_: &Request, _: &()) -> bool {
    true
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(crate = "galaxy_core::schemars")]
struct Item {
    id: u32,
    tags: Vec<Tag>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(crate = "galaxy_core::schemars")]
struct Tag {
    label: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "galaxy_core::schemars")]
struct NewItem {
    name: String,
}

#[derive(Debug, Deserialize, JsonSchema, garde::Validate)]
#[schemars(crate = "galaxy_core::schemars")]
struct Rename {
    #[garde(length(min = 1))]
    name: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "galaxy_core::schemars")]
struct Search {
    q: String,
    page: Option<u32>,
}

async fn home() -> Html<&'static str> {
    Html("<h1>shop</h1>")
}

async fn item(Path((id, _on)): Path<(u32, bool)>) -> Result<Json<Item>, Error> {
    Ok(Json(Item {
        id,
        tags: Vec::new(),
    }))
}

async fn create(Form(new): Form<NewItem>) -> Redirect {
    Redirect::to(format!("/?made={}", new.name))
}

async fn rename(Path(_): Path<String>, Valid(Json(_)): Valid<Json<Rename>>) -> StatusCode {
    StatusCode::NO_CONTENT
}

async fn search(Query(search): Query<Search>) -> (StatusCode, String) {
    (StatusCode::OK, format!("{} {:?}", search.q, search.page))
}

async fn files(Path(rest): Path<String>) -> String {
    rest
}

async fn remove(Path(_): Path<i16>) {}

async fn maybe(query: Option<Query<Search>>) -> String {
    format!("{:?}", query.map(|q| q.0.q))
}

fn doc() -> Value {
    Shop::openapi()
}

fn op<'a>(doc: &'a Value, path: &str, method: &str) -> &'a Value {
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "no {method} {path} in {:#}", doc["paths"]);
    op
}

fn param<'a>(op: &'a Value, name: &str) -> &'a Value {
    op["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no parameter {name} in {op:#}"))
}

#[test]
fn the_document_is_openapi_3_1_with_every_route() {
    let doc = doc();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1."));
    assert_eq!(doc["info"]["title"], env!("CARGO_PKG_NAME"));
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    let paths = doc["paths"].as_object().unwrap();
    for route in Shop::routes() {
        let path = route
            .path
            .split('/')
            .map(|s| match s.strip_prefix('{') {
                Some(inner) => {
                    let name = inner.split([':', '~', '}']).next().unwrap().trim();
                    format!("{{{}}}", name.trim_start_matches('*'))
                }
                None => s.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/");
        let path = if path.is_empty() {
            "/".to_owned()
        } else {
            path
        };
        let op = &paths[&path][route.method.to_ascii_lowercase()];
        assert!(op.is_object(), "{} {} missing", route.method, route.path);
        match route.name {
            Some(name) => assert_eq!(op["operationId"], name),
            None => assert!(op.get("operationId").is_none()),
        }
        assert!(!op["responses"].as_object().unwrap().is_empty());
    }
    // The routes, and the document's own route; HEAD is implied by GET, not listed.
    let operations: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(operations, 10);
}

#[test]
fn path_parameters_are_typed_from_the_template() {
    let doc = doc();
    let show = op(&doc, "/items/{id}/flags/{on}", "get");
    let id = param(show, "id");
    assert_eq!(id["in"], "path");
    assert_eq!(id["required"], true);
    assert_eq!(id["schema"]["type"], "integer");
    assert_eq!(id["schema"]["minimum"], 0);
    assert_eq!(id["schema"]["maximum"], u64::from(u32::MAX));
    assert_eq!(param(show, "on")["schema"]["type"], "boolean");
    let signed = param(op(&doc, "/items/{id}", "delete"), "id");
    assert_eq!(signed["schema"]["minimum"], i16::MIN);
    assert_eq!(signed["schema"]["maximum"], i16::MAX);
    let code = param(op(&doc, "/items/{code}", "put"), "code");
    assert_eq!(code["schema"]["pattern"], "^(?:[A-Z]{3})$");
    assert_eq!(
        param(op(&doc, "/files/{rest}", "get"), "rest")["schema"]["type"],
        "string"
    );
    // A parameter that does not parse is a 404.
    assert!(show["responses"]["404"].is_object());
    // An authorized route may answer 403.
    assert!(show["responses"]["403"].is_object());
    assert!(op(&doc, "/", "get")["responses"]["403"].is_null());
}

#[test]
fn request_schemas_come_from_the_extractors() {
    let doc = doc();
    let create = op(&doc, "/items", "post");
    let form = &create["requestBody"]["content"]["application/x-www-form-urlencoded"];
    assert_eq!(form["schema"]["$ref"], "#/components/schemas/NewItem");
    for status in ["400", "413", "415"] {
        assert!(create["responses"][status]["content"]["application/json"].is_object());
    }

    let rename = op(&doc, "/items/{code}", "put");
    let json = &rename["requestBody"]["content"]["application/json"];
    assert_eq!(json["schema"]["$ref"], "#/components/schemas/Rename");
    assert_eq!(
        doc["components"]["schemas"]["Rename"]["properties"]["name"]["minLength"], 1,
        "garde's rules are in the schema"
    );
    assert_eq!(
        rename["responses"]["422"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/GalaxyError"
    );

    let search = op(&doc, "/search", "get");
    let q = param(search, "q");
    assert_eq!(
        (&q["in"], &q["required"], &q["schema"]["type"]),
        (&"query".into(), &true.into(), &"string".into())
    );
    let page = param(search, "page");
    assert_eq!(page["required"], false);
    assert_eq!(
        page["schema"]["type"], "integer",
        "no `null` in a query parameter"
    );
    assert!(search.get("requestBody").is_none());
}

#[test]
fn responses_come_from_the_return_type() {
    let doc = doc();
    let home = op(&doc, "/", "get");
    assert!(home["responses"]["200"]["content"]["text/html"].is_object());

    let show = &op(&doc, "/items/{id}/flags/{on}", "get")["responses"];
    assert_eq!(
        show["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Item"
    );
    assert!(
        show["4XX"].is_object() && show["5XX"].is_object(),
        "Result<_, Error>: {show:#}"
    );

    let create = &op(&doc, "/items", "post")["responses"];
    assert!(create["3XX"]["headers"]["Location"].is_object());

    let rename = &op(&doc, "/items/{code}", "put")["responses"];
    assert!(rename["default"].is_object(), "StatusCode: any status");

    let search = &op(&doc, "/search", "get")["responses"];
    assert!(search["default"]["content"]["text/plain"].is_object());
    assert!(
        search["200"].is_null(),
        "(StatusCode, T) files T under `default`"
    );

    let remove = &op(&doc, "/items/{id}", "delete")["responses"];
    assert!(remove["200"].is_object() && remove["200"].get("content").is_none());
}

#[test]
fn optional_extractors_are_not_required() {
    let doc = doc();
    let maybe = op(&doc, "/maybe", "get");
    assert_eq!(param(maybe, "q")["required"], false);
    assert_eq!(param(op(&doc, "/search", "get"), "q")["required"], true);
    assert_eq!(op(&doc, "/items", "post")["requestBody"]["required"], true);
}

#[test]
fn middleware_answers_are_listed() {
    let doc = doc();
    let limited = &op(&doc, "/limited", "get")["responses"];
    assert!(
        limited["429"]["content"]["application/json"].is_object(),
        "{limited:#}"
    );
    assert!(limited["503"].is_object());
    // `RequestIdLayer` and `AccessLog` answer nothing themselves and needs no description.
    assert_eq!(limited.as_object().unwrap().len(), 3, "{limited:#}");
    assert!(op(&doc, "/", "get")["responses"]["429"].is_null());
}

/// Every `$ref` in `value`, as JSON pointers into the document.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_ref_resolves_and_nested_types_are_components() {
    let doc = doc();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 5);
    for reference in &found {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{reference} is not local"));
        assert!(
            doc.pointer(pointer).is_some(),
            "{reference} does not resolve"
        );
    }
    // `Item` refers to `Tag`, which is a component too.
    assert!(found.iter().any(|r| r == "#/components/schemas/Tag"));
    assert!(doc["components"]["schemas"]["Tag"].is_object());
}

#[tokio::test]
async fn the_app_serves_its_document() {
    let client = TestClient::new(Shop::new(()));
    let res = client.get("/docs/openapi.json").send().await;
    assert_eq!(res.status(), 200);
    assert!(
        res.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(res.json::<Value>(), Shop::openapi());
    // The document describes its own route too.
    assert!(res.json::<Value>()["paths"]["/docs/openapi.json"]["get"].is_object());
}
