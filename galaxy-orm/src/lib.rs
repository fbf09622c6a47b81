//! galaxy-orm: Galaxy's database layer on sqlx.
//!
//! - [`Db`]: SQLite, PostgreSQL or MySQL/MariaDB chosen by URL, with read replicas and
//!   transactions that retry serialization failures ([`Db::transaction`]).
//! - [`Migrator`]: versioned SQL migrations with checksums, a lock and down migrations.
//! - [`Model`] (derive it): structs checked against the migrations at compile time, with
//!   typed columns for the [`Query`] builder and active-record operations.
//!
//! See `docs/orm.md` and `docs/migrations.md` in the repository for the guide.

mod binding;
mod bulk;
mod db;
mod error;
mod factory;
mod migrate;
mod model;
mod query;
mod relation;
mod row;
mod sql;
mod value;

#[cfg(doctest)]
mod guide;

pub use binding::{RouteKey, RouteModel};
pub use db::TxFuture;
pub use db::{Db, DbConfig, Executed, Executor, Intent, RetryPolicy, Transaction};
pub use error::{Error, Result};
pub use factory::{Build, Factory};
pub use migrate::{
    MigrateError, Migration, Migrator, State as MigrationState, Status as MigrationStatus,
};
pub use model::Model;
pub use query::{
    Assignment, Chunks, Column, Condition, Eager, Order, Page, Query, Relations, TextColumn,
};
pub use relation::{BelongsTo, HasMany, HasOne, Relation};
pub use row::Row;
pub use sql::{Dialect, Sql};
pub use value::{FieldType, IntoValue, Kind, Value};

/// Derives [`Model`] for a struct, checking its fields against the crate's migrations.
pub use galaxy_dsl::Model;

/// Re-exported so that apps name timestamp fields without depending on `time` themselves.
pub use time;

/// What generated code uses; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use time::OffsetDateTime;
}
