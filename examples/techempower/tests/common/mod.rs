//! A seeded benchmark database, the app served on it over a real socket, a minimal HTTP/1.1
//! client, and the checks of every rule.

#![allow(dead_code, unreachable_pub)]

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use galaxy_core::{Server, ServerConfig};
use galaxy_orm::{Db, DbConfig, Executor, Migrator, Model, Sql};
use serde_json::Value;
use techempower::models::World;
use techempower::{Benchmark, Database};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The fortunes of shared/bench/tfb-db.sql.
pub const FORTUNES: [(i32, &str); 12] = [
    (1, "fortune: No such file or directory"),
    (
        2,
        "A computer scientist is someone who fixes things that aren't broken.",
    ),
    (3, "After enough decimal places, nobody gives a damn."),
    (
        4,
        "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    ),
    (
        5,
        "A computer program does what you tell it to do, not what you want it to do.",
    ),
    (
        6,
        "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    ),
    (7, "Any program that runs right is obsolete."),
    (
        8,
        "A list is only as strong as its weakest link. — Donald Knuth",
    ),
    (9, "Feature: A bug with seniority."),
    (10, "Computers make very fast, very accurate mistakes."),
    (
        11,
        "<script>alert(\"This should not be displayed in a browser alert box.\");</script>",
    ),
    (12, "フレームワークのベンチマーク"),
];

pub const WORLDS: i32 = 10_000;

/// A database with the benchmark's tables and rows, and the app served on it.
pub struct Seeded {
    pub label: &'static str,
    /// The app's state: the same thread, so the same pool as the server's requests use.
    pub database: Database,
    pub server: Server,
    /// The SQLite file, removed on drop.
    file: Option<PathBuf>,
}

impl Drop for Seeded {
    fn drop(&mut self) {
        if let Some(path) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
}

impl Seeded {
    /// A fresh SQLite file named after `test`.
    pub async fn sqlite(test: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("galaxy_tfb_{test}_{}.db", std::process::id()));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let config = DbConfig::new(format!("sqlite://{}", path.display()));
        let mut seeded = Self::seed("sqlite", config).await;
        seeded.file = Some(path);
        seeded
    }

    /// A database `name` created afresh on the PostgreSQL server at `url` (other tests use
    /// that server's database; this one is ours alone), served with `pipelined` pipelined
    /// connections (0: the pool only).
    pub async fn postgres(url: &str, name: &str, pipelined: usize) -> Self {
        let admin = Db::connect(url)
            .await
            .unwrap_or_else(|e| panic!("postgres at {url} is set but unreachable: {e}"));
        for statement in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            run(&admin, statement).await;
        }
        admin.close().await;
        let config = DbConfig::new(with_database(url, name)).with_pipelined_connections(pipelined);
        Self::seed("postgres", config).await
    }

    async fn seed(label: &'static str, config: DbConfig) -> Self {
        let url = config.url.clone();
        let db = Db::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{label}: cannot connect to {url}: {e}"));
        let migrations = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        Migrator::from_dir(migrations)
            .unwrap()
            .run(&db)
            .await
            .unwrap_or_else(|e| panic!("{label}: migrations failed: {e}"));
        // The values are integers this test generates and constant messages: literals are safe.
        for chunk in (1..=WORLDS).collect::<Vec<_>>().chunks(1_000) {
            let values: Vec<String> = chunk
                .iter()
                .map(|id| format!("({id}, {})", fastrand::i32(1..=WORLDS)))
                .collect();
            run(
                &db,
                format!(
                    "INSERT INTO world (id, randomnumber) VALUES {}",
                    values.join(", ")
                ),
            )
            .await;
        }
        let fortunes: Vec<String> = FORTUNES
            .iter()
            .map(|(id, message)| format!("({id}, '{}')", message.replace('\'', "''")))
            .collect();
        run(
            &db,
            format!(
                "INSERT INTO fortune (id, message) VALUES {}",
                fortunes.join(", ")
            ),
        )
        .await;
        db.close().await;

        let database = Database::new(config.with_max_connections(8));
        let config = ServerConfig::builder()
            .addr(([127, 0, 0, 1], 0).into())
            .build();
        let server = Server::bind(Benchmark::new(database.clone()), config)
            .await
            .unwrap();
        Self {
            label,
            database,
            server,
            file: None,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// The app's pool on this thread: the one the server's requests ran on.
    pub async fn db(&self) -> Db {
        self.database.pool().await.unwrap()
    }
}

/// `postgres://user@host:port/db?x` with `name` as the database (the query kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let server = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

async fn run(db: &Db, text: String) {
    let mut ex = db;
    ex.execute(Sql {
        text,
        args: Vec::new(),
    })
    .await
    .unwrap_or_else(|e| panic!("seeding failed: {e}"));
}

/// A response as it came off the socket.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// `GET path` over a new connection, read to the end (the request asks to close).
pub async fn get(addr: SocketAddr, path: &str) -> Raw {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut bytes))
        .await
        .expect("the response within 30 s")
        .unwrap();
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = std::str::from_utf8(&bytes[..split]).unwrap();
    let body = bytes[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    Raw {
        status,
        headers,
        body,
    }
}

/// The headers every response must carry, and status 200.
fn assert_common_rules(path: &str, res: &Raw) {
    assert_eq!(
        res.status,
        200,
        "{path}: {}",
        String::from_utf8_lossy(&res.body)
    );
    assert_eq!(res.header("server"), Some("galaxy"), "{path}: Server");
    let date = res
        .header("date")
        .unwrap_or_else(|| panic!("{path}: no Date"));
    let date = httpdate::parse_http_date(date).unwrap_or_else(|e| panic!("{path}: Date: {e}"));
    let age = SystemTime::now()
        .duration_since(date)
        .unwrap_or(Duration::ZERO);
    assert!(age < Duration::from_secs(3), "{path}: Date is {age:?} old");
    assert!(res.header("content-type").is_some(), "{path}: Content-Type");
    let length: usize = res
        .header("content-length")
        .unwrap_or_else(|| panic!("{path}: no Content-Length"))
        .parse()
        .unwrap();
    assert_eq!(length, res.body.len(), "{path}: Content-Length");
}

/// A `World` object as the rules want it: exactly `id` and `randomNumber`, both in range.
fn world_of(path: &str, value: &Value) -> (i32, i32) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{path}: {value}"));
    assert_eq!(object.len(), 2, "{path}: {value}");
    let id = object["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{path}: {value}"));
    let number = object["randomNumber"]
        .as_i64()
        .unwrap_or_else(|| panic!("{path}: {value}"));
    assert!((1..=i64::from(WORLDS)).contains(&id), "{path}: id {id}");
    assert!(
        (1..=i64::from(WORLDS)).contains(&number),
        "{path}: {number}"
    );
    (id as i32, number as i32)
}

async fn stored(db: &Db, id: i32) -> i32 {
    World::find_or_fail(db, id).await.unwrap().randomnumber
}

pub async fn check_every_rule(seeded: &Seeded) {
    let label = seeded.label;
    let addr = seeded.addr();

    let res = get(addr, "/plaintext").await;
    assert_common_rules("/plaintext", &res);
    assert_eq!(res.text(), "Hello, World!");
    assert!(
        res.header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );

    let res = get(addr, "/json").await;
    assert_common_rules("/json", &res);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(res.json(), serde_json::json!({"message": "Hello, World!"}));

    check_db(seeded).await;
    check_queries(seeded).await;
    check_fortunes(seeded).await;
    check_updates(seeded).await;

    // Date is fresh: a second later it has moved on.
    let first = get(addr, "/db").await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let second = get(addr, "/db").await;
    assert_ne!(
        first.header("date"),
        second.header("date"),
        "{label}: Date is cached"
    );
}

async fn check_db(seeded: &Seeded) {
    let db = seeded.db().await;
    let mut ids = HashSet::new();
    for _ in 0..20 {
        let before = db.statements_executed();
        let res = get(seeded.addr(), "/db").await;
        assert_common_rules("/db", &res);
        assert_eq!(res.header("content-type"), Some("application/json"));
        assert_eq!(db.statements_executed() - before, 1, "/db: one query");
        let (id, number) = world_of("/db", &res.json());
        assert_eq!(stored(&db, id).await, number, "/db: the stored row");
        ids.insert(id);
    }
    assert!(ids.len() > 1, "/db: the row is random, not always {ids:?}");
}

async fn check_queries(seeded: &Seeded) {
    let db = seeded.db().await;
    for (query, rows) in [
        ("", 1),
        ("?q=", 1),
        ("?q=0", 1),
        ("?q=foo", 1),
        ("?q=-3", 1),
        ("?q=1", 1),
        ("?q=20", 20),
        ("?q=500", 500),
        ("?q=501", 500),
        ("?q=99999999999999999999", 500),
        ("?other=1&q=7", 7),
    ] {
        let path = format!("/queries{query}");
        let before = db.statements_executed();
        let res = get(seeded.addr(), &path).await;
        assert_common_rules(&path, &res);
        assert_eq!(res.header("content-type"), Some("application/json"));
        let worlds = res.json();
        let worlds = worlds
            .as_array()
            .unwrap_or_else(|| panic!("{path}: an array"));
        assert_eq!(worlds.len(), rows, "{path}");
        assert_eq!(
            db.statements_executed() - before,
            rows as u64,
            "{path}: one query per row"
        );
        for world in worlds {
            let (id, number) = world_of(&path, world);
            if rows <= 20 {
                assert_eq!(stored(&db, id).await, number, "{path}: the stored row");
            }
        }
    }
}

async fn check_fortunes(seeded: &Seeded) {
    let db = seeded.db().await;
    let before = db.statements_executed();
    let res = get(seeded.addr(), "/fortunes").await;
    assert_common_rules("/fortunes", &res);
    assert_eq!(db.statements_executed() - before, 1, "/fortunes: one query");
    assert_eq!(res.header("content-type"), Some("text/html; charset=utf-8"));
    let mut expected: Vec<(i32, &str)> = FORTUNES.to_vec();
    expected.push((0, "Additional fortune added at request time."));
    expected.sort_by(|a, b| a.1.cmp(b.1));
    let mut page = String::from(
        "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>",
    );
    for (id, message) in expected {
        let escaped = message
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        page.push_str(&format!("<tr><td>{id}</td><td>{escaped}</td></tr>"));
    }
    page.push_str("</table></body></html>");
    assert_eq!(res.text(), page);
    assert!(
        res.text()
            .contains("&lt;script&gt;alert(&quot;This should not")
    );
    assert!(res.text().contains("フレームワークのベンチマーク"));
}

async fn check_updates(seeded: &Seeded) {
    let db = seeded.db().await;
    for (query, rows) in [("?q=foo", 1), ("", 1), ("?q=0", 1), ("?q=20", 20)] {
        let path = format!("/updates{query}");
        let res = get(seeded.addr(), &path).await;
        assert_common_rules(&path, &res);
        assert_eq!(res.json().as_array().map(Vec::len), Some(rows), "{path}");
    }

    let before: HashMap<i32, i32> = World::query()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|w| (w.id, w.randomnumber))
        .collect();
    let statements = db.statements_executed();
    let path = "/updates?q=501";
    let res = get(seeded.addr(), path).await;
    assert_common_rules(path, &res);
    assert_eq!(res.header("content-type"), Some("application/json"));
    let worlds = res.json();
    let worlds = worlds.as_array().unwrap();
    assert_eq!(worlds.len(), 500, "{path}");
    let answered: HashMap<i32, i32> = worlds.iter().map(|w| world_of(path, w)).collect();
    // 500 reads, one per row, then at most one write per distinct row.
    let ran = db.statements_executed() - statements;
    assert!(
        (500..=500 + answered.len() as u64).contains(&ran),
        "{path}: {ran} statements"
    );
    let mut changed = 0;
    for (id, number) in &answered {
        let now = stored(&db, *id).await;
        assert_eq!(now, *number, "{path}: the response shows what was stored");
        if before[id] != now {
            changed += 1;
        }
    }
    assert!(
        changed * 10 >= answered.len() * 9,
        "{path}: only {changed} of {} rows changed",
        answered.len()
    );
    // The rows nobody drew are untouched.
    let after = World::query().all(&db).await.unwrap();
    assert_eq!(after.len(), WORLDS as usize);
    let untouched = after
        .iter()
        .filter(|w| !answered.contains_key(&w.id))
        .all(|w| before[&w.id] == w.randomnumber);
    assert!(untouched, "{path}: rows not drawn changed");
}
