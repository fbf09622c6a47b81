//! A small JSON API that serves its own OpenAPI 3.1 document at `/openapi.json`: notes with
//! validated input, path and query parameters. `.ci/openapi-check` runs schemathesis against it.

use std::sync::{Arc, Mutex, PoisonError};

use galaxy_core::prelude::*;
use galaxy_core::schemars::JsonSchema;
use serde::{Deserialize, Serialize};

galaxy_core::app! {
    app = Api;
    state = Notes;
    openapi = "/openapi.json";

    routes {
        group "/notes" via api, public {
            GET    "/"                => list,   name = notes.index;
            POST   "/"                => create, name = notes.store;
            GET    "/{id: u64}"       => show,   name = notes.show;
            DELETE "/{id: u64}"       => delete, name = notes.destroy;
        }
        GET "/greet/{name ~ [a-z]{1,12}}" => greet, name = greet, public;
    }
}

/// The app's state: notes in memory.
#[derive(Debug, Clone, Default)]
pub struct Notes(Arc<Mutex<Vec<Note>>>);

impl Notes {
    fn with<R>(&self, f: impl FnOnce(&mut Vec<Note>) -> R) -> R {
        // A panic while holding the lock leaves the list consistent (every change is one push
        // or one remove), so a poisoned lock is still safe to use.
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A stored note.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(crate = "galaxy_core::schemars")]
pub struct Note {
    /// Its id, assigned on creation.
    pub id: u64,
    /// Its title.
    pub title: String,
    /// Whether it is done.
    pub done: bool,
}

/// The body of `POST /notes`.
#[derive(Debug, Deserialize, JsonSchema, garde::Validate)]
#[schemars(crate = "galaxy_core::schemars")]
pub struct NewNote {
    /// 1 to 200 characters.
    #[garde(length(chars, min = 1, max = 200))]
    pub title: String,
    /// Whether it starts done.
    #[garde(skip)]
    #[serde(default)]
    pub done: bool,
}

/// The query of `GET /notes`.
#[derive(Debug, Deserialize, JsonSchema, garde::Validate)]
#[schemars(crate = "galaxy_core::schemars")]
pub struct ListQuery {
    /// At most this many notes (1 to 100).
    #[garde(range(min = 1, max = 100))]
    pub limit: Option<u8>,
    /// Only notes whose title contains this.
    #[garde(skip)]
    pub contains: Option<String>,
}

async fn list(
    State(notes): State<Notes>,
    Valid(Query(query)): Valid<Query<ListQuery>>,
) -> Json<Vec<Note>> {
    let limit = usize::from(query.limit.unwrap_or(100));
    Json(notes.with(|all| {
        all.iter()
            .filter(|n| {
                query
                    .contains
                    .as_deref()
                    .is_none_or(|c| n.title.contains(c))
            })
            .take(limit)
            .cloned()
            .collect()
    }))
}

async fn create(
    State(notes): State<Notes>,
    Valid(Json(input)): Valid<Json<NewNote>>,
) -> Json<Note> {
    Json(notes.with(|all| {
        let id = all.last().map_or(1, |n| n.id + 1);
        let note = Note {
            id,
            title: input.title,
            done: input.done,
        };
        all.push(note.clone());
        note
    }))
}

async fn show(Path(id): Path<u64>, State(notes): State<Notes>) -> Result<Json<Note>, Error> {
    notes
        .with(|all| all.iter().find(|n| n.id == id).cloned())
        .map(Json)
        .ok_or_else(Error::not_found)
}

async fn delete(Path(id): Path<u64>, State(notes): State<Notes>) -> Result<(), Error> {
    notes.with(|all| {
        let at = all
            .iter()
            .position(|n| n.id == id)
            .ok_or_else(Error::not_found)?;
        all.remove(at);
        Ok(())
    })
}

async fn greet(Path(name): Path<String>) -> String {
    format!("hello, {name}")
}
