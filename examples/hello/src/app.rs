//! The routes, and the state every handler shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{api, pages};

galaxy_core::app! {
    app = Hello;
    state = AppState;
    routes {
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
}

impl AppState {
    /// A state whose `/api/stats` answers requests carrying `x-api-key: {api_key}`.
    pub fn new(api_key: impl Into<Arc<str>>) -> Self {
        Self {
            api_key: api_key.into(),
            greetings: Arc::default(),
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

    /// How many greetings the app has served, as HTML or JSON.
    pub fn greetings_served(&self) -> u64 {
        self.greetings.load(Ordering::Relaxed)
    }
}
