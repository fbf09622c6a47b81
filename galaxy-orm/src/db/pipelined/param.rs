//! Binding a [`Value`] to a parameter of a prepared statement, in the type the server inferred
//! for that parameter: an integer bound where the server expects `INT4` is sent as an `INT4`,
//! after a range check (never a silent wrap).

use std::error::Error as StdError;
use std::fmt;

use bytes::BytesMut;
use tokio_postgres::types::{IsNull, ToSql, Type};

use crate::value::{Kind, Value};

/// One bound value, encoded per the parameter type tokio-postgres passes in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Param<'a>(pub(super) &'a Value);

/// Why a value could not be bound to its parameter.
#[derive(Debug, PartialEq)]
pub(super) enum BindError {
    /// The value is of the parameter's family but does not fit it (`i64` into `INT4`): the
    /// same "out of range" the server reports for a value too big for its column.
    OutOfRange { value: String, ty: String },
    /// The value cannot be a value of the parameter's type at all (text into `INT8`).
    Mismatch { value: &'static str, ty: String },
}

impl fmt::Display for BindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfRange { value, ty } => write!(f, "{value} is out of range for type {ty}"),
            Self::Mismatch { value, ty } => write!(f, "cannot bind {value} as type {ty}"),
        }
    }
}

impl StdError for BindError {}

type Encoded = Result<IsNull, Box<dyn StdError + Sync + Send>>;

fn out_of_range(value: impl fmt::Display, ty: &Type) -> Box<dyn StdError + Sync + Send> {
    Box::new(BindError::OutOfRange {
        value: value.to_string(),
        ty: ty.name().to_owned(),
    })
}

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Encoded {
        match self.0 {
            Value::Null(_) => Ok(IsNull::Yes),
            Value::Bool(b) if *ty == Type::BOOL => b.to_sql(ty, out),
            Value::Int(i) => int(*i, ty, out),
            Value::Float(f) => float(*f, ty, out),
            Value::Text(s) if is_text(ty) => s.as_str().to_sql(ty, out),
            Value::Bytes(b) if *ty == Type::BYTEA => b.as_slice().to_sql(ty, out),
            Value::Timestamp(t) if *ty == Type::TIMESTAMPTZ => t.to_sql(ty, out),
            Value::Timestamp(t) if *ty == Type::TIMESTAMP => {
                // A `TIMESTAMP` column holds UTC wall-clock time, as the sqlx path reads it back.
                let utc = t.to_offset(time::UtcOffset::UTC);
                time::PrimitiveDateTime::new(utc.date(), utc.time()).to_sql(ty, out)
            }
            other => Err(mismatch(other, ty)),
        }
    }

    /// Every type is accepted here; `to_sql` refuses the combinations that make no sense, with
    /// a message naming the value and the type.
    fn accepts(_: &Type) -> bool {
        true
    }

    fn to_sql_checked(&self, ty: &Type, out: &mut BytesMut) -> Encoded {
        self.to_sql(ty, out)
    }
}

fn mismatch(value: &Value, ty: &Type) -> Box<dyn StdError + Sync + Send> {
    Box::new(BindError::Mismatch {
        value: value.describe(),
        ty: ty.name().to_owned(),
    })
}

fn is_text(ty: &Type) -> bool {
    [
        Type::TEXT,
        Type::VARCHAR,
        Type::BPCHAR,
        Type::NAME,
        Type::UNKNOWN,
    ]
    .contains(ty)
}

fn int(i: i64, ty: &Type, out: &mut BytesMut) -> Encoded {
    if *ty == Type::INT8 {
        i.to_sql(ty, out)
    } else if *ty == Type::INT4 {
        i32::try_from(i)
            .map_err(|_| out_of_range(i, ty))?
            .to_sql(ty, out)
    } else if *ty == Type::INT2 {
        i16::try_from(i)
            .map_err(|_| out_of_range(i, ty))?
            .to_sql(ty, out)
    } else if *ty == Type::FLOAT8 {
        // What the server does with an integer compared to or stored in a float column; the
        // precision lost above 2^53 is the same.
        #[allow(clippy::cast_precision_loss)]
        (i as f64).to_sql(ty, out)
    } else {
        Err(mismatch(&Value::Int(i), ty))
    }
}

fn float(f: f64, ty: &Type, out: &mut BytesMut) -> Encoded {
    if *ty == Type::FLOAT8 {
        f.to_sql(ty, out)
    } else if *ty == Type::FLOAT4 {
        // Rounding to the nearest `REAL` is what storing a double in a `REAL` column does; a
        // finite value beyond its range is an error there too, not infinity.
        #[allow(clippy::cast_possible_truncation)]
        let narrow = f as f32;
        if f.is_finite() && narrow.is_infinite() {
            return Err(out_of_range(f, ty));
        }
        narrow.to_sql(ty, out)
    } else {
        Err(mismatch(&Value::Float(f), ty))
    }
}

/// The parameter type sqlx would send for `value`: used only when the server cannot infer a
/// parameter's type from the statement (`SELECT $1`).
pub(super) fn declared_type(value: &Value) -> Type {
    let kind = match value {
        Value::Null(kind) => *kind,
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::Text(_) => Kind::Text,
        Value::Bytes(_) => Kind::Bytes,
        Value::Timestamp(_) => Kind::Timestamp,
    };
    match kind {
        Kind::Bool => Type::BOOL,
        Kind::Int => Type::INT8,
        Kind::Float => Type::FLOAT8,
        Kind::Text => Type::TEXT,
        Kind::Bytes => Type::BYTEA,
        Kind::Timestamp => Type::TIMESTAMPTZ,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(value: Value, ty: &Type) -> Result<Vec<u8>, BindError> {
        let mut out = BytesMut::new();
        match Param(&value).to_sql_checked(ty, &mut out) {
            Ok(IsNull::No) => Ok(out.to_vec()),
            Ok(IsNull::Yes) => Ok(Vec::new()),
            Err(err) => Err(*err.downcast::<BindError>().expect("a BindError")),
        }
    }

    #[test]
    fn integers_take_the_parameter_width_with_a_range_check() {
        assert_eq!(encode(Value::Int(7), &Type::INT4), Ok(vec![0, 0, 0, 7]));
        assert_eq!(encode(Value::Int(-2), &Type::INT2), Ok(vec![0xff, 0xfe]));
        assert_eq!(encode(Value::Int(1), &Type::INT8).map(|b| b.len()), Ok(8));
        let too_big = i64::from(i32::MAX) + 1;
        assert_eq!(
            encode(Value::Int(too_big), &Type::INT4),
            Err(BindError::OutOfRange {
                value: too_big.to_string(),
                ty: "int4".into()
            })
        );
        assert!(matches!(
            encode(Value::Int(40_000), &Type::INT2),
            Err(BindError::OutOfRange { .. })
        ));
    }

    #[test]
    fn floats_narrow_to_real_only_when_they_fit() {
        assert_eq!(
            encode(Value::Float(1.5), &Type::FLOAT4),
            Ok(1.5_f32.to_be_bytes().to_vec())
        );
        assert!(matches!(
            encode(Value::Float(1e300), &Type::FLOAT4),
            Err(BindError::OutOfRange { .. })
        ));
        assert_eq!(
            encode(Value::Float(f64::INFINITY), &Type::FLOAT4),
            Ok(f32::INFINITY.to_be_bytes().to_vec())
        );
    }

    #[test]
    fn null_binds_to_any_type_and_mismatches_are_named() {
        assert_eq!(encode(Value::Null(Kind::Text), &Type::INT4), Ok(Vec::new()));
        assert_eq!(
            encode(Value::Text("x".into()), &Type::INT8),
            Err(BindError::Mismatch {
                value: "text",
                ty: "int8".into()
            })
        );
        assert!(encode(Value::Bool(true), &Type::TEXT).is_err());
        assert_eq!(
            encode(Value::Text("hé".into()), &Type::VARCHAR),
            Ok("hé".into())
        );
    }

    #[test]
    fn timestamps_bind_as_timestamptz_and_as_utc_timestamp() {
        let t = time::macros::datetime!(2024-03-01 10:00:00 +02:00);
        let with_zone = encode(Value::Timestamp(t), &Type::TIMESTAMPTZ).unwrap();
        let without = encode(Value::Timestamp(t), &Type::TIMESTAMP).unwrap();
        // Both are microseconds since 2000-01-01 UTC: the same instant, the same bytes.
        assert_eq!(with_zone, without);
        assert_eq!(
            declared_type(&Value::Null(Kind::Timestamp)),
            Type::TIMESTAMPTZ
        );
    }
}
