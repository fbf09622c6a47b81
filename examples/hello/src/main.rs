//! Serves the hello app on `127.0.0.1:8080` (`PORT` and `HOST` override it), with the guestbook
//! in `DATABASE_URL` (default: the SQLite file `hello.sqlite`, created and migrated on start).

use std::io::IsTerminal;

use galaxy_core::{Server, ServerConfig};
use hello::{AppState, Hello};
use tracing_subscriber::EnvFilter;

// One runtime for the pool and the server: a PostgreSQL or MySQL connection is driven by the
// runtime that opened it, so the pool must not be opened on a runtime that then goes away.
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `info` by default so that the `listening on http://...` line shows; `RUST_LOG` overrides.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        // Colours only for a person at a terminal, not in a log file or CI output.
        .with_ansi(std::io::stdout().is_terminal())
        .init();
    let config = ServerConfig::from_env()?;
    let url = hello::database_url();
    let db = hello::connect(&url).await?;
    tracing::info!(database = %url, "database ready");
    let server = Server::bind(Hello::new(AppState::from_env(db.clone())), config).await?;
    server.run_until_signal().await;
    db.close().await;
    Ok(())
}
