//! Migrations on every configured database: order, checksums, the lock, rollback, and what a
//! migration that fails half way leaves behind.

mod common;

use std::path::{Path, PathBuf};

use galaxy_orm::{Db, Error, Executor, Intent, MigrateError, MigrationState, Migrator, Sql};

/// A migrations directory of its own for one test and backend, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(test: &str, label: &str, files: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "galaxy-orm-migrate-{test}-{label}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, sql) in files {
            std::fs::write(dir.join(name), sql).unwrap();
        }
        Self(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const BASE: &[(&str, &str)] = &[
    (
        "0001_a.up.sql",
        "CREATE TABLE mig_a (id INTEGER NOT NULL PRIMARY KEY, v VARCHAR(20));",
    ),
    ("0001_a.down.sql", "DROP TABLE mig_a;"),
    (
        "0002_b.up.sql",
        "CREATE TABLE mig_b (id INTEGER NOT NULL PRIMARY KEY);\nINSERT INTO mig_b (id) VALUES (1);",
    ),
    ("0002_b.down.sql", "DROP TABLE mig_b;"),
];

async fn table_exists(db: &Db, table: &str) -> bool {
    let sql = Sql {
        text: format!("SELECT COUNT(*) AS n FROM {table}"),
        args: Vec::new(),
    };
    (&*db).fetch_all(sql, Intent::Write).await.is_ok()
}

#[tokio::test]
async fn applies_in_order_once_and_reports_status() {
    for (label, url) in common::backends() {
        let db = common::fresh(label, url.as_deref(), "migrate_order").await;
        let dir = Dir::new("order", label, BASE);
        let migrator = Migrator::from_dir(dir.path()).unwrap();
        assert_eq!(migrator.run(&db).await.unwrap(), [1, 2], "{label}");
        assert!(
            migrator.run(&db).await.unwrap().is_empty(),
            "{label}: nothing left"
        );
        let status = migrator.status(&db).await.unwrap();
        assert_eq!(status.len(), 2);
        assert!(
            status
                .iter()
                .all(|s| matches!(s.state, MigrationState::Applied { .. })),
            "{label}: {status:?}"
        );
        db.close().await;
    }
}

#[tokio::test]
async fn an_edited_applied_migration_refuses_to_run_and_names_the_file() {
    for (label, url) in common::backends() {
        let db = common::fresh(label, url.as_deref(), "migrate_checksum").await;
        let dir = Dir::new("checksum", label, BASE);
        Migrator::from_dir(dir.path())
            .unwrap()
            .run(&db)
            .await
            .unwrap();

        std::fs::write(
            dir.path().join("0001_a.up.sql"),
            "CREATE TABLE mig_a (id INTEGER NOT NULL PRIMARY KEY, v VARCHAR(40));",
        )
        .unwrap();
        let edited = Migrator::from_dir(dir.path()).unwrap();
        let err = edited.run(&db).await.unwrap_err();
        assert!(
            matches!(&err, Error::Migrate(MigrateError::ChecksumMismatch { version: 1, file }) if file == "0001_a.up.sql"),
            "{label}: {err:?}"
        );
        assert!(err.to_string().contains("0001_a.up.sql"), "{err}");
        let status = edited.status(&db).await.unwrap();
        assert_eq!(status[0].state, MigrationState::Changed, "{label}");
        db.close().await;
    }
}

#[tokio::test]
async fn concurrent_migrators_apply_each_version_once() {
    for (label, url) in common::backends() {
        let url = common::fresh_url(label, url.as_deref(), "migrate_lock").await;
        // Two pools, as two app processes starting at once would have.
        let (first, second) = (
            Db::connect_with(common::config(label, url.clone()))
                .await
                .unwrap(),
            Db::connect_with(common::config(label, url.clone()))
                .await
                .unwrap(),
        );
        let dir = Dir::new("lock", label, BASE);
        let migrator = Migrator::from_dir(dir.path()).unwrap();
        let (a, b) = tokio::join!(migrator.run(&first), migrator.run(&second));
        let (a, b) = (
            a.unwrap_or_else(|e| panic!("{label}: {e}")),
            b.unwrap_or_else(|e| panic!("{label}: {e}")),
        );
        let mut all: Vec<u64> = a.iter().chain(&b).copied().collect();
        all.sort_unstable();
        // Applying 0002 twice would also have failed on its INSERT's primary key.
        assert_eq!(all, [1, 2], "{label}: first applied {a:?}, second {b:?}");
        first.close().await;
        second.close().await;
    }
}

#[tokio::test]
async fn status_alongside_a_run_on_a_fresh_database_creates_the_table_once() {
    for (label, url) in common::backends() {
        let url = common::fresh_url(label, url.as_deref(), "migrate_status_race").await;
        let dir = Dir::new("status_race", label, BASE);
        let migrator = Migrator::from_dir(dir.path()).unwrap();
        // `status` creates the migrations table without the migration lock, so it races the
        // run's (and the others') `CREATE TABLE IF NOT EXISTS`; each "process" has its own pool.
        let mut pools = Vec::new();
        for _ in 0..4 {
            pools.push(
                Db::connect_with(common::config(label, url.clone()))
                    .await
                    .unwrap(),
            );
        }
        let (run, a, b, c) = tokio::join!(
            migrator.run(&pools[0]),
            migrator.status(&pools[1]),
            migrator.status(&pools[2]),
            migrator.status(&pools[3]),
        );
        run.unwrap_or_else(|e| panic!("{label}: run: {e}"));
        for status in [a, b, c] {
            status.unwrap_or_else(|e| panic!("{label}: status: {e}"));
        }
        for db in pools {
            db.close().await;
        }
    }
}

#[tokio::test]
async fn rollback_reverts_the_newest_with_down_files() {
    for (label, url) in common::backends() {
        let db = common::fresh(label, url.as_deref(), "migrate_rollback").await;
        let dir = Dir::new("rollback", label, BASE);
        let migrator = Migrator::from_dir(dir.path()).unwrap();
        migrator.run(&db).await.unwrap();
        assert_eq!(migrator.rollback(&db, 1).await.unwrap(), [2], "{label}");
        assert!(!table_exists(&db, "mig_b").await, "{label}: mig_b dropped");
        assert!(table_exists(&db, "mig_a").await, "{label}: mig_a kept");
        let status = migrator.status(&db).await.unwrap();
        assert_eq!(status[1].state, MigrationState::Pending, "{label}");
        assert_eq!(migrator.run(&db).await.unwrap(), [2], "{label}: re-applied");
        assert_eq!(migrator.rollback(&db, 5).await.unwrap(), [2, 1], "{label}");
        assert!(!table_exists(&db, "mig_a").await, "{label}");
        db.close().await;
    }
}

#[tokio::test]
async fn a_migration_failing_half_way_leaves_no_trace_or_is_dirty() {
    for (label, url) in common::backends() {
        let db = common::fresh(label, url.as_deref(), "migrate_failure").await;
        let mut files = BASE.to_vec();
        files.push((
            "0003_broken.up.sql",
            "CREATE TABLE mig_c (id INTEGER NOT NULL PRIMARY KEY);\nCREATE TABLE mig_c (id INTEGER);",
        ));
        let dir = Dir::new("failure", label, &files);
        let migrator = Migrator::from_dir(dir.path()).unwrap();
        let err = migrator.run(&db).await.unwrap_err();
        assert!(
            matches!(&err, Error::Migrate(MigrateError::Failed { file, .. }) if file == "0003_broken.up.sql"),
            "{label}: {err:?}"
        );
        let status = migrator.status(&db).await.unwrap();
        if label == "mysql" {
            // MySQL commits DDL as it goes: the half-applied migration is reported, and blocks.
            assert_eq!(status[2].state, MigrationState::Dirty, "{label}");
            let again = migrator.run(&db).await.unwrap_err();
            assert!(
                matches!(
                    again,
                    Error::Migrate(MigrateError::Dirty { version: 3, .. })
                ),
                "{label}: {again:?}"
            );
        } else {
            assert_eq!(status[2].state, MigrationState::Pending, "{label}");
            assert!(
                !table_exists(&db, "mig_c").await,
                "{label}: no trace of 0003"
            );
            assert!(
                table_exists(&db, "mig_b").await,
                "{label}: 0002 stays applied"
            );
        }
        db.close().await;
    }
}

#[test]
fn duplicate_versions_are_refused() {
    let dir = Dir::new(
        "duplicate",
        "any",
        &[
            ("0001_a.up.sql", "SELECT 1;"),
            ("0001_b.up.sql", "SELECT 1;"),
        ],
    );
    let err = Migrator::from_dir(dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Migrate(MigrateError::DuplicateVersion { version: 1, .. })
        ),
        "{err:?}"
    );
}
