//! What a failed validation answers.

use std::collections::BTreeMap;
use std::fmt;

use bytes::Bytes;
use http::StatusCode;
use http::header::{HOST, REFERER};
use http::request::Parts;

use super::{ERRORS_KEY, OLD_KEY};
use crate::error_pages::{ErrorPage, FieldErrors, Format};
use crate::extract::Rejection;
use crate::middleware::{CSRF_FIELD, METHOD_FIELD, Session};
use crate::response::{IntoResponse, Redirect, Response};

/// The message of a `422` for a schema that failed validation.
pub const INVALID_MESSAGE: &str = "the given data is invalid";

/// Old input values larger than this are not flashed: a cookie session has about 3 KiB.
const MAX_OLD_VALUE: usize = 1024;

/// Why [`Valid`](super::Valid) refused a request: the inner extractor's rejection, or the
/// schema's field errors (see [`Valid`](super::Valid) for how each is answered).
#[derive(Debug)]
pub struct ValidationRejection(Kind);

#[derive(Debug)]
enum Kind {
    Extract(Rejection),
    Invalid { errors: FieldErrors, answer: Answer },
}

/// How field errors are answered.
pub(super) enum Answer {
    /// A `422` page in this format.
    Page(Format),
    /// A redirect back to the form, the errors and old input flashed.
    Back {
        session: Session,
        location: String,
        form: Bytes,
    },
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Page(format) => f.debug_tuple("Page").field(format).finish(),
            // Not the form: it may hold personal data.
            Self::Back { location, .. } => f
                .debug_struct("Back")
                .field("location", location)
                .finish_non_exhaustive(),
        }
    }
}

impl ValidationRejection {
    pub(super) fn invalid(errors: FieldErrors, answer: Answer) -> Self {
        Self(Kind::Invalid { errors, answer })
    }

    /// The field errors, when the schema failed validation (`None` when the inner extractor
    /// refused the request).
    pub fn errors(&self) -> Option<&FieldErrors> {
        match &self.0 {
            Kind::Invalid { errors, .. } => Some(errors),
            Kind::Extract(_) => None,
        }
    }
}

impl From<Rejection> for ValidationRejection {
    fn from(rejection: Rejection) -> Self {
        Self(Kind::Extract(rejection))
    }
}

impl IntoResponse for ValidationRejection {
    fn into_response(self) -> Response {
        match self.0 {
            Kind::Extract(rejection) => rejection.into_response(),
            Kind::Invalid {
                errors,
                answer: Answer::Page(format),
            } => page(errors, format),
            Kind::Invalid {
                errors,
                answer:
                    Answer::Back {
                        session,
                        location,
                        form,
                    },
            } => {
                let flashed = session
                    .flash(ERRORS_KEY, &errors)
                    .and_then(|()| session.flash(OLD_KEY, old_input(&form)));
                match flashed {
                    Ok(()) => Redirect::to(location).into_response(),
                    // Cannot happen with string maps; answer the page rather than lose errors.
                    Err(_) => page(errors, Format::Html),
                }
            }
        }
    }
}

fn page(errors: FieldErrors, format: Format) -> Response {
    ErrorPage::new(StatusCode::UNPROCESSABLE_ENTITY, INVALID_MESSAGE)
        .with_errors(errors)
        .render(format)
}

/// The submitted fields worth re-filling a form with: not the CSRF token or method override,
/// nothing that looks like a password, nothing too large for a cookie session.
pub(super) fn old_input(form: &[u8]) -> BTreeMap<String, Vec<String>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(form).unwrap_or_default();
    let mut old = BTreeMap::<String, Vec<String>>::new();
    for (name, value) in pairs {
        let secret = name.to_ascii_lowercase().contains("password");
        if secret || name == CSRF_FIELD || name == METHOD_FIELD || value.len() > MAX_OLD_VALUE {
            continue;
        }
        old.entry(name).or_default().push(value);
    }
    old
}

/// Where to send the browser back to: the `Referer` when it is a page of this site (as a
/// path, so a forged header cannot redirect elsewhere), else the request's own path, else `/`.
pub(super) fn back_location(parts: &Parts) -> String {
    let host = parts.headers.get(HOST).and_then(|v| v.to_str().ok());
    let referer = parts
        .headers
        .get(REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<http::Uri>().ok());
    if let Some(referer) = referer {
        let same_site = match (referer.authority(), host) {
            (Some(authority), Some(host)) => authority.as_str().eq_ignore_ascii_case(host),
            (None, _) => referer.path().starts_with('/'),
            (Some(_), None) => false,
        };
        if same_site
            && let Some(path) = referer.path_and_query()
            && is_local_path(path.as_str())
        {
            return path.as_str().to_owned();
        }
    }
    let own = parts.uri.path();
    if is_local_path(own) { own } else { "/" }.to_owned()
}

/// `true` for a path a browser resolves on this site: `//evil.example` (and
/// `/\evil.example`, which browsers read the same way) is a path to `Uri` but another host to
/// a browser.
fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut builder = http::Request::builder().uri("/signup");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn back_goes_to_a_same_site_referer_only() {
        let same = parts(&[
            ("host", "app.example"),
            ("referer", "https://app.example/signup/new?step=2"),
        ]);
        assert_eq!(back_location(&same), "/signup/new?step=2");
        let other = parts(&[
            ("host", "app.example"),
            ("referer", "https://evil.example/phish"),
        ]);
        assert_eq!(back_location(&other), "/signup");
        let relative = parts(&[("referer", "/form")]);
        assert_eq!(back_location(&relative), "/form");
        for sneaky in ["//evil.example/x", "/\\evil.example/x"] {
            let sneaky = parts(&[("referer", sneaky)]);
            assert_eq!(back_location(&sneaky), "/signup");
        }
        let none = parts(&[]);
        assert_eq!(back_location(&none), "/signup");
    }

    #[test]
    fn old_input_leaves_secrets_and_tokens_out() {
        let long = "x".repeat(MAX_OLD_VALUE + 1);
        let form = format!(
            "name=Ada&tags=a&tags=b&password=hunter2&password_confirmation=hunter2&_token=t&_method=PUT&bio={long}"
        );
        let old = old_input(form.as_bytes());
        assert_eq!(old["name"], ["Ada"]);
        assert_eq!(old["tags"], ["a", "b"]);
        assert_eq!(old.len(), 2, "{old:?}");
    }
}
