//! Migration files: `<version>_<name>.up.sql` with an optional `<version>_<name>.down.sql`,
//! read from a directory and ordered by version.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::MigrateError;

/// One migration read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Migration {
    /// The number before the first `_`.
    pub version: u64,
    /// The rest of the name (`create_posts`).
    pub name: String,
    /// The up file's name, for messages.
    pub file: String,
    /// The up SQL.
    pub up: String,
    /// The down SQL, when there is a down file.
    pub down: Option<String>,
    /// SHA-256 of the up SQL, hex.
    pub checksum: String,
}

/// A migration compiled into the binary by `embed_migrations!`, which read its files, checked
/// their names and versions, and emits one of these per version.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMigration {
    pub version: u64,
    pub name: &'static str,
    pub file: &'static str,
    pub up: &'static str,
    pub down: Option<&'static str>,
}

impl From<&EmbeddedMigration> for Migration {
    fn from(embedded: &EmbeddedMigration) -> Self {
        Self {
            version: embedded.version,
            name: embedded.name.to_owned(),
            file: embedded.file.to_owned(),
            up: embedded.up.to_owned(),
            down: embedded.down.map(str::to_owned),
            checksum: checksum(embedded.up),
        }
    }
}

/// Reads every migration in `dir`, ordered by version.
pub(crate) fn read_dir(dir: &Path) -> Result<Vec<Migration>, MigrateError> {
    let io = |err: std::io::Error| MigrateError::Io {
        path: dir.display().to_string(),
        message: err.to_string(),
    };
    let mut ups: BTreeMap<u64, (String, String)> = BTreeMap::new();
    let mut downs: BTreeMap<u64, String> = BTreeMap::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let Some(file) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        let Some((version, name, is_up)) = parse_file_name(&file) else {
            continue;
        };
        let sql = fs::read_to_string(&path).map_err(|err| MigrateError::Io {
            path: path.display().to_string(),
            message: err.to_string(),
        })?;
        if is_up {
            if let Some((other, _)) = ups.insert(version, (file.clone(), sql)) {
                return Err(MigrateError::DuplicateVersion {
                    version,
                    files: [other, file],
                });
            }
            let _ = name;
        } else {
            downs.insert(version, sql);
        }
    }
    Ok(ups
        .into_iter()
        .map(|(version, (file, up))| {
            let name = parse_file_name(&file)
                .map(|(_, name, _)| name.to_owned())
                .unwrap_or_default();
            Migration {
                version,
                checksum: checksum(&up),
                down: downs.remove(&version),
                name,
                file,
                up,
            }
        })
        .collect())
}

/// `0003_add_posts.up.sql` → `(3, "add_posts", true)`; `.down.sql` → `false`; other files
/// (notes, editor backups) → `None`.
fn parse_file_name(file: &str) -> Option<(u64, &str, bool)> {
    let (stem, is_up) = match file.strip_suffix(".up.sql") {
        Some(stem) => (stem, true),
        None => (file.strip_suffix(".down.sql")?, false),
    };
    let (version, name) = stem.split_once('_')?;
    if name.is_empty() || version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((version.parse().ok()?, name, is_up))
}

pub(crate) fn checksum(sql: &str) -> String {
    Sha256::digest(sql.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            parse_file_name("0001_posts.up.sql"),
            Some((1, "posts", true))
        );
        assert_eq!(
            parse_file_name("20240101_a_b.down.sql"),
            Some((20_240_101, "a_b", false))
        );
        assert_eq!(parse_file_name("0001_posts.sql"), None);
        assert_eq!(parse_file_name("v1_posts.up.sql"), None);
        assert_eq!(parse_file_name("0001_.up.sql"), None);
    }

    #[test]
    fn checksums_change_with_content() {
        assert_eq!(checksum("a").len(), 64);
        assert_ne!(checksum("a"), checksum("a "));
    }
}
