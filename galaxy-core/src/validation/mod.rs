//! Request schemas: [`Valid`] runs garde's validation, then the schema's async rules, on a
//! `Json`, `Form` or `Query` extractor, and answers `422` with field-level errors when they
//! fail.
//!
//! A schema is a type deriving `serde::Deserialize` and `garde::Validate`. garde's derive
//! demands a decision on every field (a rule, `dive` for a nested schema, or `skip`), so a
//! field nobody thought about does not compile. Apps depend on `garde` themselves (its derive
//! names `::garde`); `galaxy_core::garde` is the same crate, for the types.
//!
//! # Example
//!
//! ```
//! use galaxy_core::prelude::*;
//! use garde::Validate;
//! use serde::Deserialize;
//!
//! galaxy_core::app! {
//!     app = Api;
//!     routes { POST "/users" => create, public; }
//! }
//!
//! #[derive(Deserialize, Validate)]
//! struct NewUser {
//!     #[garde(email)]
//!     email: String,
//!     #[garde(length(min = 8))]
//!     password: String,
//!     #[garde(skip)]
//!     newsletter: Option<bool>,
//! }
//!
//! async fn create(Valid(Json(user)): Valid<Json<NewUser>>) -> String {
//!     format!("welcome {}", user.email)
//! }
//!
//! # #[tokio::main] async fn main() {
//! let client = TestClient::new(Api::new(()));
//! let res = client
//!     .post("/users")
//!     .json(&serde_json::json!({ "email": "nope", "password": "short" }))
//!     .send()
//!     .await;
//! assert_eq!(res.status(), 422);
//! let body: serde_json::Value = res.json();
//! assert!(body["errors"]["email"][0].is_string());
//! assert!(body["errors"]["password"][0].is_string());
//! # }
//! ```

mod context;
mod errors;
mod extract;
mod form_state;
mod rejection;

pub use context::ValidationContext;
pub use errors::{SCHEMA_KEY, flatten};
pub use form_state::FormState;
pub use rejection::{INVALID_MESSAGE, ValidationRejection};

pub(crate) use form_state::{ERRORS_KEY, OLD_KEY};

/// A request schema that passed validation: `Valid<Json<T>>`, `Valid<Form<T>>` or
/// `Valid<Query<T>>`, where `T` derives `serde::Deserialize` and `garde::Validate`.
///
/// After the inner extractor has deserialised `T`:
///
/// 1. garde's rules run, with the schema's garde context built from the app state by
///    [`ValidationContext::from_state`] (schemas without `#[garde(context(..))]` use `()`);
/// 2. when they pass, the context's [`ValidationContext::validate_async`] runs: rules that need
///    the state or the database (e.g. "this email is not taken").
///
/// When validation fails ([`ValidationRejection`]):
///
/// - `Valid<Json<T>>`, and any request that accepts JSON: `422` with
///   `{"error": "...", "errors": {"field": ["message", ..]}}`; nested fields are flattened to
///   `address.street` and `tags[0]`;
/// - `Valid<Form<T>>` from a browser on a route with a [`Session`](crate::middleware::Session):
///   `303` back to the form (the `Referer` when it is this site, else the request's own path),
///   with the errors and the old input flashed for [`FormState`] to re-render. Fields named
///   like `password`, the CSRF token and values over 1 KiB are not flashed;
/// - otherwise a `422` [error page](crate::error_pages) listing the errors.
///
/// A request the inner extractor refuses (wrong content type, malformed body) answers as that
/// extractor does.
#[derive(Debug, Clone, Copy, Default)]
pub struct Valid<E>(pub E);

impl<E> std::ops::Deref for Valid<E> {
    type Target = E;
    fn deref(&self) -> &E {
        &self.0
    }
}
