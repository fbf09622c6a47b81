//! A many-to-many relation needs the pivot model that links the two tables.
use galaxy_orm::Model;

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations", belongs_to_many(tags = Tag))]
pub struct Post {
    pub id: i64,
    pub title: String,
}

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
pub struct Tag {
    pub id: i64,
    pub name: String,
}

fn main() {}
