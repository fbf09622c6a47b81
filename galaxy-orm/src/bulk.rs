//! Writing many models back at once: one `UPDATE` with a `CASE` per column instead of one
//! statement (and, outside a transaction, one commit) per row.

use crate::Result;
use crate::db::Executor;
use crate::model::{Model, now};
use crate::sql::{Dialect, Sql, SqlBuilder};
use crate::value::{FieldType, Value};

/// Placeholders one statement may carry: under SQLite's limit (32,766), and PostgreSQL's and
/// MySQL's (65,535).
const MAX_BINDS: usize = 30_000;

/// See [`Model::save_many`].
pub(crate) async fn save_many<M: Model, E: Executor>(mut ex: E, models: &mut [M]) -> Result<u64> {
    if M::TIMESTAMPS {
        let now = now();
        for model in models.iter_mut() {
            model.touch(now, false);
        }
    }
    let mut affected = 0;
    for sql in statements(ex.dialect(), models) {
        affected += ex.execute(sql).await?.rows_affected;
    }
    Ok(affected)
}

/// The statements that write `models`, as many as the placeholder limit needs.
pub(crate) fn statements<M: Model>(dialect: Dialect, models: &[M]) -> Vec<Sql> {
    let Some(first) = models.first() else {
        return Vec::new();
    };
    let columns = first.values().len();
    if columns == 0 {
        return Vec::new();
    }
    // Per model: a key and a value for each column's CASE, and the key in the IN list.
    let per_model = 2 * columns + 1;
    let chunk = (MAX_BINDS / per_model).max(1);
    models
        .chunks(chunk)
        .map(|chunk| update_statement(dialect, chunk))
        .collect()
}

/// `UPDATE t SET c = CASE k WHEN $1 THEN $2 ... ELSE c END, ... WHERE k IN (...)`. A key that
/// appears twice gets the values of its last copy, as saving the models in turn would.
fn update_statement<M: Model>(dialect: Dialect, models: &[M]) -> Sql {
    let rows: Vec<(Value, Vec<(&'static str, Value)>)> = models
        .iter()
        .rev()
        .map(|model| (model.key().to_value(), model.values()))
        .collect();
    let columns: Vec<&'static str> = rows[0].1.iter().map(|(column, _)| *column).collect();
    let mut sql = SqlBuilder::new(dialect);
    sql.push("UPDATE ").ident(M::TABLE).push(" SET ");
    sql.comma_list(columns.iter().enumerate(), |sql, (i, column)| {
        sql.ident(column).push(" = CASE ").ident(M::PRIMARY_KEY);
        for (key, values) in &rows {
            sql.push(" WHEN ").bind(key.clone()).push(" THEN ");
            sql.bind(values[i].1.clone());
        }
        sql.push(" ELSE ").ident(column).push(" END");
    });
    sql.push(" WHERE ").ident(M::PRIMARY_KEY).push(" IN (");
    sql.comma_list(&rows, |sql, (key, _)| {
        sql.bind(key.clone());
    });
    sql.push(")");
    sql.finish()
}
