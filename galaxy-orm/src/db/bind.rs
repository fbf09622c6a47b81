//! Running a [`Sql`] on a concrete sqlx connection: binding its values, wrapping the rows.

use sqlx::mysql::MySqlArguments;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{MySql, Postgres, Sqlite};

use crate::sql::Sql;
use crate::value::{Kind, Value, sqlite_timestamp_text};

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

pub(crate) fn sqlite(sql: &Sql) -> Query<'_, Sqlite, SqliteArguments<'_>> {
    let mut query = sqlx::query(&sql.text);
    for value in &sql.args {
        query = match value {
            // SQLite has no time type; store the sortable text form (see `sqlite_timestamp_text`).
            Value::Null(Kind::Timestamp) => query.bind(None::<String>),
            other => bind_common!(query, other, |t| query.bind(sqlite_timestamp_text(*t))),
        };
    }
    query
}

pub(crate) fn postgres(sql: &Sql) -> Query<'_, Postgres, PgArguments> {
    let mut query = sqlx::query(&sql.text);
    for value in &sql.args {
        query = bind_common!(query, value, |t| query.bind(*t));
    }
    query
}

fn utc_datetime(t: time::OffsetDateTime) -> time::PrimitiveDateTime {
    let utc = t.to_offset(time::UtcOffset::UTC);
    time::PrimitiveDateTime::new(utc.date(), utc.time())
}

pub(crate) fn mysql(sql: &Sql) -> Query<'_, MySql, MySqlArguments> {
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
