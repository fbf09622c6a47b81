//! A many-to-many relation names the pivot's column for the related key: a column the pivot
//! model does not have is a compile error, not a failing query.
use galaxy_orm::Model;

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
#[galaxy(belongs_to_many(tags = Tag, pivot = PostTag, related_key = "tag"))]
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

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
pub struct PostTag {
    pub id: i64,
    pub post_id: i64,
    pub tag_id: i64,
    pub role: Option<String>,
}

fn main() {}
