//! A nested relation must start from the related model: authors' posts can nest a relation of
//! `Post`, not another relation of `Author`.
use galaxy_orm::{Db, Model, Relation};

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations", has_many(posts = Post))]
pub struct Author {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub author_id: Option<i64>,
}

async fn load(db: &Db) {
    let _ = Author::query()
        .with(author::posts.with(author::posts))
        .all(db)
        .await;
}

fn main() {
    let _ = load;
}
