//! [`Session`]: the handle handlers take, and what it tells the middleware to save.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::codec::SessionRecord;
use super::new_id;

/// The key the CSRF token is kept under; [`Session::regenerate`] drops it.
pub(crate) const CSRF_KEY: &str = "_csrf";

/// The current request's session, provided by [`SessionLayer`](super::SessionLayer).
///
/// A cheap handle (clones share the session): read and change it anywhere in the request, and
/// the middleware saves it once the handler has answered. Values are anything serde can
/// serialize, stored as JSON.
///
/// ```
/// use galaxy_core::middleware::Session;
/// use galaxy_core::prelude::*;
///
/// async fn login(session: Session) -> Result<Redirect> {
///     // A new id at every change of privilege, against session fixation.
///     session.regenerate();
///     session.insert("user_id", 42_u64)?;
///     session.flash("notice", "welcome back")?;
///     Ok(Redirect::to("/"))
/// }
///
/// async fn home(session: Session) -> String {
///     let notice: Option<String> = session.take_flash("notice");
///     let user: Option<u64> = session.get("user_id");
///     format!("{notice:?} {user:?}")
/// }
/// ```
#[derive(Clone)]
pub struct Session(Arc<Mutex<State>>);

struct State {
    /// The id the session will be saved under; `None` draws a new one.
    id: Option<String>,
    /// The id the request's cookie named, to remove from a store when it changes.
    loaded_id: Option<String>,
    created: u64,
    data: Map<String, Value>,
    /// Flash values from the previous request, readable now.
    flash_now: Map<String, Value>,
    /// Flash values for the next request.
    flash_next: Map<String, Value>,
    changed: bool,
    /// The session was loaded and its idle expiry is due to be pushed back.
    refresh: bool,
    destroyed: bool,
}

/// What the request's cookie gave the middleware.
pub(super) enum Loaded {
    Existing {
        record: SessionRecord,
        refresh: bool,
    },
    Fresh {
        now: u64,
    },
}

/// What the middleware has to do once the handler answered.
pub(super) enum Outcome {
    Unchanged,
    Destroyed {
        old_id: Option<String>,
    },
    Save {
        record: SessionRecord,
        /// An id to remove from a server-side store (it was regenerated).
        old_id: Option<String>,
    },
}

impl Session {
    pub(super) fn new(loaded: Loaded) -> Self {
        let state = match loaded {
            Loaded::Existing { record, refresh } => State {
                id: Some(record.id.clone()),
                loaded_id: Some(record.id),
                created: record.created,
                data: record.data,
                // Flash values live for one request: saving drops them.
                changed: !record.flash.is_empty(),
                flash_now: record.flash,
                flash_next: Map::new(),
                refresh,
                destroyed: false,
            },
            Loaded::Fresh { now } => State {
                id: None,
                loaded_id: None,
                created: now,
                data: Map::new(),
                flash_now: Map::new(),
                flash_next: Map::new(),
                changed: false,
                refresh: false,
                destroyed: false,
            },
        };
        Self(Arc::new(Mutex::new(state)))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The value under `key`, if there is one of type `T`.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let state = self.lock();
        let value = state.data.get(key)?;
        T::deserialize(value).ok()
    }

    /// `true` when there is a value under `key`.
    pub fn contains(&self, key: &str) -> bool {
        self.lock().data.contains_key(key)
    }

    /// Stores `value` under `key`.
    ///
    /// # Errors
    ///
    /// When `value` cannot be represented as JSON (e.g. a map with non-string keys); as a
    /// handler's error, it answers 500.
    pub fn insert<T: Serialize>(&self, key: &str, value: T) -> crate::Result<()> {
        let value = serde_json::to_value(value).map_err(crate::Error::internal)?;
        let mut state = self.lock();
        state.data.insert(key.to_owned(), value);
        state.touch();
        Ok(())
    }

    /// Removes the value under `key`, returning it.
    pub fn remove(&self, key: &str) -> Option<Value> {
        let mut state = self.lock();
        let removed = state.data.remove(key);
        if removed.is_some() {
            state.changed = true;
        }
        removed
    }

    /// Removes every value, keeping the session (and its id).
    pub fn clear(&self) {
        let mut state = self.lock();
        if !state.data.is_empty() {
            state.data.clear();
            state.changed = true;
        }
    }

    /// Stores `value` for the next request only (e.g. a notice to show after a redirect), where
    /// [`take_flash`](Self::take_flash) reads it.
    ///
    /// # Errors
    ///
    /// When `value` cannot be represented as JSON.
    pub fn flash<T: Serialize>(&self, key: &str, value: T) -> crate::Result<()> {
        let value = serde_json::to_value(value).map_err(crate::Error::internal)?;
        let mut state = self.lock();
        state.flash_next.insert(key.to_owned(), value);
        state.touch();
        Ok(())
    }

    /// Takes the flash value the previous request stored under `key`.
    pub fn take_flash<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let value = self.lock().flash_now.remove(key)?;
        T::deserialize(value).ok()
    }

    /// Gives the session a new id, keeping its values (but not its CSRF token, which is drawn
    /// anew): call it when the user logs in or changes privilege, so an id an attacker planted
    /// or saw before is worthless. A server-side store forgets the old id.
    pub fn regenerate(&self) {
        let mut state = self.lock();
        state.id = None;
        state.data.remove(CSRF_KEY);
        state.changed = true;
    }

    /// Ends the session: its values are gone, a server-side store forgets it and the cookie is
    /// removed (e.g. at logout). Values stored after this start a new session.
    pub fn destroy(&self) {
        let mut state = self.lock();
        state.id = None;
        state.data.clear();
        state.flash_now.clear();
        state.flash_next.clear();
        state.destroyed = true;
        state.changed = true;
    }

    /// The CSRF token of the session, drawn the first time it is asked for.
    pub(crate) fn csrf_token(&self) -> String {
        let mut state = self.lock();
        if let Some(Value::String(token)) = state.data.get(CSRF_KEY) {
            return token.clone();
        }
        let token = new_id();
        state
            .data
            .insert(CSRF_KEY.to_owned(), Value::String(token.clone()));
        state.touch();
        token
    }

    /// The CSRF token if the session has one, without drawing one.
    pub(crate) fn existing_csrf_token(&self) -> Option<String> {
        match self.lock().data.get(CSRF_KEY) {
            Some(Value::String(token)) => Some(token.clone()),
            _ => None,
        }
    }

    /// What to save, now that the request is done. `server_side`: the old id must be removed
    /// from the store when it changed.
    pub(super) fn outcome(&self, now: u64, server_side: bool) -> Outcome {
        let mut state = self.lock();
        let old_id = |state: &State| {
            let changed = state.loaded_id.is_some() && state.loaded_id != state.id;
            if server_side && changed {
                state.loaded_id.clone()
            } else {
                None
            }
        };
        let empty = state.data.is_empty() && state.flash_next.is_empty();
        if state.destroyed && empty {
            return Outcome::Destroyed {
                old_id: if server_side {
                    state.loaded_id.clone()
                } else {
                    None
                },
            };
        }
        let fresh = state.loaded_id.is_none();
        if !(state.changed || state.refresh) || (fresh && empty) {
            return Outcome::Unchanged;
        }
        if state.destroyed {
            // Values stored after `destroy`: a new session from now on.
            state.created = now;
        }
        let id = state.id.get_or_insert_with(new_id).clone();
        let old_id = old_id(&state);
        Outcome::Save {
            record: SessionRecord {
                id,
                created: state.created,
                seen: now,
                data: std::mem::take(&mut state.data),
                flash: std::mem::take(&mut state.flash_next),
            },
            old_id,
        }
    }
}

impl State {
    fn touch(&mut self) {
        self.changed = true;
        if self.destroyed {
            // Stored after `destroy`: a new session, under a new id.
            self.id = None;
        }
    }
}

impl fmt::Debug for Session {
    // Keys only: the id is a credential and values may be personal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Session")
            .field("keys", &state.data.keys().collect::<Vec<_>>())
            .field("changed", &state.changed)
            .finish_non_exhaustive()
    }
}

crate::context_value!(Session);
