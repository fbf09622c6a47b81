//! `embed_migrations!("dir")`: the migration files of a directory, read at compile time and
//! compiled into the binary as a `galaxy_orm::Migrator`.
//!
//! parse (an optional path literal) → validate (the directory exists; each version has one up
//! file; every down file has its up file) → expand (one `EmbeddedMigration` per version, its
//! SQL through `include_str!` so that editing a file rebuilds the crate).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::LitStr;

/// Expands `embed_migrations!(input)`; `source_file` and `manifest_dir` as for
/// [`crate::derive_model`].
pub fn embed_migrations(
    input: TokenStream,
    source_file: Option<&Path>,
    manifest_dir: Option<&Path>,
) -> TokenStream {
    let lit = if input.is_empty() {
        None
    } else {
        match syn::parse2::<LitStr>(input) {
            Ok(lit) => Some(lit),
            Err(err) => {
                return syn::Error::new(
                    err.span(),
                    "expected the migrations directory as a string literal\n\nhelp: `embed_migrations!(\"migrations\")`, or no argument for `migrations/` beside Cargo.toml",
                )
                .to_compile_error();
            }
        }
    };
    let span = lit.as_ref().map_or_else(Span::call_site, LitStr::span);
    let relative = lit.as_ref().map(LitStr::value);
    let Some(dir) = resolve_dir(relative.as_deref(), source_file, manifest_dir) else {
        return syn::Error::new(span, "cannot locate the migrations directory\n\nhelp: give its path, relative to this file or to the crate root: `embed_migrations!(\"migrations\")`").to_compile_error();
    };
    if !dir.is_dir() {
        let shown = relative.as_deref().unwrap_or("migrations");
        return syn::Error::new(
            span,
            format!("no migrations directory `{shown}` beside this file or at the crate root\n\nhelp: the path is relative to this file, or else to the crate root; the directory holds the `<version>_<name>.up.sql` files"),
        )
        .to_compile_error();
    }
    match read(&dir) {
        Ok(migrations) => expand(&migrations),
        Err(message) => syn::Error::new(span, message).to_compile_error(),
    }
}

/// Resolves a migrations directory as the model derive and `embed_migrations!` both do:
/// `relative` starts at the directory of the invoking file (as `include_str!` does), or at the
/// crate root when that directory has no such path (doctests, whose source is not a file);
/// without it, `migrations/` beside the crate's `Cargo.toml`. Absolute, so that the expansion's
/// `include_str!`s resolve wherever the compiler runs.
pub(crate) fn resolve_dir(
    relative: Option<&str>,
    source_file: Option<&Path>,
    manifest_dir: Option<&Path>,
) -> Option<PathBuf> {
    let Some(relative) = relative else {
        return manifest_dir.map(|d| d.join("migrations"));
    };
    let beside_source = source_file
        .and_then(Path::parent)
        .map(|dir| dir.join(relative))
        .filter(|dir| dir.is_dir());
    let dir = beside_source.or_else(|| manifest_dir.map(|d| d.join(relative)))?;
    dir.canonicalize()
        .ok()
        .or_else(|| std::path::absolute(&dir).ok())
}

/// One version's files.
#[derive(Debug, Default)]
struct Files {
    name: String,
    up: Option<PathBuf>,
    down: Option<PathBuf>,
}

/// `0003_add_posts.up.sql` → `(3, "add_posts", true)`, `.down.sql` → `false`; other files
/// (notes, editor backups) → `None`. The rule galaxy-orm's migrator reads a directory by.
pub(crate) fn parse_file_name(file: &str) -> Option<(u64, &str, bool)> {
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

fn read(dir: &Path) -> Result<BTreeMap<u64, Files>, String> {
    let entries = fs::read_dir(dir).map_err(|err| {
        format!(
            "cannot read the migrations directory `{}`: {err}\n\nhelp: create it, or give the path of the directory that holds the `*.up.sql` files",
            dir.display()
        )
    })?;
    let mut versions: BTreeMap<u64, Files> = BTreeMap::new();
    for entry in entries {
        let path = entry.map_err(|err| err.to_string())?.path();
        let Some(file) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some((version, name, is_up)) = parse_file_name(file) else {
            continue;
        };
        let files = versions.entry(version).or_default();
        let slot = if is_up {
            &mut files.up
        } else {
            &mut files.down
        };
        if let Some(other) = slot.replace(path.clone()) {
            let mut names = [file_name(&other), file.to_owned()];
            names.sort();
            return Err(format!(
                "two migrations have version {version}: `{}` and `{}`\n\nhelp: give each migration a version of its own",
                names[0], names[1]
            ));
        }
        if is_up {
            name.clone_into(&mut files.name);
        }
    }
    for (version, files) in &versions {
        if files.up.is_none() {
            let down = files.down.as_deref().map(file_name).unwrap_or_default();
            return Err(format!(
                "`{down}` has no up migration of version {version}\n\nhelp: add `{}`",
                down.replace(".down.sql", ".up.sql")
            ));
        }
    }
    Ok(versions)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn expand(versions: &BTreeMap<u64, Files>) -> TokenStream {
    let migrations = versions.iter().filter_map(|(version, files)| {
        let up = files.up.as_deref()?;
        let (name, file) = (&files.name, file_name(up));
        let up = up.to_string_lossy();
        let down = match &files.down {
            Some(path) => {
                let path = path.to_string_lossy();
                quote! { ::core::option::Option::Some(::core::include_str!(#path)) }
            }
            None => quote! { ::core::option::Option::None },
        };
        Some(quote! {
            ::galaxy_orm::__private::EmbeddedMigration {
                version: #version,
                name: #name,
                file: #file,
                up: ::core::include_str!(#up),
                down: #down,
            }
        })
    });
    quote! {
        ::galaxy_orm::Migrator::__from_embedded(&[#(#migrations),*])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway directory of migration files, removed on drop.
    struct Dir(PathBuf);

    impl Dir {
        fn new(files: &[&str]) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "galaxy-embed-test-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            fs::create_dir_all(&dir).unwrap();
            for file in files {
                fs::write(dir.join(file), "SELECT 1;").unwrap();
            }
            Self(dir)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn embed(dir: &Dir) -> String {
        let input = quote! { "." };
        let source = dir.0.join("lib.rs");
        embed_migrations(input, Some(&source), None).to_string()
    }

    #[test]
    fn each_version_becomes_one_embedded_migration_in_order() {
        let dir = Dir::new(&[
            "0002_b.up.sql",
            "0001_a.up.sql",
            "0001_a.down.sql",
            "README.md",
        ]);
        let out = embed(&dir);
        let (a, b) = (
            out.find("0001_a.up.sql").unwrap(),
            out.find("0002_b.up.sql").unwrap(),
        );
        assert!(a < b, "{out}");
        assert!(out.contains("0001_a.down.sql"), "{out}");
        assert!(!out.contains("README"), "{out}");
        assert_eq!(out.matches("EmbeddedMigration").count(), 2, "{out}");
    }

    #[test]
    fn a_repeated_version_and_a_lone_down_file_fail() {
        let dir = Dir::new(&["0001_a.up.sql", "0001_b.up.sql"]);
        assert!(embed(&dir).contains("two migrations have version 1"));
        drop(dir);
        let dir = Dir::new(&["0001_a.up.sql", "0002_b.down.sql"]);
        assert!(embed(&dir).contains("has no up migration of version 2"));
    }

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
}
