//! Route model binding: `{post: Post}` in an `app!` route looks the row up before the handler
//! runs, on every configured database.

mod common;

use galaxy_core::prelude::*;
use galaxy_orm::time::OffsetDateTime;
use galaxy_orm::{Db, Migrator, Model};

#[derive(Debug, Clone, Model)]
#[galaxy(table = "orm_authors", migrations = "migrations/sqlite")]
pub struct Author {
    pub id: i64,
    #[galaxy(fillable)]
    pub name: String,
}

#[derive(Debug, Clone, Model)]
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
    pub published: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub deleted_at: Option<OffsetDateTime>,
}

galaxy_core::app! {
    app = Blog;
    state = Db;
    routes {
        GET "/posts/{post: Post}" => show, name = posts.show, public;
        GET "/titled/{post: Post by title}" => show, name = posts.titled, public;
        GET "/archive/{post: Post}" => show, name = archive.show, public, with_trashed;
        GET "/authors/{author: Author}/posts/{id: i64}" => by_author, name = authors.post, public;
    }
}

async fn show(post: Bound<Post>) -> String {
    post.title.clone()
}

async fn by_author(author: Bound<Author>, Path(id): Path<(String, i64)>) -> String {
    format!("{} wrote {}", author.name, id.1)
}

async fn seeded(label: &str, url: Option<&str>) -> (Db, Author, Post, Post) {
    let db = common::fresh(label, url, "route_binding").await;
    Migrator::from_dir(common::migrations(label))
        .expect("migrations read")
        .run(&db)
        .await
        .unwrap_or_else(|e| panic!("{label}: migrate: {e}"));
    let author = Author::create(&db, NewAuthor { name: "ada".into() })
        .await
        .unwrap();
    let post = |title: &str| NewPost {
        author_id: author.id,
        title: title.to_owned(),
        published: true,
    };
    let kept = Post::create(&db, post("hello world")).await.unwrap();
    let trashed = Post::create(&db, post("old news")).await.unwrap();
    trashed.delete(&db).await.unwrap();
    (db, author, kept, trashed)
}

#[tokio::test]
async fn bound_models_reach_the_handler_and_missing_rows_answer_404() {
    for (label, url) in common::backends() {
        let (db, author, kept, trashed) = seeded(label, url.as_deref()).await;
        let client = TestClient::new(Blog::new(db.clone()));

        let res = client
            .get(routes::posts::show(kept.id).as_str())
            .send()
            .await;
        assert_eq!(res.status(), 200, "{label}");
        assert_eq!(res.text(), "hello world", "{label}");

        // By another column, percent-decoded like any string parameter.
        let url = routes::posts::titled("hello world");
        assert_eq!(url.as_str(), "/titled/hello%20world");
        assert_eq!(client.get(url.as_str()).send().await.text(), "hello world");

        // Missing rows, and segments that are no key at all, are 404s, not 400s or 500s.
        for path in [
            "/posts/999999",
            "/posts/abc",
            "/titled/nothing",
            "/authors/0/posts/1",
        ] {
            let res = client.get(path).send().await;
            assert_eq!(res.status(), 404, "{label}: {path}");
        }

        // Soft-deleted rows are left out unless the route says `with_trashed`.
        let gone = client
            .get(routes::posts::show(trashed.id).as_str())
            .send()
            .await;
        assert_eq!(gone.status(), 404, "{label}");
        let archived = client
            .get(routes::archive::show(trashed.id).as_str())
            .send()
            .await;
        assert_eq!(archived.status(), 200, "{label}");
        assert_eq!(archived.text(), "old news", "{label}");

        // A bound parameter stays in the route's `Path` tuple as the raw segment.
        let res = client
            .get(routes::authors::post(author.id, 7).as_str())
            .send()
            .await;
        assert_eq!(res.text(), "ada wrote 7", "{label}");
        db.close().await;
    }
}
