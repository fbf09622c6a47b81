//! The app's database: the one `DATABASE_URL` names, or a SQLite file by default, brought up to
//! date with `migrations/` when the app starts.

use galaxy_orm::{Db, Dialect, Migrator};

/// The database when `DATABASE_URL` is not set: `hello.sqlite` in the directory the app runs
/// in, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://hello.sqlite";

/// `DATABASE_URL`, or [`DEFAULT_DATABASE_URL`].
pub fn database_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned())
}

/// Connects to `url` (`sqlite:`, `postgres:` or `mysql:`) and applies the pending migrations,
/// so a fresh database is ready for the guestbook.
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> galaxy_orm::Result<()> {
/// let db = hello::connect("sqlite::memory:").await?;
/// assert!(hello::Entry::oldest_first(&db).await?.is_empty());
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// When the database cannot be reached, or a migration fails or was edited after it ran.
pub async fn connect(url: &str) -> galaxy_orm::Result<Db> {
    let db = Db::connect(url).await?;
    migrator(db.dialect()).run(&db).await?;
    Ok(db)
}

/// The migrations of `dialect`, compiled into the binary so that it migrates wherever it runs.
/// `migrations/` itself holds SQLite's, the ones the [`Entry`](crate::Entry) model is checked
/// against at compile time; the other databases spell an auto-incremented key differently, so
/// they have the same tables in their own SQL.
fn migrator(dialect: Dialect) -> Migrator {
    match dialect {
        Dialect::Postgres => galaxy_orm::embed_migrations!("../migrations/postgres"),
        Dialect::MySql => galaxy_orm::embed_migrations!("../migrations/mysql"),
        _ => galaxy_orm::embed_migrations!("../migrations"),
    }
}
