//! Arbitrary bodies through `Multipart::from_body`, the parser of file uploads. Whatever the
//! bytes, it answers a form or a 4xx, never a panic or a 5xx; the files it stores have the
//! size it reports; and when the form is dropped (or parsing fails), no temp file is left.
//!
//! Input: the first byte picks the limits and the content type; the rest is the body, with
//! the opening boundary put in front half of the time so the parser gets past it.

#![no_main]

use std::sync::LazyLock;

use galaxy_core::extract::{Multipart, MultipartConfig, MultipartLimits};
use galaxy_core::http::HeaderValue;
use galaxy_core::{Body, HeaderMap};
use libfuzzer_sys::fuzz_target;

static TEMP: LazyLock<tempfile::TempDir> = LazyLock::new(|| tempfile::tempdir().unwrap());

struct Tight;

impl MultipartConfig for Tight {
    fn limits() -> MultipartLimits {
        MultipartLimits::new()
            .max_parts(4)
            .max_text_size(64)
            .max_file_size(256)
            .allow_content_type("text/*")
            .temp_dir(TEMP.path())
    }
}

struct Loose;

impl MultipartConfig for Loose {
    fn limits() -> MultipartLimits {
        MultipartLimits::new().temp_dir(TEMP.path())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let content_type = match mode & 3 {
        0 => "multipart/form-data; boundary=B",
        1 => "multipart/form-data; boundary=\"a b:c\"",
        2 => "multipart/form-data",
        _ => "multipart/mixed; boundary=B",
    };
    let boundary = if mode & 3 == 1 { "a b:c" } else { "B" };
    let mut body = Vec::new();
    if mode & 4 == 4 {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    }
    body.extend_from_slice(rest);
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static(content_type));

    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(async {
        if mode & 8 == 8 {
            check(Multipart::<Tight>::from_body(&headers, Body::from(body), 4096).await).await;
        } else {
            check(Multipart::<Loose>::from_body(&headers, Body::from(body), 4096).await).await;
        }
    });
    let left = std::fs::read_dir(TEMP.path()).unwrap().count();
    assert_eq!(left, 0, "temp files left behind");
});

async fn check<C: MultipartConfig>(result: Result<Multipart<C>, galaxy_core::extract::Rejection>) {
    match result {
        Ok(form) => {
            for file in form.files() {
                let on_disk = std::fs::metadata(file.path()).unwrap().len();
                assert_eq!(on_disk, file.size());
            }
        }
        Err(rejection) => assert!(rejection.status().is_client_error(), "{rejection}"),
    }
}
