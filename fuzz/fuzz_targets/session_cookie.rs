//! Session cookie decoding. The first byte picks what the rest is:
//!
//! - `0`: a session record in JSON, sealed into a cookie with the app's key and opened again:
//!   it must come back unchanged (the round trip through the cipher).
//! - `1`: a cookie value as a client may send it: opening it never panics, and never succeeds
//!   (nobody without the key can make one).
//! - `2`: decrypted bytes that are not a record: parsing never panics, and a record that parses
//!   prints back to one that parses to the same.
//! - anything else: the value of the session cookie of a real request: the app answers 200 with
//!   a fresh session, never an error.

#![no_main]

use std::sync::LazyLock;

use galaxy_core::cookie::Key;
use galaxy_core::middleware::__session_codec::{
    decode_cookie, decode_record, encode_cookie, encode_record,
};
use galaxy_core::middleware::{Session, SessionLayer};
use galaxy_core::{StatusCode, TestClient};
use libfuzzer_sys::fuzz_target;

const NAME: &str = "__Host-session";

static KEY: LazyLock<Key> = LazyLock::new(|| Key::from(&[7u8; 64]));

galaxy_core::app! {
    app = Site;
    chain web = [SessionLayer::new(KEY.clone())];
    routes {
        GET "/" => count, public, via web;
    }
}

async fn count(session: Session) -> galaxy_core::Result<String> {
    let n = session.get::<u64>("n").unwrap_or(0) + 1;
    session.insert("n", n)?;
    Ok(n.to_string())
}

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
});

static CLIENT: LazyLock<TestClient<Site>> = LazyLock::new(|| TestClient::new(Site::new(())));

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode {
        0 => {
            if let Some(record) = decode_record(rest) {
                let sealed = encode_cookie(&KEY, NAME, &record);
                assert_eq!(decode_cookie(&KEY, NAME, &sealed), Some(record));
            }
        }
        1 => {
            let value = String::from_utf8_lossy(rest);
            assert_eq!(decode_cookie(&KEY, NAME, &value), None, "forged {value:?}");
        }
        2 => {
            if let Some(record) = decode_record(rest) {
                let again = decode_record(&encode_record(&record));
                assert_eq!(again, Some(record));
            }
        }
        _ => {
            let Ok(value) = std::str::from_utf8(rest) else {
                return;
            };
            let cookie = format!("{NAME}={value}");
            if galaxy_core::http::HeaderValue::from_str(&cookie).is_err() {
                return;
            }
            let res = RUNTIME.block_on(CLIENT.get("/").header("cookie", cookie).send());
            assert_eq!(res.status(), StatusCode::OK, "{}", res.text());
            assert_eq!(res.text(), "1", "a forged cookie gave a session");
        }
    }
});
