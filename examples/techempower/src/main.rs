//! Serves the benchmark on `$PORT` (default 8080) with one single-threaded runtime per core;
//! `TFB_CHAIN=web` serves it behind the default `web` middleware chain.

use galaxy_core::{ServerConfig, Workers};
use techempower::Benchmark;
use techempower::behind_web::BenchmarkBehindWeb;

fn main() -> Result<(), galaxy_core::Error> {
    let mut config = ServerConfig::from_env()?;
    config.workers = Workers::PerCore { threads: 0 };
    // The plaintext test pipelines 16 requests per write; answer them with one write too.
    config.pipeline_flush = true;
    match std::env::var("TFB_CHAIN").as_deref() {
        Ok("web") => galaxy_core::serve(BenchmarkBehindWeb::new(()), config),
        _ => galaxy_core::serve(Benchmark::new(()), config),
    }
}
