//! Property: a value of every supported field type, written through the generated SQL and read
//! back, is the value written, on every configured database.

mod common;

use galaxy_orm::time::OffsetDateTime;
use galaxy_orm::{Db, Migrator, Model};
use proptest::prelude::*;

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_values", migrations = "migrations/sqlite")]
pub struct Sample {
    pub id: i64,
    #[galaxy(fillable)]
    pub flag: bool,
    #[galaxy(fillable)]
    pub small: i32,
    #[galaxy(fillable)]
    pub big: i64,
    #[galaxy(fillable)]
    pub ratio: f64,
    #[galaxy(fillable)]
    pub text: String,
    #[galaxy(fillable)]
    pub bytes: Vec<u8>,
    #[galaxy(fillable)]
    pub at: OffsetDateTime,
    #[galaxy(fillable)]
    pub maybe_int: Option<i64>,
    #[galaxy(fillable)]
    pub maybe_text: Option<String>,
}

/// Timestamps every database stores exactly: microseconds, years 1000 to 9999 (MySQL's
/// `DATETIME` range), UTC.
fn timestamp() -> impl Strategy<Value = OffsetDateTime> {
    (-30_610_224_000_i64..253_402_300_799, 0_u32..1_000_000).prop_map(|(secs, micros)| {
        OffsetDateTime::from_unix_timestamp(secs)
            .expect("in range")
            .replace_nanosecond(micros * 1_000)
            .expect("valid nanosecond")
    })
}

fn sample() -> impl Strategy<Value = NewSample> {
    (
        any::<bool>(),
        any::<i32>(),
        any::<i64>(),
        prop::num::f64::NORMAL | prop::num::f64::ZERO,
        // PostgreSQL refuses NUL in text; everything else of Unicode must survive.
        "[^\u{0}]{0,40}",
        prop::collection::vec(any::<u8>(), 0..64),
        timestamp(),
        prop::option::of(any::<i64>()),
        prop::option::of("[^\u{0}]{0,10}"),
    )
        .prop_map(
            |(flag, small, big, ratio, text, bytes, at, maybe_int, maybe_text)| NewSample {
                flag,
                small,
                big,
                ratio,
                text,
                bytes,
                at,
                maybe_int,
                maybe_text,
            },
        )
}

async fn assert_round_trip(db: &Db, input: NewSample) -> Result<(), TestCaseError> {
    let created = Sample::create(db, input.clone())
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let read = Sample::find_or_fail(db, created.id)
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&read, &created);
    let expected = Sample {
        id: created.id,
        flag: input.flag,
        small: input.small,
        big: input.big,
        ratio: input.ratio,
        text: input.text,
        bytes: input.bytes,
        at: input.at,
        maybe_int: input.maybe_int,
        maybe_text: input.maybe_text,
    };
    prop_assert_eq!(read, expected);
    // The same values also work as bound query parameters.
    let found = Sample::query()
        .filter(sample::big.eq(created.big))
        .filter(sample::at.eq(created.at))
        .filter(sample::text.eq(created.text.clone()))
        .exists(db)
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(found);
    Ok(())
}

#[test]
fn every_field_type_round_trips_through_every_database() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for (label, url) in common::backends() {
        let db = runtime.block_on(async {
            let db = common::fresh(label, url.as_deref(), "roundtrip").await;
            Migrator::from_dir(common::migrations(label))
                .expect("migrations read")
                .run(&db)
                .await
                .expect("migrated");
            db
        });
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 64,
            failure_persistence: None,
            ..ProptestConfig::default()
        });
        runner
            .run(&sample(), |input| {
                runtime.block_on(assert_round_trip(&db, input))
            })
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        runtime.block_on(db.close());
    }
}
