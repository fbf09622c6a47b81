//! Casts: serde types as JSON text and a user cast to an integer column, on every configured
//! database; decoding and encoding failures are typed errors.

mod common;

use galaxy_orm::{Cast, Db, Error, Executor, Json, Migrator, Model, Sql};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prefs {
    pub theme: String,
    pub columns: u8,
}

/// Serializing always fails: a programming error that must surface as a typed error.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Unencodable;

impl Serialize for Unencodable {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("this value cannot be written"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Cents(pub i64);

/// Stores `Cents` as a non-negative integer.
#[derive(Debug)]
pub struct AsCents;

impl Cast<Cents> for AsCents {
    type Stored = i64;
    fn encode(value: &Cents) -> galaxy_orm::Result<i64> {
        Ok(value.0)
    }
    fn decode(stored: i64) -> galaxy_orm::Result<Cents> {
        if stored < 0 {
            return Err(Error::Decode(format!("negative amount {stored}")));
        }
        Ok(Cents(stored))
    }
}

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_settings", migrations = "migrations/sqlite")]
pub struct Setting {
    pub id: i64,
    #[galaxy(fillable, cast = Json)]
    pub prefs: Prefs,
    #[galaxy(fillable, cast = Json)]
    pub extra: Option<Vec<String>>,
    #[galaxy(fillable, cast = AsCents)]
    pub price: Cents,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[galaxy(table = "orm_settings", migrations = "migrations/sqlite")]
pub struct BadSetting {
    pub id: i64,
    #[galaxy(fillable, cast = Json)]
    pub prefs: Unencodable,
    #[galaxy(fillable)]
    pub price: i64,
}

async fn migrated(label: &str, url: Option<&str>, test: &str) -> Db {
    let db = common::fresh(label, url, test).await;
    Migrator::from_dir(common::migrations(label))
        .expect("migrations read")
        .run(&db)
        .await
        .unwrap_or_else(|e| panic!("{label}: migrate: {e}"));
    db
}

fn dark() -> Prefs {
    Prefs {
        theme: "dark".into(),
        columns: 3,
    }
}

#[tokio::test]
async fn casts_round_trip_and_fail_with_typed_errors() {
    for (label, url) in common::backends() {
        let db = migrated(label, url.as_deref(), "casts").await;
        let mut setting = Setting::create(
            &db,
            NewSetting {
                prefs: dark(),
                extra: None,
                price: Cents(250),
            },
        )
        .await
        .unwrap();
        assert_eq!(setting.prefs, dark(), "{label}");
        assert_eq!(setting.extra, None, "{label}: None is NULL");
        assert_eq!(setting.price, Cents(250));

        setting.extra = Some(vec!["a".into(), "b".into()]);
        setting.prefs.columns = 4;
        setting.save(&db).await.unwrap();
        let found = Setting::find_or_fail(&db, setting.id).await.unwrap();
        assert_eq!(found, setting, "{label}");

        // The typed columns are the stored types: JSON text, and the integer.
        let by_price = Setting::query()
            .filter(setting::price.eq(250))
            .filter(setting::extra.is_not_null())
            .count(&db)
            .await
            .unwrap();
        assert_eq!(by_price, 1, "{label}");
        let raw = Setting::query()
            .filter(setting::prefs.like("%\"theme\":\"dark\"%"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(raw, 1, "{label}: stored as JSON text");

        // Stored data that does not fit the field: a decode error, not a panic.
        let bad_json = Sql {
            text: "UPDATE orm_settings SET prefs = 'not json'".into(),
            args: Vec::new(),
        };
        (&db).execute(bad_json).await.unwrap();
        let err = Setting::find(&db, setting.id).await.unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{label}: {err}");
        assert_eq!(err.status(), 500);
        let negative = Sql {
            text: "UPDATE orm_settings SET prefs = '{\"theme\":\"x\",\"columns\":1}', price = -5"
                .into(),
            args: Vec::new(),
        };
        (&db).execute(negative).await.unwrap();
        let err = Setting::find(&db, setting.id).await.unwrap_err();
        assert!(
            err.to_string().contains("negative amount"),
            "{label}: {err}"
        );

        // A value the cast cannot encode: a typed error, and nothing written.
        let err = BadSetting::create(
            &db,
            NewBadSetting {
                prefs: Unencodable,
                price: 1,
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::Encode(_)), "{label}: {err}");
        assert_eq!(Setting::query().count(&db).await.unwrap(), 1, "{label}");
        db.close().await;
    }
}
