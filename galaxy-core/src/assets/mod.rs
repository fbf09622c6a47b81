//! Static assets: the files of a folder, served under fingerprinted URLs.
//!
//! [`Assets::load`] reads the folder once at startup into a manifest: each file's SHA-256, its
//! fingerprinted name (`app.css` → `app.3f2a1b9c.css`) and its precompressed `.br`/`.gz`
//! siblings. Views link with [`Assets::url`] (or the [`asset`] function); a route with a
//! wildcard serves them with [`Assets::serve`]. See the assets guide (`docs/assets.md`).

mod file_body;
mod manifest;
mod negotiate;
mod range;

pub use range::ByteRange;

use std::io;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE,
    ETAG, IF_RANGE, RANGE, VARY, X_CONTENT_TYPE_OPTIONS,
};
use http::{HeaderMap, HeaderValue, StatusCode};
use tokio::io::AsyncSeekExt;

use crate::{Body, Response};
use file_body::FileBody;
use manifest::{Asset, Manifest, Representation};

/// The `Cache-Control` of fingerprinted names: their content never changes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The `Cache-Control` of plain names: cache, but ask (with the ETag) before each use.
const REVALIDATE: &str = "public, no-cache";

/// The assets of one folder, mounted at one URL prefix. Cheap to clone (an `Arc`): keep it in
/// the app state.
///
/// # Example
///
/// ```
/// use galaxy_core::assets::Assets;
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Site;
///     state = Assets;
///     routes {
///         GET "/" => home, public;
///         GET "/assets/{*path}" => asset_file, public;
///     }
/// }
///
/// async fn home(State(assets): State<Assets>) -> Html<String> {
///     Html(format!(r#"<link rel="stylesheet" href="{}">"#, assets.url("app.css")))
/// }
///
/// async fn asset_file(State(assets): State<Assets>, Path(path): Path<String>, headers: HeaderMap) -> Response {
///     assets.serve(&path, &headers).await
/// }
///
/// # #[tokio::main] async fn main() -> std::io::Result<()> {
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("app.css"), "body { color: red }")?;
/// let assets = Assets::load(dir.path(), "/assets")?;
/// let url = assets.url("app.css");
/// assert!(url.starts_with("/assets/app.") && url.ends_with(".css"));
///
/// let client = TestClient::new(Site::new(assets));
/// let res = client.get(&url).send().await;
/// assert_eq!(res.text(), "body { color: red }");
/// assert_eq!(res.header("cache-control"), Some("public, max-age=31536000, immutable"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Assets {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    mount: String,
    manifest: Manifest,
}

static GLOBAL: OnceLock<Assets> = OnceLock::new();

impl Assets {
    /// Reads every file under `dir` (hidden files and symlinks out of `dir` excluded), hashes
    /// it, and mounts the lot at `mount` (the URL prefix of the route that serves them, e.g.
    /// `/assets`).
    ///
    /// The folder is read once: a file changed afterwards keeps its old ETag and fingerprint
    /// until the next start, so deploy assets with the app, as a whole.
    pub fn load(dir: impl AsRef<Path>, mount: &str) -> io::Result<Self> {
        let manifest = Manifest::scan(dir.as_ref())?;
        Ok(Self {
            inner: Arc::new(Inner {
                mount: mount.trim_end_matches('/').to_owned(),
                manifest,
            }),
        })
    }

    /// The URL of the asset `name` (its path under the folder, `/`-separated): the mount, then
    /// its fingerprinted name, e.g. `/assets/css/app.3f2a1b9c.css`. A name that is not in the
    /// folder gets its plain URL (which answers `404`) and a warning in the log.
    pub fn url(&self, name: &str) -> String {
        let name = name.trim_start_matches('/');
        match self.inner.manifest.fingerprints.get(name) {
            Some(fingerprinted) => format!("{}/{fingerprinted}", self.inner.mount),
            None => {
                tracing::warn!(asset = name, "no such asset: linking to its plain name");
                format!("{}/{name}", self.inner.mount)
            }
        }
    }

    /// Every asset's name and fingerprinted name, e.g. for a `routes`-like listing.
    pub fn manifest(&self) -> impl Iterator<Item = (&str, &str)> {
        self.inner
            .manifest
            .fingerprints
            .iter()
            .map(|(name, fingerprinted)| (name.as_str(), fingerprinted.as_str()))
    }

    /// Makes these the assets [`asset`] resolves names with. The first call wins; it returns
    /// `false` when assets were already installed.
    pub fn install_global(&self) -> bool {
        GLOBAL.set(self.clone()).is_ok()
    }

    /// Answers a request for `path` (the route's wildcard, relative to the mount): `200`,
    /// `206`, `304`, `404` or `416`, with `ETag`, `Cache-Control`, `Content-Type`,
    /// `Accept-Ranges`, and `Vary: Accept-Encoding` when precompressed files exist.
    ///
    /// Only names in the manifest are served, so no path can reach outside the folder.
    pub async fn serve(&self, path: &str, headers: &HeaderMap) -> Response {
        let Some(entry) = self.inner.manifest.entries.get(path) else {
            return plain(StatusCode::NOT_FOUND, "not found");
        };
        let asset = &entry.asset;
        // A range is of one representation; ranges are served from the file itself only, so
        // a client resuming a download never mixes bytes of two encodings.
        let range = headers.get(RANGE).and_then(|v| v.to_str().ok());
        let (repr, encoding) = match range {
            Some(_) => (&asset.identity, None),
            None => choose_encoding(asset, headers),
        };

        let mut res = Response::new(Body::empty());
        let h = res.headers_mut();
        h.insert(ETAG, repr.etag.clone());
        h.insert(
            CACHE_CONTROL,
            HeaderValue::from_static(if entry.fingerprinted {
                IMMUTABLE
            } else {
                REVALIDATE
            }),
        );
        if asset.has_variants() {
            h.insert(VARY, HeaderValue::from_static("accept-encoding"));
        }
        if negotiate::none_match(headers, etag_str(repr)) {
            *res.status_mut() = StatusCode::NOT_MODIFIED;
            return res;
        }
        h.insert(CONTENT_TYPE, asset.content_type.clone());
        h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        h.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        if let Some(encoding) = encoding {
            h.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }

        let if_range_holds = headers
            .get(IF_RANGE)
            .is_none_or(|tag| tag.as_bytes() == repr.etag.as_bytes());
        let range = match range {
            Some(range) if if_range_holds => ByteRange::parse(range, repr.len),
            _ => ByteRange::Full,
        };
        let (start, len) = match range {
            ByteRange::Full => (0, repr.len),
            ByteRange::Partial { start, end } => {
                *res.status_mut() = StatusCode::PARTIAL_CONTENT;
                let value = format!("bytes {start}-{end}/{}", repr.len);
                res.headers_mut().insert(
                    CONTENT_RANGE,
                    HeaderValue::from_str(&value).expect("digits"),
                );
                (start, end - start + 1)
            }
            ByteRange::Unsatisfiable => {
                let mut res = plain(StatusCode::RANGE_NOT_SATISFIABLE, "range not satisfiable");
                let value = format!("bytes */{}", repr.len);
                res.headers_mut().insert(
                    CONTENT_RANGE,
                    HeaderValue::from_str(&value).expect("digits"),
                );
                return res;
            }
        };
        match open_at(repr, start).await {
            Ok(file) => {
                res.headers_mut()
                    .insert(CONTENT_LENGTH, HeaderValue::from(len));
                *res.body_mut() = Body::from_stream(FileBody::new(file, len));
                res
            }
            Err(err) => {
                tracing::warn!(error = %err, file = ?repr.file, "an asset file disappeared");
                plain(StatusCode::NOT_FOUND, "not found")
            }
        }
    }
}

/// The URL of asset `name` in the assets [installed](Assets::install_global) for the process,
/// for views that have no `Assets` at hand.
///
/// # Panics
///
/// When no assets were installed: a startup mistake, found by the first page that links one.
///
/// # Example
///
/// ```
/// use galaxy_core::assets::{Assets, asset};
///
/// # fn main() -> std::io::Result<()> {
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("app.js"), "console.log(1)")?;
/// Assets::load(dir.path(), "/static")?.install_global();
///
/// let page = maud::html! { script src=(asset("app.js")) {} };
/// assert!(page.into_string().starts_with(r#"<script src="/static/app."#));
/// # Ok(()) }
/// ```
pub fn asset(name: &str) -> String {
    GLOBAL
        .get()
        .expect("`asset(..)` needs assets: call `Assets::install_global` at startup")
        .url(name)
}

/// The best representation the client accepts: brotli, then gzip, then the file itself.
fn choose_encoding<'a>(
    asset: &'a Asset,
    headers: &HeaderMap,
) -> (&'a Representation, Option<&'static str>) {
    if let Some(br) = &asset.brotli
        && negotiate::accepts_encoding(headers, "br")
    {
        return (br, Some("br"));
    }
    if let Some(gz) = &asset.gzip
        && negotiate::accepts_encoding(headers, "gzip")
    {
        return (gz, Some("gzip"));
    }
    (&asset.identity, None)
}

fn etag_str(repr: &Representation) -> &str {
    repr.etag.to_str().expect("ETags are made of hex digits")
}

async fn open_at(repr: &Representation, start: u64) -> io::Result<tokio::fs::File> {
    let mut file = tokio::fs::File::open(&repr.file).await?;
    if start > 0 {
        file.seek(io::SeekFrom::Start(start)).await?;
    }
    Ok(file)
}

fn plain(status: StatusCode, message: &'static str) -> Response {
    let mut res = Response::new(Body::from(message));
    *res.status_mut() = status;
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}
