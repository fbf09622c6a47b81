//! The guestbook's table as a galaxy-orm model, checked at compile time against
//! `migrations/0001_create_guestbook_entries.up.sql`: a field the table lacks, or of a type its
//! column does not hold, fails the build.

use galaxy_orm::{Db, Model};

/// One signature of the guestbook: a row of `guestbook_entries`.
#[derive(Debug, Clone, PartialEq, Eq, Model)]
#[galaxy(table = "guestbook_entries")]
pub struct Entry {
    /// The key, assigned by the database.
    pub id: i64,
    /// Who signed.
    #[galaxy(fillable)]
    pub name: String,
    /// Their email, in lower case: one signature per address.
    #[galaxy(fillable)]
    pub email: String,
    /// What they said.
    #[galaxy(fillable)]
    pub message: String,
}

impl Entry {
    /// Every entry, oldest first.
    ///
    /// # Errors
    ///
    /// When the database cannot answer.
    pub async fn oldest_first(db: &Db) -> galaxy_orm::Result<Vec<Self>> {
        Self::query().order_by(entry::id.asc()).all(db).await
    }

    /// Whether `email` (in any case) has signed already.
    ///
    /// # Errors
    ///
    /// When the database cannot answer.
    pub async fn has_signed(db: &Db, email: &str) -> galaxy_orm::Result<bool> {
        Self::query()
            .filter(entry::email.eq(normalize_email(email)))
            .exists(db)
            .await
    }

    /// Signs the guestbook, storing the address in lower case so that the table's unique
    /// constraint refuses the same address in another case too.
    ///
    /// # Errors
    ///
    /// [`galaxy_orm::Error::UniqueViolation`] (a 409) when the address signed in the meantime,
    /// or when the database cannot answer.
    pub async fn sign(db: &Db, mut entry: NewEntry) -> galaxy_orm::Result<Self> {
        entry.email = normalize_email(&entry.email);
        Self::create(db, entry).await
    }
}

/// Addresses compare without regard to ASCII case (as the guestbook always has).
fn normalize_email(email: &str) -> String {
    email.to_ascii_lowercase()
}
