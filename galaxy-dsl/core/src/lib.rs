//! Parsing, validation and expansion of Galaxy's DSLs, on `proc_macro2` so that unit tests and
//! fuzz targets can call them without a compiler.
//!
//! Each DSL lives in its own module and goes through the same three steps: parse into a typed
//! model, validate (collecting every error of the invocation), expand. One funnel per macro
//! turns errors into `compile_error!`s and, on error, still emits what it can so that one
//! mistake does not cascade.

pub mod app;
pub mod migrations;
pub mod model;
pub mod template;

pub use app::app;
pub use migrations::embed_migrations;
pub use model::derive_model;
