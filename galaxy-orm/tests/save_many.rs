//! `Model::save_many`: many rows written back in one statement, on every configured database.

mod common;

use galaxy_orm::time::OffsetDateTime;
use galaxy_orm::{Db, Migrator, Model};

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_authors", migrations = "migrations/sqlite")]
pub struct Author {
    pub id: i64,
    #[galaxy(fillable)]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(
    table = "orm_posts",
    migrations = "migrations/sqlite",
    timestamps,
    soft_deletes
)]
pub struct Post {
    pub id: i64,
    #[galaxy(fillable)]
    pub author_id: i64,
    #[galaxy(fillable)]
    pub title: String,
    #[galaxy(fillable)]
    pub body: Option<String>,
    #[galaxy(fillable)]
    pub published: bool,
    pub score: f64,
    pub views: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub deleted_at: Option<OffsetDateTime>,
}

async fn migrated(label: &str, url: Option<&str>, test: &str) -> Db {
    let db = common::fresh(label, url, test).await;
    Migrator::from_dir(common::migrations(label))
        .expect("migrations read")
        .run(&db)
        .await
        .unwrap_or_else(|e| panic!("{label}: migrate: {e}"));
    db
}

async fn posts(db: &Db, author_id: i64, n: usize) -> Vec<Post> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let input = NewPost {
            author_id,
            title: format!("post {i}"),
            body: None,
            published: false,
        };
        out.push(Post::create(db, input).await.unwrap());
    }
    out
}

#[tokio::test]
async fn save_many_writes_every_column_of_every_row_in_one_statement() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "save_many").await;
        let author = Author::create(&db, NewAuthor { name: "ada".into() })
            .await
            .unwrap();
        let mut all = posts(&db, author.id, 5).await;
        let untouched = all.pop().unwrap();
        for (i, post) in all.iter_mut().enumerate() {
            post.title = format!("it's \"edited\" {i}");
            post.body = (i % 2 == 0).then(|| format!("body {i}"));
            post.published = i % 2 == 1;
            post.score = i as f64 + 0.5;
            post.views = 100 + i as i32;
        }
        let before = db.statements_executed();
        let affected = Post::save_many(&db, &mut all).await.unwrap();
        assert_eq!(
            db.statements_executed() - before,
            1,
            "{label}: one statement"
        );
        assert_eq!(affected, 4, "{label}");
        for post in &all {
            let stored = Post::find_or_fail(&db, post.id).await.unwrap();
            assert_eq!(&stored, post, "{label}: every column written");
            assert!(stored.updated_at >= stored.created_at, "{label}: touched");
        }
        assert_eq!(
            Post::find_or_fail(&db, untouched.id).await.unwrap(),
            untouched,
            "{label}: rows not given are left alone"
        );
        db.close().await;
    }
}

#[tokio::test]
async fn save_many_gives_a_repeated_row_its_last_copy() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "save_many_repeated").await;
        let author = Author::create(&db, NewAuthor { name: "ada".into() })
            .await
            .unwrap();
        let post = posts(&db, author.id, 1).await.remove(0);
        let mut first = post.clone();
        first.views = 1;
        let mut last = post.clone();
        last.views = 2;
        Post::save_many(&db, &mut [first, last]).await.unwrap();
        assert_eq!(
            Post::find_or_fail(&db, post.id).await.unwrap().views,
            2,
            "{label}"
        );
        assert_eq!(Post::save_many(&db, &mut []).await.unwrap(), 0, "{label}");
        db.close().await;
    }
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn save_many_splits_what_one_statement_cannot_bind() {
    // 3,000 rows × 19 placeholders each is more than SQLite takes in one statement (32,766).
    let db = migrated("sqlite", None, "save_many_large").await;
    let author = Author::create(&db, NewAuthor { name: "ada".into() })
        .await
        .unwrap();
    let inputs = (0..3_000)
        .map(|i| NewPost {
            author_id: author.id,
            title: format!("post {i}"),
            body: None,
            published: false,
        })
        .collect();
    Post::insert_many(&db, inputs).await.unwrap();
    let mut all = Post::query().all(&db).await.unwrap();
    for post in &mut all {
        post.views = 7;
    }
    let before = db.statements_executed();
    assert_eq!(Post::save_many(&db, &mut all).await.unwrap(), 3_000);
    assert!(
        db.statements_executed() - before > 1,
        "split into several statements"
    );
    let seven = Post::query()
        .filter(post::views.eq(7))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(seven, 3_000);
}
