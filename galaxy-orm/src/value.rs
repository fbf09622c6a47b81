//! Values crossing between Rust and SQL: one small enum that every driver can bind and decode,
//! and [`FieldType`], the Rust types a model field or query value may have.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::Error;

/// The SQL type family of a value; also the type a `NULL` is bound with, because PostgreSQL
/// refuses an untyped `NULL` parameter in some positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// `BOOLEAN`.
    Bool,
    /// Any integer column.
    Int,
    /// `REAL` / `DOUBLE PRECISION`.
    Float,
    /// Character strings.
    Text,
    /// Byte strings.
    Bytes,
    /// Points in time, in UTC.
    Timestamp,
}

/// A value bound to a statement or read from a row.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `NULL`, typed by the column family it stands for.
    Null(Kind),
    /// A boolean.
    Bool(bool),
    /// Any integer, widened to 64 bits.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A point in time.
    Timestamp(OffsetDateTime),
}

impl Value {
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Self::Null(_) => "NULL",
            Self::Bool(_) => "a boolean",
            Self::Int(_) => "an integer",
            Self::Float(_) => "a float",
            Self::Text(_) => "text",
            Self::Bytes(_) => "bytes",
            Self::Timestamp(_) => "a timestamp",
        }
    }
}

/// A Rust type that can be a model field or a query value: it converts to and from [`Value`].
///
/// Implemented for `bool`, `i32`, `i64`, `f64`, `String`, `Vec<u8>`, `time::OffsetDateTime` and
/// `Option` of each (a nullable column).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column type galaxy-orm supports",
    label = "unsupported column type",
    note = "supported: `bool`, `i32`, `i64`, `f64`, `String`, `Vec<u8>`, `time::OffsetDateTime`, and `Option` of each"
)]
pub trait FieldType: Sized + Send + Sync + std::fmt::Debug + 'static {
    /// The SQL family this type maps to.
    const KIND: Kind;

    /// This value as a bindable [`Value`].
    fn to_value(&self) -> Value;

    /// Reads this type back; a `NULL` or a value of another family is an error.
    fn from_value(value: Value) -> Result<Self, Error>;
}

#[cold]
fn mismatch<T>(expected: &'static str, got: &Value) -> Result<T, Error> {
    Err(Error::Decode(format!(
        "expected {expected}, the database returned {}",
        got.describe()
    )))
}

impl FieldType for bool {
    const KIND: Kind = Kind::Bool;
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    #[inline]
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Bool(b) => Ok(b),
            // SQLite and MySQL store booleans as 0/1 integers.
            Value::Int(0) => Ok(false),
            Value::Int(1) => Ok(true),
            other => mismatch("a boolean", &other),
        }
    }
}

impl FieldType for i64 {
    const KIND: Kind = Kind::Int;
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
    #[inline]
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Int(i) => Ok(i),
            Value::Bool(b) => Ok(i64::from(b)),
            other => mismatch("an integer", &other),
        }
    }
}

impl FieldType for i32 {
    const KIND: Kind = Kind::Int;
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
    #[inline]
    fn from_value(value: Value) -> Result<Self, Error> {
        let wide = i64::from_value(value)?;
        i32::try_from(wide)
            .map_err(|_| Error::Decode(format!("{wide} does not fit a 32-bit integer field")))
    }
}

impl FieldType for f64 {
    const KIND: Kind = Kind::Float;
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
    #[inline]
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Float(f) => Ok(f),
            // SQLite returns a REAL column holding a whole number as an integer when the value
            // was bound as one; the precision loss of a huge integer is SQLite's own.
            #[allow(clippy::cast_precision_loss)]
            Value::Int(i) => Ok(i as f64),
            other => mismatch("a float", &other),
        }
    }
}

impl FieldType for String {
    const KIND: Kind = Kind::Text;
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    #[inline]
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Text(s) => Ok(s),
            other => mismatch("text", &other),
        }
    }
}

impl FieldType for Vec<u8> {
    const KIND: Kind = Kind::Bytes;
    fn to_value(&self) -> Value {
        Value::Bytes(self.clone())
    }
    #[inline]
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Bytes(b) => Ok(b),
            other => mismatch("bytes", &other),
        }
    }
}

impl FieldType for OffsetDateTime {
    const KIND: Kind = Kind::Timestamp;
    fn to_value(&self) -> Value {
        Value::Timestamp(*self)
    }
    #[inline]
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Timestamp(t) => Ok(t),
            // SQLite has no time type: timestamps are text, written by `sqlite_timestamp_text`
            // or by SQLite's own `CURRENT_TIMESTAMP`.
            Value::Text(s) => parse_sqlite_timestamp(&s),
            other => mismatch("a timestamp", &other),
        }
    }
}

impl<T: FieldType> FieldType for Option<T> {
    const KIND: Kind = T::KIND;
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null(T::KIND), T::to_value)
    }
    #[inline]
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Null(_) => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// How timestamps are stored in SQLite: UTC, fixed width with microseconds, so that text order
/// is time order and `CURRENT_TIMESTAMP` values (no fraction) still compare sensibly.
#[cfg(any(feature = "sqlite", test))]
pub(crate) fn sqlite_timestamp_text(t: OffsetDateTime) -> String {
    let format =
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]");
    t.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

fn parse_sqlite_timestamp(text: &str) -> Result<OffsetDateTime, Error> {
    let with_fraction =
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond]");
    let without_fraction = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(text, &with_fraction)
        .or_else(|_| time::PrimitiveDateTime::parse(text, &without_fraction))
        .map(time::PrimitiveDateTime::assume_utc)
        .or_else(|_| OffsetDateTime::parse(text, &Rfc3339))
        .map_err(|_| Error::Decode(format!("`{text}` is not a timestamp")))
}

/// A value that may be compared with a column whose field type is `T`: `T` itself, `&str` for
/// text, and a bare value for a nullable column.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be compared with a column of type `{T}`",
    label = "expected a value of type `{T}`",
    note = "the value must have the column's field type"
)]
pub trait IntoValue<T> {
    /// The bindable value.
    fn into_value(self) -> Value;
}

impl<T: FieldType> IntoValue<T> for T {
    fn into_value(self) -> Value {
        self.to_value()
    }
}

impl<T: FieldType> IntoValue<Option<T>> for T {
    fn into_value(self) -> Value {
        self.to_value()
    }
}

impl IntoValue<String> for &str {
    fn into_value(self) -> Value {
        Value::Text(self.to_owned())
    }
}

impl IntoValue<Option<String>> for &str {
    fn into_value(self) -> Value {
        Value::Text(self.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_timestamps_round_trip_and_sort_as_text() {
        let a = time::macros::datetime!(2024-03-01 10:00:00.5 UTC);
        let b = time::macros::datetime!(2024-03-01 10:00:01 UTC);
        let (ta, tb) = (sqlite_timestamp_text(a), sqlite_timestamp_text(b));
        assert!(ta < tb);
        assert_eq!(OffsetDateTime::from_value(Value::Text(ta)).unwrap(), a);
        assert_eq!(
            OffsetDateTime::from_value(Value::Text("2024-03-01 10:00:01".into())).unwrap(),
            b
        );
    }

    #[test]
    fn narrowing_out_of_range_is_an_error_not_a_wrap() {
        assert!(i32::from_value(Value::Int(i64::from(i32::MAX) + 1)).is_err());
        assert_eq!(i32::from_value(Value::Int(-5)).unwrap(), -5);
    }

    #[test]
    fn null_only_decodes_into_option() {
        assert!(String::from_value(Value::Null(Kind::Text)).is_err());
        assert_eq!(
            Option::<String>::from_value(Value::Null(Kind::Text)).unwrap(),
            None
        );
        assert_eq!(Some(3_i64).to_value(), Value::Int(3));
        assert_eq!(None::<i64>.to_value(), Value::Null(Kind::Int));
    }
}
