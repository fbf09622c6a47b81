//! The ORM chapters of the guide, compiled as doctests so that every example in them builds
//! and runs. Only `cargo test --doc` reads these files (`cfg(doctest)`).

#[doc = include_str!("../../docs/orm.md")]
#[allow(dead_code)]
struct Orm;

#[doc = include_str!("../../docs/migrations.md")]
#[allow(dead_code)]
struct Migrations;
