//! The routes, and the state every handler shares.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use galaxy_core::middleware::{Csrf, SecurityHeaders, SessionLayer};

use crate::guestbook::Entry;
use crate::{api, guestbook, pages};

galaxy_core::app! {
    app = Hello;
    state = AppState;
    // Sessions (for flashed errors and old input), CSRF checks, and the CSP nonce of the
    // guestbook's inline script. The key comes from `APP_KEY` (a random one without).
    chain web = [SecurityHeaders::default(), SessionLayer::from_env(), Csrf::default()];
    routes {
        group "/guestbook" via web {
            GET "/" => guestbook::index, name = guestbook.index, public;
            POST "/" => guestbook::sign, name = guestbook.sign, public;
        }
        GET "/" => pages::home, name = home, public;
        GET "/hello/{name}" => pages::hello, name = hello, public;
        POST "/hello" => pages::greet, name = greet, public;
        group "/api" {
            GET "/greetings/{name}" => api::greeting, name = api.greeting, public;
            GET "/stats" => api::stats, name = api.stats, authorize = api::has_api_key;
        }
    }
}

/// What the handlers share: the API key that guards `/api/stats`, and a greeting counter.
///
/// Handlers take it as `State<AppState>`, which clones it; the `Arc`s make that cheap and let
/// every clone count into the same total.
#[derive(Debug, Clone)]
pub struct AppState {
    api_key: Arc<str>,
    greetings: Arc<AtomicU64>,
    guestbook: Arc<Mutex<Vec<Entry>>>,
}

impl AppState {
    /// A state whose `/api/stats` answers requests carrying `x-api-key: {api_key}`.
    pub fn new(api_key: impl Into<Arc<str>>) -> Self {
        Self {
            api_key: api_key.into(),
            greetings: Arc::default(),
            guestbook: Arc::default(),
        }
    }

    /// The API key from `HELLO_API_KEY`, or `dev-key` when it is not set (fine for a demo,
    /// never for a real deployment).
    pub fn from_env() -> Self {
        Self::new(std::env::var("HELLO_API_KEY").unwrap_or_else(|_| "dev-key".to_owned()))
    }

    pub(crate) fn api_key(&self) -> &str {
        &self.api_key
    }

    /// Counts one greeting.
    pub(crate) fn count_greeting(&self) {
        // A statistic, not a synchronisation point: no ordering with other memory is needed.
        self.greetings.fetch_add(1, Ordering::Relaxed);
    }

    /// The guestbook's entries, oldest first.
    pub fn entries(&self) -> Vec<Entry> {
        self.guestbook
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Signs the guestbook.
    pub(crate) fn add_entry(&self, entry: Entry) {
        self.guestbook
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(entry);
    }

    /// `true` when `email` already signed the guestbook.
    pub(crate) fn has_signed(&self, email: &str) -> bool {
        self.guestbook
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .any(|entry| entry.email.eq_ignore_ascii_case(email))
    }

    /// How many greetings the app has served, as HTML or JSON.
    pub fn greetings_served(&self) -> u64 {
        self.greetings.load(Ordering::Relaxed)
    }
}
