//! Relations exist on a result only when `with(...)` loaded them: rows without them are plain
//! models, so treating them as loaded is a type error, never a hidden query.
use galaxy_orm::{Db, Model};

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

async fn authors_with_posts(db: &Db) -> galaxy_orm::Result<Vec<(Author, Vec<Post>)>> {
    Author::query().all(db).await
}

fn main() {
    let _ = authors_with_posts;
}
