//! The database schema as the migrations leave it: every `*.up.sql` file of a migrations
//! directory, parsed with sqlparser in version order, `CREATE`/`ALTER`/`DROP TABLE` folded into
//! one table map. The model derive checks fields against it, so no live database is needed.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, Expr, ObjectName,
    ObjectType, RenameTableNameKind, Statement, TableConstraint,
};
use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

/// Tables by lowercase name.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Schema {
    tables: BTreeMap<String, Table>,
}

/// One table of the folded schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The name as written in the migration.
    pub name: String,
    /// The migration file that created the table (file name only), for error messages.
    pub defined_in: String,
    /// Columns in declaration order.
    pub columns: Vec<Column>,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The name as written in the migration.
    pub name: String,
    /// The SQL type as written (`VARCHAR(255)`, `BIGINT`, ...).
    pub sql_type: String,
    /// What Rust values the type holds.
    pub kind: SqlKind,
    /// Whether the column admits `NULL`.
    pub nullable: bool,
}

/// The families of SQL types the ORM maps to Rust types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlKind {
    /// `BOOLEAN`, `BOOL`.
    Bool,
    /// Integers of at most 32 bits (`SMALLINT`, `INT`, `INTEGER`, `SERIAL`, ...).
    Int32,
    /// 64-bit integers (`BIGINT`, `BIGSERIAL`, unsigned `INT`).
    Int64,
    /// Floating point (`REAL`, `DOUBLE PRECISION`, `FLOAT`).
    Float,
    /// Character strings (`TEXT`, `VARCHAR(n)`, `CHAR(n)`).
    Text,
    /// Byte strings (`BLOB`, `BYTEA`, `VARBINARY(n)`).
    Bytes,
    /// Points in time (`TIMESTAMP`, `TIMESTAMPTZ`, `DATETIME`).
    Timestamp,
    /// Anything else (`NUMERIC`, `JSON`, `UUID`, ...): no field type fits it yet.
    Other,
}

/// Why the migrations could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaError {
    /// The directory or a file could not be read.
    Io {
        /// What could not be read.
        path: PathBuf,
        /// The operating system's reason.
        message: String,
    },
    /// A migration is not SQL that any supported dialect parses.
    Parse {
        /// The migration file name.
        file: String,
        /// The parser's reason.
        message: String,
    },
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io { path, message } => {
                write!(
                    f,
                    "cannot read migrations at `{}`: {message}",
                    path.display()
                )
            }
            Self::Parse { file, message } => {
                write!(f, "cannot parse migration `{file}`: {message}")
            }
        }
    }
}

impl Schema {
    /// The table named `name` (case-insensitively, as SQL does for unquoted names).
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(&name.to_ascii_lowercase())
    }

    /// Folds migrations given as `(file name, SQL)` pairs, already in version order.
    pub fn fold<'a>(
        migrations: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, SchemaError> {
        let mut schema = Self::default();
        for (file, sql) in migrations {
            for statement in parse_any_dialect(file, sql)? {
                schema.apply(file, statement);
            }
        }
        Ok(schema)
    }

    fn apply(&mut self, file: &str, statement: Statement) {
        match statement {
            Statement::CreateTable(create) => {
                let primary_key = table_primary_key(&create.constraints);
                let columns = create
                    .columns
                    .iter()
                    .map(|def| {
                        column(
                            def,
                            primary_key.contains(&def.name.value.to_ascii_lowercase()),
                        )
                    })
                    .collect();
                let name = object_name(&create.name);
                self.tables.insert(
                    name.to_ascii_lowercase(),
                    Table {
                        name,
                        defined_in: file.to_owned(),
                        columns,
                    },
                );
            }
            Statement::AlterTable(alter) => {
                let key = object_name(&alter.name).to_ascii_lowercase();
                for operation in alter.operations {
                    self.alter(&key, operation);
                }
            }
            Statement::Drop {
                object_type: ObjectType::Table,
                names,
                ..
            } => {
                for name in &names {
                    self.tables.remove(&object_name(name).to_ascii_lowercase());
                }
            }
            // Indexes, data changes, views...: they do not change which columns exist.
            _ => {}
        }
    }

    fn alter(&mut self, key: &str, operation: AlterTableOperation) {
        if let AlterTableOperation::RenameTable { table_name } = &operation {
            let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
            if let Some(mut table) = self.tables.remove(key) {
                table.name = object_name(new);
                self.tables.insert(table.name.to_ascii_lowercase(), table);
            }
            return;
        }
        let Some(table) = self.tables.get_mut(key) else {
            return;
        };
        match operation {
            AlterTableOperation::AddColumn { column_def, .. } => {
                table.columns.push(column(&column_def, false));
            }
            AlterTableOperation::DropColumn { column_names, .. } => {
                table.columns.retain(|c| {
                    !column_names
                        .iter()
                        .any(|n| n.value.eq_ignore_ascii_case(&c.name))
                });
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                if let Some(c) = table.column_mut(&old_column_name.value) {
                    c.name = new_column_name.value;
                }
            }
            AlterTableOperation::ChangeColumn {
                old_name,
                new_name,
                data_type,
                options,
                ..
            } => {
                if let Some(c) = table.column_mut(&old_name.value) {
                    *c = column_from_parts(new_name.value, &data_type.to_string(), &options, false);
                }
            }
            AlterTableOperation::ModifyColumn {
                col_name,
                data_type,
                options,
                ..
            } => {
                if let Some(c) = table.column_mut(&col_name.value) {
                    *c = column_from_parts(col_name.value, &data_type.to_string(), &options, false);
                }
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                if let Some(c) = table.column_mut(&column_name.value) {
                    match op {
                        AlterColumnOperation::SetNotNull => c.nullable = false,
                        AlterColumnOperation::DropNotNull => c.nullable = true,
                        AlterColumnOperation::SetDataType { data_type, .. } => {
                            c.sql_type = data_type.to_string();
                            c.kind = SqlKind::of(&c.sql_type);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

impl Table {
    /// The column named `name`, case-insensitively.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns
            .iter_mut()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }
}

impl SqlKind {
    /// Classifies a SQL type as written; the argument list (`(255)`) and modifiers are ignored.
    pub fn of(sql_type: &str) -> Self {
        let upper = sql_type.to_ascii_uppercase();
        let unsigned = upper.contains("UNSIGNED");
        let base = upper
            .split('(')
            .next()
            .unwrap_or_default()
            .trim()
            .trim_end_matches(" UNSIGNED")
            .trim();
        match base {
            "BOOL" | "BOOLEAN" => Self::Bool,
            "TINYINT" | "SMALLINT" | "INT2" | "SMALLSERIAL" | "MEDIUMINT" => Self::Int32,
            "INT" | "INTEGER" | "INT4" | "SERIAL" if !unsigned => Self::Int32,
            "INT" | "INTEGER" | "INT4" | "BIGINT" | "INT8" | "BIGSERIAL" => Self::Int64,
            "REAL" | "FLOAT" | "FLOAT4" | "FLOAT8" | "DOUBLE" | "DOUBLE PRECISION" => Self::Float,
            "TEXT" | "VARCHAR" | "CHAR" | "CHARACTER" | "CHARACTER VARYING" | "NVARCHAR"
            | "NCHAR" | "CLOB" | "TINYTEXT" | "MEDIUMTEXT" | "LONGTEXT" | "STRING" => Self::Text,
            "BLOB" | "BYTEA" | "BINARY" | "VARBINARY" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB" => {
                Self::Bytes
            }
            "TIMESTAMP"
            | "TIMESTAMPTZ"
            | "DATETIME"
            | "TIMESTAMP WITH TIME ZONE"
            | "TIMESTAMP WITHOUT TIME ZONE" => Self::Timestamp,
            _ => Self::Other,
        }
    }
}

/// Parses with the first dialect that accepts the file: migrations are written for one database,
/// and the derive does not know which.
fn parse_any_dialect(file: &str, sql: &str) -> Result<Vec<Statement>, SchemaError> {
    let dialects: [&dyn Dialect; 4] = [
        &GenericDialect {},
        &PostgreSqlDialect {},
        &MySqlDialect {},
        &SQLiteDialect {},
    ];
    let mut first_error = None;
    for dialect in dialects {
        match Parser::parse_sql(dialect, sql) {
            Ok(statements) => return Ok(statements),
            Err(err) => {
                first_error.get_or_insert(err.to_string());
            }
        }
    }
    Err(SchemaError::Parse {
        file: file.to_owned(),
        message: first_error.unwrap_or_default(),
    })
}

fn object_name(name: &ObjectName) -> String {
    // `schema.table` → `table`: models name tables without their schema.
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map_or_else(|| name.to_string(), |ident| ident.value.clone())
}

/// Lowercase names of the columns in a table-level `PRIMARY KEY (...)`.
fn table_primary_key(constraints: &[TableConstraint]) -> Vec<String> {
    constraints
        .iter()
        .filter_map(|c| match c {
            TableConstraint::PrimaryKey(pk) => Some(&pk.columns),
            _ => None,
        })
        .flatten()
        .filter_map(|c| match &c.column.expr {
            Expr::Identifier(ident) => Some(ident.value.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn column(def: &ColumnDef, in_table_primary_key: bool) -> Column {
    let options: Vec<ColumnOption> = def.options.iter().map(|o| o.option.clone()).collect();
    column_from_parts(
        def.name.value.clone(),
        &def.data_type.to_string(),
        &options,
        in_table_primary_key,
    )
}

fn column_from_parts(
    name: String,
    sql_type: &str,
    options: &[ColumnOption],
    in_table_primary_key: bool,
) -> Column {
    let not_null = in_table_primary_key
        || options
            .iter()
            .any(|o| matches!(o, ColumnOption::NotNull | ColumnOption::PrimaryKey(_)));
    // `SERIAL` types are implicitly NOT NULL in PostgreSQL.
    let kind = SqlKind::of(sql_type);
    let serial = sql_type.to_ascii_uppercase().ends_with("SERIAL");
    Column {
        name,
        sql_type: sql_type.to_owned(),
        kind,
        nullable: !(not_null || serial),
    }
}

/// Reads every `<version>_<name>.up.sql` in `dir`, in version order, and folds them.
///
/// Also returns the files read, so the expansion can make the compiler watch them.
pub fn load(dir: &Path) -> Result<(Schema, Vec<PathBuf>), SchemaError> {
    let io = |path: &Path, err: std::io::Error| SchemaError::Io {
        path: path.to_owned(),
        message: err.to_string(),
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if let Some(version) = up_migration_version(name) {
            files.push((version, name.to_owned(), path));
        }
    }
    files.sort();
    let mut sources = Vec::with_capacity(files.len());
    for (_, name, path) in &files {
        let sql = fs::read_to_string(path).map_err(|e| io(path, e))?;
        sources.push((name.clone(), sql));
    }
    let schema = Schema::fold(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))?;
    Ok((schema, files.into_iter().map(|(_, _, path)| path).collect()))
}

/// `0003_add_posts.up.sql` → `Some(3)`; anything else (down migrations, notes) → `None`.
/// The same rule as galaxy-orm's migrator, so both see the same files in the same order.
fn up_migration_version(file_name: &str) -> Option<u64> {
    crate::migrations::parse_file_name(file_name)
        .filter(|&(_, _, is_up)| is_up)
        .map(|(version, _, _)| version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(files: &[(&str, &str)]) -> Schema {
        Schema::fold(files.iter().copied()).expect("migrations parse")
    }

    #[test]
    fn create_then_alter_then_drop() {
        let schema = fold(&[
            (
                "0001_posts.up.sql",
                "CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, title VARCHAR(200) NOT NULL, body TEXT);",
            ),
            (
                "0002_more.up.sql",
                "ALTER TABLE posts ADD COLUMN published BOOLEAN NOT NULL DEFAULT FALSE; ALTER TABLE posts RENAME COLUMN body TO content;",
            ),
            (
                "0003_tmp.up.sql",
                "CREATE TABLE tmp (x INT); DROP TABLE tmp;",
            ),
        ]);
        let posts = schema.table("POSTS").expect("posts exists");
        assert_eq!(posts.defined_in, "0001_posts.up.sql");
        let names: Vec<_> = posts.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "title", "content", "published"]);
        assert!(!posts.column("id").unwrap().nullable);
        assert!(posts.column("content").unwrap().nullable);
        assert_eq!(posts.column("published").unwrap().kind, SqlKind::Bool);
        assert_eq!(posts.column("title").unwrap().kind, SqlKind::Text);
        assert!(schema.table("tmp").is_none());
    }

    #[test]
    fn dialect_specific_ddl_parses() {
        let schema = fold(&[
            (
                "1_pg.up.sql",
                "CREATE TABLE a (id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ NOT NULL, data BYTEA);",
            ),
            (
                "2_my.up.sql",
                "CREATE TABLE b (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, n INT UNSIGNED NOT NULL) ENGINE=InnoDB;",
            ),
            (
                "3_pk.up.sql",
                "CREATE TABLE c (x INT, y INT, PRIMARY KEY (x, y));",
            ),
        ]);
        let a = schema.table("a").unwrap();
        assert_eq!(a.column("id").unwrap().kind, SqlKind::Int64);
        assert!(!a.column("id").unwrap().nullable);
        assert_eq!(a.column("at").unwrap().kind, SqlKind::Timestamp);
        assert_eq!(a.column("data").unwrap().kind, SqlKind::Bytes);
        let b = schema.table("b").unwrap();
        assert_eq!(b.column("n").unwrap().kind, SqlKind::Int64);
        assert!(!schema.table("c").unwrap().column("y").unwrap().nullable);
    }

    #[test]
    fn unparsable_migration_names_its_file() {
        let err = Schema::fold([("7_bad.up.sql", "CREATE TABLE (")]).unwrap_err();
        assert!(matches!(err, SchemaError::Parse { ref file, .. } if file == "7_bad.up.sql"));
    }

    #[test]
    fn only_up_files_with_a_numeric_version_count() {
        assert_eq!(up_migration_version("0003_add_posts.up.sql"), Some(3));
        assert_eq!(up_migration_version("0003_add_posts.down.sql"), None);
        assert_eq!(up_migration_version("x3_add.up.sql"), None);
        assert_eq!(up_migration_version("0003_.up.sql"), None);
        assert_eq!(up_migration_version("README.md"), None);
    }
}
