// Two up files of version 1: which one runs would depend on the directory's order.
fn main() {
    let _migrator = galaxy_orm::embed_migrations!("../repeated_version_migrations");
}
