//! A result row from any of the three drivers, read column by column into [`Value`]s by the
//! type the database reports, then into the field's Rust type by [`FieldType`].

use sqlx::mysql::MySqlRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Decode, MySql, Postgres, Row as _, Sqlite, TypeInfo, ValueRef};

use crate::value::{FieldType, Kind, Value};
use crate::{Error, Result};

/// One row of a result.
#[non_exhaustive]
pub enum Row {
    /// From SQLite.
    Sqlite(SqliteRow),
    /// From PostgreSQL.
    Postgres(PgRow),
    /// From MySQL/MariaDB.
    MySql(MySqlRow),
    /// From PostgreSQL, over a pipelined connection
    /// ([`DbConfig::with_pipelined_connections`](crate::DbConfig::with_pipelined_connections)).
    PostgresPipelined(tokio_postgres::Row),
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // sqlx rows do not print their values; name the driver and the column count.
        let (driver, columns) = match self {
            Self::Sqlite(row) => ("sqlite", row.len()),
            Self::Postgres(row) => ("postgres", row.len()),
            Self::MySql(row) => ("mysql", row.len()),
            Self::PostgresPipelined(row) => ("postgres, pipelined", row.len()),
        };
        write!(f, "Row({driver}, {columns} columns)")
    }
}

impl Row {
    /// The column `name` read as `T`.
    pub fn get<T: FieldType>(&self, name: &str) -> Result<T> {
        let value = self.value(name)?;
        T::from_value(value).map_err(|err| match err {
            Error::Decode(message) => Error::Decode(format!("column `{name}`: {message}")),
            other => other,
        })
    }

    /// The column `name` as a [`Value`].
    pub fn value(&self, name: &str) -> Result<Value> {
        match self {
            Self::Sqlite(row) => sqlite_value(row, name),
            Self::Postgres(row) => postgres_value(row, name),
            Self::MySql(row) => mysql_value(row, name),
            Self::PostgresPipelined(row) => crate::db::pipelined::value(row, name),
        }
    }
}

fn decode<'r, DB: sqlx::Database, T: Decode<'r, DB>>(
    raw: <DB as sqlx::Database>::ValueRef<'r>,
    name: &str,
) -> Result<T> {
    T::decode(raw).map_err(|e| Error::Decode(format!("column `{name}`: {e}")))
}

fn unsupported<T>(name: &str, type_name: &str) -> Result<T> {
    Err(Error::Decode(format!(
        "column `{name}` has type `{type_name}`, which galaxy-orm does not read"
    )))
}

fn sqlite_value(row: &SqliteRow, name: &str) -> Result<Value> {
    let raw = row.try_get_raw(name)?;
    if raw.is_null() {
        // SQLite values carry no column type; the field's own `Kind` is what matters for NULL.
        return Ok(Value::Null(Kind::Text));
    }
    // The storage class of this value, not the declared type: SQLite is dynamically typed.
    // An owned copy of the type (a plain enum for built-in types), not of its name: no
    // allocation per value read.
    let type_info = raw.type_info().into_owned();
    let type_name = type_info.name();
    Ok(match type_name {
        "INTEGER" | "BOOLEAN" => Value::Int(decode::<Sqlite, i64>(raw, name)?),
        "REAL" => Value::Float(decode::<Sqlite, f64>(raw, name)?),
        "TEXT" | "DATETIME" | "DATE" | "TIME" => Value::Text(decode::<Sqlite, String>(raw, name)?),
        "BLOB" => Value::Bytes(decode::<Sqlite, Vec<u8>>(raw, name)?),
        other => return unsupported(name, other),
    })
}

fn postgres_value(row: &PgRow, name: &str) -> Result<Value> {
    let raw = row.try_get_raw(name)?;
    // An owned copy of the type (a plain enum for built-in types), not of its name: no
    // allocation per value read.
    let type_info = raw.type_info().into_owned();
    let type_name = type_info.name();
    if raw.is_null() {
        return Ok(Value::Null(Kind::Text));
    }
    Ok(match type_name {
        "BOOL" => Value::Bool(decode::<Postgres, bool>(raw, name)?),
        "INT2" => Value::Int(decode::<Postgres, i16>(raw, name)?.into()),
        "INT4" => Value::Int(decode::<Postgres, i32>(raw, name)?.into()),
        "INT8" => Value::Int(decode::<Postgres, i64>(raw, name)?),
        "FLOAT4" => Value::Float(decode::<Postgres, f32>(raw, name)?.into()),
        "FLOAT8" => Value::Float(decode::<Postgres, f64>(raw, name)?),
        // sqlx names `BPCHAR` (`CHAR(n)`) "CHAR".
        "TEXT" | "VARCHAR" | "CHAR" | "NAME" => Value::Text(decode::<Postgres, String>(raw, name)?),
        "BYTEA" => Value::Bytes(decode::<Postgres, Vec<u8>>(raw, name)?),
        "TIMESTAMPTZ" => Value::Timestamp(decode::<Postgres, time::OffsetDateTime>(raw, name)?),
        "TIMESTAMP" => {
            Value::Timestamp(decode::<Postgres, time::PrimitiveDateTime>(raw, name)?.assume_utc())
        }
        other => return unsupported(name, other),
    })
}

fn mysql_value(row: &MySqlRow, name: &str) -> Result<Value> {
    let raw = row.try_get_raw(name)?;
    // An owned copy of the type (a plain enum for built-in types), not of its name: no
    // allocation per value read.
    let type_info = raw.type_info().into_owned();
    let type_name = type_info.name();
    if raw.is_null() {
        return Ok(Value::Null(Kind::Text));
    }
    Ok(match type_name {
        "BOOLEAN" | "TINYINT" | "SMALLINT" | "INT" | "MEDIUMINT" | "BIGINT" => {
            Value::Int(decode::<MySql, i64>(raw, name)?)
        }
        "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "INT UNSIGNED" | "MEDIUMINT UNSIGNED"
        | "BIGINT UNSIGNED" => {
            let wide = decode::<MySql, u64>(raw, name)?;
            Value::Int(i64::try_from(wide).map_err(|_| {
                Error::Decode(format!(
                    "column `{name}`: {wide} does not fit a 64-bit integer"
                ))
            })?)
        }
        "FLOAT" => Value::Float(decode::<MySql, f32>(raw, name)?.into()),
        "DOUBLE" => Value::Float(decode::<MySql, f64>(raw, name)?),
        "VARCHAR" | "CHAR" | "TEXT" | "TINYTEXT" | "MEDIUMTEXT" | "LONGTEXT" => {
            Value::Text(decode::<MySql, String>(raw, name)?)
        }
        "VARBINARY" | "BINARY" | "BLOB" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB" => {
            Value::Bytes(decode::<MySql, Vec<u8>>(raw, name)?)
        }
        "TIMESTAMP" | "DATETIME" => {
            Value::Timestamp(decode::<MySql, time::OffsetDateTime>(raw, name)?)
        }
        other => return unsupported(name, other),
    })
}
