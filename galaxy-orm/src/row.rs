//! A result row from any of the compiled-in drivers, read column by column into [`Value`]s by
//! the type the database reports, then into the field's Rust type by [`FieldType`].

#[cfg(feature = "mysql")]
use sqlx::mysql::MySqlRow;
#[cfg(feature = "postgres")]
use sqlx::postgres::PgRow;
#[cfg(feature = "sqlite")]
use sqlx::sqlite::SqliteRow;
use sqlx::{Column as _, ColumnIndex, Decode, Row as _, TypeInfo, ValueRef};

#[cfg(feature = "postgres")]
use crate::db::pipelined;
use crate::value::{FieldType, Kind, Value};
use crate::{Error, Result};

/// One row of a result. Each variant is there when its driver's feature is on.
#[non_exhaustive]
pub enum Row {
    /// From SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteRow),
    /// From PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(PgRow),
    /// From MySQL/MariaDB.
    #[cfg(feature = "mysql")]
    MySql(MySqlRow),
    /// From PostgreSQL, over a pipelined connection
    /// ([`DbConfig::with_pipelined_connections`](crate::DbConfig::with_pipelined_connections)).
    #[cfg(feature = "postgres")]
    PostgresPipelined(tokio_postgres::Row),
}

#[cfg(feature = "sqlite")]
impl From<SqliteRow> for Row {
    fn from(row: SqliteRow) -> Self {
        Self::Sqlite(row)
    }
}

#[cfg(feature = "postgres")]
impl From<PgRow> for Row {
    fn from(row: PgRow) -> Self {
        Self::Postgres(row)
    }
}

#[cfg(feature = "mysql")]
impl From<MySqlRow> for Row {
    fn from(row: MySqlRow) -> Self {
        Self::MySql(row)
    }
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // sqlx rows do not print their values; name the driver and the column count.
        let (driver, columns) = match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(row) => ("sqlite", row.len()),
            #[cfg(feature = "postgres")]
            Self::Postgres(row) => ("postgres", row.len()),
            #[cfg(feature = "mysql")]
            Self::MySql(row) => ("mysql", row.len()),
            #[cfg(feature = "postgres")]
            Self::PostgresPipelined(row) => ("postgres, pipelined", row.len()),
        };
        write!(f, "Row({driver}, {columns} columns)")
    }
}

impl Row {
    /// The column `name` read as `T`.
    pub fn get<T: FieldType>(&self, name: &str) -> Result<T> {
        self.read(self.index(None, name)?, name)
    }

    /// The column `name` read as `T`, where `name` is expected to be the column at `position`
    /// (0-based), as in a model's own `SELECT`, which lists its columns in field order.
    ///
    /// Checking the name at `position` is one string comparison; finding a column by name
    /// hashes the name, and for a 20-row result of a 4-column model that lookup was most of
    /// what galaxy-orm added to sqlx. When the column at `position` has another name (a `SELECT
    /// *` of a table whose columns are in another order), it is found by name: same result.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] // runs on SQLite
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> galaxy_orm::Result<()> {
    /// use galaxy_orm::{Db, Executor, Intent, Sql};
    ///
    /// let db = Db::connect("sqlite::memory:").await?;
    /// let sql = Sql { text: "SELECT 1 AS a, 'x' AS b".into(), args: vec![] };
    /// let row = (&db).fetch_optional(sql, Intent::Read).await?.unwrap();
    /// assert_eq!(row.get_at::<String>(1, "b")?, "x");
    /// assert_eq!(row.get_at::<i64>(1, "a")?, 1); // not at 1: found by name
    /// assert!(row.get_at::<i64>(0, "c").is_err());
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "sqlite"))]
    /// # fn main() {}
    /// ```
    pub fn get_at<T: FieldType>(&self, position: usize, name: &str) -> Result<T> {
        self.read(self.index(Some(position), name)?, name)
    }

    /// The column `name` as a [`Value`].
    pub fn value(&self, name: &str) -> Result<Value> {
        self.value_at_index(self.index(None, name)?, name)
    }

    /// Whether this row's first columns are `names`, in that order. Every row of one result
    /// has the same columns, so one check lets a whole result be read by position
    /// ([`Row::get_in_order`]) without comparing a name per column per row, which was a
    /// quarter of what galaxy-orm added to sqlx on an eager load.
    #[doc(hidden)]
    pub fn starts_with_columns(&self, names: &[&str]) -> bool {
        fn starts_with<'c>(mut columns: impl Iterator<Item = &'c str>, names: &[&str]) -> bool {
            names.iter().all(|name| columns.next() == Some(*name))
        }
        each_driver!(self, {
            Self::*(row) => starts_with(row.columns().iter().map(|c| c.name()), names),
            #[cfg(feature = "postgres")]
            Self::PostgresPipelined(row) => {
                starts_with(row.columns().iter().map(|c| c.name()), names)
            }
        })
    }

    /// The column at `position` read as `T`, for a row whose columns were checked with
    /// [`Row::starts_with_columns`]; `name` only names the column in an error. What the model
    /// derive's `from_row_in_order` reads with.
    #[doc(hidden)]
    pub fn get_in_order<T: FieldType>(&self, position: usize, name: &str) -> Result<T> {
        self.read(position, name)
    }

    /// The index of the column `name`: `position` when the column there has that name (one
    /// comparison), else found by name.
    pub(crate) fn index(&self, position: Option<usize>, name: &str) -> Result<usize> {
        each_driver!(self, {
            Self::*(row) => index_of(row, position, name),
            #[cfg(feature = "postgres")]
            Self::PostgresPipelined(row) => pipelined::index_of(row, position, name),
        })
    }

    /// The column at `index` (named `name`, for messages) as a [`Value`].
    pub(crate) fn value_at_index(&self, index: usize, name: &str) -> Result<Value> {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(row) => sqlite_value(row, index, name),
            #[cfg(feature = "postgres")]
            Self::Postgres(row) => postgres_value(row, index, name),
            #[cfg(feature = "mysql")]
            Self::MySql(row) => mysql_value(row, index, name),
            #[cfg(feature = "postgres")]
            Self::PostgresPipelined(row) => pipelined::value(row, index, name),
        }
    }

    /// The column at `index` (named `name`, for messages) read as `T`.
    fn read<T: FieldType>(&self, index: usize, name: &str) -> Result<T> {
        let value = self.value_at_index(index, name)?;
        T::from_value(value).map_err(|err| in_column(name, err))
    }
}

/// `err` with the column it came from, for a decode error (the rare path, kept out of line).
#[cold]
fn in_column(name: &str, err: Error) -> Error {
    match err {
        Error::Decode(message) => Error::Decode(format!("column `{name}`: {message}")),
        other => other,
    }
}

/// The index of the column `name`: `position` when that column has the name, else by name.
fn index_of<R: sqlx::Row>(row: &R, position: Option<usize>, name: &str) -> Result<usize>
where
    for<'n> &'n str: ColumnIndex<R>,
{
    let columns = row.columns();
    if let Some(position) = position.filter(|&p| columns.get(p).is_some_and(|c| c.name() == name)) {
        return Ok(position);
    }
    Ok(name.index(row)?)
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

#[cfg(feature = "sqlite")]
fn sqlite_value(row: &SqliteRow, index: usize, name: &str) -> Result<Value> {
    use sqlx::{Sqlite, Type};

    let raw = row.try_get_raw(index)?;
    if raw.is_null() {
        // SQLite values carry no column type; the field's own `Kind` is what matters for NULL.
        return Ok(Value::Null(Kind::Text));
    }
    // The storage class of this value (INTEGER, REAL, TEXT or BLOB), not the declared type:
    // SQLite is dynamically typed. An owned copy of the type (a plain enum), compared with the
    // classes sqlx gives the Rust types: no allocation and no string comparison per value.
    let class = raw.type_info().into_owned();
    Ok(if class == <i64 as Type<Sqlite>>::type_info() {
        Value::Int(decode::<Sqlite, i64>(raw, name)?)
    } else if class == <String as Type<Sqlite>>::type_info() {
        Value::Text(decode::<Sqlite, String>(raw, name)?)
    } else if class == <f64 as Type<Sqlite>>::type_info() {
        Value::Float(decode::<Sqlite, f64>(raw, name)?)
    } else if class == <Vec<u8> as Type<Sqlite>>::type_info() {
        Value::Bytes(decode::<Sqlite, Vec<u8>>(raw, name)?)
    } else {
        return unsupported(name, class.name());
    })
}

/// OIDs of the built-in PostgreSQL types galaxy-orm reads (`pg_type.dat`; built-in OIDs never
/// change). Matching the number is one comparison; matching the type's name was a string
/// comparison per candidate, per value read.
#[cfg(feature = "postgres")]
mod pg_oid {
    pub(super) const BOOL: u32 = 16;
    pub(super) const BYTEA: u32 = 17;
    pub(super) const NAME: u32 = 19;
    pub(super) const INT8: u32 = 20;
    pub(super) const INT2: u32 = 21;
    pub(super) const INT4: u32 = 23;
    pub(super) const TEXT: u32 = 25;
    pub(super) const FLOAT4: u32 = 700;
    pub(super) const FLOAT8: u32 = 701;
    pub(super) const BPCHAR: u32 = 1042;
    pub(super) const VARCHAR: u32 = 1043;
    pub(super) const TIMESTAMP: u32 = 1114;
    pub(super) const TIMESTAMPTZ: u32 = 1184;
}

#[cfg(feature = "postgres")]
fn postgres_value(row: &PgRow, index: usize, name: &str) -> Result<Value> {
    use sqlx::Postgres;
    use sqlx::postgres::types::Oid;

    let raw = row.try_get_raw(index)?;
    if raw.is_null() {
        return Ok(Value::Null(Kind::Text));
    }
    let type_info = raw.type_info();
    let Some(Oid(oid)) = type_info.oid() else {
        return unsupported(name, type_info.name());
    };
    Ok(match oid {
        pg_oid::BOOL => Value::Bool(decode::<Postgres, bool>(raw, name)?),
        pg_oid::INT2 => Value::Int(decode::<Postgres, i16>(raw, name)?.into()),
        pg_oid::INT4 => Value::Int(decode::<Postgres, i32>(raw, name)?.into()),
        pg_oid::INT8 => Value::Int(decode::<Postgres, i64>(raw, name)?),
        pg_oid::FLOAT4 => Value::Float(decode::<Postgres, f32>(raw, name)?.into()),
        pg_oid::FLOAT8 => Value::Float(decode::<Postgres, f64>(raw, name)?),
        pg_oid::TEXT | pg_oid::VARCHAR | pg_oid::BPCHAR | pg_oid::NAME => {
            Value::Text(decode::<Postgres, String>(raw, name)?)
        }
        pg_oid::BYTEA => Value::Bytes(decode::<Postgres, Vec<u8>>(raw, name)?),
        pg_oid::TIMESTAMPTZ => {
            Value::Timestamp(decode::<Postgres, time::OffsetDateTime>(raw, name)?)
        }
        pg_oid::TIMESTAMP => {
            Value::Timestamp(decode::<Postgres, time::PrimitiveDateTime>(raw, name)?.assume_utc())
        }
        _ => return unsupported(name, type_info.name()),
    })
}

#[cfg(feature = "mysql")]
fn mysql_value(row: &MySqlRow, index: usize, name: &str) -> Result<Value> {
    use sqlx::MySql;

    let raw = row.try_get_raw(index)?;
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
