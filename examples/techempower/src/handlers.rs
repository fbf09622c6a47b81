//! The four database tests: db, queries, updates and fortunes.

use std::num::IntErrorKind;

use futures_util::future::try_join_all;
use galaxy_core::{Json, Markup, Query};
use galaxy_orm::{Db, Model};
use maud::{DOCTYPE, html};
use serde::Deserialize;

use crate::WorkerDb;
use crate::models::{Fortune, World};

/// Most rows one request may ask for.
pub const MAX_QUERIES: usize = 500;

/// The largest `World` id; ids run from 1.
const WORLD_ROWS: i32 = 10_000;

/// The query string of `/queries` and `/updates`: `q`, the number of rows, as the client sent it.
#[derive(Debug, Default, Deserialize)]
pub struct Count {
    q: Option<String>,
}

impl Count {
    /// The number of rows to read: `q` clamped to 1..=500, and 1 when it is missing, empty or
    /// not a number (the rules ask for an answer, not a 400, to `q=foo`).
    ///
    /// # Example
    ///
    /// ```
    /// use techempower::handlers::rows_for;
    ///
    /// assert_eq!(rows_for(Some("20")), 20);
    /// assert_eq!(rows_for(Some("0")), 1);
    /// assert_eq!(rows_for(Some("foo")), 1);
    /// assert_eq!(rows_for(None), 1);
    /// assert_eq!(rows_for(Some("501")), 500);
    /// ```
    pub fn rows(&self) -> usize {
        rows_for(self.q.as_deref())
    }
}

/// [`Count::rows`] for a raw `q` value.
pub fn rows_for(q: Option<&str>) -> usize {
    let Some(q) = q else { return 1 };
    // A signed parse, so that "-3" clamps to 1; a number too large for it is still a number
    // above 500, not garbage.
    let asked = match q.trim().parse::<i64>() {
        Ok(n) => n,
        Err(err) if *err.kind() == IntErrorKind::PosOverflow => i64::MAX,
        Err(_) => 1,
    };
    asked.clamp(1, MAX_QUERIES as i64) as usize
}

fn random_id() -> i32 {
    fastrand::i32(1..=WORLD_ROWS)
}

/// One random world, by key: one query.
async fn random_world(db: &Db) -> galaxy_orm::Result<World> {
    World::find_or_fail(db, random_id()).await
}

/// `n` random worlds, one query each, in flight together on the worker's pool.
async fn random_worlds(db: &Db, n: usize) -> galaxy_orm::Result<Vec<World>> {
    try_join_all((0..n).map(|_| random_world(db))).await
}

/// `/db`: one random world.
pub async fn single(WorkerDb(db): WorkerDb) -> galaxy_orm::Result<Json<World>> {
    random_world(&db).await.map(Json)
}

/// `/queries?q=N`: N random worlds.
pub async fn queries(
    WorkerDb(db): WorkerDb,
    Query(count): Query<Count>,
) -> galaxy_orm::Result<Json<Vec<World>>> {
    random_worlds(&db, count.rows()).await.map(Json)
}

/// `/updates?q=N`: N random worlds, each given a new random number, written back in one
/// statement.
pub async fn updates(
    WorkerDb(db): WorkerDb,
    Query(count): Query<Count>,
) -> galaxy_orm::Result<Json<Vec<World>>> {
    let mut worlds = random_worlds(&db, count.rows()).await?;
    for world in &mut worlds {
        world.randomnumber = new_random_number(world.randomnumber);
    }
    // A world drawn twice is stored with its last copy's number; show that number in both.
    agree_on_duplicates(&mut worlds);
    World::save_many(&db, &mut worlds).await?;
    Ok(Json(worlds))
}

/// A random number other than `old`, so that every row read really changes.
fn new_random_number(old: i32) -> i32 {
    loop {
        let new = random_id();
        if new != old {
            return new;
        }
    }
}

/// Gives every copy of a world drawn more than once the number of its last copy, so that the
/// response shows what the database holds afterwards.
fn agree_on_duplicates(worlds: &mut [World]) {
    let mut last: Vec<(i32, i32)> = worlds.iter().map(|w| (w.id, w.randomnumber)).collect();
    // Stable sort: for equal ids the last copy stays last, and dedup keeps the first of a run,
    // so reverse first to keep the last copy's number.
    last.reverse();
    last.sort_by_key(|(id, _)| *id);
    last.dedup_by_key(|(id, _)| *id);
    for world in worlds.iter_mut() {
        if let Ok(i) = last.binary_search_by_key(&world.id, |(id, _)| *id) {
            world.randomnumber = last[i].1;
        }
    }
}

/// The fortune added to every response, as the rules ask.
const ADDED_FORTUNE: &str = "Additional fortune added at request time.";

/// `/fortunes`: every fortune and one added at request time, sorted by message here (the query
/// has no `ORDER BY`), in an escaping maud template.
pub async fn fortunes(WorkerDb(db): WorkerDb) -> galaxy_orm::Result<Markup> {
    let mut fortunes = Fortune::query().all(&db).await?;
    fortunes.push(Fortune {
        id: 0,
        message: ADDED_FORTUNE.to_owned(),
    });
    fortunes.sort_unstable_by(|a, b| a.message.cmp(&b.message));
    Ok(fortunes_page(&fortunes))
}

/// The fortunes table; maud escapes every message.
fn fortunes_page(fortunes: &[Fortune]) -> Markup {
    html! {
        (DOCTYPE)
        html {
            head { title { "Fortunes" } }
            body {
                table {
                    tr { th { "id" } th { "message" } }
                    @for fortune in fortunes {
                        tr { td { (fortune.id) } td { (fortune.message) } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_q_gives_between_one_and_five_hundred_rows(q in any::<Option<String>>()) {
            let rows = rows_for(q.as_deref());
            prop_assert!((1..=MAX_QUERIES).contains(&rows));
        }

        #[test]
        fn a_number_in_range_is_taken_as_is(n in 1_usize..=500) {
            prop_assert_eq!(rows_for(Some(&n.to_string())), n);
        }

        #[test]
        fn numbers_out_of_range_are_clamped(n in any::<i128>()) {
            prop_assert_eq!(rows_for(Some(&n.to_string())), n.clamp(1, 500) as usize);
        }

        #[test]
        fn duplicates_end_up_with_the_number_of_their_last_copy(
            draws in proptest::collection::vec((1_i32..=5, any::<i32>()), 0..40),
        ) {
            let mut worlds: Vec<World> =
                draws.iter().map(|&(id, randomnumber)| World { id, randomnumber }).collect();
            agree_on_duplicates(&mut worlds);
            for (i, world) in worlds.iter().enumerate() {
                let last = draws.iter().rev().find(|(id, _)| *id == world.id).unwrap();
                prop_assert_eq!(world.randomnumber, last.1, "at {}", i);
            }
        }
    }

    #[test]
    fn the_new_number_always_differs() {
        for old in [1, 5_000, WORLD_ROWS] {
            for _ in 0..1_000 {
                assert_ne!(new_random_number(old), old);
            }
        }
    }

    #[test]
    fn the_template_escapes_messages() {
        let page = fortunes_page(&[Fortune {
            id: 11,
            message: "<script>alert(\"x\");</script>".to_owned(),
        }])
        .into_string();
        assert!(page.contains("<td>&lt;script&gt;alert(&quot;x&quot;);&lt;/script&gt;</td>"));
        assert!(page.starts_with("<!DOCTYPE html><html><head><title>Fortunes</title>"));
    }
}
