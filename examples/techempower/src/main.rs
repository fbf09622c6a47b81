//! Serves the benchmark on `$PORT` (default 8080) with one single-threaded runtime per core,
//! on the database in `$DATABASE_URL` (default: the bench's PostgreSQL `hello_world`);
//! `TFB_POOL_SIZE` sets the connections per core. `TFB_CHAIN=web` serves plaintext and json
//! behind the default `web` middleware chain.

use galaxy_core::{ServerConfig, Workers};
use galaxy_orm::DbConfig;
use techempower::behind_web::BenchmarkBehindWeb;
use techempower::{Benchmark, Database};

/// Connections per core when `TFB_POOL_SIZE` is not set.
const DEFAULT_POOL_SIZE: u32 = 16;

fn main() -> Result<(), galaxy_core::Error> {
    let mut config = ServerConfig::from_env()?;
    config.workers = Workers::PerCore { threads: 0 };
    // The plaintext test pipelines 16 requests per write; answer them with one write too.
    config.pipeline_flush = true;
    if std::env::var("TFB_CHAIN").as_deref() == Ok("web") {
        return galaxy_core::serve(BenchmarkBehindWeb::new(()), config);
    }
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1/hello_world".to_owned());
    let pool_size = match std::env::var("TFB_POOL_SIZE") {
        Ok(size) => size.parse().map_err(|_| {
            galaxy_core::Error::Config(format!("TFB_POOL_SIZE must be a number, not `{size}`"))
        })?,
        Err(_) => DEFAULT_POOL_SIZE,
    };
    let database = Database::new(DbConfig::new(url).with_max_connections(pool_size));
    galaxy_core::serve(Benchmark::new(database), config)
}
