//! The ORM chapters of the guide, compiled as doctests so that every example in them builds
//! and runs. Only `cargo test --doc` reads these files (`cfg(doctest)`), with the `sqlite`
//! feature that their examples run on.

#[doc = include_str!("../../docs/orm.md")]
#[allow(dead_code)]
struct Orm;

#[doc = include_str!("../../docs/migrations.md")]
#[allow(dead_code)]
struct Migrations;
