use std::future::Future;

use garde::Report;

/// Where a schema's garde context comes from, and the rules that need the app state or the
/// database, which [`Valid`](super::Valid) runs after garde's own (and only when those pass, so
/// a malformed value never reaches a query).
///
/// Schemas without `#[garde(context(..))]` have `()` as context: nothing to build, no async
/// rules. A schema with async rules names a context type with `#[garde(context(MyRules))]` and
/// implements this trait for it, once per schema it serves. garde's `custom` rules of the
/// schema receive the same value.
///
/// # Example
///
/// ```
/// use std::collections::HashSet;
/// use std::sync::{Arc, Mutex};
/// use galaxy_core::validation::ValidationContext;
/// use garde::{Path, Report, Validate};
/// use serde::Deserialize;
///
/// #[derive(Clone, Default)]
/// struct AppState {
///     emails: Arc<Mutex<HashSet<String>>>,
/// }
///
/// #[derive(Deserialize, Validate)]
/// #[garde(context(SignUpRules))]
/// struct SignUp {
///     #[garde(email)]
///     email: String,
/// }
///
/// struct SignUpRules {
///     emails: Arc<Mutex<HashSet<String>>>,
/// }
///
/// impl ValidationContext<AppState, SignUp> for SignUpRules {
///     fn from_state(state: &AppState) -> Self {
///         Self { emails: state.emails.clone() }
///     }
///
///     async fn validate_async(&self, value: &SignUp, _state: &AppState) -> Result<(), Report> {
///         // A real app asks its database here.
///         if self.emails.lock().unwrap().contains(&value.email) {
///             let mut report = Report::new();
///             report.append(Path::new("email"), garde::Error::new("is already taken"));
///             return Err(report);
///         }
///         Ok(())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a validation context for the schema `{T}` with state `{S}`",
    label = "named by `#[garde(context(..))]` on `{T}`",
    note = "implement `galaxy_core::validation::ValidationContext<{S}, {T}>` for `{Self}` to build it from the app state"
)]
pub trait ValidationContext<S, T: ?Sized>: Sized + Send + Sync {
    /// Builds the context from the app state.
    fn from_state(state: &S) -> Self;

    /// Rules that need the state or I/O; `Err` with the failed fields. None by default.
    fn validate_async(
        &self,
        value: &T,
        state: &S,
    ) -> impl Future<Output = Result<(), Report>> + Send {
        let _ = (value, state);
        std::future::ready(Ok(()))
    }
}

impl<S, T: ?Sized> ValidationContext<S, T> for () {
    fn from_state(_: &S) -> Self {}
}
