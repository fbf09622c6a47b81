//! Pipelined PostgreSQL connections (`DbConfig::with_pipelined_connections`): many concurrent
//! statements over one connection, a connection the server closed replaced on next use, values
//! bound in the server's parameter types, rows and errors the same as on the sqlx path.
//!
//! The all-dialect suites (models, relations, round trip, ...) also run pipelined: see
//! `common::backends`. These are the cases only pipelining has.

#![cfg(feature = "postgres")]

mod common;

use std::collections::HashSet;

use futures_util::future::join_all;
use galaxy_orm::{Db, DbConfig, Error, Executor, Intent, Kind, Row, Sql, Value};

fn sql(text: &str, args: Vec<Value>) -> Sql {
    Sql {
        text: text.to_owned(),
        args,
    }
}

async fn fetch(db: &Db, text: &str, args: Vec<Value>) -> galaxy_orm::Result<Vec<Row>> {
    let mut ex = db;
    ex.fetch_all(sql(text, args), Intent::Read).await
}

async fn execute(db: &Db, text: &str, args: Vec<Value>) -> galaxy_orm::Result<u64> {
    let mut ex = db;
    Ok(ex.execute(sql(text, args)).await?.rows_affected)
}

async fn backend_pid(db: &Db) -> galaxy_orm::Result<i32> {
    fetch(db, "SELECT pg_backend_pid() AS pid", Vec::new()).await?[0].get("pid")
}

/// The PostgreSQL URL, or `None` (and a printed reason) when it is not set.
fn postgres_url() -> Option<String> {
    match std::env::var("GALAXY_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            println!("skipping: GALAXY_TEST_POSTGRES_URL is not set");
            None
        }
    }
}

/// A fresh database for `test`, reached with `connections` pipelined connections.
async fn pipelined(url: &str, test: &str, connections: usize) -> Db {
    common::fresh_with("postgres", Some(url), test, |c| {
        c.with_pipelined_connections(connections)
    })
    .await
}

#[tokio::test]
async fn concurrent_queries_over_one_connection_each_get_their_own_rows() {
    let Some(url) = postgres_url() else { return };
    let db = pipelined(&url, "pipelined_concurrent", 1).await;
    execute(
        &db,
        "CREATE TABLE items (id INT4 PRIMARY KEY, label TEXT NOT NULL)",
        Vec::new(),
    )
    .await
    .unwrap();
    execute(
        &db,
        "INSERT INTO items SELECT n, 'item ' || n FROM generate_series(1, 1000) AS n",
        Vec::new(),
    )
    .await
    .unwrap();

    // 500 single-row reads and 100 range reads, all in flight at once on one connection.
    let singles = join_all((0..500).map(|i| {
        let db = &db;
        async move {
            let id = (i * 7919) % 1000 + 1;
            let rows = fetch(
                db,
                "SELECT id, label FROM items WHERE id = $1",
                vec![Value::Int(id)],
            )
            .await
            .unwrap();
            (id, rows)
        }
    }));
    let ranges = join_all((0..100).map(|i| {
        let db = &db;
        async move {
            let from = i * 9 + 1;
            let rows = fetch(
                db,
                "SELECT id, label FROM items WHERE id BETWEEN $1 AND $2 ORDER BY id",
                vec![Value::Int(from), Value::Int(from + i % 5)],
            )
            .await
            .unwrap();
            (from, i % 5, rows)
        }
    }));
    let pids = join_all((0..50).map(|_| backend_pid(&db)));
    let (singles, ranges, pids) = tokio::join!(singles, ranges, pids);

    for (id, rows) in singles {
        assert_eq!(rows.len(), 1, "id {id}");
        assert_eq!(rows[0].get::<i64>("id").unwrap(), id);
        assert_eq!(
            rows[0].get::<String>("label").unwrap(),
            format!("item {id}")
        );
        assert!(
            format!("{:?}", rows[0]).contains("pipelined"),
            "{:?}",
            rows[0]
        );
    }
    for (from, extra, rows) in ranges {
        let ids: Vec<i64> = rows.iter().map(|r| r.get("id").unwrap()).collect();
        assert_eq!(ids, (from..=from + extra).collect::<Vec<_>>());
    }
    let pids: HashSet<i32> = pids.into_iter().map(Result::unwrap).collect();
    assert_eq!(pids.len(), 1, "one connection carried everything: {pids:?}");
    db.close().await;
}

#[tokio::test]
async fn a_terminated_backend_is_replaced_and_the_next_query_succeeds() {
    let Some(url) = postgres_url() else { return };
    let db = pipelined(&url, "pipelined_terminated", 1).await;
    let admin = Db::connect(&url).await.unwrap();
    execute(&db, "CREATE TABLE marks (n INT8 NOT NULL)", Vec::new())
        .await
        .unwrap();

    for round in 0..3 {
        let before = backend_pid(&db).await.unwrap();
        let killed = fetch(
            &admin,
            "SELECT pg_terminate_backend($1::INT4) AS killed",
            vec![Value::Int(before.into())],
        )
        .await
        .unwrap();
        assert!(killed[0].get::<bool>("killed").unwrap(), "round {round}");

        // No wait: the very next statement finds the connection closed (or loses it while
        // it runs, and as a read is run again) and gets a new one.
        let after = backend_pid(&db)
            .await
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_ne!(after, before, "round {round}: a new backend");
        // Writes work on the replacement too.
        let n = execute(
            &db,
            "INSERT INTO marks (n) VALUES ($1)",
            vec![Value::Int(round)],
        )
        .await
        .unwrap();
        assert_eq!(n, 1);
    }
    let count: i64 = fetch(&db, "SELECT count(*) AS n FROM marks", Vec::new())
        .await
        .unwrap()[0]
        .get("n")
        .unwrap();
    assert_eq!(count, 3);
    db.close().await;
    admin.close().await;
}

#[tokio::test]
async fn values_bind_in_the_type_the_server_inferred() {
    let Some(url) = postgres_url() else { return };
    let db = pipelined(&url, "pipelined_bind", 1).await;
    execute(
        &db,
        "CREATE TABLE narrow (small INT2, mid INT4, real_ REAL, at TIMESTAMP, code CHAR(3))",
        Vec::new(),
    )
    .await
    .unwrap();
    let insert = "INSERT INTO narrow (small, mid, real_, at, code) VALUES ($1, $2, $3, $4, $5)";
    let at = galaxy_orm::time::macros::datetime!(2024-03-01 10:00:00.25 +02:00);
    let row = |small: i64, mid: i64, real: f64| {
        vec![
            Value::Int(small),
            Value::Int(mid),
            Value::Float(real),
            Value::Timestamp(at),
            Value::Text("abc".into()),
        ]
    };
    assert_eq!(execute(&db, insert, row(-7, 70_000, 1.5)).await.unwrap(), 1);
    let read = &fetch(&db, "SELECT * FROM narrow", Vec::new())
        .await
        .unwrap()[0];
    assert_eq!(read.value("small").unwrap(), Value::Int(-7));
    assert_eq!(read.value("mid").unwrap(), Value::Int(70_000));
    assert_eq!(read.value("real_").unwrap(), Value::Float(1.5));
    // A TIMESTAMP column stores UTC wall-clock time and reads back as the same instant.
    assert_eq!(read.value("at").unwrap(), Value::Timestamp(at));
    assert_eq!(read.value("code").unwrap(), Value::Text("abc".into()));

    // Too big for the parameter: an error (a 422 like the server's own "out of range"),
    // never a wrapped value.
    for args in [row(40_000, 1, 0.0), row(1, i64::from(i32::MAX) + 1, 0.0)] {
        let err = execute(&db, insert, args).await.unwrap_err();
        assert!(matches!(err, Error::InvalidValue { .. }), "{err:?}");
        assert_eq!(err.status(), 422);
    }
    let err = execute(&db, insert, row(1, 1, 1e300)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidValue { .. }), "{err:?}");
    let stored: i64 = fetch(&db, "SELECT count(*) AS n FROM narrow", Vec::new())
        .await
        .unwrap()[0]
        .get("n")
        .unwrap();
    assert_eq!(stored, 1, "nothing of the refused rows was written");

    // A value of the wrong family is an encoding error naming both.
    let err = fetch(
        &db,
        "SELECT 1 AS one FROM narrow WHERE mid = $1",
        vec![Value::Text("x".into())],
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::Encode(m) if m.contains("text") && m.contains("int4")),
        "{err:?}"
    );

    // A parameter the server cannot type (`$1 IS NULL`) is declared from the value, as sqlx
    // declares every parameter.
    let rows = fetch(
        &db,
        "SELECT 1 AS one WHERE $1 IS NULL",
        vec![Value::Null(Kind::Int)],
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
    db.close().await;
}

/// Runs the same statements through the pool and pipelined, and expects the same values and
/// the same errors.
#[tokio::test]
async fn rows_and_errors_are_the_same_as_on_the_sqlx_path() {
    let Some(url) = postgres_url() else { return };
    let url = common::fresh_url("postgres", Some(&url), "pipelined_same").await;
    let pooled = Db::connect(&url).await.unwrap();
    let piped = Db::connect_with(DbConfig::new(url.clone()).with_pipelined_connections(1))
        .await
        .unwrap();
    execute(
        &pooled,
        "CREATE TABLE parents (id INT8 PRIMARY KEY, name VARCHAR(5) NOT NULL UNIQUE)",
        Vec::new(),
    )
    .await
    .unwrap();
    execute(
        &pooled,
        "CREATE TABLE children (id INT8 PRIMARY KEY, parent_id INT8 NOT NULL REFERENCES parents (id))",
        Vec::new(),
    )
    .await
    .unwrap();
    execute(&pooled, "INSERT INTO parents VALUES (1, 'ada')", Vec::new())
        .await
        .unwrap();

    let select = "SELECT TRUE AS b, 2::INT2 AS i2, 4::INT4 AS i4, 8::INT8 AS i8, \
                  1.5::FLOAT4 AS f4, 2.5::FLOAT8 AS f8, 'é'::TEXT AS t, 'v'::VARCHAR AS v, \
                  'c'::CHAR(2) AS c, 'n'::NAME AS n, '\\x00ff'::BYTEA AS by, \
                  '2024-03-01 10:00:00.5+02'::TIMESTAMPTZ AS tz, \
                  '2024-03-01 10:00:00.5'::TIMESTAMP AS ts, NULL::INT4 AS null_int, \
                  NULL::JSONB AS null_json";
    let columns = [
        "b",
        "i2",
        "i4",
        "i8",
        "f4",
        "f8",
        "t",
        "v",
        "c",
        "n",
        "by",
        "tz",
        "ts",
        "null_int",
        "null_json",
    ];
    let a = &fetch(&pooled, select, Vec::new()).await.unwrap()[0];
    let b = &fetch(&piped, select, Vec::new()).await.unwrap()[0];
    for column in columns {
        assert_eq!(
            a.value(column).unwrap(),
            b.value(column).unwrap(),
            "{column}"
        );
    }
    let json = "SELECT '{}'::JSONB AS j";
    let a = fetch(&pooled, json, Vec::new()).await.unwrap()[0].value("j");
    let b = fetch(&piped, json, Vec::new()).await.unwrap()[0].value("j");
    assert_eq!(a.unwrap_err().to_string(), b.unwrap_err().to_string());
    let a = fetch(&pooled, json, Vec::new()).await.unwrap()[0].value("missing");
    let b = fetch(&piped, json, Vec::new()).await.unwrap()[0].value("missing");
    assert_eq!(a.unwrap_err().to_string(), b.unwrap_err().to_string());

    let failing = [
        ("INSERT INTO parents VALUES (2, 'ada')", "unique"),
        ("INSERT INTO children VALUES (1, 99)", "foreign key"),
        ("INSERT INTO parents VALUES (3, NULL)", "not null"),
        ("INSERT INTO parents VALUES (4, 'too long')", "too long"),
        (
            "INSERT INTO parents VALUES (1 / 0, 'x')",
            "division by zero",
        ),
        ("INSERT INTO nowhere VALUES (1)", "missing table"),
        ("SELEC 1", "syntax"),
    ];
    for (statement, what) in failing {
        let a = execute(&pooled, statement, Vec::new()).await.unwrap_err();
        let b = execute(&piped, statement, Vec::new()).await.unwrap_err();
        assert_eq!(
            std::mem::discriminant(&a),
            std::mem::discriminant(&b),
            "{what}: {a:?} vs {b:?}"
        );
        assert_eq!(a.to_string(), b.to_string(), "{what}");
        assert_eq!(a.status(), b.status(), "{what}");
    }
    let unique = execute(&piped, failing[0].0, Vec::new()).await.unwrap_err();
    assert!(
        matches!(&unique, Error::UniqueViolation { constraint: Some(c) } if c == "parents_name_key"),
        "{unique:?}"
    );
    pooled.close().await;
    piped.close().await;
}

#[tokio::test]
async fn the_statement_cache_is_bounded() {
    let Some(url) = postgres_url() else { return };
    let db = pipelined(&url, "pipelined_cache", 1).await;
    for i in 0..300 {
        let text = format!("SELECT $1::INT8 + {i} AS v");
        let rows = fetch(&db, &text, vec![Value::Int(1)]).await.unwrap();
        assert_eq!(rows[0].get::<i64>("v").unwrap(), 1 + i);
    }
    let prepared: i64 = fetch(
        &db,
        "SELECT count(*) AS n FROM pg_prepared_statements",
        Vec::new(),
    )
    .await
    .unwrap()[0]
        .get("n")
        .unwrap();
    assert!(
        (200..=256).contains(&prepared),
        "{prepared} statements prepared on the connection"
    );
    // Evicted texts are prepared again when they come back.
    let rows = fetch(&db, "SELECT $1::INT8 + 0 AS v", vec![Value::Int(5)])
        .await
        .unwrap();
    assert_eq!(rows[0].get::<i64>("v").unwrap(), 5);
    db.close().await;
}

#[tokio::test]
async fn the_pool_opens_nothing_until_a_transaction_needs_it() {
    let Some(url) = postgres_url() else { return };
    let db = pipelined(&url, "pipelined_lazy", 2).await;
    let backends = "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()";
    let count = |db: Db| async move {
        fetch(&db, backends, Vec::new()).await.unwrap()[0]
            .get::<i64>("n")
            .unwrap()
    };
    assert_eq!(
        count(db.clone()).await,
        2,
        "the two pipelined connections only"
    );
    let answer = db
        .transaction(|tx| {
            Box::pin(async move {
                let mut ex = &mut *tx;
                let rows = ex
                    .fetch_all(sql("SELECT 42 AS a", Vec::new()), Intent::Read)
                    .await?;
                rows[0].get::<i64>("a")
            })
        })
        .await
        .unwrap();
    assert_eq!(answer, 42);
    assert_eq!(
        count(db.clone()).await,
        3,
        "and the pool's one, for the transaction"
    );
    db.close().await;
}

#[tokio::test]
async fn replicas_get_pipelined_connections_of_their_own() {
    let Some(url) = postgres_url() else { return };
    let url = common::fresh_url("postgres", Some(&url), "pipelined_replicas").await;
    let db = Db::connect_with(
        DbConfig::new(url.clone())
            .with_replica(url.clone())
            .with_pipelined_connections(1),
    )
    .await
    .unwrap();
    // Reads go to the replica, writes (and reads right after them) to the primary: two
    // different pipelined connections.
    let read = backend_pid(&db.session()).await.unwrap();
    let session = db.session();
    let mut ex = &session;
    let written = ex
        .fetch_all(
            sql("SELECT pg_backend_pid() AS pid", Vec::new()),
            Intent::Write,
        )
        .await
        .unwrap()[0]
        .get::<i32>("pid")
        .unwrap();
    assert_ne!(read, written);
    assert_eq!(backend_pid(&session).await.unwrap(), written, "sticky");
    db.close().await;
}

#[tokio::test]
async fn a_closed_db_answers_unavailable() {
    let Some(url) = postgres_url() else { return };
    let db = pipelined(&url, "pipelined_closed", 2).await;
    assert!(backend_pid(&db).await.is_ok());
    db.close().await;
    let err = backend_pid(&db).await.unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err:?}");
    assert_eq!(err.status(), 503);
}

#[tokio::test]
async fn pipelining_is_refused_where_it_cannot_work() {
    for url in ["sqlite::memory:", "mysql://root@127.0.0.1:1/none"] {
        let err = Db::connect_with(DbConfig::new(url).with_pipelined_connections(1))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains("PostgreSQL only")),
            "{url}: {err:?}"
        );
    }
    let err = Db::connect_with(
        DbConfig::new("postgres://postgres@127.0.0.1:1/none?sslmode=require")
            .with_pipelined_connections(1),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("TLS")),
        "{err:?}"
    );
    // Nothing listens on port 1: the real reason, as without pipelining.
    let err = Db::connect_with(
        DbConfig::new("postgres://postgres@127.0.0.1:1/none").with_pipelined_connections(1),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err:?}");
}
