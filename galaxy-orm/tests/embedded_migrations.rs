//! `embed_migrations!`: the files of a directory compiled in, the same migrations (names,
//! order, checksums) as reading the directory at run time, and applied the same way.

use galaxy_orm::{Migrator, embed_migrations};

#[test]
fn embedded_migrations_are_the_directory_s_migrations() {
    let embedded = embed_migrations!("migrations/sqlite");
    let read = Migrator::from_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/migrations/sqlite"
    ))
    .expect("the directory reads");
    assert!(!embedded.migrations().is_empty());
    assert_eq!(embedded.migrations(), read.migrations());
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn embedded_migrations_apply_and_revert() {
    let db = galaxy_orm::Db::connect("sqlite::memory:").await.unwrap();
    let migrator = embed_migrations!("migrations/sqlite");
    let applied = migrator.run(&db).await.unwrap();
    let versions: Vec<u64> = migrator.migrations().iter().map(|m| m.version).collect();
    assert_eq!(applied, versions);
    assert!(
        migrator.run(&db).await.unwrap().is_empty(),
        "nothing left to apply"
    );
    let reverted = migrator.rollback(&db, 1).await.unwrap();
    assert_eq!(reverted, [*versions.last().unwrap()]);
}
