//! tokio-postgres errors as galaxy-orm's [`Error`]: the same variants the sqlx path gives for
//! the same failure, so a handler cannot tell which driver ran its statement.
//!
//! A server error is wrapped as a `sqlx::Error::Database` and classified by
//! [`Error::from`]'s SQLSTATE rules (unique and foreign-key violations, class 22 data
//! exceptions, retryable conflicts); a lost connection becomes [`Error::Unavailable`].

use std::borrow::Cow;
use std::error::Error as _;
use std::fmt;

use sqlx::error::{DatabaseError, ErrorKind};
use tokio_postgres::error::DbError;

use super::param::BindError;
use crate::Error;
use crate::error::is_connection_gone;

/// Classifies a tokio-postgres error.
pub(super) fn map(err: tokio_postgres::Error) -> Error {
    if let Some(bind) = err.source().and_then(|s| s.downcast_ref::<BindError>()) {
        // `err` says which parameter ("error serializing parameter 2"), `bind` what was wrong.
        let message = format!("{err}: {bind}");
        return match bind {
            BindError::OutOfRange { .. } => Error::InvalidValue { message },
            BindError::Mismatch { .. } => Error::Encode(message),
        };
    }
    if let Some(db) = err.as_db_error() {
        // A clone, on the error path only: the error owns its cause behind a trait object.
        return Error::from(sqlx::Error::Database(Box::new(ServerError(db.clone()))));
    }
    if is_connection_lost(&err) {
        return Error::Unavailable(sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            err,
        )));
    }
    Error::Database(sqlx::Error::Protocol(err.to_string()))
}

/// Whether `err` means the connection is gone (closed, reset, refused, timed out), as opposed
/// to a statement the server refused.
pub(super) fn is_connection_lost(err: &tokio_postgres::Error) -> bool {
    err.is_closed()
        // The server's last word before it closes: "terminating connection due to
        // administrator command" and the like.
        || err.code().is_some_and(|c| is_connection_gone(c.code()))
        || err
            .source()
            .is_some_and(|source| source.is::<std::io::Error>())
        // tokio-postgres has no public kind for its connect timeout; its message is stable.
        || err.to_string() == "timeout waiting for server"
}

/// A PostgreSQL error response, seen through sqlx's [`DatabaseError`] so that the one
/// classification in `error.rs` applies to both drivers.
#[derive(Debug)]
pub(super) struct ServerError(pub(super) DbError);

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // sqlx shows the message alone; the severity and detail are in `Debug`.
        f.write_str(self.0.message())
    }
}

impl std::error::Error for ServerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl DatabaseError for ServerError {
    fn message(&self) -> &str {
        self.0.message()
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self.0.code().code()))
    }

    fn constraint(&self) -> Option<&str> {
        self.0.constraint()
    }

    fn table(&self) -> Option<&str> {
        self.0.table()
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    /// The same SQLSTATE classes sqlx's own PostgreSQL error reports.
    fn kind(&self) -> ErrorKind {
        match self.0.code().code() {
            "23505" => ErrorKind::UniqueViolation,
            "23503" => ErrorKind::ForeignKeyViolation,
            "23502" => ErrorKind::NotNullViolation,
            "23514" => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}
