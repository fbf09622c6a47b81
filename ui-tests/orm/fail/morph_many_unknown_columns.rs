//! `morph_many(..., name = "subject")` reads `subject_id` and `subject_type` of the related
//! model: both must be its columns.
use galaxy_orm::Model;

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
#[galaxy(morph_many(comments = Comment, name = "subject"))]
pub struct Post {
    pub id: i64,
    pub title: String,
}

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
pub struct Comment {
    pub id: i64,
    pub commentable_type: String,
    pub commentable_id: i64,
    pub body: String,
}

fn main() {}
