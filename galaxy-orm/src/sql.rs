//! SQL text with its bound values, written for one dialect. Every value goes through
//! [`SqlBuilder::bind`]: there is no way to splice a value into the text.

use std::fmt::Write as _;

use crate::value::Value;

/// The database family a statement is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dialect {
    /// SQLite: `?` placeholders, `"quoted"` identifiers.
    Sqlite,
    /// PostgreSQL: `$1` placeholders, `"quoted"` identifiers.
    Postgres,
    /// MySQL and MariaDB: `?` placeholders, `` `quoted` `` identifiers.
    MySql,
}

/// A statement ready to run: its text and its bound values, in placeholder order.
#[derive(Debug, Clone, PartialEq)]
pub struct Sql {
    /// The statement text.
    pub text: String,
    /// The values of its placeholders.
    pub args: Vec<Value>,
}

/// Writes one statement for a dialect.
#[derive(Debug)]
pub(crate) struct SqlBuilder {
    dialect: Dialect,
    text: String,
    args: Vec<Value>,
    /// The table that [`SqlBuilder::column`] qualifies names with, in statements over more
    /// than one table (joins).
    qualifier: Option<&'static str>,
}

impl SqlBuilder {
    pub(crate) fn new(dialect: Dialect) -> Self {
        Self {
            dialect,
            text: String::with_capacity(128),
            args: Vec::new(),
            qualifier: None,
        }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Appends trusted SQL text (keywords and operators written by galaxy-orm itself).
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    /// Appends a quoted identifier. Names come from the model derive, but quoting anyway keeps
    /// reserved words (`order`, `user`) usable as column names.
    pub(crate) fn ident(&mut self, name: &str) -> &mut Self {
        let quote = match self.dialect {
            Dialect::MySql => '`',
            Dialect::Sqlite | Dialect::Postgres => '"',
        };
        self.text.push(quote);
        if name.contains(quote) {
            for c in name.chars() {
                if c == quote {
                    self.text.push(quote);
                }
                self.text.push(c);
            }
        } else {
            // The usual case, and on every query's path: one copy, not a push per character.
            self.text.push_str(name);
        }
        self.text.push(quote);
        self
    }

    /// Appends a column name: quoted, and qualified with the current table in a join.
    pub(crate) fn column(&mut self, name: &str) -> &mut Self {
        if let Some(table) = self.qualifier {
            self.ident(table).push(".");
        }
        self.ident(name)
    }

    /// Qualifies the columns written by [`SqlBuilder::column`] with `table` (or stops, with
    /// `None`); returns the previous qualifier.
    pub(crate) fn qualify(&mut self, table: Option<&'static str>) -> Option<&'static str> {
        std::mem::replace(&mut self.qualifier, table)
    }

    /// Appends a placeholder and records its value.
    pub(crate) fn bind(&mut self, value: Value) -> &mut Self {
        self.args.push(value);
        match self.dialect {
            Dialect::Postgres => {
                // Formatted into the text itself: no temporary string per placeholder.
                let _ = write!(self.text, "${}", self.args.len());
            }
            Dialect::Sqlite | Dialect::MySql => self.text.push('?'),
        }
        self
    }

    /// Appends `items` separated by `", "`, each written by `write`.
    pub(crate) fn comma_list<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut write: impl FnMut(&mut Self, T),
    ) -> &mut Self {
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            write(self, item);
        }
        self
    }

    pub(crate) fn finish(self) -> Sql {
        Sql {
            text: self.text,
            args: self.args,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_quotes_follow_the_dialect() {
        for (dialect, expected) in [
            (
                Dialect::Postgres,
                r#"SELECT "a""b" FROM t WHERE x = $1 AND y = $2"#,
            ),
            (
                Dialect::Sqlite,
                r#"SELECT "a""b" FROM t WHERE x = ? AND y = ?"#,
            ),
            (Dialect::MySql, "SELECT `a\"b` FROM t WHERE x = ? AND y = ?"),
        ] {
            let mut b = SqlBuilder::new(dialect);
            b.push("SELECT ").ident("a\"b").push(" FROM t WHERE x = ");
            b.bind(Value::Int(1)).push(" AND y = ").bind(Value::Int(2));
            let sql = b.finish();
            assert_eq!(sql.text, expected);
            assert_eq!(sql.args.len(), 2);
        }
    }

    #[test]
    fn backticks_in_mysql_identifiers_are_doubled() {
        let mut b = SqlBuilder::new(Dialect::MySql);
        b.ident("a`b");
        assert_eq!(b.finish().text, "`a``b`");
    }
}
