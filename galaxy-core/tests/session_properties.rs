//! Properties of the session cookie codec: what is sealed opens to the same record, only with
//! its key and cookie name, and any change to a sealed value is refused; and of the middleware:
//! any value stored comes back in the next request.

use std::sync::LazyLock;

use galaxy_core::cookie::Key;
use galaxy_core::middleware::__session_codec::{
    SessionRecord, decode_cookie, decode_record, encode_cookie, encode_record,
};
use galaxy_core::middleware::{Session, SessionLayer};
use galaxy_core::prelude::*;
use proptest::prelude::*;
use serde_json::{Map, Value};

static KEY: LazyLock<Key> = LazyLock::new(Key::generate);
static OTHER_KEY: LazyLock<Key> = LazyLock::new(Key::generate);

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Any finite float (JSON has no NaN or infinities) reads back bit for bit.
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".*".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(".{0,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn map() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(".{0,12}", json_value(), 0..6).prop_map(|m| m.into_iter().collect())
}

fn record() -> impl Strategy<Value = SessionRecord> {
    (
        "[A-Za-z0-9_-]{43}",
        any::<u64>(),
        any::<u64>(),
        map(),
        map(),
    )
        .prop_map(|(id, created, seen, data, flash)| SessionRecord {
            id,
            created,
            seen,
            data,
            flash,
        })
}

proptest! {
    #[test]
    fn a_sealed_record_opens_unchanged(record in record()) {
        let sealed = encode_cookie(&KEY, "__Host-session", &record);
        prop_assert_eq!(decode_cookie(&KEY, "__Host-session", &sealed), Some(record.clone()));
        prop_assert_eq!(decode_record(&encode_record(&record)), Some(record));
    }

    #[test]
    fn a_sealed_record_opens_only_with_its_key_and_name(record in record()) {
        let sealed = encode_cookie(&KEY, "__Host-session", &record);
        prop_assert_eq!(decode_cookie(&OTHER_KEY, "__Host-session", &sealed), None);
        prop_assert_eq!(decode_cookie(&KEY, "session", &sealed), None);
    }

    #[test]
    fn a_changed_sealed_value_is_refused(
        record in record(),
        at in any::<prop::sample::Index>(),
        byte in prop::sample::select(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".to_vec()),
    ) {
        let sealed = encode_cookie(&KEY, "__Host-session", &record);
        let mut bytes = sealed.clone().into_bytes();
        let at = at.index(bytes.len());
        prop_assume!(bytes[at] != byte && bytes[at] != b'=');
        bytes[at] = byte;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert_eq!(decode_cookie(&KEY, "__Host-session", &changed), None);
    }

    #[test]
    fn arbitrary_cookie_values_never_open(value in ".{0,200}") {
        prop_assert_eq!(decode_cookie(&KEY, "__Host-session", &value), None);
    }
}

galaxy_core::app! {
    app = Site;
    chain web = [SessionLayer::new(KEY.clone())];
    chain memory = [SessionLayer::memory()];
    routes {
        POST "/put" => put, public, via web;
        GET "/get" => get, public, via web;
        POST "/m/put" => put, public, via memory;
        GET "/m/get" => get, public, via memory;
    }
}

async fn put(session: Session, Json(value): Json<Value>) -> Result<&'static str> {
    session.insert("v", value)?;
    Ok("stored")
}

async fn get(session: Session) -> Json<Value> {
    Json(serde_json::json!({ "found": session.contains("v"), "v": session.get::<Value>("v") }))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_stored_value_comes_back_in_the_next_request(value in json_value()) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let client = TestClient::new(Site::new(()));
        for prefix in ["", "/m"] {
            let (status, back) = runtime.block_on(async {
                let res = client.post(&format!("{prefix}/put")).json(&value).send().await;
                let cookie = res
                    .header("set-cookie")
                    .unwrap()
                    .split(';')
                    .next()
                    .unwrap()
                    .to_owned();
                let res = client
                    .get(&format!("{prefix}/get"))
                    .header("cookie", cookie)
                    .send()
                    .await;
                (res.status(), res.json::<Value>())
            });
            prop_assert_eq!(status, StatusCode::OK);
            prop_assert_eq!(&back["found"], &Value::Bool(true));
            prop_assert_eq!(&back["v"], &value);
        }
    }
}
