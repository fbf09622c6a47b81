//! Serves the benchmark on `$PORT` (default 8080) with one single-threaded runtime per core.

use galaxy_core::{ServerConfig, Workers};
use techempower::Benchmark;

fn main() -> Result<(), galaxy_core::Error> {
    let mut config = ServerConfig::from_env()?;
    config.workers = Workers::PerCore { threads: 0 };
    // The plaintext test pipelines 16 requests per write; answer them with one write too.
    config.pipeline_flush = true;
    galaxy_core::serve(Benchmark::new(()), config)
}
