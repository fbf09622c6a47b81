//! Error pages: one description of an error answer ([`ErrorPage`]), rendered as HTML, JSON or
//! plain text depending on what the client accepts, and overridable by the app.
//!
//! Every error the runtime answers by itself (the router's 404 and 405, extractor rejections,
//! middleware refusals such as 403 CSRF, 429 or 503, a handler's [`Error`](crate::Error), a
//! panic) carries an [`ErrorPage`] in its response extensions. Wrapping the app in
//! [`ErrorPages`] renders those responses again with the app's [`ErrorRenderer`], in the format
//! the request negotiated; without it, Galaxy's default pages are used.
//!
//! # Example
//!
//! ```
//! use galaxy_core::error_pages::{ErrorPage, ErrorPages, ErrorRenderer};
//! use galaxy_core::prelude::*;
//! use maud::html;
//!
//! galaxy_core::app! {
//!     app = Site;
//!     routes { GET "/" => home, public; }
//! }
//!
//! async fn home() -> &'static str {
//!     "home"
//! }
//!
//! /// The app's own look for error pages; JSON keeps Galaxy's default shape.
//! struct MyPages;
//!
//! impl ErrorRenderer for MyPages {
//!     fn html(&self, page: &ErrorPage) -> Markup {
//!         html! { h1 { "Oops: " (page.message()) } }
//!     }
//! }
//!
//! # #[tokio::main] async fn main() {
//! let client = TestClient::new(ErrorPages::new(Site::new(())).renderer(MyPages));
//! let res = client.get("/missing").header("accept", "text/html").send().await;
//! assert_eq!(res.status(), 404);
//! assert_eq!(res.text(), "<h1>Oops: no route matches this path</h1>");
//! let res = client.get("/missing").header("accept", "application/json").send().await;
//! assert_eq!(res.json::<serde_json::Value>()["error"], "no route matches this path");
//! # }
//! ```

mod app;
mod negotiate;
mod render;

pub use app::ErrorPages;
pub use negotiate::Format;
pub use render::{DefaultErrorPages, ErrorRenderer};

use std::collections::BTreeMap;
use std::sync::Arc;

use http::StatusCode;

use crate::Response;

/// Field-level validation errors: for each field (nested paths flattened to `address.street`,
/// `tags[2]`), its messages in order.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// What an error response says, kept in the response's extensions so [`ErrorPages`] can render
/// it again in the app's look.
///
/// `message` is always safe to show a client; `detail` (the internal error, a panic message) is
/// only rendered when the app runs in development mode ([`ErrorPages::development`]).
#[derive(Debug, Clone)]
pub struct ErrorPage {
    status: StatusCode,
    message: Arc<str>,
    request_id: Option<Arc<str>>,
    detail: Option<Arc<str>>,
    errors: Option<Arc<FieldErrors>>,
}

impl ErrorPage {
    /// A page for `status` with a message that is safe to show.
    ///
    /// # Example
    ///
    /// ```
    /// use galaxy_core::error_pages::ErrorPage;
    /// use galaxy_core::StatusCode;
    ///
    /// let page = ErrorPage::new(StatusCode::GONE, "this post was deleted");
    /// assert_eq!(page.title(), "Gone");
    /// ```
    pub fn new(status: StatusCode, message: impl Into<Arc<str>>) -> Self {
        Self {
            status,
            message: message.into(),
            request_id: None,
            detail: None,
            errors: None,
        }
    }

    /// The same page with the request id a 500 is logged under.
    #[must_use]
    pub fn with_request_id(mut self, id: impl Into<Arc<str>>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// The same page with internal details, shown in development mode only.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<Arc<str>>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The same page with field-level validation errors.
    #[must_use]
    pub fn with_errors(mut self, errors: FieldErrors) -> Self {
        self.errors = Some(Arc::new(errors));
        self
    }

    /// The status answered.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message, safe to show.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The status's reason phrase ("Not Found"), for a page title.
    pub fn title(&self) -> &'static str {
        self.status.canonical_reason().unwrap_or("Error")
    }

    /// The request id of an internal error.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Internal details; `None` unless the app runs in development mode.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// Field-level validation errors, for a 422.
    pub fn errors(&self) -> Option<&FieldErrors> {
        self.errors.as_deref()
    }

    /// Renders the page with Galaxy's default look in `format`, and marks the response so an
    /// [`ErrorPages`] around the app can render it again.
    pub fn render(self, format: Format) -> Response {
        render::respond(&DefaultErrorPages, self, format)
    }

    /// Details are dropped from what is kept on the response unless asked for: in production a
    /// renderer never even sees them.
    fn without_detail(mut self) -> Self {
        self.detail = None;
        self
    }
}

/// Internal details of an error, kept beside its [`ErrorPage`] so that only
/// [`ErrorPages::development`] brings them back.
#[derive(Debug, Clone)]
pub(crate) struct ErrorDetail(pub(crate) Arc<str>);

/// Marks `res` as the error `page`, so [`ErrorPages`] renders it in the app's look.
pub(crate) fn mark(res: &mut Response, page: ErrorPage) {
    if let Some(detail) = page.detail.clone() {
        res.extensions_mut().insert(ErrorDetail(detail));
    }
    res.extensions_mut().insert(page.without_detail());
}
