//! A cast field on a nullable column must be an `Option`: `None` is stored as `NULL`.
use galaxy_orm::{Json, Model};

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
pub struct Post {
    pub id: i64,
    pub title: String,
    #[galaxy(cast = Json)]
    pub body: Vec<String>,
}

fn main() {}
