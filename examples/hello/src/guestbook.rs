//! The guestbook: a form behind sessions and CSRF checks, validated by a request schema; when
//! it fails, the browser comes back to the form, which shows each field's errors and what was
//! typed.

use galaxy_core::middleware::{CspNonce, CsrfToken, Session};
use galaxy_core::validation::{FormState, ValidationContext};
use galaxy_core::views::{csrf_field, flash_message, script};
use galaxy_core::{Bound, IntoResponse, Redirect, Response, State, Valid};
use garde::{Path as Field, Report, Validate};
use maud::{DOCTYPE, Markup, html};
use serde::{Deserialize, Serialize};

use crate::app::{AppState, routes};
use crate::models::{Entry, NewEntry};

/// What the form sends to sign the guestbook: the request schema, validated before it becomes
/// an [`Entry`].
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[garde(context(GuestbookRules))]
pub struct Signature {
    /// Who signs.
    #[garde(length(chars, min = 1, max = 60))]
    pub name: String,
    /// Their email; one signature per address.
    #[garde(email, length(max = 254))]
    pub email: String,
    /// What they say.
    #[garde(length(chars, min = 3, max = 500), custom(no_links))]
    pub message: String,
}

/// A custom rule: no links in messages (the guestbook is not a place for spam).
fn no_links(message: &str, _: &GuestbookRules) -> garde::Result {
    if message.contains("http://") || message.contains("https://") {
        return Err(garde::Error::new("may not contain links"));
    }
    Ok(())
}

/// The rules that need the database: an address signs once.
#[derive(Debug)]
pub struct GuestbookRules {
    state: AppState,
}

impl ValidationContext<AppState, Signature> for GuestbookRules {
    fn from_state(state: &AppState) -> Self {
        Self {
            state: state.clone(),
        }
    }

    async fn validate_async(&self, signature: &Signature, _: &AppState) -> Result<(), Report> {
        // A database error is no fault of the input: let the entry through, and let `sign`
        // meet the same error (answered 503/500 there) or the table's unique constraint.
        let signed = Entry::has_signed(self.state.db(), &signature.email)
            .await
            .unwrap_or_else(|err| {
                tracing::warn!(error = %err, "could not check the guestbook for an address");
                false
            });
        if signed {
            let mut report = Report::new();
            report.append(
                Field::new("email"),
                garde::Error::new("has already signed the guestbook"),
            );
            return Err(report);
        }
        Ok(())
    }
}

/// A text input with its label, old value and errors.
fn input(form: &FormState, name: &str, label: &str, kind: &str) -> Markup {
    html! {
        p {
            label for=(name) { (label) }
            input #(name) type=(kind) name=(name) value=(form.old(name))
                aria-invalid=[form.has_error(name).then_some("true")]
                aria-describedby=[form.has_error(name).then(|| format!("{name}-errors"))];
            (form.errors_for(name))
        }
    }
}

/// `GET /guestbook`: the entries, and the form to sign.
pub(crate) async fn index(
    State(state): State<AppState>,
    session: Session,
    csrf: CsrfToken,
    nonce: CspNonce,
    form: FormState,
) -> Result<Markup, galaxy_orm::Error> {
    let entries = state.entries().await?;
    Ok(html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "Guestbook · Galaxy" }
            }
            body {
                h1 { "Guestbook" }
                (flash_message(&session, "notice"))
                @if form.failed() {
                    p.error role="alert" { "Please correct the fields below." }
                }
                ul.entries {
                    @for entry in &entries {
                        li {
                            strong { (entry.name) } ": " (entry.message)
                            " " a href=(routes::guestbook::show(entry.id)) { "#" (entry.id) }
                        }
                    }
                }
                form method="post" action=(routes::guestbook::sign()) {
                    (csrf_field(&csrf))
                    (input(&form, "name", "Name", "text"))
                    (input(&form, "email", "Email", "email"))
                    p {
                        label for="message" { "Message" }
                        textarea #message name="message" { (form.old("message")) }
                        (form.errors_for("message"))
                    }
                    button { "Sign" }
                }
                footer { a href=(routes::home()) { "Home" } }
                (script(&nonce, "document.querySelector('[aria-invalid]')?.focus();"))
            }
        }
    })
}

/// `GET /guestbook/{entry}`: one entry, bound from the path by its key (an unknown key is a
/// 404 before this runs).
pub(crate) async fn show(entry: Bound<Entry>) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "Entry #" (entry.id) " · Guestbook · Galaxy" }
            }
            body {
                h1 { (entry.name) " wrote" }
                blockquote { (entry.message) }
                footer { a href=(routes::guestbook::index()) { "Guestbook" } }
            }
        }
    }
}

/// `POST /guestbook`: signs, or goes back to the form with the errors (done by `Valid`).
///
/// Database errors answer as galaxy-orm maps them (an address that signed between the check
/// and the insert: 409), session errors as galaxy-core does.
pub(crate) async fn sign(
    State(state): State<AppState>,
    session: Session,
    Valid(galaxy_core::Form(signature)): Valid<galaxy_core::Form<Signature>>,
) -> Result<Redirect, Response> {
    let Signature {
        name,
        email,
        message,
    } = signature;
    let entry = Entry::sign(
        state.db(),
        NewEntry {
            name,
            email,
            message,
        },
    )
    .await
    .map_err(IntoResponse::into_response)?;
    session
        .flash("notice", format!("Thank you, {}!", entry.name))
        .map_err(IntoResponse::into_response)?;
    Ok(Redirect::to(routes::guestbook::index()))
}
