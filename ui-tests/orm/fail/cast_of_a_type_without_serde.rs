//! `Json` casts serde types only.
use galaxy_orm::{Json, Model};

#[derive(Debug, Clone)]
pub struct Title(String);

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
pub struct Post {
    pub id: i64,
    #[galaxy(cast = Json)]
    pub title: Title,
}

fn main() {}
