//! [`ErrorPages`]: the app wrapper that renders every error answer in the app's look.

use std::fmt;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;

use http::Method;

use super::render::rerender;
use super::{DefaultErrorPages, ErrorDetail, ErrorPage, ErrorRenderer, Format};
use crate::routing::{Recognized, RouteInfo};
use crate::{App, Request, Response};

/// An app whose error answers are rendered by `R`, in the format each request negotiated
/// ([`Format::negotiate`]): HTML pages for browsers, JSON for API clients, text otherwise.
///
/// It wraps the whole app, so the router's own answers (404, 405, 403 of a refused
/// authorization) get the same pages as a handler's [`Error`](crate::Error), an extractor's
/// rejection or a middleware's refusal (403 CSRF, 429, 503), and a panic anywhere in the app is
/// caught here and answered with the app's 500 page.
///
/// Production mode is the default: a 500 shows a request id and nothing else. Only
/// [`development(true)`](ErrorPages::development) adds the internal error or panic message to
/// the page; never turn it on where strangers can reach the app.
///
/// # Example
///
/// ```
/// use galaxy_core::error_pages::ErrorPages;
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Site;
///     routes { GET "/fail" => fail, public; }
/// }
///
/// async fn fail() -> Result<&'static str> {
///     Err(Error::internal("the database password is hunter2"))
/// }
///
/// # #[tokio::main] async fn main() {
/// let dev = std::env::var("APP_ENV").as_deref() == Ok("development");
/// let client = TestClient::new(ErrorPages::new(Site::new(())).development(dev));
/// let res = client.get("/fail").header("accept", "text/html").send().await;
/// assert_eq!(res.status(), 500);
/// assert!(!res.text().contains("hunter2"));
/// # }
/// ```
pub struct ErrorPages<A, R = DefaultErrorPages> {
    app: A,
    renderer: R,
    development: bool,
}

impl<A: App> ErrorPages<A> {
    /// `app` with Galaxy's default pages, in production mode.
    pub fn new(app: A) -> Self {
        Self {
            app,
            renderer: DefaultErrorPages,
            development: false,
        }
    }
}

impl<A: App, R: ErrorRenderer> ErrorPages<A, R> {
    /// Renders the pages with `renderer` instead.
    pub fn renderer<R2: ErrorRenderer>(self, renderer: R2) -> ErrorPages<A, R2> {
        ErrorPages {
            app: self.app,
            renderer,
            development: self.development,
        }
    }

    /// Development mode: pages of internal errors also show the error or panic message.
    #[must_use]
    pub fn development(mut self, development: bool) -> Self {
        self.development = development;
        self
    }

    /// The wrapped app.
    pub fn inner(&self) -> &A {
        &self.app
    }

    fn finish(&self, format: Format, res: Response) -> Response {
        let Some(page) = res.extensions().get::<ErrorPage>() else {
            return res;
        };
        let mut page = page.clone();
        if self.development
            && let Some(ErrorDetail(detail)) = res.extensions().get::<ErrorDetail>()
        {
            page = page.with_detail(detail.clone());
        }
        rerender(&self.renderer, &page, format, res)
    }
}

impl<A, R> fmt::Debug for ErrorPages<A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorPages")
            .field("app", &std::any::type_name::<A>())
            .field("renderer", &std::any::type_name::<R>())
            .field("development", &self.development)
            .finish()
    }
}

impl<A: App, R: ErrorRenderer> App for ErrorPages<A, R> {
    type State = A::State;

    fn state(&self) -> &Self::State {
        self.app.state()
    }

    async fn handle(&self, req: Request, peer: Option<SocketAddr>) -> Response {
        let format = Format::negotiate(req.headers());
        // A panic is caught here rather than by the server, so its 500 gets the app's page too.
        let res = AssertUnwindSafe(self.app.handle(req, peer))
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| crate::error::panic_response(&*panic, None));
        self.finish(format, res)
    }

    fn routes() -> &'static [RouteInfo] {
        A::routes()
    }

    fn recognize(method: &Method, path: &str) -> Option<Recognized> {
        A::recognize(method, path)
    }
}
