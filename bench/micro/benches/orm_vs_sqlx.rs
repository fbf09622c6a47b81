//! galaxy-orm against the same queries written in raw sqlx, on SQLite (always) and PostgreSQL
//! (when `GALAXY_TEST_POSTGRES_URL` is set): a row by key, 20 rows, and 20 rows with their
//! comments eager-loaded (two queries either way). Both sides use a pool of one connection to
//! the same database, opened with the same connect options (on SQLite galaxy-orm's: WAL, a busy
//! timeout, foreign keys), skip the liveness ping before each use (galaxy-orm pings only
//! connections idle for a second; sqlx's default pings every time) and send the same SQL, so
//! the difference is what galaxy-orm adds.

use std::collections::HashMap;
use std::hint::black_box;
use std::str::FromStr;

use criterion::{Criterion, criterion_group, criterion_main};
use galaxy_orm::{Db, DbConfig, Model};
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use tokio::runtime::Runtime;

#[derive(Debug, Model)]
#[galaxy(table = "bench_posts", migrations = "migrations", has_many(comments = BenchComment, foreign_key = "post_id"))]
pub struct BenchPost {
    pub id: i64,
    pub title: String,
    pub views: i64,
    pub published: bool,
}

#[derive(Debug, Model)]
#[galaxy(table = "bench_comments", migrations = "migrations")]
pub struct BenchComment {
    pub id: i64,
    pub post_id: i64,
    pub body: String,
}

/// The hand-written side: the driver's own pool and rows mapped by hand.
enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

const POSTS: i64 = 200;

/// `$1` for PostgreSQL, `?` for SQLite.
fn placeholder(raw: &Raw, n: usize) -> String {
    match raw {
        Raw::Sqlite(_) => "?".to_owned(),
        Raw::Postgres(_) => format!("${n}"),
    }
}

macro_rules! on_raw {
    ($raw:expr, |$pool:ident| $body:expr) => {
        match $raw {
            Raw::Sqlite($pool) => $body,
            Raw::Postgres($pool) => $body,
        }
    };
}

fn post_from<R: Row>(row: &R) -> BenchPost
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    BenchPost {
        id: row.get(0),
        title: row.get(1),
        views: row.get(2),
        published: row.get(3),
    }
}

async fn raw_find(raw: &Raw, id: i64) -> Option<BenchPost> {
    let sql = format!(
        "SELECT id, title, views, published FROM bench_posts WHERE id = {}",
        placeholder(raw, 1)
    );
    on_raw!(raw, |pool| sqlx::query(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await
        .expect("raw find")
        .map(|row| post_from(&row)))
}

async fn raw_twenty(raw: &Raw) -> Vec<BenchPost> {
    let sql = format!(
        "SELECT id, title, views, published FROM bench_posts WHERE published = {} ORDER BY id ASC LIMIT 20",
        placeholder(raw, 1)
    );
    on_raw!(raw, |pool| sqlx::query(&sql)
        .bind(true)
        .fetch_all(pool)
        .await
        .expect("raw 20 rows")
        .iter()
        .map(post_from)
        .collect())
}

async fn raw_twenty_with_comments(raw: &Raw) -> Vec<(BenchPost, Vec<BenchComment>)> {
    let posts = raw_twenty(raw).await;
    let marks: Vec<String> = (1..=posts.len()).map(|n| placeholder(raw, n)).collect();
    let sql = format!(
        "SELECT id, post_id, body FROM bench_comments WHERE post_id IN ({})",
        marks.join(", ")
    );
    let comments: Vec<BenchComment> = on_raw!(raw, |pool| {
        let mut query = sqlx::query(&sql);
        for post in &posts {
            query = query.bind(post.id);
        }
        query
            .fetch_all(pool)
            .await
            .expect("raw comments")
            .iter()
            .map(|row| BenchComment {
                id: row.get(0),
                post_id: row.get(1),
                body: row.get(2),
            })
            .collect()
    });
    let mut by_post: HashMap<i64, Vec<BenchComment>> = HashMap::new();
    for comment in comments {
        by_post.entry(comment.post_id).or_default().push(comment);
    }
    posts
        .into_iter()
        .map(|post| {
            let comments = by_post.remove(&post.id).unwrap_or_default();
            (post, comments)
        })
        .collect()
}

/// Fresh tables with `POSTS` posts (every other one published) and three comments each.
async fn seed(raw: &Raw) {
    let statements = [
        "DROP TABLE IF EXISTS bench_comments",
        "DROP TABLE IF EXISTS bench_posts",
        include_str!("../migrations/0001_create_bench_posts.up.sql"),
    ];
    for sql in statements {
        for statement in sql.split(';').filter(|s| !s.trim().is_empty()) {
            on_raw!(raw, |pool| sqlx::query(statement)
                .execute(pool)
                .await
                .map(drop)
                .expect("ddl"));
        }
    }
    let post = format!(
        "INSERT INTO bench_posts (id, title, views, published) VALUES ({}, {}, {}, {})",
        placeholder(raw, 1),
        placeholder(raw, 2),
        placeholder(raw, 3),
        placeholder(raw, 4)
    );
    let comment = format!(
        "INSERT INTO bench_comments (id, post_id, body) VALUES ({}, {}, {})",
        placeholder(raw, 1),
        placeholder(raw, 2),
        placeholder(raw, 3)
    );
    for id in 1..=POSTS {
        on_raw!(raw, |pool| sqlx::query(&post)
            .bind(id)
            .bind(format!("post {id}"))
            .bind(id * 7)
            .bind(id % 2 == 0)
            .execute(pool)
            .await
            .map(drop)
            .expect("seed post"));
        for c in 0..3 {
            on_raw!(raw, |pool| sqlx::query(&comment)
                .bind(id * 10 + c)
                .bind(id)
                .bind(format!("comment {c} on {id}"))
                .execute(pool)
                .await
                .map(drop)
                .expect("seed comment"));
        }
    }
}

async fn backends() -> Vec<(&'static str, Db, Raw)> {
    let mut out = Vec::new();
    let file = std::env::temp_dir().join(format!("galaxy-bench-{}.db", std::process::id()));
    let sqlite_url = format!("sqlite://{}?mode=rwc", file.display());
    let config = DbConfig::new(sqlite_url.clone()).with_max_connections(1);
    // What galaxy-orm sets on every SQLite connection (see its `db/pool.rs`): the same here, so
    // both sides run the same database configuration.
    let options = SqliteConnectOptions::from_str(&sqlite_url)
        .expect("a SQLite URL")
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(config.busy_timeout)
        .foreign_keys(true);
    let raw = Raw::Sqlite(
        sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .expect("sqlite"),
    );
    seed(&raw).await;
    let db = Db::connect_with(config).await.expect("galaxy sqlite");
    out.push(("sqlite", db, raw));
    match std::env::var("GALAXY_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => {
            let raw = Raw::Postgres(
                sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .test_before_acquire(false)
                    .connect(&url)
                    .await
                    .expect("GALAXY_TEST_POSTGRES_URL is set but unreachable"),
            );
            seed(&raw).await;
            let db = Db::connect_with(DbConfig::new(url).with_max_connections(1))
                .await
                .expect("galaxy postgres");
            out.push(("postgres", db, raw));
        }
        _ => println!("skipping postgres: GALAXY_TEST_POSTGRES_URL is not set"),
    }
    out
}

fn orm_vs_sqlx(c: &mut Criterion) {
    let runtime = Runtime::new().expect("a runtime");
    let backends = runtime.block_on(backends());
    for (label, db, raw) in &backends {
        let mut group = c.benchmark_group(format!("orm_vs_sqlx/{label}"));
        group.bench_function("find by key: galaxy-orm", |b| {
            b.iter(|| {
                runtime.block_on(async { black_box(BenchPost::find(db, 42).await.unwrap()) })
            });
        });
        group.bench_function("find by key: sqlx", |b| {
            b.iter(|| runtime.block_on(async { black_box(raw_find(raw, 42).await) }));
        });
        group.bench_function("20 rows: galaxy-orm", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let posts = BenchPost::query()
                        .filter(bench_post::published.eq(true))
                        .order_by(bench_post::id.asc())
                        .limit(20)
                        .all(db)
                        .await
                        .unwrap();
                    black_box(posts)
                })
            });
        });
        group.bench_function("20 rows: sqlx", |b| {
            b.iter(|| runtime.block_on(async { black_box(raw_twenty(raw).await) }));
        });
        group.bench_function("20 rows + comments: galaxy-orm", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let posts = BenchPost::query()
                        .filter(bench_post::published.eq(true))
                        .order_by(bench_post::id.asc())
                        .limit(20)
                        .with(bench_post::comments)
                        .all(db)
                        .await
                        .unwrap();
                    black_box(posts)
                })
            });
        });
        group.bench_function("20 rows + comments: sqlx", |b| {
            b.iter(|| runtime.block_on(async { black_box(raw_twenty_with_comments(raw).await) }));
        });
        group.finish();
    }
}

criterion_group!(benches, orm_vs_sqlx);
criterion_main!(benches);
