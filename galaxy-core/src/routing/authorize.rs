use crate::Request;

/// An authorization check a route names with `authorize = check`: it sees the request and the
/// application state and says yes or no. A "no" answers `403 Forbidden`.
///
/// Any `fn(&Request, &State) -> bool` is one:
///
/// ```
/// use galaxy_core::Request;
///
/// struct AppState { admin_token: String }
///
/// fn is_admin(req: &Request, state: &AppState) -> bool {
///     req.headers().get("x-admin-token").is_some_and(|t| t.as_bytes() == state.admin_token.as_bytes())
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot authorize requests for this app",
    label = "`authorize = ...` needs a check over the request and the app state",
    note = "write it as `fn check(req: &Request, state: &{S}) -> bool`"
)]
pub trait Authorize<S>: Send + Sync {
    /// `true` to let the request through.
    fn authorize(&self, req: &Request, state: &S) -> bool;
}

impl<S, F> Authorize<S> for F
where
    F: Fn(&Request, &S) -> bool + Send + Sync,
{
    fn authorize(&self, req: &Request, state: &S) -> bool {
        self(req, state)
    }
}
