//! Test databases: SQLite always; PostgreSQL and MariaDB when `GALAXY_TEST_POSTGRES_URL` /
//! `GALAXY_TEST_MYSQL_URL` are set. Each only when galaxy-orm's feature for its driver is on
//! (all three by default). Each test gets a database of its own, created fresh, so tests run in
//! parallel without seeing each other's rows.
//!
//! PostgreSQL runs twice: `postgres` through the sqlx pool, `postgres_pipelined` with
//! statements outside transactions on pipelined connections
//! (`DbConfig::with_pipelined_connections`), so every all-dialect test checks both paths.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use galaxy_orm::{Db, DbConfig};

/// The databases a test runs against: `(label, url)`. A set URL whose server is down fails the
/// test (in `fresh`), it is never skipped.
pub fn backends() -> Vec<(&'static str, Option<String>)> {
    let mut out = Vec::new();
    #[cfg(feature = "sqlite")]
    out.push(("sqlite", None));
    let servers: &[(&str, &str)] = &[
        #[cfg(feature = "postgres")]
        ("postgres", "GALAXY_TEST_POSTGRES_URL"),
        #[cfg(feature = "mysql")]
        ("mysql", "GALAXY_TEST_MYSQL_URL"),
    ];
    for &(label, var) in servers {
        match std::env::var(var) {
            Ok(url) if !url.is_empty() => {
                if label == "postgres" {
                    out.push((PIPELINED, Some(url.clone())));
                }
                out.push((label, Some(url)));
            }
            _ => println!("skipping {label}: {var} is not set"),
        }
    }
    out
}

/// The label of PostgreSQL with pipelined connections.
pub const PIPELINED: &str = "postgres_pipelined";

/// The database family of a backend label: `postgres_pipelined` is `postgres`.
pub fn family(label: &str) -> &str {
    if label == PIPELINED {
        "postgres"
    } else {
        label
    }
}

/// The connection settings of `label` for `url`: two pipelined connections (so that taking
/// them in turn is exercised too) for `postgres_pipelined`.
pub fn config(label: &str, url: String) -> DbConfig {
    let config = DbConfig::new(url);
    if label == PIPELINED {
        config.with_pipelined_connections(2)
    } else {
        config
    }
}

/// A fresh, empty database named after `test` on the backend `label`.
pub async fn fresh(label: &str, url: Option<&str>, test: &str) -> Db {
    fresh_with(label, url, test, |c| c).await
}

/// [`fresh`], with the connection settings adjusted by `configure`.
pub async fn fresh_with(
    label: &str,
    url: Option<&str>,
    test: &str,
    configure: impl FnOnce(DbConfig) -> DbConfig,
) -> Db {
    let url = fresh_url(label, url, test).await;
    Db::connect_with(configure(config(label, url)))
        .await
        .unwrap_or_else(|e| panic!("{label}: cannot connect: {e}"))
}

/// The URL of a fresh database for `test` (recreated on servers, a new file for SQLite).
pub async fn fresh_url(label: &str, url: Option<&str>, test: &str) -> String {
    let name = if label == PIPELINED {
        format!("galaxy_orm_{test}_pipelined")
    } else {
        format!("galaxy_orm_{test}")
    };
    match (family(label), url) {
        ("sqlite", _) => {
            let path = sqlite_path(&name);
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            format!("sqlite://{}", path.display())
        }
        (_, Some(url)) => {
            let admin = Db::connect(url)
                .await
                .unwrap_or_else(|e| panic!("{label} at {url} is set but unreachable: {e}"));
            let (drop, create) = if family(label) == "postgres" {
                (
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    format!("CREATE DATABASE {name}"),
                )
            } else {
                (
                    format!("DROP DATABASE IF EXISTS {name}"),
                    format!("CREATE DATABASE {name}"),
                )
            };
            for statement in [drop, create] {
                galaxy_orm::Executor::execute(
                    &mut &admin,
                    galaxy_orm::Sql {
                        text: statement,
                        args: Vec::new(),
                    },
                )
                .await
                .unwrap_or_else(|e| panic!("{label}: cannot recreate {name}: {e}"));
            }
            admin.close().await;
            replace_database(url, &name)
        }
        (label, None) => panic!("{label} needs a URL"),
    }
}

fn sqlite_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("{name}-{}.db", std::process::id()))
}

/// `scheme://user@host:port/db?x` → the same with `name` as the database.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// The migrations directory of `label` under `tests/migrations/`.
pub fn migrations(label: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/migrations")
        .join(family(label))
}
