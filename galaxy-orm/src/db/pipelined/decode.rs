//! Reading a column of a pipelined connection's row into a [`Value`], by the type the server
//! reports for it: the same types, and the same values, as the sqlx path reads.

use std::error::Error as StdError;

use tokio_postgres::types::{FromSql, Type};

use crate::value::{Kind, Value};
use crate::{Error, Result};

/// The index of the column `name`: `position` when the column there has that name (a model's
/// own `SELECT`), else found by name.
pub(crate) fn index_of(
    row: &tokio_postgres::Row,
    position: Option<usize>,
    name: &str,
) -> Result<usize> {
    let columns = row.columns();
    if let Some(position) = position.filter(|&p| columns.get(p).is_some_and(|c| c.name() == name)) {
        return Ok(position);
    }
    columns
        .iter()
        .position(|c| c.name() == name)
        .ok_or_else(|| {
            // What sqlx reports for a missing column, so both paths give the same error.
            Error::from(sqlx::Error::ColumnNotFound(name.to_owned()))
        })
}

/// The column at `index` (named `name`, for messages) of `row` as a [`Value`].
pub(crate) fn value(row: &tokio_postgres::Row, index: usize, name: &str) -> Result<Value> {
    let ty = row.columns()[index].type_();
    // A NULL of any type, read types included: as on the sqlx path, NULL is NULL whatever
    // the column's type.
    if row
        .try_get::<_, Option<AnyType>>(index)
        .map_err(|e| decode_error(name, &e))?
        .is_none()
    {
        return Ok(Value::Null(Kind::Text));
    }
    Ok(if *ty == Type::BOOL {
        Value::Bool(read(row, index, name)?)
    } else if *ty == Type::INT2 {
        Value::Int(read::<i16>(row, index, name)?.into())
    } else if *ty == Type::INT4 {
        Value::Int(read::<i32>(row, index, name)?.into())
    } else if *ty == Type::INT8 {
        Value::Int(read(row, index, name)?)
    } else if *ty == Type::FLOAT4 {
        Value::Float(read::<f32>(row, index, name)?.into())
    } else if *ty == Type::FLOAT8 {
        Value::Float(read(row, index, name)?)
    } else if [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME].contains(ty) {
        Value::Text(read(row, index, name)?)
    } else if *ty == Type::BYTEA {
        Value::Bytes(read(row, index, name)?)
    } else if *ty == Type::TIMESTAMPTZ {
        Value::Timestamp(read(row, index, name)?)
    } else if *ty == Type::TIMESTAMP {
        Value::Timestamp(read::<time::PrimitiveDateTime>(row, index, name)?.assume_utc())
    } else {
        return Err(Error::Decode(format!(
            "column `{name}` has type `{}`, which galaxy-orm does not read",
            ty.name().to_ascii_uppercase()
        )));
    })
}

fn read<'r, T: FromSql<'r>>(row: &'r tokio_postgres::Row, index: usize, name: &str) -> Result<T> {
    row.try_get(index).map_err(|e| decode_error(name, &e))
}

fn decode_error(name: &str, err: &tokio_postgres::Error) -> Error {
    match err.source() {
        Some(source) => Error::Decode(format!("column `{name}`: {source}")),
        None => Error::Decode(format!("column `{name}`: {err}")),
    }
}

/// A value of any type, read only to learn whether it is NULL (`Option<AnyType>`).
struct AnyType;

impl<'r> FromSql<'r> for AnyType {
    fn from_sql(_: &Type, _: &'r [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(Self)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}
