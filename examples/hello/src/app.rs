//! The routes, and the state every handler shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use galaxy_core::extract::FromRef;
use galaxy_core::middleware::{Csrf, SecurityHeaders, SessionLayer};
use galaxy_orm::Db;

use crate::models::Entry;
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
            // `{entry: Entry}` looks the entry up by key before the handler runs (404 if none).
            GET "/{entry: Entry}" => guestbook::show, name = guestbook.show, public;
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

/// What the handlers share: the API key that guards `/api/stats`, a greeting counter, and the
/// database that keeps the guestbook.
///
/// Handlers take it as `State<AppState>`, which clones it; the `Arc`s (and the pool inside
/// [`Db`]) make that cheap and let every clone count into the same total.
#[derive(Debug, Clone)]
pub struct AppState {
    api_key: Arc<str>,
    greetings: Arc<AtomicU64>,
    db: Db,
}

/// Route model binding (`{entry: Entry}`) and handlers asking for `State<Db>` take the pool from
/// here.
impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Db {
        state.db.clone()
    }
}

impl AppState {
    /// A state whose `/api/stats` answers requests carrying `x-api-key: {api_key}`, keeping the
    /// guestbook in `db` (migrated already: see [`connect`](crate::connect)).
    pub fn new(api_key: impl Into<Arc<str>>, db: Db) -> Self {
        Self {
            api_key: api_key.into(),
            greetings: Arc::default(),
            db,
        }
    }

    /// The API key from `HELLO_API_KEY`, or `dev-key` when it is not set (fine for a demo,
    /// never for a real deployment), with the guestbook in `db`.
    pub fn from_env(db: Db) -> Self {
        Self::new(
            std::env::var("HELLO_API_KEY").unwrap_or_else(|_| "dev-key".to_owned()),
            db,
        )
    }

    pub(crate) fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Counts one greeting.
    pub(crate) fn count_greeting(&self) {
        // A statistic, not a synchronisation point: no ordering with other memory is needed.
        self.greetings.fetch_add(1, Ordering::Relaxed);
    }

    /// The guestbook's entries, oldest first.
    ///
    /// # Errors
    ///
    /// When the database cannot answer.
    pub async fn entries(&self) -> galaxy_orm::Result<Vec<Entry>> {
        Entry::oldest_first(&self.db).await
    }

    /// How many greetings the app has served, as HTML or JSON.
    pub fn greetings_served(&self) -> u64 {
        self.greetings.load(Ordering::Relaxed)
    }
}
