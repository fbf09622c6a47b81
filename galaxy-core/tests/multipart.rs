//! `Multipart` through the test client: uploads land in temp files that live exactly as long as
//! the request, and every kind of bad body answers a 4xx and leaves no file behind.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use galaxy_core::extract::{Multipart, MultipartConfig, MultipartLimits};
use galaxy_core::prelude::*;
use serde::Deserialize;

/// Declares a `MultipartConfig` whose uploads go to a temp directory of its own, so a test can
/// check that the directory is empty once its requests are done.
macro_rules! upload_config {
    ($name:ident, $dir:ident, |$limits:ident| $body:expr) => {
        static $dir: LazyLock<tempfile::TempDir> =
            LazyLock::new(|| tempfile::tempdir().expect("a temp dir for uploads"));

        #[derive(Debug)]
        struct $name;

        impl MultipartConfig for $name {
            fn limits() -> MultipartLimits {
                let $limits = MultipartLimits::new().temp_dir($dir.path());
                $body
            }
        }
    };
}

upload_config!(Plain, PLAIN_DIR, |l| l);
upload_config!(Small, SMALL_DIR, |l| l
    .max_file_size(1024)
    .max_text_size(16)
    .max_parts(3));
upload_config!(Images, IMAGES_DIR, |l| l
    .allow_content_type("image/png")
    .allow_content_type("text/*"));
upload_config!(Failing, FAILING_DIR, |l| l);
upload_config!(Tiny, TINY_DIR, |l| l);

galaxy_core::app! {
    app = Uploads;
    routes {
        POST "/plain" => plain, public;
        POST "/small" => small, public;
        POST "/images" => images, public;
        POST "/failing" => failing, public;
        POST "/typed" => typed, public;
        POST "/tiny-route" => tiny, public, body_limit = 256;
        POST "/big-route" => plain, public, body_limit = 8 * 1024 * 1024;
    }
}

/// Describes what arrived: each text field, and each file with its temp path and contents,
/// checked while the request still runs.
async fn describe<C: MultipartConfig>(form: &Multipart<C>) -> String {
    let mut out = String::new();
    for (name, value) in form.texts() {
        out.push_str(&format!("text {name}={value}\n"));
    }
    for file in form.files() {
        assert!(
            file.path().exists(),
            "the temp file exists during the handler"
        );
        let bytes = file.bytes().await.unwrap();
        assert_eq!(bytes.len() as u64, file.size());
        out.push_str(&format!(
            "file {} {} {} {} {}\n",
            file.field_name(),
            file.file_name(),
            file.content_type()
                .map_or("-".to_owned(), |m| m.to_string()),
            file.size(),
            file.path().display(),
        ));
    }
    out
}

async fn plain(form: Multipart<Plain>) -> String {
    describe(&form).await
}

async fn small(form: Multipart<Small>) -> String {
    describe(&form).await
}

async fn tiny(form: Multipart<Tiny>) -> String {
    describe(&form).await
}

async fn images(form: Multipart<Images>) -> String {
    describe(&form).await
}

/// Parses fine, but the handler then fails: the temp files must go all the same.
async fn failing(form: Multipart<Failing>) -> Result<String> {
    let _ = describe(&form).await;
    Err(Error::status(StatusCode::CONFLICT, "the handler refused"))
}

#[derive(Debug, Deserialize)]
struct Profile {
    name: String,
    age: u8,
}

async fn typed(form: Multipart<Plain>) -> Result<String, galaxy_core::extract::Rejection> {
    let profile: Profile = form.fields()?;
    Ok(format!("{} is {}", profile.name, profile.age))
}

const BOUNDARY: &str = "galaxy-test-boundary";
const MULTIPART: &str = "multipart/form-data; boundary=galaxy-test-boundary";

enum Part<'a> {
    Text(&'a str, &'a [u8]),
    File(&'a str, &'a str, Option<&'a str>, &'a [u8]),
}

fn body(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                out.extend_from_slice(value);
            }
            Part::File(name, file_name, content_type, value) => {
                out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n"
                    )
                    .as_bytes(),
                );
                if let Some(content_type) = content_type {
                    out.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
                }
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(value);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

fn client() -> TestClient<Uploads> {
    TestClient::new(Uploads::new(()))
}

async fn post(uri: &str, body: Vec<u8>) -> galaxy_core::TestResponse {
    client()
        .post(uri)
        .header("content-type", MULTIPART)
        .body(body)
        .send()
        .await
}

fn assert_empty(dir: &Path) {
    let left: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "temp files left behind: {left:?}");
}

/// The temp paths a `describe` answer names.
fn temp_paths(text: &str) -> Vec<PathBuf> {
    text.lines()
        .filter(|l| l.starts_with("file "))
        .map(|l| PathBuf::from(l.rsplit(' ').next().unwrap()))
        .collect()
}

#[tokio::test]
async fn text_fields_and_files_arrive_and_the_temp_files_go_with_the_request() {
    let res = post(
        "/plain",
        body(&[
            Part::Text("title", "Holidays ☀".as_bytes()),
            Part::File(
                "photo",
                "beach.png",
                Some("image/png"),
                b"\x89PNG\r\n\x1a\nDATA",
            ),
            Part::File("notes", "notes.txt", None, b""),
            Part::Text("title", b"second"),
        ]),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let text = res.text();
    assert!(
        text.contains("text title=Holidays ☀\ntext title=second\n"),
        "{text}"
    );
    assert!(
        text.contains("file photo beach.png image/png 12 "),
        "{text}"
    );
    assert!(text.contains("file notes notes.txt - 0 "), "{text}");
    let paths = temp_paths(&text);
    assert_eq!(paths.len(), 2);
    for path in &paths {
        assert!(
            path.starts_with(PLAIN_DIR.path()),
            "{path:?} is in the configured temp dir"
        );
        assert!(
            !path.exists(),
            "{path:?} is removed once the request is done"
        );
    }
}

#[tokio::test]
async fn a_file_input_left_empty_is_no_file() {
    let res = post(
        "/plain",
        body(&[Part::File(
            "photo",
            "",
            Some("application/octet-stream"),
            b"",
        )]),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "");
}

#[tokio::test]
async fn a_large_file_streams_to_disk_under_a_route_body_limit() {
    let data: Vec<u8> = (0..6 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let res = post(
        "/big-route",
        body(&[Part::File(
            "blob",
            "blob.bin",
            Some("application/octet-stream"),
            &data,
        )]),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert!(res.text().contains(&format!(
        "file blob blob.bin application/octet-stream {} ",
        data.len()
    )));

    // The same body over the default 2 MiB limit of an ordinary route.
    let res = post(
        "/plain",
        body(&[Part::File(
            "blob",
            "blob.bin",
            Some("application/octet-stream"),
            &data,
        )]),
    )
    .await;
    assert_eq!(res.status(), 413);
    assert!(
        res.text()
            .contains("larger than the limit of 2097152 bytes"),
        "{}",
        res.text()
    );
}

#[tokio::test]
async fn a_body_over_the_route_limit_is_refused_even_without_a_content_length() {
    // A streamed body has no Content-Length: the parser stops at the limit.
    let data = vec![b'x'; 1024];
    let body = body(&[Part::Text("a", b"1"), Part::File("f", "f.bin", None, &data)]);
    let stream = futures_util::stream::iter(
        body.chunks(100)
            .map(|c| Ok::<_, std::io::Error>(http_body::Frame::data(Bytes::copy_from_slice(c))))
            .collect::<Vec<_>>(),
    );
    let res = client()
        .post("/tiny-route")
        .header("content-type", MULTIPART)
        .body(Body::from_stream(http_body_util::StreamBody::new(stream)))
        .send()
        .await;
    assert_eq!(res.status(), 413);
    assert_empty(TINY_DIR.path());
}

#[tokio::test]
async fn the_wrong_content_type_is_415_and_a_missing_boundary_400() {
    let res = client()
        .post("/plain")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("a=1")
        .send()
        .await;
    assert_eq!(res.status(), 415);
    assert!(res.text().contains("multipart/form-data"));

    let res = client().post("/plain").body("a=1").send().await;
    assert_eq!(res.status(), 415, "no content type at all");

    let res = client()
        .post("/plain")
        .header("content-type", "multipart/form-data")
        .body(body(&[Part::Text("a", b"1")]))
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().contains("no `boundary`"), "{}", res.text());

    let res = client()
        .post("/plain")
        .header("content-type", "multipart/form-data")
        .header("accept", "application/json")
        .body(body(&[Part::Text("a", b"1")]))
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.header("content-type"), Some("application/json"));
    let error: serde_json::Value = res.json();
    assert!(error["error"].as_str().unwrap().contains("boundary"));
}

#[tokio::test]
async fn malformed_and_truncated_bodies_are_400_and_leave_no_file() {
    let garbage = post("/failing", b"this is not multipart at all".to_vec()).await;
    assert_eq!(garbage.status(), 400, "{}", garbage.text());
    assert!(
        garbage.text().contains("malformed multipart body"),
        "{}",
        garbage.text()
    );

    // A whole file, then a body cut off in the middle of the next part: the first temp file
    // was written, and must be removed.
    let mut cut = body(&[
        Part::File("a", "a.txt", Some("text/plain"), &[b'a'; 3000]),
        Part::File("b", "b.txt", Some("text/plain"), &[b'b'; 3000]),
    ]);
    cut.truncate(cut.len() - 1000);
    let res = post("/failing", cut).await;
    assert_eq!(res.status(), 400, "{}", res.text());

    // Headers that never end.
    let mut endless =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"a\"\r\n").into_bytes();
    endless.extend(std::iter::repeat_n(b"X-Junk: 1\r\n".as_slice(), 100).flatten());
    let res = post("/failing", endless).await;
    assert_eq!(res.status(), 400, "{}", res.text());

    // A part without a name.
    let nameless = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; filename=\"x.txt\"\r\n\r\nx\r\n--{BOUNDARY}--\r\n"
    );
    let res = post("/failing", nameless.into_bytes()).await;
    assert_eq!(res.status(), 400);
    assert!(res.text().contains("no `name`"), "{}", res.text());

    // The handler failing after a good parse still removes the files.
    let res = post(
        "/failing",
        body(&[Part::File("a", "a.txt", Some("text/plain"), b"kept?")]),
    )
    .await;
    assert_eq!(res.status(), 409);
    assert_empty(FAILING_DIR.path());
}

#[tokio::test]
async fn files_text_fields_and_parts_over_their_limits_are_413() {
    let res = post(
        "/small",
        body(&[
            Part::File("ok", "ok.bin", None, &[1; 1024]),
            Part::File("big", "big.bin", None, &[1; 1025]),
        ]),
    )
    .await;
    assert_eq!(res.status(), 413);
    assert!(res.text().contains("`big`"), "{}", res.text());
    assert!(res.text().contains("1024 bytes"), "{}", res.text());

    let res = post("/small", body(&[Part::Text("note", &[b'n'; 17])])).await;
    assert_eq!(res.status(), 413);
    assert!(
        res.text()
            .contains("the field `note` is longer than the limit of 16 bytes")
    );

    let many: Vec<Part<'_>> = (0..1000).map(|_| Part::Text("x", b"1")).collect();
    let res = post("/small", body(&many)).await;
    assert_eq!(res.status(), 413);
    assert!(res.text().contains("more than 3 parts"), "{}", res.text());

    let res = post(
        "/small",
        body(&[Part::Text("a", b"1"), Part::Text("b", b"2")]),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_empty(SMALL_DIR.path());
}

#[tokio::test]
async fn upload_types_outside_the_allowed_list_are_415() {
    let ok = post(
        "/images",
        body(&[
            Part::File("a", "a.png", Some("image/png"), b"png"),
            Part::File("b", "b.txt", Some("text/plain; charset=utf-8"), b"text"),
            Part::Text("caption", b"text fields are not concerned"),
        ]),
    )
    .await;
    assert_eq!(ok.status(), 200, "{}", ok.text());

    let res = post(
        "/images",
        body(&[
            Part::File("a", "a.png", Some("image/png"), b"png"),
            Part::File("b", "b.gif", Some("image/gif"), b"gif"),
        ]),
    )
    .await;
    assert_eq!(res.status(), 415);
    assert_eq!(
        res.text(),
        "the file `b` has `image/gif`; allowed: `image/png`, `text/*`\n"
    );

    let res = post("/images", body(&[Part::File("a", "a.png", None, b"png")])).await;
    assert_eq!(res.status(), 415);
    assert!(res.text().contains("no content type"));
    assert_empty(IMAGES_DIR.path());
}

#[tokio::test]
async fn text_fields_that_are_not_utf8_are_400() {
    let res = post("/plain", body(&[Part::Text("name", b"caf\xe9")])).await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.text(), "the field `name` is not valid UTF-8\n");
}

#[tokio::test]
async fn text_fields_deserialize_into_a_type_or_answer_422() {
    let res = post(
        "/typed",
        body(&[Part::Text("name", b"Ada"), Part::Text("age", b"36")]),
    )
    .await;
    assert_eq!(res.text(), "Ada is 36");

    let res = post(
        "/typed",
        body(&[Part::Text("name", b"Ada"), Part::Text("age", b"old")]),
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text().starts_with("invalid form fields"),
        "{}",
        res.text()
    );
}

#[tokio::test]
async fn a_persisted_upload_outlives_the_request() {
    static DEST: LazyLock<tempfile::TempDir> = LazyLock::new(|| tempfile::tempdir().unwrap());

    galaxy_core::app! {
        app = Keeper;
        routes {
            POST "/keep" => keep, public;
        }
    }

    async fn keep(mut form: Multipart<Plain>) -> Result<String> {
        let file = form.take_file("doc").ok_or_else(Error::not_found)?;
        file.persist(DEST.path().join("kept.txt")).await?;
        Ok("kept".to_owned())
    }

    let res = TestClient::new(Keeper::new(()))
        .post("/keep")
        .header("content-type", MULTIPART)
        .body(body(&[Part::File(
            "doc",
            "doc.txt",
            Some("text/plain"),
            b"keep me",
        )]))
        .send()
        .await;
    assert_eq!(res.text(), "kept");
    assert_eq!(
        std::fs::read(DEST.path().join("kept.txt")).unwrap(),
        b"keep me"
    );
}
