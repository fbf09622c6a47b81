//! `SessionLayer`: a session per browser, which handlers take as [`Session`].
//!
//! See [`SessionLayer`] for the stores, the cookie and the expiry rules, and [`Session`] for
//! what handlers do with a session.
//!
//! # Example
//!
//! ```
//! use galaxy_core::middleware::{Session, SessionLayer};
//! use galaxy_core::prelude::*;
//!
//! galaxy_core::app! {
//!     app = Site;
//!     chain web = [SessionLayer::new(galaxy_core::cookie::Key::generate())];
//!     routes {
//!         GET "/visit" => visit, public, via web;
//!     }
//! }
//!
//! async fn visit(session: Session) -> Result<String> {
//!     let visits = session.get::<u32>("visits").unwrap_or(0) + 1;
//!     session.insert("visits", visits)?;
//!     Ok(format!("visit number {visits}"))
//! }
//!
//! # #[tokio::main] async fn main() {
//! let client = TestClient::new(Site::new(()));
//! let res = client.get("/visit").send().await;
//! assert_eq!(res.text(), "visit number 1");
//! let cookie = res.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
//! let res = client.get("/visit").header("cookie", cookie).send().await;
//! assert_eq!(res.text(), "visit number 2");
//! # }
//! ```

#[doc(hidden)]
pub mod codec;
mod handle;
#[cfg(feature = "redis")]
mod redis;
mod store;

pub use handle::Session;
#[cfg(feature = "redis")]
pub use redis::RedisSessionStore;
pub use store::{MemorySessionStore, SessionStore, StoreError};

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cookie::{Cookie, Key, SameSite};
use http::header::{COOKIE, RETRY_AFTER, SET_COOKIE};
use http::{HeaderValue, StatusCode};
use rand::RngCore as _;

use super::{HCons, HNil, Middleware, MiddlewareContext, Next};
use crate::extract::Rejection;
use crate::response::IntoResponse as _;
use crate::{Request, Response};
use codec::SessionRecord;
use handle::{Loaded, Outcome};

/// The environment variable [`SessionLayer::from_env`] reads the key from.
pub const APP_KEY_VAR: &str = "APP_KEY";

/// Keeps a session per browser and provides it to handlers as [`Session`].
///
/// Where sessions live:
///
/// - **an encrypted cookie** (the default): the whole session travels in the cookie, encrypted
///   and authenticated with AES-256-GCM under the app's key, so the servers keep nothing. Up to
///   about 3 KiB of data; [`Session::regenerate`] changes the id, but a copy of an old cookie
///   stays valid until it expires (nothing on the server remembers it).
/// - **in memory** ([`SessionLayer::memory`]): one server, sessions lost on restart.
/// - **Redis** (`SessionLayer::redis`, feature `redis`): shared by every server of the app.
/// - the database: not yet, it comes with Galaxy's ORM; any other backend can implement
///   [`SessionStore`].
///
/// The cookie is `__Host-session`, `Secure`, `HttpOnly`, `SameSite=Lax`, `Path=/`. Sessions
/// expire after 2 hours without a request (idle timeout) and 12 hours after they began
/// (absolute timeout), checked on the server against timestamps saved in the session, whatever
/// the cookie's own expiry says. A cookie that does not decrypt, names no session, or names an
/// expired one starts a fresh, empty session: never an error. A server-side store that cannot
/// be reached answers `503`: a request is never served with an empty session by mistake.
///
/// `Set-Cookie` is only sent when the session changed, or to push its idle expiry back (at most
/// every tenth of the idle timeout).
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use galaxy_core::middleware::SessionLayer;
///
/// // The key from the `APP_KEY` environment variable (a random one, with a warning, without).
/// let sessions = SessionLayer::from_env()
///     .idle_timeout(Duration::from_secs(30 * 60))
///     .absolute_timeout(Duration::from_secs(8 * 60 * 60));
/// # let _ = sessions;
/// ```
pub struct SessionLayer {
    backend: Backend,
    cookie_name: Option<String>,
    secure: bool,
    same_site: SameSite,
    idle: Duration,
    absolute: Duration,
}

enum Backend {
    Cookie(Key),
    Store(Arc<dyn SessionStore>),
}

impl fmt::Debug for SessionLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let backend: &dyn fmt::Debug = match &self.backend {
            Backend::Cookie(_) => &"encrypted cookie",
            Backend::Store(store) => store,
        };
        f.debug_struct("SessionLayer")
            .field("backend", backend)
            .field("cookie_name", &self.name())
            .field("secure", &self.secure)
            .field("same_site", &self.same_site)
            .field("idle", &self.idle)
            .field("absolute", &self.absolute)
            .finish()
    }
}

/// A session key that could not be read.
#[derive(Debug, thiserror::Error)]
#[error(
    "invalid session key: {0} (expected at least 32 random bytes, as `base64:...`, base64 or hex)"
)]
pub struct InvalidKey(&'static str);

/// The default idle timeout: 2 hours.
const DEFAULT_IDLE: Duration = Duration::from_secs(2 * 60 * 60);
/// The default absolute timeout: 12 hours.
const DEFAULT_ABSOLUTE: Duration = Duration::from_secs(12 * 60 * 60);

impl SessionLayer {
    fn with_backend(backend: Backend) -> Self {
        Self {
            backend,
            cookie_name: None,
            secure: true,
            same_site: SameSite::Lax,
            idle: DEFAULT_IDLE,
            absolute: DEFAULT_ABSOLUTE,
        }
    }

    /// Sessions in a cookie encrypted with `key` (see [`SessionLayer::parse_key`] to read one
    /// from configuration). Every server of the app needs the same key.
    pub fn new(key: Key) -> Self {
        Self::with_backend(Backend::Cookie(key))
    }

    /// Sessions in a cookie encrypted with the key in the `APP_KEY` environment variable
    /// (`base64:...`, base64 or hex, at least 32 bytes; generate one with
    /// `head -c 32 /dev/urandom | base64`).
    ///
    /// Without `APP_KEY`, a random key is generated and a warning logged: sessions then do not
    /// survive a restart, and servers do not share them.
    ///
    /// # Panics
    ///
    /// When `APP_KEY` is set but is not a valid key: starting with a key other than the one
    /// configured would silently log every user out.
    pub fn from_env() -> Self {
        match std::env::var(APP_KEY_VAR) {
            Ok(value) if !value.trim().is_empty() => match Self::parse_key(&value) {
                Ok(key) => Self::new(key),
                Err(err) => panic!("{APP_KEY_VAR}: {err}"),
            },
            _ => {
                tracing::warn!(
                    "{APP_KEY_VAR} is not set: sessions are encrypted with a random key and will \
                     not survive a restart (set {APP_KEY_VAR} to 32 random bytes in base64)"
                );
                Self::new(Key::generate())
            }
        }
    }

    /// Reads a key: `base64:` followed by base64, plain base64, or hex, of at least 32 bytes
    /// (a 32..63-byte key is expanded with HKDF; 64 bytes and more are used as they are).
    pub fn parse_key(text: &str) -> Result<Key, InvalidKey> {
        let text = text.trim();
        let bytes = if let Some(b64) = text.strip_prefix("base64:") {
            STANDARD
                .decode(b64)
                .map_err(|_| InvalidKey("not valid base64"))?
        } else if let Some(bytes) = decode_hex(text) {
            bytes
        } else {
            STANDARD
                .decode(text)
                .or_else(|_| URL_SAFE_NO_PAD.decode(text))
                .map_err(|_| InvalidKey("neither hex nor base64"))?
        };
        match bytes.len() {
            0..32 => Err(InvalidKey("shorter than 32 bytes")),
            32..64 => Ok(Key::derive_from(&bytes)),
            _ => Ok(Key::from(&bytes)),
        }
    }

    /// Sessions in this process's memory (see [`MemorySessionStore`]).
    pub fn memory() -> Self {
        Self::with_store(MemorySessionStore::new())
    }

    /// Sessions in a server-side `store`; the cookie holds only a random id.
    pub fn with_store(store: impl SessionStore) -> Self {
        Self::with_backend(Backend::Store(Arc::new(store)))
    }

    /// Sessions in Redis (see [`RedisSessionStore`]).
    #[cfg(feature = "redis")]
    pub fn redis(client: ::redis::Client) -> Self {
        Self::with_store(RedisSessionStore::new(client))
    }

    /// The cookie's name; `__Host-session` by default (`session` when not [`secure`]).
    ///
    /// [`secure`]: SessionLayer::secure
    #[must_use]
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.cookie_name = Some(name.into());
        self
    }

    /// Whether the cookie is `Secure` (sent over HTTPS only); `true` by default. Turn it off
    /// only for development over plain HTTP on another host than `localhost`.
    #[must_use]
    pub fn secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// The cookie's `SameSite`; `Lax` by default.
    #[must_use]
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.same_site = same_site;
        self
    }

    /// How long a session lives without a request; 2 hours by default.
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle = timeout;
        self
    }

    /// How long a session lives at most, however active; 12 hours by default.
    #[must_use]
    pub fn absolute_timeout(mut self, timeout: Duration) -> Self {
        self.absolute = timeout;
        self
    }

    fn name(&self) -> &str {
        match (&self.cookie_name, self.secure) {
            (Some(name), _) => name,
            (None, true) => "__Host-session",
            (None, false) => "session",
        }
    }

    fn request_cookie<'r>(&self, req: &'r Request) -> Option<&'r str> {
        let name = self.name();
        req.headers()
            .get_all(COOKIE)
            .iter()
            .filter_map(|header| header.to_str().ok())
            .flat_map(|header| header.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, value)| value.trim_matches('"'))
    }

    /// The session the request's cookie names, if it is valid and not expired.
    async fn load(&self, cookie: &str, now: u64) -> Result<Option<SessionRecord>, Response> {
        let record = match &self.backend {
            Backend::Cookie(key) => codec::decode_cookie(key, self.name(), cookie),
            Backend::Store(store) => {
                if !valid_id(cookie) {
                    return Ok(None);
                }
                let bytes = store.load(cookie).await.map_err(unavailable)?;
                // A record under another id is not this session's.
                bytes
                    .as_deref()
                    .and_then(codec::decode_record)
                    .filter(|record| record.id == cookie)
            }
        };
        let Some(record) = record else {
            tracing::debug!("session cookie did not name a valid session; starting a new one");
            return Ok(None);
        };
        if self.expired(&record, now) {
            tracing::debug!("session expired; starting a new one");
            if let Backend::Store(store) = &self.backend {
                store.remove(&record.id).await.map_err(unavailable)?;
            }
            return Ok(None);
        }
        Ok(Some(record))
    }

    fn expired(&self, record: &SessionRecord, now: u64) -> bool {
        now.saturating_sub(record.seen) >= self.idle.as_secs()
            || now.saturating_sub(record.created) >= self.absolute.as_secs()
    }

    /// How long a session saved now may live: until its idle or its absolute timeout.
    fn ttl(&self, record: &SessionRecord, now: u64) -> Duration {
        let age = Duration::from_secs(now.saturating_sub(record.created));
        self.idle.min(self.absolute.saturating_sub(age))
    }

    /// Whether an unchanged session is saved anyway, to push its idle expiry back.
    fn needs_refresh(&self, seen: u64, now: u64) -> bool {
        now.saturating_sub(seen) >= (self.idle.as_secs() / 10).max(1)
    }

    fn cookie(&self, value: String, max_age: Duration) -> Cookie<'static> {
        let max_age =
            cookie::time::Duration::seconds(i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX));
        Cookie::build((self.name().to_owned(), value))
            .path("/")
            .secure(self.secure)
            .http_only(true)
            .same_site(self.same_site)
            .max_age(max_age)
            .build()
    }

    /// Saves what the request did to its session and sets the cookie on `res`.
    async fn finish(
        &self,
        outcome: Outcome,
        had_cookie: bool,
        now: u64,
        mut res: Response,
    ) -> Response {
        let cookie = match outcome {
            Outcome::Unchanged => return res,
            Outcome::Destroyed { old_id } => {
                if let (Backend::Store(store), Some(old_id)) = (&self.backend, old_id)
                    && let Err(err) = store.remove(&old_id).await
                {
                    return unavailable(err);
                }
                if !had_cookie {
                    return res;
                }
                let mut cookie = self.cookie(String::new(), Duration::ZERO);
                cookie.make_removal();
                cookie
            }
            Outcome::Save { record, old_id } => {
                let ttl = self.ttl(&record, now);
                let value = match &self.backend {
                    Backend::Cookie(key) => {
                        let value = codec::encode_cookie(key, self.name(), &record);
                        if value.len() > codec::MAX_COOKIE_VALUE {
                            tracing::warn!(
                                bytes = value.len(),
                                "the session cookie is larger than browsers keep; store less in \
                                 the session or use a server-side store"
                            );
                        }
                        value
                    }
                    Backend::Store(store) => {
                        if let Some(old_id) = old_id
                            && let Err(err) = store.remove(&old_id).await
                        {
                            return unavailable(err);
                        }
                        let bytes = codec::encode_record(&record);
                        if let Err(err) = store.save(&record.id, &bytes, ttl).await {
                            return unavailable(err);
                        }
                        record.id
                    }
                };
                self.cookie(value, ttl)
            }
        };
        if let Ok(value) = HeaderValue::try_from(cookie.to_string()) {
            res.headers_mut().append(SET_COOKIE, value);
        }
        res
    }
}

/// Session ids: 32 random bytes in base64url.
pub(crate) fn new_id() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Only what [`new_id`] makes reaches a store: no odd bytes in store keys.
fn valid_id(id: &str) -> bool {
    id.len() == 43
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The answer while the session store is down: fail closed.
fn unavailable(err: StoreError) -> Response {
    tracing::error!(error = %err, "session store unavailable");
    let mut res = Rejection::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "service temporarily unavailable",
        false,
    )
    .into_response();
    res.headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("5"));
    res
}

impl<S: Send + Sync> Middleware<S> for SessionLayer {
    type Provides = HCons<Session, HNil>;
    type Requires = HNil;

    async fn call<N: Next>(
        &self,
        mut req: Request,
        _: MiddlewareContext<'_, S>,
        next: N,
    ) -> Response {
        let now = unix_now();
        let cookie = self.request_cookie(&req);
        let had_cookie = cookie.is_some();
        let record = match cookie {
            Some(cookie) => match self.load(cookie, now).await {
                Ok(record) => record,
                Err(res) => return res,
            },
            None => None,
        };
        let loaded = match record {
            Some(record) => Loaded::Existing {
                refresh: self.needs_refresh(record.seen, now),
                record,
            },
            None => Loaded::Fresh { now },
        };
        let session = Session::new(loaded);
        req.extensions_mut().insert(session.clone());
        let res = next.run(req).await;
        let outcome = session.outcome(now, !matches!(self.backend, Backend::Cookie(_)));
        if matches!(outcome, Outcome::Unchanged) {
            // The common case, without building `finish`'s future around the response.
            return res;
        }
        self.finish(outcome, had_cookie, now, res).await
    }
}

impl<T: SessionStore> SessionStore for Arc<T> {
    fn load<'a>(
        &'a self,
        id: &'a str,
    ) -> futures_util::future::BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        (**self).load(id)
    }

    fn save<'a>(
        &'a self,
        id: &'a str,
        data: &'a [u8],
        ttl: Duration,
    ) -> futures_util::future::BoxFuture<'a, Result<(), StoreError>> {
        (**self).save(id, data, ttl)
    }

    fn remove<'a>(
        &'a self,
        id: &'a str,
    ) -> futures_util::future::BoxFuture<'a, Result<(), StoreError>> {
        (**self).remove(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_from_base64_and_hex() {
        let raw = [7u8; 32];
        let b64 = STANDARD.encode(raw);
        let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        let a = SessionLayer::parse_key(&format!("base64:{b64}")).unwrap();
        let b = SessionLayer::parse_key(&b64).unwrap();
        let c = SessionLayer::parse_key(&hex).unwrap();
        assert!(a == b && b == c);
        assert!(SessionLayer::parse_key("base64:c2hvcnQ=").is_err());
        assert!(SessionLayer::parse_key("not a key!").is_err());
        assert!(SessionLayer::parse_key(&STANDARD.encode([1u8; 64])).is_ok());
    }

    #[test]
    fn ids_are_what_valid_id_accepts() {
        let id = new_id();
        assert!(valid_id(&id));
        assert_ne!(id, new_id());
        assert!(!valid_id("short"));
        assert!(!valid_id(&format!("{}*", "a".repeat(42))));
    }
}
