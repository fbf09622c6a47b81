//! `morph_to(owner)` reads this model's `owner_id` and `owner_type`, which it lacks; and a
//! type column must be text.
use galaxy_orm::Model;

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations", morph_to(owner))]
pub struct Comment {
    pub id: i64,
    pub body: String,
}

#[derive(Debug, Model)]
#[galaxy(table = "comments", migrations = "../migrations", morph_to(commentable))]
pub struct NumberedComment {
    pub id: i64,
    pub commentable_type: i64,
    pub commentable_id: i64,
}

fn main() {}
