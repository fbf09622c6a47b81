//! sqlx's own `query!` / `query_as!` beside galaxy-orm, checked at compile time against
//! PostgreSQL through the offline data committed in `galaxy-orm/.sqlx/` (CI builds with
//! `SQLX_OFFLINE=true`, so no database is needed to compile). At run time the queries run on
//! `GALAXY_TEST_POSTGRES_URL`, on a database migrated by galaxy-orm's `Migrator`.
//!
//! To regenerate the data after changing a query: migrate a PostgreSQL database with
//! `tests/migrations/postgres`, then build this test with `DATABASE_URL` pointing at it and
//! `SQLX_OFFLINE_DIR=$PWD/galaxy-orm/.sqlx` (sqlx writes one `query-*.json` per query).

// The queries are checked as PostgreSQL's: without that driver sqlx cannot check them.
#![cfg(feature = "postgres")]

mod common;

use galaxy_orm::{Migrator, Model};

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_authors", migrations = "migrations/sqlite")]
pub struct Author {
    pub id: i64,
    #[galaxy(fillable)]
    pub name: String,
}

/// A row read by `query_as!`: sqlx checks the columns and their types against this struct.
#[derive(Debug, PartialEq)]
struct AuthorRow {
    id: i64,
    name: String,
}

#[tokio::test]
async fn sqlx_query_macros_run_beside_galaxy_orm() {
    let Ok(url) = std::env::var("GALAXY_TEST_POSTGRES_URL") else {
        println!("skipping: GALAXY_TEST_POSTGRES_URL is not set");
        return;
    };
    let url = common::fresh_url("postgres", Some(&url), "sqlx_macros").await;
    let db = galaxy_orm::Db::connect(&url).await.unwrap();
    Migrator::from_dir(common::migrations("postgres"))
        .unwrap()
        .run(&db)
        .await
        .unwrap();
    let ada = Author::create(&db, NewAuthor { name: "ada".into() })
        .await
        .unwrap();

    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    // `query!`: an anonymous record whose field types come from the database.
    let row = sqlx::query!("SELECT id, name FROM orm_authors WHERE name = $1", "ada")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((row.id, row.name.as_str()), (ada.id, "ada"));

    // `query_as!` into a struct, and an insert with `RETURNING`.
    let bob = sqlx::query_as!(
        AuthorRow,
        "INSERT INTO orm_authors (name) VALUES ($1) RETURNING id, name",
        "bob"
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(bob.name, "bob");

    // What sqlx wrote, galaxy-orm reads, and the other way round.
    let found = Author::find_or_fail(&db, bob.id).await.unwrap();
    assert_eq!(found.name, "bob");
    let all = sqlx::query_as!(AuthorRow, "SELECT id, name FROM orm_authors ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        all,
        [
            AuthorRow {
                id: ada.id,
                name: "ada".into()
            },
            bob
        ]
    );
    pool.close().await;
    db.close().await;
}
