//! galaxy-orm's one error type, the classification of driver errors into it, and its HTTP
//! meaning (so a handler can `?` a query).

use galaxy_core::http::StatusCode;
use galaxy_core::{IntoResponse, Response};
use sqlx::error::ErrorKind;

use crate::migrate::MigrateError;

/// A `Result` with galaxy-orm's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong talking to the database.
///
/// As a response: [`NotFound`](Self::NotFound) is a 404, unique and foreign-key violations are a
/// 409, a value the column refuses is a 422, an exhausted pool, an unreachable database or a
/// transaction that kept conflicting is a 503; everything else is a 500 whose details are only
/// logged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No row matched (from `find_or_fail`, `first_or_fail`, route binding).
    #[error("no `{table}` row matched")]
    NotFound {
        /// The table that was searched.
        table: &'static str,
    },
    /// An insert or update would duplicate a unique key.
    #[error("unique constraint violated{}", constraint_suffix(.constraint))]
    UniqueViolation {
        /// The constraint's name, when the database reports it.
        constraint: Option<String>,
    },
    /// A row refers to a missing parent, or a parent still has children.
    #[error("foreign key constraint violated{}", constraint_suffix(.constraint))]
    ForeignKeyViolation {
        /// The constraint's name, when the database reports it.
        constraint: Option<String>,
    },
    /// The database refused a value: `NOT NULL`, `CHECK`, out of range, too long, malformed.
    #[error("invalid value: {message}")]
    InvalidValue {
        /// The database's message.
        message: String,
    },
    /// No connection became free within the acquire timeout.
    #[error("database pool exhausted: no connection free within the acquire timeout")]
    PoolExhausted,
    /// The database could not be reached, or the pool was closed.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// A transaction kept failing with serialization failures or deadlocks after its retries.
    #[error("transaction conflict persisted after {attempts} attempts: {source}")]
    Conflict {
        /// How many times the transaction ran.
        attempts: u32,
        /// The last failure.
        #[source]
        source: sqlx::Error,
    },
    /// A column value could not be read into its field type.
    #[error("cannot decode a column: {0}")]
    Decode(String),
    /// The connection URL or pool settings are not usable.
    #[error("invalid database configuration: {0}")]
    Config(String),
    /// A field's value could not be written in its stored form (a cast failed to encode).
    #[error("cannot encode a field: {0}")]
    Encode(String),
    /// Migrations could not be applied, reverted or verified.
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

fn constraint_suffix(constraint: &Option<String>) -> String {
    constraint
        .as_deref()
        .map(|c| format!(" (`{c}`)"))
        .unwrap_or_default()
}

impl Error {
    /// Whether running the transaction again may succeed: a serialization failure or a
    /// deadlock (PostgreSQL `40001`/`40P01`, MySQL 1213/1205, SQLite `BUSY`).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Database(err) => is_retryable_sqlx(err),
            _ => false,
        }
    }

    /// Whether a failed `CREATE TABLE IF NOT EXISTS` lost a race with another session that
    /// created the same table, so the table is there. PostgreSQL's `IF NOT EXISTS` is not
    /// atomic: of two sessions creating a table at once, both can pass the check, and the
    /// second then fails once the first commits: on the catalog's unique index
    /// (`pg_type_typname_nsp_index`), with `42P07` (duplicate table), or with `42710`
    /// (duplicate object: the table's row type), depending on where it was when the first
    /// committed.
    pub(crate) fn is_table_created_concurrently(&self) -> bool {
        match self {
            Self::UniqueViolation { .. } => true,
            Self::Database(sqlx::Error::Database(err)) => {
                matches!(err.code().as_deref(), Some("42P07" | "42710"))
            }
            _ => false,
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::UniqueViolation { .. } | Self::ForeignKeyViolation { .. } => StatusCode::CONFLICT,
            Self::InvalidValue { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PoolExhausted | Self::Unavailable(_) | Self::Conflict { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

pub(crate) fn is_retryable_sqlx(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = err else {
        return false;
    };
    matches!(
        db.code().as_deref(),
        // PostgreSQL / MySQL SQLSTATEs: serialization failure, deadlock.
        Some("40001" | "40P01")
            // MySQL error numbers, in case the server reports no SQLSTATE: deadlock, lock wait.
            | Some("1213" | "1205")
            // SQLite primary and extended BUSY codes.
            | Some("5" | "261" | "517")
    )
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => Self::NotFound { table: "unknown" },
            sqlx::Error::PoolTimedOut => Self::PoolExhausted,
            sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
                Self::Unavailable(err)
            }
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
                Self::Decode(err.to_string())
            }
            sqlx::Error::Configuration(_) => Self::Config(err.to_string()),
            sqlx::Error::Database(db) => {
                let constraint = db.constraint().map(str::to_owned);
                match db.kind() {
                    ErrorKind::UniqueViolation => Self::UniqueViolation { constraint },
                    ErrorKind::ForeignKeyViolation => Self::ForeignKeyViolation { constraint },
                    ErrorKind::NotNullViolation | ErrorKind::CheckViolation => Self::InvalidValue {
                        message: db.message().to_owned(),
                    },
                    // SQLSTATE class 22 is "data exception": out of range, too long, bad format.
                    _ if db.code().is_some_and(|c| c.starts_with("22")) => Self::InvalidValue {
                        message: db.message().to_owned(),
                    },
                    // The server ended the connection (class 08, or 57P01..57P03: shut down,
                    // terminated, restarting): the database is unavailable, not the statement
                    // wrong.
                    _ if db.code().is_some_and(|c| is_connection_gone(&c)) => {
                        Self::Unavailable(err)
                    }
                    _ => Self::Database(err),
                }
            }
            _ => Self::Database(err),
        }
    }
}

/// Whether a SQLSTATE says the server ended the connection.
pub(crate) fn is_connection_gone(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        // Client errors get a fixed message: a constraint or column name is schema detail.
        let message = match status {
            StatusCode::NOT_FOUND => "not found",
            StatusCode::CONFLICT => "conflict with existing data",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid value",
            StatusCode::SERVICE_UNAVAILABLE => "service temporarily unavailable",
            _ => return galaxy_core::Error::internal(self).into_response(),
        };
        if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::warn!(error = %self, "database unavailable");
        }
        galaxy_core::Error::status(status, message).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_meaning() {
        assert_eq!(
            Error::NotFound { table: "posts" }.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            Error::UniqueViolation { constraint: None }.status(),
            StatusCode::CONFLICT
        );
        assert_eq!(
            Error::InvalidValue {
                message: "x".into()
            }
            .status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            Error::PoolExhausted.status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            Error::Decode("x".into()).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn responses_do_not_leak_constraint_names() {
        let res = Error::UniqueViolation {
            constraint: Some("users_email_secret_idx".into()),
        }
        .into_response();
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let res = Error::Config("password=hunter2".into()).into_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn pool_timeouts_become_pool_exhausted() {
        assert!(matches!(
            Error::from(sqlx::Error::PoolTimedOut),
            Error::PoolExhausted
        ));
        assert!(!Error::PoolExhausted.is_retryable());
    }
}
