//! `SUM` and `AVG` apply to numeric columns only.
use galaxy_orm::{Db, Model};

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
pub struct Post {
    pub id: i64,
    pub title: String,
}

async fn total(db: &Db) {
    let _ = Post::query().sum(post::title, db).await;
}

fn main() {
    let _ = total;
}
