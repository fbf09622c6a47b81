//! `#[derive(Model)]`: a struct mapped to a table, checked at compile time against the schema
//! that the crate's migration files build (no database needed).
//!
//! parse (struct and attributes) → validate (against `schema`, folded from the migrations) →
//! expand (the `Model` impl, the `New<Model>` input struct, the `<model>::<column>` module).

mod expand;
mod parse;
pub mod schema;
mod validate;

pub(crate) use parse::snake_case;

use std::path::Path;

use proc_macro2::TokenStream;

/// Expands `#[derive(Model)]` on `input`.
///
/// `source_file` is the file holding the derive (relative `migrations = "..."` paths start
/// there); `manifest_dir` is the crate's `CARGO_MANIFEST_DIR`.
pub fn derive_model(
    input: TokenStream,
    source_file: Option<&Path>,
    manifest_dir: Option<&Path>,
) -> TokenStream {
    let input = match syn::parse2::<syn::DeriveInput>(input) {
        Ok(input) => input,
        Err(err) => return err.to_compile_error(),
    };
    let def = match parse::parse(&input) {
        Ok(def) => def,
        Err(err) => return err.to_compile_error(),
    };
    let dir = validate::migrations_dir(&def, source_file, manifest_dir);
    let checked = validate::validate(&def, dir.as_deref());
    expand::expand(&def, &checked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn with_migrations(sql: &str) -> tempdir::Dir {
        tempdir::Dir::new(&[("0001_create_posts.up.sql", sql)])
    }

    /// A throwaway directory of migration files, removed on drop.
    mod tempdir {
        use std::path::PathBuf;

        pub(super) struct Dir(pub(super) PathBuf);

        impl Dir {
            pub(super) fn new(files: &[(&str, &str)]) -> Self {
                let dir = std::env::temp_dir().join(format!(
                    "galaxy-model-test-{}-{}",
                    std::process::id(),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_nanos())
                ));
                std::fs::create_dir_all(&dir).expect("temp dir");
                for (name, sql) in files {
                    std::fs::write(dir.join(name), sql).expect("write migration");
                }
                Self(dir)
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    fn expand_with(dir: &Path, item: TokenStream) -> String {
        let manifest = dir.parent().expect("temp dir has a parent");
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 name");
        let mut item = item.to_string();
        item = item.replacen(
            "struct",
            &format!("#[galaxy(migrations = \"{name}\")] struct"),
            1,
        );
        derive_model(
            item.parse().expect("tokens"),
            Some(&manifest.join("lib.rs")),
            None,
        )
        .to_string()
    }

    #[test]
    fn a_matching_model_expands_without_errors() {
        let dir = with_migrations(
            "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT);",
        );
        let out = expand_with(
            &dir.0,
            quote::quote!(
                struct Post {
                    id: i64,
                    title: String,
                    body: Option<String>,
                }
            ),
        );
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("mod post"));
        assert!(fs::metadata(&dir.0).is_ok());
    }

    #[test]
    fn every_mistake_is_reported() {
        let dir = with_migrations(
            "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT);",
        );
        let out = expand_with(
            &dir.0,
            quote::quote!(
                struct Post {
                    id: i64,
                    titel: String,
                    body: String,
                    title: bool,
                }
            ),
        );
        assert!(out.contains("column `titel` does not exist"), "{out}");
        assert!(out.contains("is nullable"), "{out}");
        assert!(
            out.contains("field `title` of type `bool` does not fit"),
            "{out}"
        );
        assert!(out.contains("0001_create_posts.up.sql"), "{out}");
    }

    #[test]
    fn raw_identifiers_name_their_plain_column() {
        let dir =
            with_migrations("CREATE TABLE posts (id INTEGER PRIMARY KEY, type TEXT NOT NULL);");
        let out = expand_with(
            &dir.0,
            quote::quote!(
                struct Post {
                    id: i64,
                    r#type: String,
                }
            ),
        );
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("\"type\""), "{out}");
    }

    #[test]
    fn a_missing_table_is_reported() {
        let dir = with_migrations("CREATE TABLE other (id INTEGER PRIMARY KEY);");
        let out = expand_with(
            &dir.0,
            quote::quote!(
                struct Post {
                    id: i64,
                }
            ),
        );
        assert!(out.contains("table `posts` is not created"), "{out}");
    }
}
