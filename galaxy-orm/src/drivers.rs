//! Which database drivers this build has: each is a Cargo feature (`sqlite`, `postgres`,
//! `mysql`; all three by default). The enums over the drivers (`Pool`, `Row`, a transaction's
//! connection, a migration's connection) have a variant only for the drivers compiled in.

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!(
    "galaxy-orm has no database driver: enable at least one of its features \
     `sqlite`, `postgres` or `mysql`"
);

/// `match value { arms }` with the same arm for every compiled-in driver variant of an enum
/// whose driver variants are `Sqlite`, `Postgres` and `MySql`: `Enum::*(x) => body` stands for
/// one arm per variant, each behind its feature; any further arms are kept as written.
///
/// ```text
/// each_driver!(self, {
///     Self::*(pool) => pool.close().await,
/// })
/// ```
macro_rules! each_driver {
    ($value:expr, {
        $Enum:ident::*($x:pat) => $body:expr
        $(, $(#[$attr:meta])* $pat:pat => $other:expr)* $(,)?
    }) => {
        match $value {
            #[cfg(feature = "sqlite")]
            $Enum::Sqlite($x) => $body,
            #[cfg(feature = "postgres")]
            $Enum::Postgres($x) => $body,
            #[cfg(feature = "mysql")]
            $Enum::MySql($x) => $body,
            $($(#[$attr])* $pat => $other,)*
        }
    };
}
