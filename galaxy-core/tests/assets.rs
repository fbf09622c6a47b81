//! Static assets through the test client: fingerprinted URLs, caching headers, conditional and
//! range requests, precompressed siblings, and paths that try to leave the folder.

use galaxy_core::assets::{Assets, asset};
use galaxy_core::prelude::*;
use sha2::{Digest, Sha256};

galaxy_core::app! {
    app = Site;
    state = Assets;
    routes {
        GET "/" => home, public;
        GET "/assets/{*path}" => asset_file, public;
    }
}

async fn home(State(assets): State<Assets>) -> Markup {
    maud::html! {
        link rel="stylesheet" href=(assets.url("app.css"));
        script src=(assets.url("js/app.min.js")) {}
    }
}

async fn asset_file(
    State(assets): State<Assets>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    assets.serve(&path, &headers).await
}

const CSS: &str = "body { color: rebeccapurple }\n";
const SECRET: &str = "the secret outside the folder";

/// A folder of assets inside a temp dir that also holds a secret beside it.
struct Fixture {
    _root: tempfile::TempDir,
    assets: Assets,
    data: Vec<u8>,
}

fn fixture() -> Fixture {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("public");
    std::fs::create_dir_all(dir.join("js")).unwrap();
    std::fs::write(root.path().join("secret.txt"), SECRET).unwrap();
    std::fs::create_dir(root.path().join("outside")).unwrap();
    std::fs::write(root.path().join("outside/secret.txt"), SECRET).unwrap();

    std::fs::write(dir.join("app.css"), CSS).unwrap();
    std::fs::write(dir.join("app.css.br"), b"BROTLI-BYTES").unwrap();
    std::fs::write(dir.join("app.css.gz"), b"GZIP-BYTES").unwrap();
    std::fs::write(dir.join("js/app.min.js"), "console.log('hi')").unwrap();
    std::fs::write(dir.join("logo.png"), b"\x89PNG").unwrap();
    std::fs::write(dir.join(".env"), SECRET).unwrap();
    let data: Vec<u8> = (0..1000u32).map(|i| (i % 256) as u8).collect();
    std::fs::write(dir.join("data.bin"), &data).unwrap();
    // A gzip file with no original beside it is an asset of its own.
    std::fs::write(dir.join("archive.tar.gz"), b"TARGZ").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(root.path().join("secret.txt"), dir.join("escape.txt")).unwrap();
        symlink(root.path().join("outside"), dir.join("outdir")).unwrap();
        symlink(dir.join("app.css"), dir.join("alias.css")).unwrap();
    }
    let assets = Assets::load(&dir, "/assets").unwrap();
    Fixture {
        _root: root,
        assets,
        data,
    }
}

fn client(f: &Fixture) -> TestClient<Site> {
    TestClient::new(Site::new(f.assets.clone()))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn urls_carry_the_content_hash_and_are_served_immutable() {
    let f = fixture();
    let hash = sha256_hex(CSS.as_bytes());
    let url = f.assets.url("app.css");
    assert_eq!(url, format!("/assets/app.{}.css", &hash[..8]));
    assert_eq!(f.assets.url("/app.css"), url, "a leading slash is fine");
    assert!(
        f.assets
            .url("js/app.min.js")
            .starts_with("/assets/js/app.min.")
    );
    assert_eq!(
        f.assets.url("missing.css"),
        "/assets/missing.css",
        "unknown names keep their plain URL"
    );

    let client = client(&f);
    let page = client.get("/").send().await.text();
    assert!(page.contains(&format!("href=\"{url}\"")), "{page}");

    let res = client.get(&url).send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), CSS);
    assert_eq!(
        res.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(res.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(
        res.header("etag"),
        Some(format!("\"{}\"", &hash[..16]).as_str())
    );
    assert_eq!(res.header("accept-ranges"), Some("bytes"));
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        res.header("content-length"),
        Some(CSS.len().to_string().as_str())
    );

    // The plain name works too, but must be revalidated.
    let res = client.get("/assets/app.css").send().await;
    assert_eq!(res.text(), CSS);
    assert_eq!(res.header("cache-control"), Some("public, no-cache"));

    // A stale fingerprint is not served.
    let res = client.get("/assets/app.00000000.css").send().await;
    assert_eq!(res.status(), 404);

    let manifest: Vec<_> = f.assets.manifest().collect();
    assert!(manifest.contains(&("app.css", &url["/assets/".len()..])));
    assert!(!manifest.iter().any(|(name, _)| name.ends_with(".br")));
}

#[tokio::test]
async fn content_types_follow_the_extension() {
    let f = fixture();
    let client = client(&f);
    for (name, expected) in [
        ("js/app.min.js", "text/javascript; charset=utf-8"),
        ("logo.png", "image/png"),
        ("data.bin", "application/octet-stream"),
        ("archive.tar.gz", "application/gzip"),
    ] {
        let res = client.get(&f.assets.url(name)).send().await;
        assert_eq!(res.status(), 200, "{name}");
        assert_eq!(res.header("content-type"), Some(expected), "{name}");
        assert_eq!(res.header("content-encoding"), None, "{name}");
    }
}

#[tokio::test]
async fn etags_answer_if_none_match_with_304() {
    let f = fixture();
    let client = client(&f);
    let url = f.assets.url("js/app.min.js");
    let etag = client
        .get(&url)
        .send()
        .await
        .header("etag")
        .unwrap()
        .to_owned();

    for if_none_match in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"other\", {etag}"),
        "*".to_owned(),
    ] {
        let res = client
            .get(&url)
            .header("if-none-match", if_none_match.as_str())
            .send()
            .await;
        assert_eq!(res.status(), 304, "{if_none_match}");
        assert!(res.bytes().is_empty());
        assert_eq!(res.header("etag"), Some(etag.as_str()));
        assert_eq!(
            res.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
    }
    let res = client
        .get(&url)
        .header("if-none-match", "\"stale\"")
        .send()
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn precompressed_siblings_are_served_to_clients_that_accept_them() {
    let f = fixture();
    let client = client(&f);
    let url = f.assets.url("app.css");

    let br = client
        .get(&url)
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .await;
    assert_eq!(br.text(), "BROTLI-BYTES");
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(br.header("vary"), Some("accept-encoding"));
    assert_eq!(br.header("content-length"), Some("12"));

    let gz = client
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await;
    assert_eq!(gz.text(), "GZIP-BYTES");
    assert_eq!(gz.header("content-encoding"), Some("gzip"));

    let refused = client
        .get(&url)
        .header("accept-encoding", "br;q=0, gzip;q=0")
        .send()
        .await;
    assert_eq!(refused.text(), CSS);
    assert_eq!(refused.header("content-encoding"), None);
    assert_eq!(refused.header("vary"), Some("accept-encoding"));

    let identity = client.get(&url).send().await;
    assert_eq!(identity.text(), CSS);
    assert_eq!(identity.header("vary"), Some("accept-encoding"));

    // Each representation has its own ETag, and revalidates against it.
    let tags = [&br, &gz, &identity].map(|r| r.header("etag").unwrap().to_owned());
    assert!(tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2]);
    let res = client
        .get(&url)
        .header("accept-encoding", "br")
        .header("if-none-match", tags[0].as_str())
        .send()
        .await;
    assert_eq!(res.status(), 304);
    assert_eq!(res.header("vary"), Some("accept-encoding"));

    // A file without siblings does not vary.
    let res = client
        .get(&f.assets.url("logo.png"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await;
    assert_eq!(res.header("vary"), None);
    assert_eq!(res.header("content-encoding"), None);
}

#[tokio::test]
async fn range_requests_get_206_or_416() {
    let f = fixture();
    let client = client(&f);
    let url = f.assets.url("data.bin");
    let get_range = |range: &'static str| client.get(&url).header("range", range).send();

    let res = get_range("bytes=0-9").await;
    assert_eq!(res.status(), 206);
    assert_eq!(res.bytes().as_ref(), &f.data[0..10]);
    assert_eq!(res.header("content-range"), Some("bytes 0-9/1000"));
    assert_eq!(res.header("content-length"), Some("10"));

    let res = get_range("bytes=990-").await;
    assert_eq!(res.bytes().as_ref(), &f.data[990..]);
    assert_eq!(res.header("content-range"), Some("bytes 990-999/1000"));

    let res = get_range("bytes=-5").await;
    assert_eq!(res.bytes().as_ref(), &f.data[995..]);

    let res = get_range("bytes=500-100000").await;
    assert_eq!(res.status(), 206);
    assert_eq!(res.bytes().as_ref(), &f.data[500..]);

    let res = get_range("bytes=1000-").await;
    assert_eq!(res.status(), 416);
    assert_eq!(res.header("content-range"), Some("bytes */1000"));

    for ignored in ["bytes=0-1,5-6", "bytes=9-2", "lines=1-2", "bytes=x-"] {
        let res = get_range(ignored).await;
        assert_eq!(res.status(), 200, "{ignored}");
        assert_eq!(res.bytes().len(), 1000);
    }

    // Ranges are served from the file itself even to a client that accepts brotli.
    let res = client
        .get(&f.assets.url("app.css"))
        .header("accept-encoding", "br")
        .header("range", "bytes=0-3")
        .send()
        .await;
    assert_eq!(res.status(), 206);
    assert_eq!(res.text(), &CSS[..4]);
    assert_eq!(res.header("content-encoding"), None);

    // If-Range: the range only while the client's copy is current.
    let etag = client
        .get(&url)
        .send()
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let res = client
        .get(&url)
        .header("range", "bytes=0-1")
        .header("if-range", etag.as_str())
        .send()
        .await;
    assert_eq!(res.status(), 206);
    let res = client
        .get(&url)
        .header("range", "bytes=0-1")
        .header("if-range", "\"old\"")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().len(), 1000);
}

#[tokio::test]
async fn head_answers_the_headers_without_a_body() {
    let f = fixture();
    let res = client(&f).head(&f.assets.url("data.bin")).send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-length"), Some("1000"));
    assert!(res.bytes().is_empty());
}

#[tokio::test]
async fn no_path_reaches_outside_the_folder() {
    let f = fixture();
    let client = client(&f);
    for path in [
        "/assets/../secret.txt",
        "/assets/%2e%2e/secret.txt",
        "/assets/%2E%2E/secret.txt",
        "/assets/..%2fsecret.txt",
        "/assets/%2e%2e%2fsecret.txt",
        "/assets/js/../../secret.txt",
        "/assets/js/%2e%2e/%2e%2e/secret.txt",
        "/assets/..%5csecret.txt",
        "/assets/js%5c..%5c..%5csecret.txt",
        "/assets/%00",
        "/assets/app.css%00",
        "/assets/app.css%00.png",
        "/assets/%2fetc%2fpasswd",
        "/assets//etc/passwd",
        "/assets/%2f..%2fsecret.txt",
        "/assets/.env",
        "/assets/%2eenv",
        "/assets/escape.txt",
        "/assets/outdir/secret.txt",
        "/assets/app.css.br",
        "/assets/js/",
        "/assets/js",
    ] {
        let res = client.get(path).send().await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(!res.text().contains(SECRET), "{path}");
    }

    // The same, straight at `serve`, with what a URL cannot carry.
    let headers = HeaderMap::new();
    for path in [
        "../secret.txt",
        "..\\secret.txt",
        "/etc/passwd",
        "\0",
        "app.css\0",
        "C:\\Windows\\win.ini",
        "js/../app.css",
        "./app.css",
        "",
        "escape.txt",
    ] {
        let res = f.assets.serve(path, &headers).await;
        assert_eq!(res.status(), 404, "{path:?}");
    }

    // A symlink that stays inside the folder is served.
    #[cfg(unix)]
    assert_eq!(client.get("/assets/alias.css").send().await.text(), CSS);
}

#[tokio::test]
async fn the_global_helper_resolves_names_in_views() {
    let f = fixture();
    assert!(f.assets.install_global());
    assert!(!f.assets.install_global(), "the first installation wins");
    let page = maud::html! { link rel="stylesheet" href=(asset("app.css")); };
    assert_eq!(
        page.into_string(),
        format!(
            r#"<link rel="stylesheet" href="{}">"#,
            f.assets.url("app.css")
        )
    );
}
