//! Galaxy's hello example: an HTML home page with a form, a guestbook whose validated form
//! shows its errors and old input, a JSON API with path and query
//! parameters, and one route guarded by an authorization check.
//!
//! The app lives in a library so that its tests (`tests/hello.rs`) can drive it with
//! [`galaxy_core::TestClient`]; `main.rs` only serves it.

mod api;
mod app;
mod guestbook;
mod pages;

pub use app::{AppState, Hello, routes};
pub use guestbook::Entry;
