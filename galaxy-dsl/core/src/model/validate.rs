//! Checking a parsed model against the schema its migrations build: the table exists, every
//! field names a column, every field type fits its column. All errors are collected.

use std::path::{Path, PathBuf};

use super::parse::{FieldDef, ModelDef, RelationDef, RelationKind, RustKind};
use super::schema::{self, Schema, SqlKind, Table};

/// The outcome of validation: the migration files read (to make the compiler watch them) and
/// every error found.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    /// The migration files the schema was folded from.
    pub(crate) files: Vec<PathBuf>,
    /// Every mistake, each spanned on the user's tokens.
    pub(crate) errors: Vec<syn::Error>,
    /// The columns of cast fields, for the expansion's check of the cast's stored type.
    pub(crate) casts: Vec<CastColumn>,
}

/// A cast field's column, as the expansion checks it.
#[derive(Debug)]
pub(crate) struct CastColumn {
    /// The column name.
    pub(crate) column: String,
    /// The column's type family, as `galaxy_orm::__private::kind_fits` names it.
    pub(crate) kind: &'static str,
    /// The error when the cast's stored type does not fit.
    pub(crate) message: String,
}

fn kind_name(kind: SqlKind) -> &'static str {
    match kind {
        SqlKind::Bool => "bool",
        SqlKind::Int32 => "int32",
        SqlKind::Int64 => "int64",
        SqlKind::Float => "float",
        SqlKind::Text => "text",
        SqlKind::Bytes => "bytes",
        SqlKind::Timestamp => "timestamp",
        SqlKind::Other => "other",
    }
}

/// Resolves the migrations directory: `migrations = "..."`, or `migrations/` beside the
/// crate's `Cargo.toml` (see [`crate::migrations::resolve_dir`]).
pub(crate) fn migrations_dir(
    def: &ModelDef,
    source_file: Option<&Path>,
    manifest_dir: Option<&Path>,
) -> Option<PathBuf> {
    let relative = def.migrations.as_ref().map(syn::LitStr::value);
    crate::migrations::resolve_dir(relative.as_deref(), source_file, manifest_dir)
}

/// Validates `def` against the migrations in `dir`.
pub(crate) fn validate(def: &ModelDef, dir: Option<&Path>) -> Checked {
    let mut checked = Checked::default();
    let at_migrations = |message: String| match &def.migrations {
        Some(lit) => syn::Error::new(lit.span(), message),
        None => syn::Error::new(def.ident.span(), message),
    };
    let Some(dir) = dir else {
        checked.errors.push(at_migrations(
            "cannot locate the migrations directory\n\nhelp: set `#[galaxy(migrations = \"path/to/migrations\")]`".to_owned(),
        ));
        return checked;
    };
    let schema = match schema::load(dir) {
        Ok((schema, files)) => {
            checked.files = files;
            schema
        }
        Err(err) => {
            checked.errors.push(at_migrations(format!(
                "{err}\n\nhelp: models are checked against the `*.up.sql` files of `{}`; create it or point `#[galaxy(migrations = \"...\")]` at it",
                dir.display()
            )));
            return checked;
        }
    };
    check_against(def, &schema, dir, &mut checked.errors, &mut checked.casts);
    checked
}

fn check_against(
    def: &ModelDef,
    schema: &Schema,
    dir: &Path,
    errors: &mut Vec<syn::Error>,
    casts: &mut Vec<CastColumn>,
) {
    let Some(table) = schema.table(&def.table) else {
        errors.push(syn::Error::new(
            def.table_span,
            format!(
                "table `{}` is not created by any migration in `{}`\n\nhelp: add a migration that creates it, or name the table with `#[galaxy(table = \"...\")]`",
                def.table,
                dir.display()
            ),
        ));
        return;
    };
    for field in &def.fields {
        check_field(field, table, errors, casts);
    }
    if !def.fields.iter().any(|f| f.column == def.primary_key) {
        errors.push(syn::Error::new(
            def.ident.span(),
            format!(
                "model has no primary-key field `{}`\n\nhelp: add the field, or name the key with `#[galaxy(primary_key = \"...\")]`",
                def.primary_key
            ),
        ));
    }
    for relation in &def.relations {
        if def.fields.iter().any(|f| f.ident == relation.name) {
            errors.push(syn::Error::new(
                relation.name.span(),
                format!(
                    "relation `{}` has the same name as a field\n\nhelp: relations and columns share the `{}` module; rename the relation",
                    relation.name,
                    super::parse::snake_case(&def.ident.to_string())
                ),
            ));
        }
        if relation.kind == RelationKind::MorphTo {
            check_morph_to(def, relation, errors);
        }
        if relation.kind == RelationKind::BelongsTo
            && !def.fields.iter().any(|f| f.column == relation.foreign_key)
        {
            errors.push(syn::Error::new(
                relation.foreign_key_span,
                format!(
                    "`belongs_to` needs the foreign-key field `{}` on this model\n\nhelp: add the field, or name the column with `foreign_key = \"...\"`",
                    relation.foreign_key
                ),
            ));
        }
    }
    let mut required = Vec::new();
    if def.timestamps {
        required.extend([("created_at", "timestamps"), ("updated_at", "timestamps")]);
    }
    if def.soft_deletes {
        required.push(("deleted_at", "soft_deletes"));
    }
    for (name, attr) in required {
        match def.fields.iter().find(|f| f.column == name) {
            None => errors.push(syn::Error::new(
                def.ident.span(),
                format!("`{attr}` needs a field `{name}`\n\nhelp: add `{name}: OffsetDateTime` (a `TIMESTAMP` column)"),
            )),
            Some(f) if f.rust.is_none_or(|t| t.kind != RustKind::Timestamp) => {
                errors.push(syn::Error::new(
                    f.type_span(),
                    format!("`{name}` must be a timestamp for `{attr}`\n\nhelp: use `OffsetDateTime` (or `Option<OffsetDateTime>`)"),
                ));
            }
            Some(f) if name == "deleted_at" && f.rust.is_some_and(|t| !t.optional) => {
                errors.push(syn::Error::new(
                    f.type_span(),
                    "`deleted_at` is NULL for rows that are not deleted\n\nhelp: use `Option<OffsetDateTime>`",
                ));
            }
            Some(_) => {}
        }
    }
}

/// `morph_to(name)` reads `name_id` and `name_type` (the related model's table) of this model.
fn check_morph_to(def: &ModelDef, relation: &RelationDef, errors: &mut Vec<syn::Error>) {
    for (column, text) in [
        (&relation.foreign_key, false),
        (&relation.related_key, true),
    ] {
        match def.fields.iter().find(|f| &f.column == column) {
            None => errors.push(syn::Error::new(
                relation.name.span(),
                format!(
                    "`morph_to` needs the field `{column}` on this model\n\nhelp: add `{column}: {}`, the {} of the related row",
                    if text { "String" } else { "i64" },
                    if text { "table name" } else { "key" }
                ),
            )),
            Some(f) if text && f.rust.is_none_or(|t| t.kind != RustKind::String) => {
                errors.push(syn::Error::new(
                    f.type_span(),
                    format!("`{column}` holds the related model's table name\n\nhelp: use `String` (or `Option<String>`)"),
                ));
            }
            Some(_) => {}
        }
    }
}

fn check_field(
    field: &FieldDef,
    table: &Table,
    errors: &mut Vec<syn::Error>,
    casts: &mut Vec<CastColumn>,
) {
    let name = field.column.clone();
    let Some(column) = table.column(&name) else {
        let known: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let help = match closest(&name, &known) {
            Some(close) => {
                format!("did you mean `{close}`? Otherwise add the column in a new migration")
            }
            None => format!(
                "the table's columns are {}; rename the field or add the column in a new migration",
                known
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        errors.push(syn::Error::new(
            field.ident.span(),
            format!(
                "column `{name}` does not exist in table `{}` (created in `{}`)\n\nhelp: {help}",
                table.name, table.defined_in,
            ),
        ));
        return;
    };
    if field.cast.is_some() {
        // The stored type's fit is checked by a constant in the expansion (a user's cast is
        // only known by its type): record the column's type for it. Nullability is checked here.
        casts.push(CastColumn {
            column: name.clone(),
            kind: kind_name(column.kind),
            message: format!(
                "the cast of field `{name}` does not store a value that fits column `{}.{}` of type `{}` (in `{}`)\n\nhelp: use a cast whose `Stored` type fits the column (`Json` stores text), or change the column in a new migration",
                table.name, column.name, column.sql_type, table.defined_in
            ),
        });
        if column.nullable && field.cast_inner.is_none() {
            errors.push(syn::Error::new(
                field.type_span(),
                format!(
                    "column `{}.{}` is nullable but cast field `{name}` cannot hold NULL (in `{}`)\n\nhelp: use `Option<{}>` (`None` is stored as NULL), or make the column `NOT NULL` in a new migration",
                    table.name,
                    column.name,
                    table.defined_in,
                    field_type_text(field)
                ),
            ));
        }
        return;
    }
    let Some(rust) = field.rust else {
        errors.push(syn::Error::new(
            field.type_span(),
            "unsupported field type\n\nhelp: a model field is `bool`, `i32`, `i64`, `f64`, `String`, `Vec<u8>`, `OffsetDateTime`, or an `Option` of one",
        ));
        return;
    };
    let fits = match column.kind {
        SqlKind::Bool => rust.kind == RustKind::Bool,
        SqlKind::Int32 => matches!(rust.kind, RustKind::I32 | RustKind::I64),
        SqlKind::Int64 => rust.kind == RustKind::I64,
        SqlKind::Float => rust.kind == RustKind::F64,
        SqlKind::Text => rust.kind == RustKind::String,
        SqlKind::Bytes => rust.kind == RustKind::Bytes,
        SqlKind::Timestamp => rust.kind == RustKind::Timestamp,
        SqlKind::Other => false,
    };
    if !fits {
        errors.push(syn::Error::new(
            field.type_span(),
            format!(
                "field `{name}` of type `{}` does not fit column `{}.{}` of type `{}` (in `{}`)\n\nhelp: {}",
                rust.kind.name(),
                table.name,
                column.name,
                column.sql_type,
                table.defined_in,
                suggestion(column.kind, column.nullable)
            ),
        ));
        return;
    }
    if column.nullable && !rust.optional {
        errors.push(syn::Error::new(
            field.type_span(),
            format!(
                "column `{}.{}` is nullable but field `{name}` cannot hold NULL (in `{}`)\n\nhelp: use `Option<{}>`, or make the column `NOT NULL` in a new migration",
                table.name,
                column.name,
                table.defined_in,
                rust.kind.name()
            ),
        ));
    }
}

fn field_type_text(field: &FieldDef) -> String {
    let ty = &field.ty;
    quote::quote!(#ty).to_string().replace(' ', "")
}

fn suggestion(kind: SqlKind, nullable: bool) -> String {
    let ty = match kind {
        SqlKind::Bool => "bool",
        SqlKind::Int32 => "i32` or `i64",
        SqlKind::Int64 => "i64",
        SqlKind::Float => "f64",
        SqlKind::Text => "String",
        SqlKind::Bytes => "Vec<u8>",
        SqlKind::Timestamp => "OffsetDateTime",
        SqlKind::Other => {
            return "galaxy-orm has no field type for this column type yet; use a supported column type".to_owned();
        }
    };
    if nullable {
        format!("the column is nullable: use `Option<{ty}>`")
    } else {
        format!("use `{ty}`")
    }
}

/// The known name within two edits of `name`, if there is one: a likely typo.
fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_column() {
        assert_eq!(edit_distance("titel", "title"), 2);
        assert_eq!(closest("publshed", &["id", "published"]), Some("published"));
        assert_eq!(closest("zzz", &["id", "title"]), None);
    }
}
