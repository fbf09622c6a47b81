//! A join matches two columns of the same type: a text column cannot be joined on a key.
use galaxy_orm::{Db, Model};

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
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
    let _ = Post::query().join_on(post::title, author::id).all(db).await;
}

fn main() {
    let _ = load;
}
