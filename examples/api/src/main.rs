//! Serves the API on `127.0.0.1:8080` (`PORT` and `HOST` override it); its OpenAPI document is
//! at `/openapi.json`.

use std::io::IsTerminal;

use api::{Api, Notes};
use galaxy_core::ServerConfig;
use tracing_subscriber::EnvFilter;

fn main() -> Result<(), galaxy_core::Error> {
    // `info` by default so that the `listening on http://...` line shows; `RUST_LOG` overrides.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_ansi(std::io::stdout().is_terminal())
        .init();
    galaxy_core::serve(Api::new(Notes::default()), ServerConfig::from_env()?)
}
