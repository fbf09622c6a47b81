//! The manifest: every file of the assets folder, read once at startup, with its content hash,
//! its fingerprinted name and its precompressed siblings.
//!
//! Requests are answered from this table only, never by joining a request path onto the
//! folder: a path that is not a key (`../etc/passwd`, `a\b`, `%00`) cannot reach the disk.

use std::collections::HashMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use http::HeaderValue;
use sha2::{Digest, Sha256};

/// One file on disk: one representation of an asset.
#[derive(Debug)]
pub(super) struct Representation {
    pub(super) file: PathBuf,
    pub(super) len: u64,
    pub(super) etag: HeaderValue,
}

/// An asset: the file itself and its `.br` and `.gz` siblings, when present.
#[derive(Debug)]
pub(super) struct Asset {
    pub(super) identity: Representation,
    pub(super) brotli: Option<Representation>,
    pub(super) gzip: Option<Representation>,
    pub(super) content_type: HeaderValue,
}

impl Asset {
    pub(super) fn has_variants(&self) -> bool {
        self.brotli.is_some() || self.gzip.is_some()
    }
}

/// What a request path names: an asset, and whether by its fingerprinted (immutable) name.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) asset: Arc<Asset>,
    pub(super) fingerprinted: bool,
}

/// The table of a folder.
#[derive(Debug, Default)]
pub(super) struct Manifest {
    /// Request path (relative to the mount, `/`-separated) to asset.
    pub(super) entries: HashMap<String, Entry>,
    /// Logical name to fingerprinted name.
    pub(super) fingerprints: HashMap<String, String>,
}

/// How many hex digits of the SHA-256 go in a fingerprinted name.
const FINGERPRINT_LEN: usize = 8;

impl Manifest {
    /// Reads every file under `root`: hidden files (`.name`) and symlinks that lead out of the
    /// folder are left out.
    pub(super) fn scan(root: &Path) -> io::Result<Self> {
        let root = root.canonicalize()?;
        let mut files = Vec::new();
        walk(&root, &root, &mut files)?;
        files.sort();
        let names: std::collections::HashSet<&str> =
            files.iter().map(|(name, _)| name.as_str()).collect();

        let mut manifest = Self::default();
        for (name, file) in &files {
            // `app.css.br` beside `app.css` is a representation of it, not an asset of its own.
            let sibling_of = |suffix: &str| {
                name.strip_suffix(suffix)
                    .is_some_and(|base| names.contains(base))
            };
            if sibling_of(".br") || sibling_of(".gz") {
                continue;
            }
            let (identity, hash) = representation(file, "")?;
            let variant = |suffix: &str, tag: &str| -> io::Result<Option<Representation>> {
                let path = format!("{name}{suffix}");
                match files.iter().find(|(n, _)| *n == path) {
                    Some((_, file)) => Ok(Some(etagged(file, &hash, tag)?)),
                    None => Ok(None),
                }
            };
            let asset = Arc::new(Asset {
                brotli: variant(".br", "-br")?,
                gzip: variant(".gz", "-gz")?,
                identity,
                content_type: content_type(name),
            });
            let fingerprinted = fingerprint(name, &hash);
            manifest.entries.insert(
                fingerprinted.clone(),
                Entry {
                    asset: asset.clone(),
                    fingerprinted: true,
                },
            );
            manifest.fingerprints.insert(name.clone(), fingerprinted);
            // The plain name is served too (for `url(..)` in stylesheets, say), with a cache
            // that revalidates; a file literally named like a fingerprint keeps its own entry.
            manifest.entries.insert(
                name.clone(),
                Entry {
                    asset,
                    fingerprinted: false,
                },
            );
        }
        Ok(manifest)
    }
}

/// Collects `(name relative to root, canonical path)` for every file under `dir`.
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            tracing::warn!(path = ?entry.path(), "skipping an asset whose name is not UTF-8");
            continue;
        };
        if file_name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(root, &path, out)?;
            continue;
        }
        // A symlink is served only when it leads to a file inside the folder; directories
        // behind symlinks are not followed (no loops, no way out).
        let target = if kind.is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(root) && target.is_file() => target,
                _ => {
                    tracing::warn!(
                        ?path,
                        "skipping a symlink that leads out of the assets folder"
                    );
                    continue;
                }
            }
        } else if kind.is_file() {
            path.clone()
        } else {
            continue;
        };
        let relative = path.strip_prefix(root).map_err(io::Error::other)?;
        let Some(name) = relative
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        out.push((name.join("/"), target));
    }
    Ok(())
}

/// Hashes a file; its ETag is the start of the hash, followed by `tag` for a variant.
fn representation(file: &Path, tag: &str) -> io::Result<(Representation, String)> {
    let mut hasher = Sha256::new();
    let mut reader = std::fs::File::open(file)?;
    let mut buf = vec![0; 64 * 1024];
    let mut len = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        len += n as u64;
    }
    let hash: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let etag = etag_value(&hash, tag);
    Ok((
        Representation {
            file: file.to_owned(),
            len,
            etag,
        },
        hash,
    ))
}

/// A compressed sibling: its ETag derives from the identity's hash, so the three
/// representations of one content have three distinct ETags that change together.
fn etagged(file: &Path, hash: &str, tag: &str) -> io::Result<Representation> {
    let len = std::fs::metadata(file)?.len();
    Ok(Representation {
        file: file.to_owned(),
        len,
        etag: etag_value(hash, tag),
    })
}

fn etag_value(hash: &str, tag: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{}{tag}\"", &hash[..16])).expect("hex is a valid header")
}

/// `css/app.min.css` → `css/app.min.<hash>.css`; a name without extension gets `.<hash>` at
/// the end.
pub(super) fn fingerprint(name: &str, hash: &str) -> String {
    let hash = &hash[..FINGERPRINT_LEN];
    let (dir, file) = name.rsplit_once('/').map_or(("", name), |(d, f)| (d, f));
    let file = match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{hash}.{ext}"),
        _ => format!("{file}.{hash}"),
    };
    if dir.is_empty() {
        file
    } else {
        format!("{dir}/{file}")
    }
}

fn content_type(name: &str) -> HeaderValue {
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let text = mime.type_() == mime::TEXT
        || matches!(
            mime.essence_str(),
            "application/javascript" | "application/json" | "image/svg+xml"
        );
    let value = if text && mime.get_param(mime::CHARSET).is_none() {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.to_string()
    };
    HeaderValue::from_str(&value)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_go_before_the_last_extension() {
        let hash = "3f2a1b9c0000";
        assert_eq!(fingerprint("app.css", hash), "app.3f2a1b9c.css");
        assert_eq!(fingerprint("js/app.min.js", hash), "js/app.min.3f2a1b9c.js");
        assert_eq!(fingerprint("LICENSE", hash), "LICENSE.3f2a1b9c");
        assert_eq!(fingerprint("a.b/c", hash), "a.b/c.3f2a1b9c");
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("a.png"), "image/png");
        assert_eq!(content_type("a.woff2"), "font/woff2");
        assert_eq!(content_type("a.unknownext"), "application/octet-stream");
    }
}
