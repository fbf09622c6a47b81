//! Models, the typed query builder and transactions, on every configured database.

mod common;

use galaxy_orm::time::OffsetDateTime;
use galaxy_orm::{Db, Error, Migrator, Model, Relation};

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_authors", migrations = "migrations/sqlite")]
#[galaxy(has_many(posts = Post, foreign_key = "author_id"))]
#[galaxy(has_one(latest_post = Post, foreign_key = "author_id"))]
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

fn new_post(author_id: i64, title: &str, published: bool) -> NewPost {
    NewPost {
        author_id,
        title: title.to_owned(),
        body: None,
        published,
    }
}

#[tokio::test]
async fn active_record_round_trip() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "active_record").await;
        let author = Author::create(&db, NewAuthor { name: "ada".into() })
            .await
            .unwrap();
        let mut post = Post::create(&db, new_post(author.id, "hello", false))
            .await
            .unwrap();
        assert!(post.id > 0, "{label}");
        assert_eq!(post.views, 0, "{label}: column default read back");
        assert_eq!(post.created_at, post.updated_at, "{label}");

        let found = Post::find(&db, post.id).await.unwrap();
        assert_eq!(found.as_ref(), Some(&post), "{label}");

        post.title = "hello again".into();
        post.body = Some("text".into());
        post.save(&db).await.unwrap();
        let mut stale = Post::find_or_fail(&db, post.id).await.unwrap();
        assert_eq!(stale.title, "hello again", "{label}");
        assert_eq!(stale.body.as_deref(), Some("text"), "{label}");
        assert!(stale.updated_at >= stale.created_at, "{label}");

        Post::query()
            .filter(post::id.eq(post.id))
            .update(&db, [post::views.set(7)])
            .await
            .unwrap();
        stale.refresh(&db).await.unwrap();
        assert_eq!(stale.views, 7, "{label}");

        // Soft delete: gone from queries and lookups, back after restore.
        post.delete(&db).await.unwrap();
        assert!(Post::find(&db, post.id).await.unwrap().is_none(), "{label}");
        assert_eq!(
            Post::query().with_trashed().count(&db).await.unwrap(),
            1,
            "{label}"
        );
        post.restore(&db).await.unwrap();
        assert!(post.deleted_at.is_none(), "{label}");
        assert!(Post::find(&db, post.id).await.unwrap().is_some(), "{label}");
        post.force_delete(&db).await.unwrap();
        assert_eq!(
            Post::query().with_trashed().count(&db).await.unwrap(),
            0,
            "{label}"
        );

        let missing = Post::find_or_fail(&db, 999_999).await.unwrap_err();
        assert!(
            matches!(missing, Error::NotFound { table: "orm_posts" }),
            "{label}: {missing}"
        );
        db.close().await;
    }
}

#[tokio::test]
async fn rows_in_model_order_read_by_position_and_other_rows_by_name() {
    use galaxy_orm::{Executor, Intent, Sql};
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "row_order").await;
        let author = Author::create(&db, NewAuthor { name: "ada".into() })
            .await
            .unwrap();
        let select = |columns: &str| Sql {
            text: format!("SELECT {columns} FROM orm_authors"),
            args: vec![],
        };
        let in_order = (&db)
            .fetch_optional(select("id, name"), Intent::Read)
            .await
            .unwrap()
            .unwrap();
        assert!(in_order.starts_with_columns(Author::COLUMNS), "{label}");
        assert_eq!(
            Author::from_row_in_order(&in_order).unwrap(),
            author,
            "{label}"
        );

        // A result with the model's columns elsewhere is read by name: `Query::all` and eager
        // loading check the first row and fall back to this.
        let reordered = (&db)
            .fetch_optional(select("name, id"), Intent::Read)
            .await
            .unwrap()
            .unwrap();
        assert!(!reordered.starts_with_columns(Author::COLUMNS), "{label}");
        assert_eq!(Author::from_row(&reordered).unwrap(), author, "{label}");
        db.close().await;
    }
}

#[tokio::test]
async fn a_repository_runs_the_active_record_statements_on_a_db_or_a_transaction() {
    use galaxy_orm::Repository;
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "repository").await;
        let author = Author::create(&db, NewAuthor { name: "ada".into() })
            .await
            .unwrap();
        let mut posts = Repository::<Post, _>::new(&db);
        let mut post = posts
            .create(new_post(author.id, "hello", false))
            .await
            .unwrap();
        assert_eq!(posts.find(post.id).await.unwrap().as_ref(), Some(&post));
        post.views = 5;
        posts.save(&mut post).await.unwrap();
        assert_eq!(
            posts.find_or_fail(post.id).await.unwrap().views,
            5,
            "{label}"
        );
        let inserted = posts
            .insert_many(vec![
                new_post(author.id, "b", true),
                new_post(author.id, "c", true),
            ])
            .await
            .unwrap();
        assert_eq!(inserted, 2, "{label}");
        let published = Post::query().filter(post::published.eq(true));
        assert_eq!(posts.count(published).await.unwrap(), 2, "{label}");
        let mut all = posts
            .all(Post::query().order_by(post::id.asc()))
            .await
            .unwrap();
        for post in &mut all {
            post.views += 1;
        }
        assert_eq!(posts.save_many(&mut all).await.unwrap(), 3, "{label}");

        // Soft delete, restore, refresh and force delete, as the model's own methods do them.
        posts.delete(&post).await.unwrap();
        assert!(posts.find(post.id).await.unwrap().is_none(), "{label}");
        posts.restore(&mut post).await.unwrap();
        posts.refresh(&mut post).await.unwrap();
        assert_eq!(
            post.views, 6,
            "{label}: saved by save_many, read by refresh"
        );

        // Inside a transaction: rolled back with it.
        let mut tx = db.begin().await.unwrap();
        let mut in_tx = Repository::<Post, _>::new(&mut tx);
        in_tx.force_delete(&post).await.unwrap();
        assert!(in_tx.find(post.id).await.unwrap().is_none(), "{label}");
        tx.rollback().await.unwrap();
        assert!(posts.find(post.id).await.unwrap().is_some(), "{label}");

        posts.force_delete(&post).await.unwrap();
        assert!(posts.find(post.id).await.unwrap().is_none(), "{label}");
        db.close().await;
    }
}

#[tokio::test]
async fn typed_queries_filter_order_and_page() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "typed_queries").await;
        let author = Author::create(
            &db,
            NewAuthor {
                name: "grace".into(),
            },
        )
        .await
        .unwrap();
        let inputs = (0..10)
            .map(|i| new_post(author.id, &format!("post {i}"), i % 2 == 0))
            .collect();
        assert_eq!(Post::insert_many(&db, inputs).await.unwrap(), 10, "{label}");

        let published = Post::query()
            .filter(post::published.eq(true))
            .order_by(post::title.desc())
            .limit(3)
            .all(&db)
            .await
            .unwrap();
        let titles: Vec<_> = published.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["post 8", "post 6", "post 4"], "{label}");

        let page = Post::query()
            .order_by(post::title.asc())
            .offset(8)
            .all(&db)
            .await
            .unwrap();
        assert_eq!(page.len(), 2, "{label}");

        let either = Post::query()
            .filter(post::title.is_in(["post 1", "post 2"]))
            .or_filter(post::title.like("post 9%"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(either, 3, "{label}");

        let none: Vec<&str> = Vec::new();
        assert_eq!(
            Post::query()
                .filter(post::title.is_in(none))
                .count(&db)
                .await
                .unwrap(),
            0
        );
        assert!(
            Post::query()
                .filter(post::body.is_null())
                .exists(&db)
                .await
                .unwrap()
        );
        assert!(
            !Post::query()
                .filter(post::body.is_not_null())
                .exists(&db)
                .await
                .unwrap()
        );
        let ranged = Post::query()
            .filter(post::id.between(published[0].id, published[0].id + 1))
            .filter(
                post::published
                    .eq(true)
                    .or(post::published.eq(false))
                    .not()
                    .not(),
            )
            .count(&db)
            .await
            .unwrap();
        assert_eq!(ranged, 2, "{label}");

        // A value that looks like SQL is only ever a bound parameter.
        let injected = Post::query()
            .filter(post::title.eq("x' OR '1'='1"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(injected, 0, "{label}");

        let top = Post::query().max(post::title, &db).await.unwrap();
        assert_eq!(top.as_deref(), Some("post 9"), "{label}");
        let all_ids: Vec<i64> = Post::query()
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect();
        let min_id = Post::query().min(post::id, &db).await.unwrap();
        assert_eq!(min_id, all_ids.iter().copied().min(), "{label}");
        let latest = Post::query().max(post::created_at, &db).await.unwrap();
        assert!(latest.is_some(), "{label}");
        let nothing = Post::query()
            .filter(post::title.eq("none"))
            .max(post::views, &db)
            .await
            .unwrap();
        assert_eq!(nothing, None, "{label}");

        let removed = Post::query()
            .filter(post::published.eq(false))
            .delete(&db)
            .await
            .unwrap();
        assert_eq!(removed, 5, "{label}");
        assert_eq!(Post::query().count(&db).await.unwrap(), 5, "{label}");
        db.close().await;
    }
}

#[tokio::test]
async fn constraint_violations_are_typed() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "constraints").await;
        Author::create(&db, NewAuthor { name: "dup".into() })
            .await
            .unwrap();
        let dup = Author::create(&db, NewAuthor { name: "dup".into() })
            .await
            .unwrap_err();
        assert!(
            matches!(dup, Error::UniqueViolation { .. }),
            "{label}: {dup:?}"
        );
        assert_eq!(dup.status(), galaxy_core::StatusCode::CONFLICT);

        let orphan = Post::create(&db, new_post(424_242, "orphan", true))
            .await
            .unwrap_err();
        assert!(
            matches!(orphan, Error::ForeignKeyViolation { .. }),
            "{label}: {orphan:?}"
        );

        let too_long = Author::create(
            &db,
            NewAuthor {
                name: "x".repeat(300),
            },
        )
        .await;
        // SQLite does not enforce VARCHAR lengths; the servers must refuse with a typed error.
        if label != "sqlite" {
            let err = too_long.unwrap_err();
            assert!(
                matches!(err, Error::InvalidValue { .. }),
                "{label}: {err:?}"
            );
            assert_eq!(err.status(), galaxy_core::StatusCode::UNPROCESSABLE_ENTITY);
        }
        db.close().await;
    }
}

#[tokio::test]
async fn transactions_commit_roll_back_and_retry() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "transactions").await;
        let created = db
            .transaction(|tx| {
                Box::pin(async move {
                    let a = Author::create(
                        &mut *tx,
                        NewAuthor {
                            name: "in tx".into(),
                        },
                    )
                    .await?;
                    Ok(a.id)
                })
            })
            .await
            .unwrap();
        assert!(
            Author::find(&db, created).await.unwrap().is_some(),
            "{label}"
        );

        let failed: Result<(), Error> = db
            .transaction(|tx| {
                Box::pin(async move {
                    Author::create(
                        &mut *tx,
                        NewAuthor {
                            name: "rolled back".into(),
                        },
                    )
                    .await?;
                    Err(Error::NotFound { table: "forced" })
                })
            })
            .await;
        assert!(failed.is_err());
        let count = Author::query()
            .filter(author::name.eq("rolled back"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(count, 0, "{label}: the failed transaction left a row");

        let mut tx = db.begin().await.unwrap();
        Author::create(
            &mut tx,
            NewAuthor {
                name: "manual".into(),
            },
        )
        .await
        .unwrap();
        tx.rollback().await.unwrap();
        assert!(
            !Author::query()
                .filter(author::name.eq("manual"))
                .exists(&db)
                .await
                .unwrap()
        );
        db.close().await;
    }
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn pool_exhaustion_is_a_typed_503() {
    let db = common::fresh_with("sqlite", None, "pool_exhaustion", |c| {
        c.with_max_connections(1)
            .with_acquire_timeout(std::time::Duration::from_millis(100))
    })
    .await;
    let held = db.begin().await.unwrap();
    let err = Author::find(&db, 1).await.unwrap_err();
    assert!(matches!(err, Error::PoolExhausted), "{err:?}");
    assert_eq!(err.status(), galaxy_core::StatusCode::SERVICE_UNAVAILABLE);
    drop(held);
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn reads_go_to_replicas_until_the_session_writes() {
    // Two independent SQLite files stand in for a primary and a replica, so where a read went
    // is visible from what it returns.
    let replica_url = common::fresh_url("sqlite", None, "replica_replica").await;
    let replica = Db::connect(&replica_url).await.unwrap();
    let dir = common::migrations("sqlite");
    Migrator::from_dir(&dir)
        .unwrap()
        .run(&replica)
        .await
        .unwrap();
    replica.close().await;

    let primary_url = common::fresh_url("sqlite", None, "replica_primary").await;
    let db = Db::connect_with(galaxy_orm::DbConfig::new(primary_url).with_replica(replica_url))
        .await
        .unwrap();
    Migrator::from_dir(&dir).unwrap().run(&db).await.unwrap();

    let session = db.session();
    assert_eq!(Author::query().count(&session).await.unwrap(), 0);
    Author::create(&session, NewAuthor { name: "w".into() })
        .await
        .unwrap();
    // Sticky: this session reads its own write from the primary...
    assert_eq!(Author::query().count(&session).await.unwrap(), 1);
    // ...while a fresh session reads from the (here never-replicated) replica.
    assert_eq!(Author::query().count(&db.session()).await.unwrap(), 0);
}

#[tokio::test]
async fn eager_loading_issues_one_query_per_relation() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "eager").await;
        let mut authors = Vec::new();
        for name in ["a", "b", "c"] {
            authors.push(
                Author::create(&db, NewAuthor { name: name.into() })
                    .await
                    .unwrap(),
            );
        }
        // a: 3 posts, b: 1 post, c: none.
        for (author, count) in [(&authors[0], 3), (&authors[1], 1)] {
            for i in 0..count {
                Post::create(
                    &db,
                    new_post(author.id, &format!("{} {i}", author.name), true),
                )
                .await
                .unwrap();
            }
        }

        let before = db.statements_executed();
        let loaded = Author::query()
            .order_by(author::name.asc())
            .with(author::posts)
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            db.statements_executed() - before,
            2,
            "{label}: authors + posts"
        );
        let counts: Vec<(&str, usize)> = loaded
            .iter()
            .map(|(a, posts)| (a.name.as_str(), posts.len()))
            .collect();
        assert_eq!(counts, [("a", 3), ("b", 1), ("c", 0)], "{label}");
        assert!(loaded[0].1.iter().all(|p| p.author_id == authors[0].id));

        let before = db.statements_executed();
        let posts = Post::query()
            .with((post::author, post::author))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            db.statements_executed() - before,
            3,
            "{label}: posts + one per relation"
        );
        assert_eq!(posts.len(), 4);
        for (post, (owner, again)) in &posts {
            let owner = owner.as_ref().expect("every post has its author");
            assert_eq!(owner.id, post.author_id, "{label}");
            assert_eq!(again.as_ref().map(|a| a.id), Some(owner.id));
        }

        let with_one = Author::query()
            .order_by(author::name.asc())
            .with(author::latest_post)
            .all(&db)
            .await
            .unwrap();
        let has: Vec<bool> = with_one.iter().map(|(_, p)| p.is_some()).collect();
        assert_eq!(has, [true, true, false], "{label}");

        // A parent listed twice gets its children twice, in one query.
        let twice = [authors[0].clone(), authors[1].clone(), authors[0].clone()];
        let before = db.statements_executed();
        let loaded = author::posts.load_many(&twice, &db).await.unwrap();
        assert_eq!(db.statements_executed() - before, 1, "{label}");
        let counts: Vec<usize> = loaded.iter().map(Vec::len).collect();
        assert_eq!(counts, [3, 1, 3], "{label}");
        assert_eq!(loaded[0], loaded[2], "{label}");

        // Not eager-loaded: an explicit, visible query.
        let (first, _) = &posts[0];
        let owner = post::author.load(first, &db).await.unwrap();
        assert_eq!(owner.map(|a| a.id), Some(first.author_id), "{label}");
        let theirs = author::posts.load(&authors[2], &db).await.unwrap();
        assert!(theirs.is_empty(), "{label}");

        // No rows: no relation query at all.
        let before = db.statements_executed();
        let none = Author::query()
            .filter(author::name.eq("nobody"))
            .with(author::posts)
            .all(&db)
            .await
            .unwrap();
        assert!(none.is_empty());
        assert_eq!(db.statements_executed() - before, 1, "{label}");
        db.close().await;
    }
}

#[tokio::test]
async fn route_binding_finds_by_key_and_hides_missing_and_trashed_rows() {
    use galaxy_orm::RouteModel;
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "route_binding").await;
        let author = Author::create(&db, NewAuthor { name: "r".into() })
            .await
            .unwrap();
        let post = Post::create(&db, new_post(author.id, "bound", true))
            .await
            .unwrap();

        let bound = Post::resolve(&db, &post.id.to_string()).await.unwrap();
        assert_eq!(bound.id, post.id, "{label}");

        for segment in ["abc", "", "99999999", "1.5"] {
            let err = Post::resolve(&db, segment).await.unwrap_err();
            assert_eq!(
                err.status(),
                galaxy_core::StatusCode::NOT_FOUND,
                "{label}: {segment:?}"
            );
        }

        let by_title = Post::resolve_by(&db, post::title, "bound").await.unwrap();
        assert_eq!(by_title.id, post.id, "{label}");
        let err = Post::resolve_by(&db, post::title, "unbound")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{label}");

        post.delete(&db).await.unwrap();
        let err = Post::resolve_by(&db, post::title, "bound")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{label}");
        let err = Post::resolve(&db, &post.id.to_string()).await.unwrap_err();
        assert!(
            matches!(err, Error::NotFound { .. }),
            "{label}: soft-deleted rows are hidden"
        );
        db.close().await;
    }
}

#[tokio::test]
async fn keyset_pages_chunks_and_upserts() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "keyset").await;
        let author = Author::create(&db, NewAuthor { name: "k".into() })
            .await
            .unwrap();
        let inputs = (0..7)
            .map(|i| new_post(author.id, &format!("p{i}"), i != 3))
            .collect();
        Post::insert_many(&db, inputs).await.unwrap();

        // Pages of 3 over the 6 published posts: 3, 3, then the end.
        let published = || Post::query().filter(post::published.eq(true));
        let first = published().cursor_page(None, 3, &db).await.unwrap();
        assert_eq!(first.items.len(), 3, "{label}");
        let second = published().cursor_page(first.next, 3, &db).await.unwrap();
        assert_eq!(second.items.len(), 3, "{label}");
        assert!(second.next.is_none(), "{label}: exactly two pages");
        assert!(first.items.last().unwrap().id < second.items[0].id);

        let mut chunks = Post::query().chunks(2);
        let mut seen = Vec::new();
        while let Some(batch) = chunks.next(&db).await.unwrap() {
            assert!(batch.len() <= 2);
            seen.extend(batch.into_iter().map(|p| p.title));
        }
        assert_eq!(seen.len(), 7, "{label}: every row once");
        seen.dedup();
        assert_eq!(seen.len(), 7, "{label}");

        // Upsert on the unique `name`: the second call finds the first row.
        let once = Author::upsert(&db, NewAuthor { name: "u".into() }, author::name)
            .await
            .unwrap();
        let twice = Author::upsert(&db, NewAuthor { name: "u".into() }, author::name)
            .await
            .unwrap();
        assert_eq!(once.id, twice.id, "{label}");
        let count = Author::query()
            .filter(author::name.eq("u"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(count, 1, "{label}");
        db.close().await;
    }
}

impl galaxy_orm::Factory for Author {
    fn definition(n: u64) -> NewAuthor {
        NewAuthor {
            name: format!("author {n}"),
        }
    }
}

#[tokio::test]
async fn factories_build_and_insert_unique_rows() {
    use galaxy_orm::Factory;
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "factories").await;
        let authors = Author::factory().count(3).create(&db).await.unwrap();
        assert_eq!(authors.len(), 3, "{label}");
        // The definition's sequence keeps the unique `name` unique.
        assert_eq!(Author::query().count(&db).await.unwrap(), 3, "{label}");

        let renamed = Author::factory()
            .state(|a| a.name.insert_str(0, "dr. "))
            .create(&db)
            .await
            .unwrap();
        assert!(renamed[0].name.starts_with("dr. author "), "{label}");
        db.close().await;
    }
}

#[tokio::test]
async fn connection_failures_are_typed() {
    // Nothing listens on port 1: the real reason surfaces, not a pool timeout.
    #[cfg(feature = "postgres")]
    {
        let err = Db::connect("postgres://postgres@127.0.0.1:1/none")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Unavailable(_)), "{err:?}");
        assert_eq!(err.status(), galaxy_core::StatusCode::SERVICE_UNAVAILABLE);
    }

    let err = Db::connect("oracle://somewhere").await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

/// A URL of a driver this build leaves out is a configuration error that names the feature to
/// enable, with pipelined connections too; never a panic.
#[cfg(not(all(feature = "sqlite", feature = "postgres", feature = "mysql")))]
#[tokio::test]
async fn a_url_of_a_driver_left_out_names_its_feature() {
    let left_out = [
        #[cfg(not(feature = "sqlite"))]
        ("sqlite::memory:", "sqlite"),
        #[cfg(not(feature = "postgres"))]
        ("postgres://postgres@127.0.0.1:1/none", "postgres"),
        #[cfg(not(feature = "postgres"))]
        ("postgresql://postgres@127.0.0.1:1/none", "postgres"),
        #[cfg(not(feature = "mysql"))]
        ("mysql://root@127.0.0.1:1/none", "mysql"),
        #[cfg(not(feature = "mysql"))]
        ("mariadb://root@127.0.0.1:1/none", "mysql"),
    ];
    let needs = |feature: &str| format!("galaxy-orm's `{feature}` feature");
    for (url, feature) in left_out {
        let err = Db::connect(url).await.unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains(&needs(feature))),
            "{url}: {err:?}"
        );
    }
    #[cfg(not(feature = "postgres"))]
    {
        let config = galaxy_orm::DbConfig::new("postgres://postgres@127.0.0.1:1/none")
            .with_pipelined_connections(1);
        let err = Db::connect_with(config).await.unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains(&needs("postgres"))),
            "{err:?}"
        );
    }
}

/// A key lookup's future is held for every row in flight (`/queries?q=500` holds 500 of them
/// for one request), so the soft-delete path's query builder, several times larger, is boxed
/// rather than carried by every `find`. Over 600 bytes when it was inline.
#[tokio::test]
async fn a_key_lookup_future_stays_small() {
    let db = Db::connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    let plain = Author::find(&db, 1);
    let soft_deleting = Post::find(&db, 1);
    for (model, size) in [
        ("Author", size_of_val(&plain)),
        ("Post", size_of_val(&soft_deleting)),
    ] {
        assert!(size <= 256, "{model}::find's future is {size} bytes");
    }
}
