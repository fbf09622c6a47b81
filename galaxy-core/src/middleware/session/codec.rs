//! What a session stores, and the encrypted cookie that carries it in the cookie store.
//!
//! Public (hidden) so the fuzz target and the property tests can reach it; not an API.

use cookie::{Cookie, CookieJar, Key};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One session as stored: in the encrypted cookie, or as bytes in a server-side store.
///
/// The timestamps are Unix seconds; expiry is checked against them on every load, so an old
/// cookie (or a store that keeps data longer than asked) cannot revive a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// The session id: the key in a server-side store, and what [`regenerate`] changes.
    ///
    /// [`regenerate`]: super::Session::regenerate
    #[serde(rename = "i")]
    pub id: String,
    /// When the session was created.
    #[serde(rename = "c")]
    pub created: u64,
    /// When the session was last saved (its last activity, to within the refresh interval).
    #[serde(rename = "s")]
    pub seen: u64,
    /// The session's values.
    #[serde(rename = "d", default)]
    pub data: Map<String, Value>,
    /// Flash values for the next request.
    #[serde(rename = "f", default, skip_serializing_if = "Map::is_empty")]
    pub flash: Map<String, Value>,
}

/// The record as bytes (JSON).
pub fn encode_record(record: &SessionRecord) -> Vec<u8> {
    // A map of JSON values with string keys always serializes.
    serde_json::to_vec(record).unwrap_or_default()
}

/// A record from bytes; `None` for anything that is not one.
pub fn decode_record(bytes: &[u8]) -> Option<SessionRecord> {
    serde_json::from_slice(bytes).ok()
}

/// The value of the cookie `name` that carries `record`, encrypted and authenticated with
/// `key` (AES-256-GCM; the cookie's name is authenticated too, so a value cannot be moved to
/// another cookie).
pub fn encode_cookie(key: &Key, name: &str, record: &SessionRecord) -> String {
    let json = String::from_utf8(encode_record(record)).unwrap_or_default();
    let mut jar = CookieJar::new();
    jar.private_mut(key).add(Cookie::new(name.to_owned(), json));
    jar.get(name)
        .map(|cookie| cookie.value().to_owned())
        .unwrap_or_default()
}

/// The record a cookie value carries; `None` when it was not made with `key` for `name`, was
/// changed, or does not hold a record. Never panics, whatever the input.
pub fn decode_cookie(key: &Key, name: &str, value: &str) -> Option<SessionRecord> {
    // Sealed values are base64 of (nonce, ciphertext, tag); no real one comes near this, and
    // refusing early bounds the work an attacker can ask for.
    if value.len() > MAX_COOKIE_VALUE {
        return None;
    }
    let jar = CookieJar::new();
    let cookie = jar
        .private(key)
        .decrypt(Cookie::new(name.to_owned(), value.to_owned()))?;
    decode_record(cookie.value().as_bytes())
}

/// Browsers keep cookies of up to 4096 bytes, name and attributes included.
pub(crate) const MAX_COOKIE_VALUE: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> SessionRecord {
        let mut data = Map::new();
        data.insert("user".into(), Value::from(7));
        SessionRecord {
            id: "abc".into(),
            created: 1,
            seen: 2,
            data,
            flash: Map::new(),
        }
    }

    #[test]
    fn a_cookie_decodes_only_with_its_key_and_name() {
        let key = Key::generate();
        let value = encode_cookie(&key, "s", &record());
        assert_eq!(decode_cookie(&key, "s", &value), Some(record()));
        assert_eq!(decode_cookie(&Key::generate(), "s", &value), None);
        assert_eq!(decode_cookie(&key, "other", &value), None);
    }

    #[test]
    fn a_changed_cookie_does_not_decode() {
        let key = Key::generate();
        let value = encode_cookie(&key, "s", &record());
        let mut bytes = value.into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        assert_eq!(decode_cookie(&key, "s", &tampered), None);
        assert_eq!(decode_cookie(&key, "s", ""), None);
        assert_eq!(decode_cookie(&key, "s", "%%%"), None);
    }
}
