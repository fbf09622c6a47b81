//! The example API end to end in process: notes created, listed, shown and deleted; bad input
//! answered with 4xx; and its OpenAPI document served and describing every route.

use api::{Api, Notes};
use galaxy_core::TestClient;
use serde_json::{Value, json};

fn client() -> TestClient<Api> {
    TestClient::new(Api::new(Notes::default()))
}

#[tokio::test]
async fn notes_are_created_listed_shown_and_deleted() {
    let client = client();
    let res = client
        .post("/notes")
        .json(&json!({ "title": "milk" }))
        .send()
        .await;
    assert_eq!(res.status(), 200);
    let note: Value = res.json();
    assert_eq!(note, json!({ "id": 1, "title": "milk", "done": false }));
    client
        .post("/notes")
        .json(&json!({ "title": "eggs", "done": true }))
        .send()
        .await;

    let all: Value = client.get("/notes").send().await.json();
    assert_eq!(all.as_array().unwrap().len(), 2);
    let some: Value = client
        .get("/notes?limit=1&contains=egg")
        .send()
        .await
        .json();
    assert_eq!(some, json!([{ "id": 2, "title": "eggs", "done": true }]));

    assert_eq!(
        client.get("/notes/1").send().await.json::<Value>()["title"],
        "milk"
    );
    assert_eq!(client.delete("/notes/1").send().await.status(), 200);
    assert_eq!(client.get("/notes/1").send().await.status(), 404);
    assert_eq!(client.delete("/notes/1").send().await.status(), 404);
    assert_eq!(client.get("/greet/ada").send().await.text(), "hello, ada");
}

#[tokio::test]
async fn bad_input_is_a_4xx() {
    let client = client();
    let res = client
        .post("/notes")
        .json(&json!({ "title": "" }))
        .send()
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.json::<Value>()["errors"]["title"].is_array());
    assert_eq!(
        client
            .post("/notes")
            .body("{")
            .header("content-type", "application/json")
            .send()
            .await
            .status(),
        400
    );
    assert_eq!(
        client.post("/notes").body("title=x").send().await.status(),
        415
    );
    assert_eq!(client.get("/notes?limit=0").send().await.status(), 422);
    assert_eq!(client.get("/notes?limit=x").send().await.status(), 400);
    assert_eq!(client.get("/notes/x").send().await.status(), 404);
    assert_eq!(client.get("/greet/ADA").send().await.status(), 404);
}

#[tokio::test]
async fn the_document_describes_every_route() {
    let client = client();
    let res = client.get("/openapi.json").send().await;
    assert_eq!(res.status(), 200);
    let doc: Value = res.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "api");
    for (path, method, id) in [
        ("/notes", "get", "notes.index"),
        ("/notes", "post", "notes.store"),
        ("/notes/{id}", "get", "notes.show"),
        ("/notes/{id}", "delete", "notes.destroy"),
        ("/greet/{name}", "get", "greet"),
    ] {
        assert_eq!(
            doc["paths"][path][method]["operationId"], id,
            "{method} {path}"
        );
    }
    let params = doc["paths"]["/notes"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let limit = params.iter().find(|p| p["name"] == "limit").unwrap();
    assert_eq!(limit["in"], "query");
    assert_eq!(limit["schema"]["maximum"], 100);
}
