//! Arbitrary bytes through the url-encoded decoders: `Form::from_bytes` and the `Query`
//! extractor (which share one decoder). Whatever the bytes, decoding answers a value or a 4xx,
//! never a panic; what decodes re-encodes and decodes to the same pairs; and a value that is
//! not UTF-8 once percent-decoded is refused, never replaced by U+FFFD.

#![no_main]

use std::collections::HashMap;

use galaxy_core::prelude::*;
use libfuzzer_sys::fuzz_target;

galaxy_core::app! {
    app = QueryApp;
    routes {
        GET "/q" => query, public;
    }
}

async fn query(Query(pairs): Query<Vec<(String, String)>>) -> String {
    serde_json::to_string(&pairs).unwrap()
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Typed {
    name: String,
    count: Option<u32>,
    flag: Option<bool>,
}

fuzz_target!(|data: &[u8]| {
    let utf8 = percent_encoding_ok(data);
    match Form::<Vec<(String, String)>>::from_bytes(data) {
        Ok(Form(pairs)) => {
            assert!(utf8, "non-UTF-8 input was accepted");
            let encoded = serde_urlencoded::to_string(&pairs).unwrap();
            let Form(again) = Form::<Vec<(String, String)>>::from_bytes(encoded.as_bytes()).unwrap();
            assert_eq!(again, pairs);
        }
        Err(rejection) => assert!(rejection.status().is_client_error(), "{rejection}"),
    }
    for status in [
        Form::<HashMap<String, String>>::from_bytes(data).err().map(|r| r.status()),
        Form::<Typed>::from_bytes(data).err().map(|r| r.status()),
    ]
    .into_iter()
    .flatten()
    {
        assert!(status.is_client_error());
    }

    // The same bytes as a query string, when they can be one.
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(uri) = format!("/q?{text}").parse::<galaxy_core::Uri>() else { return };
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let res = runtime.block_on(TestClient::new(QueryApp::new(())).get(&uri.to_string()).send());
    assert!(res.status() == 200 || res.status() == 400, "{}", res.status());
});

/// The rule the decoders must follow: every name and value is UTF-8 once percent-decoded.
fn percent_encoding_ok(data: &[u8]) -> bool {
    let mut decoded = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (data[i], data.get(i + 1).copied().and_then(hex), data.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                decoded.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&decoded).is_ok()
}
