// The directory does not exist: the build fails at the path, not the first start-up.
fn main() {
    let _migrator = galaxy_orm::embed_migrations!("../no_such_migrations");
}
