//! The two tables, as galaxy-orm models checked against `migrations/` at compile time.

use galaxy_orm::Model;
use serde::Serialize;

/// A row of `world`: 10,000 of them, ids 1 to 10,000.
///
/// The field follows the column's name (`randomnumber`); the JSON the tests ask for spells it
/// `randomNumber`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Model)]
#[galaxy(table = "world")]
pub struct World {
    /// The key, 1 to 10,000.
    pub id: i32,
    /// A number from 1 to 10,000.
    #[serde(rename = "randomNumber")]
    pub randomnumber: i32,
}

/// A row of `fortune`: a message to render, escaped, on the fortunes page.
#[derive(Debug, Clone, PartialEq, Eq, Model)]
#[galaxy(table = "fortune")]
pub struct Fortune {
    /// The key.
    pub id: i32,
    /// The message, arbitrary text (markup in it must come out escaped).
    pub message: String,
}
