//! Sums, averages, `GROUP BY` / `HAVING` and joins, on every configured database.

mod common;

use galaxy_orm::time::OffsetDateTime;
use galaxy_orm::{Db, Dialect, Migrator, Model, count};

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
pub struct Post {
    pub id: i64,
    #[galaxy(fillable)]
    pub author_id: i64,
    #[galaxy(fillable)]
    pub title: String,
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

/// ada: 3 posts (views 10, 20, 30; scores 1.5, 2.5, 2.0), one of them soft-deleted later;
/// bob: 1 post (views 5); carl: none.
async fn seed(db: &Db) -> (Author, Author, Author) {
    let mut authors = Vec::new();
    for name in ["ada", "bob", "carl"] {
        authors.push(
            Author::create(db, NewAuthor { name: name.into() })
                .await
                .unwrap(),
        );
    }
    for (author, title, views, score, published) in [
        (0, "a1", 10, 1.5, true),
        (0, "a2", 20, 2.5, false),
        (0, "a3", 30, 2.0, true),
        (1, "b1", 5, 4.0, true),
    ] {
        let post = Post::create(
            db,
            NewPost {
                author_id: authors[author].id,
                title: title.into(),
                published,
            },
        )
        .await
        .unwrap();
        Post::query()
            .filter(post::id.eq(post.id))
            .update(db, [post::views.set(views), post::score.set(score)])
            .await
            .unwrap();
    }
    let mut it = authors.into_iter();
    (it.next().unwrap(), it.next().unwrap(), it.next().unwrap())
}

#[tokio::test]
async fn aggregates_sum_avg_group_by_and_having() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "aggregates_group").await;
        let (ada, bob, _) = seed(&db).await;

        assert_eq!(
            Post::query().sum(post::views, &db).await.unwrap(),
            Some(65),
            "{label}"
        );
        assert_eq!(
            Post::query().sum(post::score, &db).await.unwrap(),
            Some(10.0)
        );
        assert_eq!(
            Post::query().avg(post::views, &db).await.unwrap(),
            Some(16.25),
            "{label}"
        );
        let none = Post::query().filter(post::views.gt(1000));
        assert_eq!(none.clone().sum(post::views, &db).await.unwrap(), None);
        assert_eq!(none.avg(post::score, &db).await.unwrap(), None, "{label}");

        // Per author, in key order; filters apply before grouping.
        let counts = Post::query()
            .group_by(post::author_id)
            .count(&db)
            .await
            .unwrap();
        assert_eq!(counts, [(ada.id, 3), (bob.id, 1)], "{label}");
        let published_views = Post::query()
            .filter(post::published.eq(true))
            .group_by(post::author_id)
            .aggregate(post::views.sum(), &db)
            .await
            .unwrap();
        assert_eq!(
            published_views,
            [(ada.id, Some(40)), (bob.id, Some(5))],
            "{label}"
        );
        let averages = Post::query()
            .group_by(post::author_id)
            .aggregate(post::score.avg(), &db)
            .await
            .unwrap();
        assert_eq!(averages, [(ada.id, Some(2.0)), (bob.id, Some(4.0))]);
        let top = Post::query()
            .group_by(post::author_id)
            .aggregate(post::views.maximum(), &db)
            .await
            .unwrap();
        assert_eq!(top, [(ada.id, Some(30)), (bob.id, Some(5))], "{label}");

        // HAVING, with bound values.
        let prolific = Post::query()
            .group_by(post::author_id)
            .having(count::<Post>().gt(1))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(prolific, [(ada.id, 3)], "{label}");
        let both = Post::query()
            .group_by(post::author_id)
            .having(post::views.sum().ge(5).and(post::score.avg().lt(3.0)))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(both, [(ada.id, 3)], "{label}");

        // Soft-deleted rows are not counted.
        Post::query()
            .filter(post::title.eq("a3"))
            .delete(&db)
            .await
            .unwrap();
        assert_eq!(Post::query().sum(post::views, &db).await.unwrap(), Some(35));
        let counts = Post::query()
            .group_by(post::author_id)
            .count(&db)
            .await
            .unwrap();
        assert_eq!(counts, [(ada.id, 2), (bob.id, 1)], "{label}");
        db.close().await;
    }
}

#[tokio::test]
async fn aggregates_joins_on_relations_and_typed_columns() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "aggregates_join").await;
        let (ada, bob, carl) = seed(&db).await;

        // Posts with their authors, filtered and ordered on both sides, in one query.
        let before = db.statements_executed();
        let pairs = Post::query()
            .filter(post::published.eq(true))
            .join(post::author)
            .filter_joined(author::name.ne("nobody"))
            .order_by_joined(author::name.desc())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(db.statements_executed() - before, 1, "{label}");
        let seen: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(p, a)| (p.title.as_str(), a.name.as_str()))
            .collect();
        assert_eq!(seen.len(), 3, "{label}");
        assert_eq!(seen[0], ("b1", "bob"), "{label}");
        assert!(pairs.iter().all(|(p, a)| p.author_id == a.id), "{label}");

        // `id` exists on both tables: conditions on each side stay on their side.
        let only_bob = Post::query()
            .join(post::author)
            .filter_joined(author::id.eq(bob.id))
            .models(&db)
            .await
            .unwrap();
        assert_eq!(only_bob.len(), 1, "{label}");
        assert_eq!(only_bob[0].title, "b1");

        // The other direction, on typed columns; carl has no posts, so no pair.
        let authors_with_posts = Author::query()
            .join_on(author::id, post::author_id)
            .filter_joined(post::views.ge(20))
            .order_by_joined(post::views.asc())
            .all(&db)
            .await
            .unwrap();
        let views: Vec<(i64, i32)> = authors_with_posts
            .iter()
            .map(|(a, p)| (a.id, p.views))
            .collect();
        assert_eq!(views, [(ada.id, 20), (ada.id, 30)], "{label}");
        assert_eq!(
            Author::query()
                .join(author::posts)
                .filter(author::id.eq(carl.id))
                .count(&db)
                .await
                .unwrap(),
            0,
            "{label}"
        );

        // Soft-deleted joined rows are left out; values are bound, never spliced.
        Post::query()
            .filter(post::title.eq("b1"))
            .delete(&db)
            .await
            .unwrap();
        let hostile = "x' OR '1'='1";
        let join = Author::query()
            .join(author::posts)
            .filter_joined(post::title.ne(hostile));
        let sql = join.to_sql(Dialect::Postgres);
        assert!(!sql.text.contains(hostile));
        assert_eq!(join.count(&db).await.unwrap(), 3, "{label}: b1 is trashed");

        // Paging applies to the pairs.
        let page = Post::query()
            .order_by(post::id.asc())
            .limit(1)
            .offset(1)
            .join(post::author)
            .all(&db)
            .await
            .unwrap();
        assert_eq!(page.len(), 1, "{label}");
        assert_eq!(page[0].0.title, "a2", "{label}");
        db.close().await;
    }
}

proptest::proptest! {
    /// Whatever the values, they reach the database as bound parameters only: the text holds
    /// none of them, and PostgreSQL's placeholders are `$1..$n` for exactly the bound values.
    #[test]
    fn join_and_group_sql_only_binds_values(
        title in ".{0,40}",
        name in ".{0,40}",
        views in proptest::prelude::any::<i32>(),
        limit in 0_u64..1000,
    ) {
        // A snowman never occurs in the SQL galaxy-orm writes, so finding one means a value
        // was spliced into the text.
        let (title, name) = (format!("☃{title}"), format!("☃{name}"));
        let join = Post::query()
            .filter(post::title.eq(title.as_str()).or(post::views.gt(views)))
            .limit(limit)
            .join(post::author)
            .filter_joined(author::name.ne(name.as_str()));
        let grouped = Post::query()
            .filter(post::title.like(title.clone()))
            .group_by(post::author_id)
            .having(post::views.sum().ge(i64::from(views)).and(count::<Post>().lt(3)));
        for dialect in [Dialect::Postgres, Dialect::Sqlite, Dialect::MySql] {
            for sql in [
                join.to_sql(dialect),
                grouped.aggregate_sql(post::score.avg(), dialect),
            ] {
                proptest::prop_assert!(!sql.text.contains('☃'), "{}", sql.text);
                let placeholders = match dialect {
                    Dialect::Postgres => (1..=sql.args.len())
                        .filter(|i| sql.text.contains(&format!("${i}")))
                        .count(),
                    _ => sql.text.matches('?').count(),
                };
                proptest::prop_assert_eq!(placeholders, sql.args.len(), "{}", sql.text);
            }
        }
    }
}
