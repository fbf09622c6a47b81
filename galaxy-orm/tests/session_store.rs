//! The database session store on every configured database: the store's own semantics, and a
//! `SessionLayer` round trip through galaxy-core's test client.

mod common;

use std::cell::RefCell;
use std::time::Duration;

use galaxy_core::TestResponse;
use galaxy_core::middleware::{Session, SessionLayer, SessionStore};
use galaxy_core::prelude::*;
use galaxy_orm::{DatabaseSessionStore, Db, Executor, Migrator, Sql};

thread_local! {
    /// The store the next `Site::new` uses: the app's chains are built in `new`, on the test's
    /// own thread (tokio's test runtime is single-threaded).
    static STORE: RefCell<Option<DatabaseSessionStore>> = const { RefCell::new(None) };
}

fn store() -> DatabaseSessionStore {
    STORE.with(|s| s.borrow().clone().expect("set before Site::new"))
}

fn site(store: &DatabaseSessionStore) -> Site {
    STORE.with(|s| *s.borrow_mut() = Some(store.clone()));
    Site::new(())
}

galaxy_core::app! {
    app = Site;
    chain web = [SessionLayer::with_store(store()).idle_timeout(Duration::from_secs(1))];
    routes {
        GET "/count" => count, public, via web;
        GET "/peek" => peek, public, via web;
        GET "/login" => login, public, via web;
        GET "/logout" => logout, public, via web;
    }
}

async fn count(session: Session) -> Result<String> {
    let n = session.get::<u32>("n").unwrap_or(0) + 1;
    session.insert("n", n)?;
    Ok(n.to_string())
}

async fn peek(session: Session) -> String {
    session
        .get::<u32>("n")
        .map_or_else(|| "none".to_owned(), |n| n.to_string())
}

async fn login(session: Session) -> &'static str {
    session.regenerate();
    "logged in"
}

async fn logout(session: Session) -> &'static str {
    session.destroy();
    "logged out"
}

fn session_cookie(res: &TestResponse) -> String {
    res.header("set-cookie")
        .unwrap_or_else(|| panic!("no session cookie ({} {})", res.status(), res.text()))
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

fn id(cookie: &str) -> &str {
    cookie.split_once('=').unwrap().1
}

async fn rows(db: &Db, table: &str) -> i64 {
    let quoted = match db.dialect() {
        galaxy_orm::Dialect::MySql => format!("`{table}`"),
        _ => format!("\"{table}\""),
    };
    let sql = Sql {
        text: format!("SELECT COUNT(*) AS n FROM {quoted}"),
        args: Vec::new(),
    };
    let rows = (&mut &*db)
        .fetch_all(sql, galaxy_orm::Intent::Write)
        .await
        .unwrap();
    rows[0].get("n").unwrap()
}

#[tokio::test]
async fn session_store_saves_loads_expires_and_purges() {
    for (label, url) in common::backends() {
        let db = common::fresh(label, url.as_deref(), "session_store_semantics").await;
        let store = DatabaseSessionStore::new(db.clone()).table("app_sessions");
        store.ensure_table().await.unwrap();
        store
            .ensure_table()
            .await
            .expect("ensure_table is idempotent");

        assert_eq!(store.load("missing").await.unwrap(), None, "{label}");
        store
            .save("a", b"first", Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(
            store.load("a").await.unwrap().as_deref(),
            Some(&b"first"[..]),
            "{label}"
        );
        // Saving again replaces the payload and the expiry (an upsert, not a second row).
        store
            .save("a", b"second", Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(
            store.load("a").await.unwrap().as_deref(),
            Some(&b"second"[..])
        );
        assert_eq!(rows(&db, "app_sessions").await, 1, "{label}");

        // Binary payloads survive as they are.
        let binary: Vec<u8> = (0..=255).collect();
        store
            .save("bin", &binary, Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(store.load("bin").await.unwrap(), Some(binary), "{label}");

        // An expired row is not returned, and purge deletes only expired rows.
        store.save("old", b"x", Duration::ZERO).await.unwrap();
        store
            .save("older", b"x", Duration::from_millis(1))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(store.load("old").await.unwrap(), None, "{label}");
        assert_eq!(store.load("older").await.unwrap(), None, "{label}");
        assert_eq!(rows(&db, "app_sessions").await, 4, "{label}");
        assert_eq!(store.purge_expired().await.unwrap(), 2, "{label}");
        assert_eq!(rows(&db, "app_sessions").await, 2, "{label}");
        assert!(store.load("a").await.unwrap().is_some(), "{label}");

        // An expired session saved again lives again.
        store.save("old", b"back", Duration::ZERO).await.unwrap();
        store
            .save("old", b"back", Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(
            store.load("old").await.unwrap().as_deref(),
            Some(&b"back"[..])
        );

        store.remove("a").await.unwrap();
        store.remove("a").await.expect("removing twice is fine");
        assert_eq!(store.load("a").await.unwrap(), None, "{label}");

        // A ttl beyond any date the database can store saturates instead of failing.
        store.save("forever", b"x", Duration::MAX).await.unwrap();
        assert!(store.load("forever").await.unwrap().is_some(), "{label}");
        db.close().await;
    }
}

#[tokio::test]
async fn session_store_migration_sql_creates_a_working_table() {
    for (label, url) in common::backends() {
        let db = common::fresh(label, url.as_deref(), "session_store_migration").await;
        let dir = std::env::temp_dir().join(format!(
            "galaxy-session-migration-{label}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("0001_create_galaxy_sessions.up.sql"),
            DatabaseSessionStore::migration_sql(db.dialect()),
        )
        .unwrap();
        std::fs::write(
            dir.join("0001_create_galaxy_sessions.down.sql"),
            "DROP TABLE galaxy_sessions;",
        )
        .unwrap();
        let migrator = Migrator::from_dir(&dir).unwrap();
        migrator.run(&db).await.unwrap();
        let store = DatabaseSessionStore::new(db.clone());
        store
            .ensure_table()
            .await
            .expect("a migrated table is kept");
        store
            .save("id", b"data", Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(
            store.load("id").await.unwrap().as_deref(),
            Some(&b"data"[..]),
            "{label}"
        );
        migrator.rollback(&db, 1).await.unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        db.close().await;
    }
}

#[tokio::test]
async fn session_store_round_trips_through_the_session_layer() {
    for (label, url) in common::backends() {
        let db = common::fresh(label, url.as_deref(), "session_store_layer").await;
        let store = DatabaseSessionStore::new(db.clone());
        store.ensure_table().await.unwrap();
        let client = TestClient::new(site(&store));

        let res = client.get("/count").send().await;
        assert_eq!(res.status(), 200, "{label}: {}", res.text());
        let cookie = session_cookie(&res);
        let stored = store
            .load(id(&cookie))
            .await
            .unwrap()
            .expect("in the table");
        assert!(
            String::from_utf8_lossy(&stored).contains("\"n\":1"),
            "{label}"
        );
        let res = client.get("/count").header("cookie", &cookie).send().await;
        assert_eq!(res.text(), "2", "{label}");

        // A second app instance on the same database sees the same session.
        let other = TestClient::new(site(&store));
        let res = other.get("/peek").header("cookie", &cookie).send().await;
        assert_eq!(res.text(), "2", "{label}");

        // Regenerating (login) moves the data to a new id and deletes the old row.
        let res = client.get("/login").header("cookie", &cookie).send().await;
        let after = session_cookie(&res);
        assert_ne!(after, cookie, "{label}");
        assert_eq!(store.load(id(&cookie)).await.unwrap(), None, "{label}");
        let res = client.get("/peek").header("cookie", &cookie).send().await;
        assert_eq!(res.text(), "none", "{label}: the old id names nothing");
        let res = client.get("/peek").header("cookie", &after).send().await;
        assert_eq!(res.text(), "2", "{label}");

        // Destroying (logout) deletes the row and the cookie.
        let res = client.get("/logout").header("cookie", &after).send().await;
        assert!(res.header("set-cookie").unwrap().contains("Max-Age=0"));
        assert_eq!(store.load(id(&after)).await.unwrap(), None, "{label}");

        // Idle sessions expire (idle timeout 1 s): a fresh session starts.
        let cookie = session_cookie(&client.get("/count").send().await);
        tokio::time::sleep(Duration::from_millis(1300)).await;
        let res = client.get("/count").header("cookie", &cookie).send().await;
        assert_eq!(res.text(), "1", "{label}");

        // Unknown and malformed ids start a fresh session, never a 500.
        for cookie in [
            format!("__Host-session={}", "A".repeat(43)),
            "__Host-session=' OR 1=1 --".to_owned(),
            "__Host-session=*".to_owned(),
        ] {
            let res = client.get("/count").header("cookie", cookie).send().await;
            assert_eq!(res.text(), "1", "{label}");
        }

        // The database going away fails closed: 503, not a page without its session.
        db.close().await;
        let res = client.get("/count").send().await;
        assert_eq!(res.status(), 503, "{label}: {}", res.text());
    }
}
