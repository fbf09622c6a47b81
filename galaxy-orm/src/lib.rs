//! galaxy-orm: Galaxy's database layer on sqlx.
//!
//! - [`Db`]: SQLite, PostgreSQL or MySQL/MariaDB chosen by URL, with read replicas and
//!   transactions that retry serialization failures ([`Db::transaction`]). Each driver is a
//!   Cargo feature (`sqlite`, `postgres`, `mysql`; all three by default).
//! - [`Migrator`]: versioned SQL migrations with checksums, a lock and down migrations.
//! - [`Model`] (derive it): structs checked against the migrations at compile time, with
//!   typed columns for the [`Query`] builder and active-record operations.
//! - [`DatabaseSessionStore`]: galaxy-core's server-side sessions in a database table.
//!
//! See `docs/orm.md` and `docs/migrations.md` in the repository for the guide.

// First: it defines `each_driver!`, which the modules below use.
#[macro_use]
mod drivers;

mod binding;
mod bulk;
mod cast;
mod db;
mod error;
mod factory;
mod migrate;
mod model;
mod morph;
mod pivot;
mod query;
mod relation;
mod repository;
mod row;
mod seed;
mod session_store;
mod sql;
mod value;

// The guide's examples run on SQLite.
#[cfg(all(doctest, feature = "sqlite"))]
mod guide;

pub use binding::{RouteKey, RouteModel};
pub use cast::{Cast, Json};
pub use db::TxFuture;
pub use db::{Db, DbConfig, Executed, Executor, Intent, RetryPolicy, Transaction};
pub use error::{Error, Result};
pub use factory::{Build, Factory};
pub use migrate::{
    MigrateError, Migration, Migrator, State as MigrationState, Status as MigrationStatus,
};
pub use model::Model;
pub use morph::{MorphMany, MorphTo, MorphToOf};
pub use pivot::{BelongsToMany, Synced};
pub use query::{
    Aggregate, Assignment, Chunks, Column, Comparable, Condition, Eager, Grouped, Having, Join,
    Joinable, Numeric, Order, Page, Query, Relations, TextColumn, count,
};
pub use relation::{BelongsTo, HasMany, HasOne, Nested, Relation, Shape};
pub use repository::Repository;
pub use row::Row;
pub use seed::{SeedFuture, SeedRunner, Seeder};
pub use session_store::DatabaseSessionStore;
pub use sql::{Dialect, Sql};
pub use value::{FieldType, IntoValue, Kind, Value};

/// Derives [`Model`] for a struct, checking its fields against the crate's migrations.
pub use galaxy_dsl::Model;

/// A [`Migrator`] of the migrations in a directory, read at compile time and compiled into the
/// binary, so an app ships as one file and migrates on start wherever it runs.
///
/// The path is relative to the file that invokes the macro (as `include_str!` is), or to the
/// crate root when no such directory is there; without an argument it is `migrations/` beside
/// `Cargo.toml`. A missing directory, a file whose version repeats another's, or a down file
/// without its up file fails the build. Editing a migration rebuilds the crate; *adding* one
/// is only seen after something else in the crate changes (a proc macro cannot ask cargo to
/// watch a directory), so `touch src/main.rs` or add a `build.rs` with
/// `println!("cargo:rerun-if-changed=migrations");`.
///
/// ```
/// # #[cfg(feature = "sqlite")] // runs on SQLite
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> galaxy_orm::Result<()> {
/// let db = galaxy_orm::Db::connect("sqlite::memory:").await?;
/// let migrator = galaxy_orm::embed_migrations!("tests/migrations/sqlite");
/// assert!(!migrator.migrations().is_empty());
/// migrator.run(&db).await?;
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "sqlite"))]
/// # fn main() {}
/// ```
pub use galaxy_dsl::embed_migrations;

/// Re-exported so that apps name timestamp fields without depending on `time` themselves.
pub use time;

/// What generated code uses; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::binding::{bind_column, bind_key};
    pub use crate::migrate::EmbeddedMigration;
    pub use serde;
    pub use time::OffsetDateTime;

    /// Whether `columns` holds `name`: the model derive's compile-time check that a relation
    /// names real columns of another model (a `const` that panics otherwise).
    pub const fn has_column(columns: &[&str], name: &str) -> bool {
        let mut i = 0;
        while i < columns.len() {
            if str_eq(columns[i], name) {
                return true;
            }
            i += 1;
        }
        false
    }

    /// Whether a cast storing values of `kind` fits a column of the family `column` (as the
    /// model derive names it): the derive's compile-time check of a cast.
    pub const fn kind_fits(kind: crate::Kind, column: &str) -> bool {
        match kind {
            crate::Kind::Bool => str_eq(column, "bool"),
            crate::Kind::Int => str_eq(column, "int32") || str_eq(column, "int64"),
            crate::Kind::Float => str_eq(column, "float"),
            crate::Kind::Text => str_eq(column, "text"),
            crate::Kind::Bytes => str_eq(column, "bytes"),
            crate::Kind::Timestamp => str_eq(column, "timestamp"),
        }
    }

    const fn str_eq(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
}
