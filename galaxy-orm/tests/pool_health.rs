//! Pooled connections are handed out unchecked while in use, and checked after sitting idle
//! (`DbConfig::check_idle_after`): a connection the server dropped meanwhile is replaced, and
//! the query does not fail.

mod common;

use std::time::Duration;

use galaxy_orm::{Db, Executor, Intent, Sql};

fn sql(text: String) -> Sql {
    Sql {
        text,
        args: Vec::new(),
    }
}

/// The server's id for the connection a query runs on.
async fn connection_id(label: &str, db: &Db) -> i64 {
    let text = if common::family(label) == "postgres" {
        "SELECT pg_backend_pid() AS id"
    } else {
        "SELECT CONNECTION_ID() AS id"
    };
    let mut ex = db;
    let rows = ex
        .fetch_all(sql(text.to_owned()), Intent::Read)
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    rows[0].get("id").unwrap()
}

/// Closes connection `id` from the server side, as a restart or an idle timeout would.
async fn kill(label: &str, admin: &Db, id: i64) {
    let text = if common::family(label) == "postgres" {
        format!("SELECT pg_terminate_backend({id})")
    } else {
        format!("KILL {id}")
    };
    let mut ex = admin;
    ex.execute(sql(text)).await.unwrap();
}

#[tokio::test]
async fn an_idle_connection_the_server_dropped_is_replaced() {
    for (label, url) in common::backends() {
        if label == "sqlite" {
            continue; // nothing can drop a SQLite connection from the other side
        }
        let db = common::fresh_with(label, url.as_deref(), "pool_health", |c| {
            // One connection of either kind, so that every query runs on the same one.
            let pipelined = c.pipelined_connections.min(1);
            c.with_max_connections(1)
                .with_check_idle_after(Duration::from_millis(50))
                .with_pipelined_connections(pipelined)
        })
        .await;
        let admin = Db::connect(url.as_deref().unwrap()).await.unwrap();

        let first = connection_id(label, &db).await;
        assert_eq!(connection_id(label, &db).await, first, "{label}: pooled");
        kill(label, &admin, first).await;
        tokio::time::sleep(Duration::from_millis(300)).await;

        // Idle for longer than 50 ms: checked, found dead, replaced by a new connection.
        let second = connection_id(label, &db).await;
        assert_ne!(second, first, "{label}: a new connection");
        db.close().await;
        admin.close().await;
    }
}
