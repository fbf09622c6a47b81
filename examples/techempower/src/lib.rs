//! The TechEmpower benchmark tests (see `shared/TFB-RULES.md`) as an ordinary Galaxy app: the
//! routes in the `app!` DSL, `World` and `Fortune` as galaxy-orm models checked against
//! `migrations/`, the fortunes page as a maud template. `DATABASE_URL` picks PostgreSQL, or
//! SQLite for a `sqlite:` URL. `BenchmarkBehindWeb` serves plaintext and json behind the
//! default `web` middleware chain.

use galaxy_core::prelude::*;
use serde::Serialize;

mod database;
pub mod handlers;
pub mod models;

pub use database::{Database, WorkerDb};

galaxy_core::app! {
    app = Benchmark;
    state = Database;
    routes {
        GET "/plaintext" => plaintext, name = plaintext, public;
        GET "/json" => json, name = json, public;
        GET "/db" => handlers::single, name = db, public;
        GET "/queries" => handlers::queries, name = queries, public;
        GET "/updates" => handlers::updates, name = updates, public;
        GET "/fortunes" => handlers::fortunes, name = fortunes, public;
    }
}

/// The same tests behind the default `web` chain (request id, access log, security headers,
/// session, CSRF), to measure what the chain costs per request.
pub mod behind_web {
    use super::{json, plaintext};

    galaxy_core::app! {
        app = BenchmarkBehindWeb;
        routes {
            group "/" via web {
                GET "/plaintext" => plaintext, public;
                GET "/json" => json, public;
            }
        }
    }
}

/// `Hello, World!` as `text/plain`.
pub async fn plaintext() -> &'static str {
    "Hello, World!"
}

/// The JSON test's message, serialized anew for every request as the rules require.
#[derive(Debug, Serialize)]
pub struct Message {
    /// Always `Hello, World!`.
    pub message: &'static str,
}

/// `{"message":"Hello, World!"}` as `application/json`.
pub async fn json() -> Json<Message> {
    Json(Message {
        message: "Hello, World!",
    })
}
