//! Many-to-many through a pivot, polymorphic relations and nested eager loading, on every
//! configured database, with the number of queries counted.

mod common;

use galaxy_orm::time::OffsetDateTime;
use galaxy_orm::{Db, Migrator, Model, Relation};

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_authors", migrations = "migrations/sqlite")]
#[galaxy(has_many(posts = Post, foreign_key = "author_id"))]
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
#[galaxy(belongs_to(author = Author))]
#[galaxy(belongs_to_many(tags = Tag, pivot = PostTag))]
#[galaxy(morph_many(comments = Comment, name = "commentable"))]
pub struct Post {
    pub id: i64,
    #[galaxy(fillable)]
    pub author_id: i64,
    #[galaxy(fillable)]
    pub title: String,
    pub body: Option<String>,
    pub published: bool,
    pub score: f64,
    pub views: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub deleted_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_tags", migrations = "migrations/sqlite")]
#[galaxy(belongs_to_many(posts = Post, pivot = PostTag))]
pub struct Tag {
    pub id: i64,
    #[galaxy(fillable)]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_post_tags", migrations = "migrations/sqlite", timestamps)]
pub struct PostTag {
    pub id: i64,
    pub post_id: i64,
    pub tag_id: i64,
    pub role: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_videos", migrations = "migrations/sqlite")]
#[galaxy(morph_many(comments = Comment, name = "commentable"))]
pub struct Video {
    pub id: i64,
    #[galaxy(fillable)]
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_comments", migrations = "migrations/sqlite")]
#[galaxy(morph_to(commentable), belongs_to(author = Author))]
pub struct Comment {
    pub id: i64,
    #[galaxy(fillable)]
    pub commentable_type: String,
    #[galaxy(fillable)]
    pub commentable_id: i64,
    #[galaxy(fillable)]
    pub author_id: Option<i64>,
    #[galaxy(fillable)]
    pub body: String,
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

async fn post(db: &Db, author: &Author, title: &str) -> Post {
    Post::create(
        db,
        NewPost {
            author_id: author.id,
            title: title.to_owned(),
        },
    )
    .await
    .unwrap()
}

async fn comment(db: &Db, on_table: &str, on_id: i64, author: Option<&Author>, body: &str) {
    Comment::create(
        db,
        NewComment {
            commentable_type: on_table.to_owned(),
            commentable_id: on_id,
            author_id: author.map(|a| a.id),
            body: body.to_owned(),
        },
    )
    .await
    .unwrap();
}

fn names(tags: &[(Tag, PostTag)]) -> Vec<&str> {
    tags.iter().map(|(t, _)| t.name.as_str()).collect()
}

#[tokio::test]
async fn relations_many_to_many_attach_detach_sync_and_eager_load() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "relations_pivot").await;
        let ada = Author::create(&db, NewAuthor { name: "ada".into() })
            .await
            .unwrap();
        let (p1, p2, p3) = (
            post(&db, &ada, "one").await,
            post(&db, &ada, "two").await,
            post(&db, &ada, "three").await,
        );
        let mut tags = Vec::new();
        for name in ["rust", "sql", "web"] {
            tags.push(
                Tag::create(&db, NewTag { name: name.into() })
                    .await
                    .unwrap(),
            );
        }

        post::tags
            .attach(&db, &p1, tags[0].id, [post_tag::role.set("main")])
            .await
            .unwrap();
        post::tags.attach(&db, &p1, tags[1].id, []).await.unwrap();
        post::tags.attach(&db, &p2, tags[1].id, []).await.unwrap();

        // Pivot columns come with each related row, typed.
        let loaded = post::tags.load(&p1, &db).await.unwrap();
        assert_eq!(names(&loaded), ["rust", "sql"], "{label}");
        assert_eq!(loaded[0].1.role.as_deref(), Some("main"), "{label}");
        assert_eq!(loaded[1].1.role, None, "{label}");
        assert_eq!(loaded[0].1.post_id, p1.id, "{label}");

        // Eager loading: one query for all posts, whatever their number.
        let before = db.statements_executed();
        let all = Post::query()
            .order_by(post::id.asc())
            .with(post::tags)
            .all(&db)
            .await
            .unwrap();
        assert_eq!(db.statements_executed() - before, 2, "{label}");
        assert_eq!(all.len(), 3);
        assert_eq!(names(&all[0].1), ["rust", "sql"], "{label}");
        assert_eq!(names(&all[1].1), ["sql"], "{label}");
        assert!(all[2].1.is_empty(), "{label}");

        // The inverse side, declared on `Tag` with the same pivot.
        let sql_posts = tag::posts.load(&tags[1], &db).await.unwrap();
        assert_eq!(sql_posts.len(), 2, "{label}");

        // Soft-deleted related rows are not loaded.
        p2.delete(&db).await.unwrap();
        assert_eq!(tag::posts.load(&tags[1], &db).await.unwrap().len(), 1);

        // Detach some, sync to an exact set.
        assert_eq!(
            post::tags.detach(&db, &p1, [tags[0].id]).await.unwrap(),
            1,
            "{label}"
        );
        let synced = post::tags
            .sync(&db, &p1, [tags[1].id, tags[2].id])
            .await
            .unwrap();
        assert_eq!((synced.attached, synced.detached), (1, 0), "{label}");
        let synced = post::tags.sync(&db, &p1, [tags[0].id]).await.unwrap();
        assert_eq!((synced.attached, synced.detached), (1, 2), "{label}");
        let now = post::tags.load(&p1, &db).await.unwrap();
        assert_eq!(names(&now), ["rust"], "{label}");
        let again = post::tags.sync(&db, &p1, [tags[0].id]).await.unwrap();
        assert_eq!((again.attached, again.detached), (0, 0), "{label}");

        // Attaching twice is the pivot's unique violation: a typed 409, not a panic.
        let twice = post::tags.attach(&db, &p1, tags[0].id, []).await;
        assert!(
            matches!(twice, Err(galaxy_orm::Error::UniqueViolation { .. })),
            "{label}: {twice:?}"
        );
        assert_eq!(post::tags.detach_all(&db, &p1).await.unwrap(), 1);
        assert!(post::tags.load(&p1, &db).await.unwrap().is_empty());
        let _ = p3;
        db.close().await;
    }
}

#[tokio::test]
async fn relations_polymorphic_morph_many_and_morph_to() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "relations_morph").await;
        let ada = Author::create(&db, NewAuthor { name: "ada".into() })
            .await
            .unwrap();
        let p = post(&db, &ada, "a post").await;
        let v = Video::create(
            &db,
            NewVideo {
                title: "a video".into(),
            },
        )
        .await
        .unwrap();
        // The same key on two tables: the type column tells them apart.
        assert_eq!(p.id, v.id, "{label}: both tables start at 1");
        assert_eq!(post::comments.morph_type(), "orm_posts");
        comment(&db, post::comments.morph_type(), p.id, None, "on the post").await;
        comment(
            &db,
            video::comments.morph_type(),
            v.id,
            None,
            "on the video 1",
        )
        .await;
        comment(
            &db,
            video::comments.morph_type(),
            v.id,
            None,
            "on the video 2",
        )
        .await;

        let on_post = post::comments.load(&p, &db).await.unwrap();
        assert_eq!(on_post.len(), 1, "{label}");
        assert_eq!(on_post[0].body, "on the post");
        let on_video = video::comments.load(&v, &db).await.unwrap();
        assert_eq!(on_video.len(), 2, "{label}");

        let before = db.statements_executed();
        let videos = Video::query().with(video::comments).all(&db).await.unwrap();
        assert_eq!(db.statements_executed() - before, 2, "{label}");
        assert_eq!(videos[0].1.len(), 2, "{label}");

        // morph_to: the owner, read as the model it is; another model's comments get None.
        let first = &on_post[0];
        assert_eq!(
            comment::commentable.owner_table(first).unwrap().as_deref(),
            Some("orm_posts")
        );
        let owner: Option<Post> = comment::commentable.load(first, &db).await.unwrap();
        assert_eq!(owner.map(|o| o.title), Some("a post".into()), "{label}");
        let not_a_video: Option<Video> = comment::commentable.load(first, &db).await.unwrap();
        assert_eq!(not_a_video, None, "{label}");

        // Eager: one query per owner model.
        let before = db.statements_executed();
        let comments = Comment::query()
            .order_by(comment::id.asc())
            .with((
                comment::commentable.of::<Post>(),
                comment::commentable.of::<Video>(),
            ))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(db.statements_executed() - before, 3, "{label}");
        let owners: Vec<(bool, bool)> = comments
            .iter()
            .map(|(_, (p, v))| (p.is_some(), v.is_some()))
            .collect();
        assert_eq!(
            owners,
            [(true, false), (false, true), (false, true)],
            "{label}"
        );
        db.close().await;
    }
}

#[tokio::test]
async fn relations_nested_eager_loading_is_one_query_per_level() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "relations_nested").await;
        let ada = Author::create(&db, NewAuthor { name: "ada".into() })
            .await
            .unwrap();
        let bob = Author::create(&db, NewAuthor { name: "bob".into() })
            .await
            .unwrap();
        let _carl = Author::create(
            &db,
            NewAuthor {
                name: "carl".into(),
            },
        )
        .await
        .unwrap();
        let mut posts = Vec::new();
        for (author, title) in [(&ada, "a1"), (&ada, "a2"), (&bob, "b1")] {
            posts.push(post(&db, author, title).await);
        }
        comment(&db, "orm_posts", posts[0].id, Some(&bob), "bob on a1").await;
        comment(&db, "orm_posts", posts[0].id, Some(&ada), "ada on a1").await;
        comment(&db, "orm_posts", posts[2].id, None, "anonymous on b1").await;
        let tag = Tag::create(
            &db,
            NewTag {
                name: "rust".into(),
            },
        )
        .await
        .unwrap();
        post::tags.attach(&db, &posts[1], tag.id, []).await.unwrap();

        // Authors → posts → (comments → author, tags): five queries for any number of rows.
        let before = db.statements_executed();
        let authors = Author::query()
            .order_by(author::id.asc())
            .with(author::posts.with((post::comments.with(comment::author), post::tags)))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(db.statements_executed() - before, 5, "{label}");

        assert_eq!(authors.len(), 3, "{label}");
        let (a, ada_posts) = &authors[0];
        assert_eq!(a.name, "ada");
        assert_eq!(ada_posts.len(), 2, "{label}");
        let (a1, (a1_comments, a1_tags)) = &ada_posts[0];
        assert_eq!(a1.title, "a1");
        assert!(a1_tags.is_empty());
        let commenters: Vec<(&str, Option<&str>)> = a1_comments
            .iter()
            .map(|(c, by)| (c.body.as_str(), by.as_ref().map(|a| a.name.as_str())))
            .collect();
        assert_eq!(
            commenters,
            [("bob on a1", Some("bob")), ("ada on a1", Some("ada"))],
            "{label}"
        );
        let (_, (_, a2_tags)) = &ada_posts[1];
        assert_eq!(names(a2_tags), ["rust"], "{label}");
        let (_, bob_posts) = &authors[1];
        let (_, (b1_comments, _)) = &bob_posts[0];
        assert_eq!(b1_comments[0].1, None, "{label}: a comment without author");
        assert!(authors[2].1.is_empty(), "{label}: carl has no posts");

        // A level with no rows issues no query below it.
        let before = db.statements_executed();
        let lonely = Author::query()
            .filter(author::name.eq("carl"))
            .with(author::posts.with(post::comments))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(db.statements_executed() - before, 2, "{label}");
        assert!(lonely[0].1.is_empty());

        // Nesting from a belongs-to: comment → post (morph) is typed per owner; post → author.
        let loaded = Post::query()
            .filter(post::title.eq("b1"))
            .with(post::author.with(author::posts))
            .first(&db)
            .await
            .unwrap()
            .unwrap();
        let (owner, owner_posts) = loaded.1.expect("b1 has an author");
        assert_eq!(owner.name, "bob");
        assert_eq!(owner_posts.len(), 1, "{label}");
        db.close().await;
    }
}
