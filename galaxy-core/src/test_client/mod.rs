//! An in-process client: requests go through the same pipeline a socket's would (URI limit,
//! panic recovery, `Server` header, router), without a socket.

mod jar;

use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};
use http_body_util::BodyExt;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::pipeline::{Pipeline, Served, respond};
use crate::{App, Body, Request};

/// Sends requests to an app in-process.
///
/// ```
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Echo;
///     routes { POST "/echo" => echo, public; }
/// }
///
/// async fn echo(Json(value): Json<serde_json::Value>) -> Json<serde_json::Value> {
///     Json(value)
/// }
///
/// # #[tokio::main] async fn main() {
/// let client = TestClient::new(Echo::new(()));
/// let res = client.post("/echo").json(&serde_json::json!({"a": 1})).send().await;
/// assert_eq!(res.status(), StatusCode::OK);
/// assert_eq!(res.json::<serde_json::Value>()["a"], 1);
/// # }
/// ```
///
/// By default each request stands alone: a test that needs a cookie sends it with
/// [`TestRequest::header`]. [`TestClient::save_cookies`] makes a client that keeps the cookies
/// responses set and sends them back, as a browser does (sessions, CSRF tokens, flash messages).
#[derive(Debug)]
pub struct TestClient<A> {
    served: Served<A>,
    /// `Some` for a client made with [`TestClient::save_cookies`].
    jar: Option<Mutex<jar::Jar>>,
}

impl<A: App> TestClient<A> {
    /// A client for `app`, with the server's default settings.
    pub fn new(app: A) -> Self {
        Self {
            served: Served::new(app, Pipeline::default()),
            jar: None,
        }
    }

    /// This client, keeping the cookies responses set (`Set-Cookie`, including removals) and
    /// sending those whose `Path` applies with every later request, as a browser does. A
    /// request that sets its own `Cookie` header sends only that.
    ///
    /// ```
    /// use galaxy_core::middleware::{Session, SessionLayer};
    /// use galaxy_core::prelude::*;
    ///
    /// galaxy_core::app! {
    ///     app = Counter;
    ///     chain web = [SessionLayer::memory()];
    ///     routes { group "/" via web { GET "/count" => count, public; } }
    /// }
    ///
    /// async fn count(session: Session) -> Result<String> {
    ///     let n = session.get::<u32>("n").unwrap_or(0) + 1;
    ///     session.insert("n", n)?;
    ///     Ok(n.to_string())
    /// }
    ///
    /// # #[tokio::main] async fn main() {
    /// let browser = TestClient::new(Counter::new(())).save_cookies();
    /// assert_eq!(browser.get("/count").send().await.text(), "1");
    /// assert_eq!(browser.get("/count").send().await.text(), "2");
    /// browser.clear_cookies();
    /// assert_eq!(browser.get("/count").send().await.text(), "1");
    /// # }
    /// ```
    #[must_use]
    pub fn save_cookies(mut self) -> Self {
        self.jar = Some(Mutex::default());
        self
    }

    /// The value of the saved cookie `name` (`None` without [`TestClient::save_cookies`]).
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.as_ref().and_then(|jar| lock(jar).get(name))
    }

    /// Forgets every saved cookie, as a fresh browser would start.
    pub fn clear_cookies(&self) {
        if let Some(jar) = &self.jar {
            lock(jar).clear();
        }
    }

    /// The app under test (e.g. to reach its state).
    pub fn app(&self) -> &A {
        &self.served.app
    }

    /// A request with any method.
    pub fn request(&self, method: Method, uri: &str) -> TestRequest<'_, A> {
        TestRequest {
            client: self,
            builder: http::Request::builder().method(method).uri(uri),
            body: Body::empty(),
        }
    }

    /// A `GET` request.
    pub fn get(&self, uri: &str) -> TestRequest<'_, A> {
        self.request(Method::GET, uri)
    }

    /// A `HEAD` request.
    pub fn head(&self, uri: &str) -> TestRequest<'_, A> {
        self.request(Method::HEAD, uri)
    }

    /// A `POST` request.
    pub fn post(&self, uri: &str) -> TestRequest<'_, A> {
        self.request(Method::POST, uri)
    }

    /// A `PUT` request.
    pub fn put(&self, uri: &str) -> TestRequest<'_, A> {
        self.request(Method::PUT, uri)
    }

    /// A `PATCH` request.
    pub fn patch(&self, uri: &str) -> TestRequest<'_, A> {
        self.request(Method::PATCH, uri)
    }

    /// A `DELETE` request.
    pub fn delete(&self, uri: &str) -> TestRequest<'_, A> {
        self.request(Method::DELETE, uri)
    }

    /// An `OPTIONS` request.
    pub fn options(&self, uri: &str) -> TestRequest<'_, A> {
        self.request(Method::OPTIONS, uri)
    }

    /// Sends a request built by hand.
    pub async fn send(&self, mut req: Request) -> TestResponse {
        let head = req.method() == Method::HEAD;
        if let Some(jar) = &self.jar {
            let path = req.uri().path().to_owned();
            jar::attach(&lock(jar), &path, req.headers_mut());
        }
        let Ok(res) = respond(&self.served, req, None).await;
        let (parts, body) = res.into_parts();
        if let Some(jar) = &self.jar {
            lock(jar).store(&parts.headers);
        }
        // A body that fails to stream is a bug under test; show it as an empty body and let
        // the status and headers speak.
        let body = body
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            // hyper never sends a body in answer to HEAD; neither does the test client.
            body: if head { Bytes::new() } else { body },
        }
    }
}

/// The jar, even after a test panicked while holding it: its cookies are still whole.
fn lock(jar: &Mutex<jar::Jar>) -> std::sync::MutexGuard<'_, jar::Jar> {
    jar.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A request being built by a [`TestClient`].
#[derive(Debug)]
#[must_use = "a test request does nothing until `.send().await`"]
pub struct TestRequest<'c, A> {
    client: &'c TestClient<A>,
    builder: http::request::Builder,
    body: Body,
}

impl<A: App> TestRequest<'_, A> {
    /// Adds a header.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        K::Error: Into<http::Error>,
        V: TryInto<HeaderValue>,
        V::Error: Into<http::Error>,
    {
        self.builder = self.builder.header(name, value);
        self
    }

    /// Sets a raw body.
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends `value` as JSON, with `Content-Type: application/json`.
    ///
    /// # Panics
    ///
    /// When `value` cannot be serialized (a bug in the test).
    pub fn json<T: Serialize + ?Sized>(self, value: &T) -> Self {
        let bytes = serde_json::to_vec(value).expect("test body serializes to JSON");
        self.header(CONTENT_TYPE, "application/json").body(bytes)
    }

    /// Sends `value` as an url-encoded form.
    ///
    /// # Panics
    ///
    /// When `value` cannot be serialized as a form (a bug in the test).
    pub fn form<T: Serialize + ?Sized>(self, value: &T) -> Self {
        let body = serde_urlencoded::to_string(value).expect("test body serializes as a form");
        self.header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
    }

    /// Sends the request and collects the whole response.
    ///
    /// # Panics
    ///
    /// When the request built is invalid (a bad URI or header in the test).
    pub async fn send(self) -> TestResponse {
        let req = self
            .builder
            .body(self.body)
            .expect("test request is a valid HTTP request");
        self.client.send(req).await
    }
}

/// A response collected by a [`TestClient`].
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl TestResponse {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// One header as a string, if present and printable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (lossy for non-UTF-8 bytes).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    ///
    /// When the body is not JSON of type `T`, with the body in the message.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!(
                "response body is not the expected JSON ({err}): {}",
                self.text()
            )
        })
    }
}
