//! Galaxy's hello example: an HTML home page with a form, a guestbook kept in a database (a
//! galaxy-orm model over a migrated table, SQLite by default) whose validated form shows its
//! errors and old input, a JSON API with path and query parameters, and one route guarded by an
//! authorization check.
//!
//! The app lives in a library so that its tests (`tests/hello.rs`) can drive it with
//! [`galaxy_core::TestClient`]; `main.rs` only opens the database and serves it.

mod api;
mod app;
mod database;
mod guestbook;
mod models;
mod pages;

pub use app::{AppState, Hello, routes};
pub use database::{DEFAULT_DATABASE_URL, connect, database_url};
pub use guestbook::Signature;
pub use models::{Entry, NewEntry, entry};
