// The migrations the models here are checked against, compiled into the binary.
fn main() {
    let migrator: galaxy_orm::Migrator = galaxy_orm::embed_migrations!("../migrations");
    assert!(!migrator.migrations().is_empty());
}
