//! `Json` stores text: it cannot be the cast of a field on a `BOOLEAN` column.
use galaxy_orm::{Json, Model};

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
pub struct Post {
    pub id: i64,
    pub title: String,
    #[galaxy(cast = Json)]
    pub published: Vec<String>,
}

fn main() {}
