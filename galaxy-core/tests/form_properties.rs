//! Properties of the decoders of untrusted bodies: url-encoded forms, multipart bodies and
//! `Range` headers. Whatever the input, they answer a value or a 4xx, never a panic or a 5xx;
//! what a client encodes, they decode unchanged.

use std::collections::HashMap;

use galaxy_core::assets::ByteRange;
use galaxy_core::extract::{Multipart, MultipartConfig, MultipartLimits};
use galaxy_core::prelude::*;
use proptest::prelude::*;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[derive(Debug)]
struct Limited;

impl MultipartConfig for Limited {
    fn limits() -> MultipartLimits {
        MultipartLimits::new()
            .max_parts(8)
            .max_text_size(256)
            .max_file_size(4096)
    }
}

const BOUNDARY: &str = "proptest-boundary-7f3a";

fn headers(content_type: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", content_type.parse().unwrap());
    headers
}

fn multipart_body(texts: &[(String, String)], files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in texts {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, data) in files {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.bin\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_pairs_encoded_decode_to_the_same_pairs(pairs in proptest::collection::vec((".*", ".*"), 0..8)) {
        let encoded = serde_urlencoded::to_string(&pairs).unwrap();
        let Form(decoded) = Form::<Vec<(String, String)>>::from_bytes(encoded.as_bytes()).unwrap();
        prop_assert_eq!(decoded, pairs);
    }

    #[test]
    fn any_map_encoded_decodes_to_the_same_map(map in proptest::collection::hash_map("[^\u{0}]{0,12}", ".{0,20}", 0..8)) {
        let encoded = serde_urlencoded::to_string(&map).unwrap();
        let Form(decoded) = Form::<HashMap<String, String>>::from_bytes(encoded.as_bytes()).unwrap();
        prop_assert_eq!(decoded, map);
    }

    #[test]
    fn arbitrary_form_bytes_decode_or_answer_400_or_422(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        match Form::<HashMap<String, String>>::from_bytes(&bytes) {
            Ok(_) => prop_assert!(percent_encoding::percent_decode(&bytes).decode_utf8().is_ok()),
            Err(rejection) => prop_assert!(
                rejection.status() == 400 || rejection.status() == 422,
                "{}", rejection
            ),
        }
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Typed { a: u8, b: Option<bool>, c: Vec<String> }
        if let Err(rejection) = Form::<Typed>::from_bytes(&bytes) {
            prop_assert!(rejection.status().is_client_error());
        }
    }

    #[test]
    fn escapes_that_are_not_utf8_are_400(prefix in "[a-z]{0,5}", byte in 0x80u8..=0xff) {
        let body = format!("{prefix}=%{byte:02X}");
        let rejection = Form::<HashMap<String, String>>::from_bytes(body.as_bytes()).unwrap_err();
        prop_assert_eq!(rejection.status(), 400);
    }

    #[test]
    fn multipart_bodies_round_trip(
        texts in proptest::collection::vec(("[a-z]{1,8}", "[^\r\n]{0,40}"), 0..4),
        files in proptest::collection::vec(("[a-z]{1,8}", proptest::collection::vec(any::<u8>(), 0..2000)), 0..4),
    ) {
        let body = multipart_body(&texts, &files);
        prop_assume!(files.iter().all(|(_, data)| !contains(data, BOUNDARY.as_bytes())));
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        let form = runtime().block_on(Multipart::<Limited>::from_body(&headers(&content_type), Body::from(body), 1 << 20));
        let form = form.map_err(|r| TestCaseError::fail(r.to_string()))?;
        let got: Vec<(String, String)> = form.texts().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        prop_assert_eq!(got, texts);
        prop_assert_eq!(form.files().len(), files.len());
        for (file, (name, data)) in form.files().iter().zip(&files) {
            prop_assert_eq!(file.field_name(), name.as_str());
            prop_assert_eq!(&std::fs::read(file.path()).unwrap(), data);
        }
        let paths: Vec<_> = form.files().iter().map(|f| f.path().to_owned()).collect();
        drop(form);
        prop_assert!(paths.iter().all(|p| !p.exists()), "temp files are removed with the form");
    }

    #[test]
    fn arbitrary_multipart_bodies_answer_a_value_or_a_4xx(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        framed in any::<bool>(),
    ) {
        // Half the cases start like a real body, so the parser gets past the first boundary.
        let mut bytes = Vec::new();
        if framed {
            bytes.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        }
        bytes.extend_from_slice(&body);
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        let result = runtime().block_on(Multipart::<Limited>::from_body(&headers(&content_type), Body::from(bytes), 1024));
        if let Err(rejection) = result {
            prop_assert!(rejection.status().is_client_error(), "{}", rejection);
        }
    }

    #[test]
    fn arbitrary_content_types_answer_a_value_or_a_4xx(content_type in "[ -~]{0,60}") {
        prop_assume!(http::HeaderValue::from_str(&content_type).is_ok());
        let result = runtime().block_on(Multipart::<Limited>::from_body(&headers(&content_type), Body::from("--x--\r\n"), 1024));
        if let Err(rejection) = result {
            prop_assert!(rejection.status().is_client_error(), "{}", rejection);
        }
    }

    #[test]
    fn byte_ranges_stay_inside_the_file(header in "[ -~]{0,30}", len in 0u64..10_000) {
        match ByteRange::parse(&header, len) {
            ByteRange::Partial { start, end } => prop_assert!(start <= end && end < len),
            ByteRange::Full | ByteRange::Unsatisfiable => {}
        }
    }

    #[test]
    fn byte_ranges_agree_with_a_model(start in 0u64..2000, span in 0u64..2000, len in 0u64..1000) {
        let end = start + span;
        let expected = if start >= len {
            ByteRange::Unsatisfiable
        } else {
            ByteRange::Partial { start, end: end.min(len - 1) }
        };
        prop_assert_eq!(ByteRange::parse(&format!("bytes={start}-{end}"), len), expected);
        let suffix = if span == 0 || len == 0 {
            ByteRange::Unsatisfiable
        } else {
            ByteRange::Partial { start: len - span.min(len), end: len - 1 }
        };
        prop_assert_eq!(ByteRange::parse(&format!("bytes=-{span}"), len), suffix);
    }
}
