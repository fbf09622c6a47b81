//! Casts: fields whose Rust type is not a column type, stored through one (a serde type as
//! JSON text, a newtype as its inner value). `#[galaxy(cast = Json)]` on the field.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::value::FieldType;
use crate::{Error, Result};

/// How a field of type `T` is stored: as a [`Cast::Stored`] value, which the derive checks
/// against the column's type at compile time. Implement it on a marker type to write a cast of
/// your own, and name that type in `#[galaxy(cast = ...)]`.
///
/// A field of type `Option<T>` on a nullable column uses the cast for `T`; `None` is `NULL`.
///
/// # Example
///
/// ```
/// use galaxy_orm::{Cast, Error, Result};
///
/// /// Stores a `Cents` amount as an integer column.
/// pub struct AsCents;
///
/// #[derive(Debug, Clone, Copy, PartialEq)]
/// pub struct Cents(pub i64);
///
/// impl Cast<Cents> for AsCents {
///     type Stored = i64;
///     fn encode(value: &Cents) -> Result<i64> {
///         Ok(value.0)
///     }
///     fn decode(stored: i64) -> Result<Cents> {
///         if stored < 0 {
///             return Err(Error::Decode(format!("negative amount {stored}")));
///         }
///         Ok(Cents(stored))
///     }
/// }
/// assert_eq!(AsCents::decode(AsCents::encode(&Cents(250))?)?, Cents(250));
/// # Ok::<(), galaxy_orm::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a cast for fields of type `{T}`",
    label = "no `Cast<{T}>` implementation",
    note = "`Json` casts types that implement `serde::Serialize` and `serde::de::DeserializeOwned`; implement `galaxy_orm::Cast<{T}>` for a cast of your own"
)]
pub trait Cast<T> {
    /// The column type the value is stored as.
    type Stored: FieldType;

    /// The stored form of `value`.
    fn encode(value: &T) -> Result<Self::Stored>;

    /// The value from its stored form; an error when the stored data is not a `T`.
    fn decode(stored: Self::Stored) -> Result<T>;
}

/// Stores any serde type as JSON text (a `TEXT`/`VARCHAR` column).
///
/// # Example
///
/// See the guide's "Casts" section (`docs/orm.md`, doctested).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json;

impl<T: Serialize + DeserializeOwned> Cast<T> for Json {
    type Stored = String;

    fn encode(value: &T) -> Result<String> {
        serde_json::to_string(value)
            .map_err(|e| Error::Encode(format!("cannot encode as JSON: {e}")))
    }

    fn decode(stored: String) -> Result<T> {
        serde_json::from_str(&stored)
            .map_err(|e| Error::Decode(format!("stored JSON does not fit the field: {e}")))
    }
}
