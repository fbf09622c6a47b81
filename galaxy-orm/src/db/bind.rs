//! Running a [`Sql`] on a concrete sqlx connection: binding its values, wrapping the rows.

use sqlx::query::Query;

use crate::sql::Sql;
use crate::value::{Kind, Value};

/// `sql` as a query of the sqlx driver `DB`, its values bound as `DB` stores them.
///
/// Generic, with `DB` inferred from the executor the query runs on, so that running a
/// statement is the same expression for every driver (one `each_driver!` arm).
pub(crate) fn query<DB: Bind>(sql: &Sql) -> Query<'_, DB, <DB as sqlx::Database>::Arguments<'_>> {
    DB::query(sql)
}

/// A sqlx driver galaxy-orm binds values for: one implementation per compiled-in driver.
pub(crate) trait Bind: sqlx::Database {
    /// `sql` with its values bound.
    fn query(sql: &Sql) -> Query<'_, Self, <Self as sqlx::Database>::Arguments<'_>>;
}

/// The same binding for the three drivers; only the timestamp arm differs, so it is passed in.
macro_rules! bind_common {
    ($query:ident, $value:expr, |$t:ident| $timestamp:expr) => {
        match $value {
            Value::Null(Kind::Bool) => $query.bind(None::<bool>),
            Value::Null(Kind::Int) => $query.bind(None::<i64>),
            Value::Null(Kind::Float) => $query.bind(None::<f64>),
            Value::Null(Kind::Text) => $query.bind(None::<&str>),
            Value::Null(Kind::Bytes) => $query.bind(None::<&[u8]>),
            Value::Null(Kind::Timestamp) => $query.bind(None::<time::OffsetDateTime>),
            Value::Bool(b) => $query.bind(*b),
            Value::Int(i) => $query.bind(*i),
            Value::Float(f) => $query.bind(*f),
            Value::Text(s) => $query.bind(s.as_str()),
            Value::Bytes(b) => $query.bind(b.as_slice()),
            Value::Timestamp($t) => $timestamp,
        }
    };
}

#[cfg(feature = "sqlite")]
impl Bind for sqlx::Sqlite {
    fn query(sql: &Sql) -> Query<'_, Self, sqlx::sqlite::SqliteArguments<'_>> {
        use crate::value::sqlite_timestamp_text;
        let mut query = sqlx::query(&sql.text);
        for value in &sql.args {
            query = match value {
                // SQLite has no time type; store the sortable text form (see
                // `sqlite_timestamp_text`).
                Value::Null(Kind::Timestamp) => query.bind(None::<String>),
                other => bind_common!(query, other, |t| query.bind(sqlite_timestamp_text(*t))),
            };
        }
        query
    }
}

#[cfg(feature = "postgres")]
impl Bind for sqlx::Postgres {
    fn query(sql: &Sql) -> Query<'_, Self, sqlx::postgres::PgArguments> {
        let mut query = sqlx::query(&sql.text);
        for value in &sql.args {
            query = bind_common!(query, value, |t| query.bind(*t));
        }
        query
    }
}

#[cfg(feature = "mysql")]
impl Bind for sqlx::MySql {
    fn query(sql: &Sql) -> Query<'_, Self, sqlx::mysql::MySqlArguments> {
        fn utc_datetime(t: time::OffsetDateTime) -> time::PrimitiveDateTime {
            let utc = t.to_offset(time::UtcOffset::UTC);
            time::PrimitiveDateTime::new(utc.date(), utc.time())
        }
        let mut query = sqlx::query(&sql.text);
        for value in &sql.args {
            query = match value {
                // sqlx sends an `OffsetDateTime` as a MySQL TIMESTAMP, whose range ends in 2038
                // (later values became NULL); a UTC DATETIME holds years 1000 to 9999.
                Value::Null(Kind::Timestamp) => query.bind(None::<time::PrimitiveDateTime>),
                other => bind_common!(query, other, |t| query.bind(utc_datetime(*t))),
            };
        }
        query
    }
}
