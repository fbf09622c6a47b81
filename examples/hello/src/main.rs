//! Serves the hello app on `127.0.0.1:8080` (`PORT` and `HOST` override it).

use std::io::IsTerminal;

use galaxy_core::ServerConfig;
use hello::{AppState, Hello};
use tracing_subscriber::EnvFilter;

fn main() -> Result<(), galaxy_core::Error> {
    // `info` by default so that the `listening on http://...` line shows; `RUST_LOG` overrides.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        // Colours only for a person at a terminal, not in a log file or CI output.
        .with_ansi(std::io::stdout().is_terminal())
        .init();
    galaxy_core::serve(Hello::new(AppState::from_env()), ServerConfig::from_env()?)
}
