//! Serves the benchmark on `$PORT` (default 8080) with one single-threaded runtime per core,
//! on the database in `$DATABASE_URL` (default: the bench's PostgreSQL `hello_world`).
//!
//! - `TFB_PIPELINED`: on PostgreSQL, the pipelined connections per core that carry the
//!   queries (default 4; 0 runs every query on a pooled connection instead, for comparison).
//! - `TFB_POOL_SIZE`: the pooled connections per core (default 16; with pipelining, the pool
//!   serves nothing here and opens no connection).
//! - `TFB_CHECK_IDLE_AFTER_MS`: how long a pooled connection may sit idle before it is pinged
//!   on its next use (0: before every query).
//! - `TFB_CHAIN=web`: serves plaintext and json behind the default `web` middleware chain.

use std::time::Duration;

use galaxy_core::{ServerConfig, Workers};
use galaxy_orm::DbConfig;
use techempower::behind_web::BenchmarkBehindWeb;
use techempower::{Benchmark, Database};

/// Connections per core when `TFB_POOL_SIZE` is not set.
const DEFAULT_POOL_SIZE: u32 = 16;

/// Pipelined connections per core when `TFB_PIPELINED` is not set. A core's requests share
/// them, their queries pipelined. Four, not one: statements on one connection are answered in
/// order, so an `UPDATE` waiting for a row lock that another core's `UPDATE` holds stalls every
/// query queued behind it. Measured here (2 cores): one connection per core gave /updates a
/// p99 of 227 ms against axum-sqlx's 98 ms; four gave 71 ms and twice the requests, and
/// /queries 7,138 rps instead of 5,200.
const DEFAULT_PIPELINED: u64 = 4;

fn main() -> Result<(), galaxy_core::Error> {
    let mut config = ServerConfig::from_env()?;
    config.workers = Workers::PerCore { threads: 0 };
    // The plaintext test pipelines 16 requests per write; answer them with one write too.
    config.pipeline_flush = true;
    // The benchmark speaks HTTP/1.1 only: serving it without HTTP/2 detection keeps every open
    // connection's state a third smaller.
    config.http2 = false;
    if std::env::var("TFB_CHAIN").as_deref() == Ok("web") {
        return galaxy_core::serve(BenchmarkBehindWeb::new(()), config);
    }
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1/hello_world".to_owned());
    let mut db = DbConfig::new(url).with_max_connections(DEFAULT_POOL_SIZE);
    if let Some(size) = number("TFB_POOL_SIZE")? {
        db = db.with_max_connections(u32::try_from(size).unwrap_or(u32::MAX));
    }
    if let Some(ms) = number("TFB_CHECK_IDLE_AFTER_MS")? {
        db = db.with_check_idle_after(Duration::from_millis(ms));
    }
    let pipelined = number("TFB_PIPELINED")?.unwrap_or(DEFAULT_PIPELINED);
    if db.url.starts_with("postgres") {
        db = db.with_pipelined_connections(usize::try_from(pipelined).unwrap_or(usize::MAX));
    }
    let database = Database::new(db);
    galaxy_core::serve(Benchmark::new(database), config)
}

/// The number in the environment variable `key`, if it is set.
fn number(key: &str) -> Result<Option<u64>, galaxy_core::Error> {
    match std::env::var(key) {
        Ok(value) => value.parse().map(Some).map_err(|_| {
            galaxy_core::Error::Config(format!("{key} must be a number, not `{value}`"))
        }),
        Err(_) => Ok(None),
    }
}
