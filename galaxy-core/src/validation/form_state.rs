//! [`FormState`]: the errors and old input of a form that failed validation, for re-rendering.

use std::collections::BTreeMap;
use std::sync::Arc;

use http::request::Parts;
use maud::{Markup, html};

use crate::error_pages::FieldErrors;
use crate::extract::{Context, FromRequestParts, Rejection};
use crate::middleware::{Has, Session, ViaContext};

/// The session flash key of the field errors.
pub(crate) const ERRORS_KEY: &str = "_errors";
/// The session flash key of the old input.
pub(crate) const OLD_KEY: &str = "_old";

/// The field errors and old input [`Valid<Form<T>>`](super::Valid) flashed when it sent the
/// browser back to the form; empty on a first visit. Needs a
/// [`Session`](crate::middleware::Session) in the route's chain.
///
/// # Example
///
/// ```
/// use galaxy_core::validation::FormState;
/// use galaxy_core::Markup;
/// use maud::html;
///
/// fn email_input(form: &FormState) -> Markup {
///     html! {
///         label for="email" { "Email" }
///         input #email type="email" name="email" value=(form.old("email"))
///             aria-invalid=[form.has_error("email").then_some("true")];
///         (form.errors_for("email"))
///     }
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct FormState(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    errors: FieldErrors,
    old: BTreeMap<String, Vec<String>>,
}

impl FormState {
    /// Reads (and consumes) what the previous request flashed into `session`.
    pub fn from_session(session: &Session) -> Self {
        Self(Arc::new(Inner {
            errors: session.take_flash(ERRORS_KEY).unwrap_or_default(),
            old: session.take_flash(OLD_KEY).unwrap_or_default(),
        }))
    }

    /// The old value of `field`, or `""`.
    pub fn old(&self, field: &str) -> &str {
        self.old_all(field).first().map_or("", String::as_str)
    }

    /// Every old value of `field` (checkboxes, multiple selects).
    pub fn old_all(&self, field: &str) -> &[String] {
        self.0.old.get(field).map_or(&[], Vec::as_slice)
    }

    /// `true` when `field` was submitted with `value` (to re-check a checkbox or re-select an
    /// option).
    pub fn was_chosen(&self, field: &str, value: &str) -> bool {
        self.old_all(field).iter().any(|v| v == value)
    }

    /// The messages of `field`.
    pub fn errors(&self, field: &str) -> &[String] {
        self.0.errors.get(field).map_or(&[], Vec::as_slice)
    }

    /// `true` when `field` has errors.
    pub fn has_error(&self, field: &str) -> bool {
        !self.errors(field).is_empty()
    }

    /// Every field's errors.
    pub fn all_errors(&self) -> &FieldErrors {
        &self.0.errors
    }

    /// `true` when the form came back with errors.
    pub fn failed(&self) -> bool {
        !self.0.errors.is_empty()
    }

    /// The messages of `field` as `<ul class="field-errors">`, or nothing.
    pub fn errors_for(&self, field: &str) -> Markup {
        html! {
            @let errors = self.errors(field);
            @if !errors.is_empty() {
                ul.field-errors id={ (field) "-errors" } {
                    @for error in errors { li { (error) } }
                }
            }
        }
    }
}

impl<Cx, I> FromRequestParts<Cx, ViaContext<I>> for FormState
where
    Cx: Context,
    Cx::Provided: Has<Session, I>,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _: &Cx) -> Result<Self, Rejection> {
        // Flash values are taken once; a second `FormState` of the same request reads the
        // first one's copy.
        if let Some(state) = parts.extensions.get::<Self>() {
            return Ok(state.clone());
        }
        let session: Session = crate::middleware::__provided(parts)?;
        let state = Self::from_session(&session);
        parts.extensions.insert(state.clone());
        Ok(state)
    }
}
