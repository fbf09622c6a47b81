//! Seeders: ordered, once per database, rolled back on failure, once under concurrency; on
//! every configured database.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use galaxy_orm::{
    Db, Error, Factory, Migrator, Model, SeedFuture, SeedRunner, Seeder, Transaction,
};

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_authors", migrations = "migrations/sqlite")]
pub struct Author {
    pub id: i64,
    #[galaxy(fillable)]
    pub name: String,
}

impl Factory for Author {
    fn definition(n: u64) -> NewAuthor {
        NewAuthor {
            name: format!("author {n}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_tags", migrations = "migrations/sqlite")]
pub struct Tag {
    pub id: i64,
    #[galaxy(fillable)]
    pub name: String,
}

/// Three authors from the factory; counts its runs.
struct Authors(Arc<AtomicU32>);

impl Seeder for Authors {
    fn name(&self) -> &'static str {
        "authors"
    }
    fn run<'a>(&'a self, tx: &'a mut Transaction) -> SeedFuture<'a> {
        Box::pin(async move {
            self.0.fetch_add(1, Ordering::SeqCst);
            Author::factory().count(3).create(tx).await?;
            Ok(())
        })
    }
}

/// One tag per author, so it must run after `Authors`.
struct TagPerAuthor;

impl Seeder for TagPerAuthor {
    fn name(&self) -> &'static str {
        "tags"
    }
    fn run<'a>(&'a self, tx: &'a mut Transaction) -> SeedFuture<'a> {
        Box::pin(async move {
            let authors = Author::query().all(&mut *tx).await?;
            assert_eq!(authors.len(), 3, "authors seeded first");
            for author in authors {
                Tag::create(
                    &mut *tx,
                    NewTag {
                        name: format!("by {}", author.name),
                    },
                )
                .await?;
            }
            Ok(())
        })
    }
}

/// Writes, then fails (until `fixed`): its write must not stay.
struct Flaky {
    fixed: bool,
}

impl Seeder for Flaky {
    fn name(&self) -> &'static str {
        "flaky"
    }
    fn run<'a>(&'a self, tx: &'a mut Transaction) -> SeedFuture<'a> {
        Box::pin(async move {
            Tag::create(
                &mut *tx,
                NewTag {
                    name: "flaky".into(),
                },
            )
            .await?;
            if self.fixed {
                Ok(())
            } else {
                Err(Error::Config("the flaky seeder failed".into()))
            }
        })
    }
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

#[tokio::test]
async fn seeders_run_in_order_once_and_roll_back_on_failure() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "seed_order").await;
        let runs = Arc::new(AtomicU32::new(0));
        let seeds = SeedRunner::new()
            .with(Authors(runs.clone()))
            .with(TagPerAuthor)
            .with(Flaky { fixed: false });
        assert_eq!(
            seeds.status(&db).await.unwrap(),
            [("authors", false), ("tags", false), ("flaky", false)]
        );

        let err = seeds.run(&db).await.unwrap_err();
        assert!(err.to_string().contains("flaky"), "{label}: {err}");
        assert_eq!(
            seeds.status(&db).await.unwrap(),
            [("authors", true), ("tags", true), ("flaky", false)],
            "{label}"
        );
        assert_eq!(Author::query().count(&db).await.unwrap(), 3, "{label}");
        assert!(
            !Tag::query()
                .filter(tag::name.eq("flaky"))
                .exists(&db)
                .await
                .unwrap(),
            "{label}: the failed seeder's write was rolled back"
        );

        // Fixed, the runner picks up where it stopped; nothing runs twice.
        let seeds = SeedRunner::new()
            .with(Authors(runs.clone()))
            .with(TagPerAuthor)
            .with(Flaky { fixed: true });
        assert_eq!(seeds.run(&db).await.unwrap(), ["flaky"], "{label}");
        assert!(seeds.run(&db).await.unwrap().is_empty(), "{label}");
        assert_eq!(runs.load(Ordering::SeqCst), 1, "{label}");
        assert_eq!(Author::query().count(&db).await.unwrap(), 3, "{label}");
        assert_eq!(Tag::query().count(&db).await.unwrap(), 4, "{label}");
        db.close().await;
    }
}

#[tokio::test]
async fn seeders_run_once_when_processes_seed_at_once() {
    for (label, url) in common::backends() {
        let url = common::fresh_url(label, url.as_deref(), "seed_concurrent").await;
        let db = Db::connect_with(common::config(label, url.clone()))
            .await
            .unwrap();
        Migrator::from_dir(common::migrations(label))
            .unwrap()
            .run(&db)
            .await
            .unwrap();
        let runs = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for _ in 0..4 {
            // A pool of its own per "process".
            let other = Db::connect_with(common::config(label, url.clone()))
                .await
                .unwrap();
            let runs = runs.clone();
            tasks.push(tokio::spawn(async move {
                let ran = SeedRunner::new()
                    .with(Authors(runs))
                    .run(&other)
                    .await
                    .unwrap();
                other.close().await;
                ran.len()
            }));
        }
        let mut total = 0;
        for task in tasks {
            total += task.await.unwrap();
        }
        assert_eq!(total, 1, "{label}: one process seeded");
        assert_eq!(runs.load(Ordering::SeqCst), 1, "{label}");
        assert_eq!(Author::query().count(&db).await.unwrap(), 3, "{label}");
        db.close().await;
    }
}
