//! View helpers for maud templates: the CSRF field, inline scripts under the CSP nonce, flash
//! messages, and (in [`crate::validation::FormState`]) old input and field errors.
//!
//! Layouts and partials are plain functions returning [`Markup`]: a layout takes the page's
//! title and body as arguments, a partial takes what it shows. The URL helpers `app!`
//! generates are plain functions too, so a link to a route that does not exist fails to
//! compile.
//!
//! # Example
//!
//! ```
//! use galaxy_core::Markup;
//! use galaxy_core::middleware::CspNonce;
//! use galaxy_core::views::script;
//! use maud::{DOCTYPE, html};
//!
//! /// The site's layout: every page is `layout(title, nonce, body)`.
//! fn layout(title: &str, nonce: &CspNonce, body: Markup) -> Markup {
//!     html! {
//!         (DOCTYPE)
//!         html lang="en" {
//!             head { title { (title) } }
//!             body { main { (body) } (script(nonce, "console.log('ready')")) }
//!         }
//!     }
//! }
//! ```

use maud::{Markup, PreEscaped, html};

use crate::middleware::{CspNonce, CsrfToken, Session};

/// `<input type="hidden" name="_token" value="...">`: put it in every form that posts to a
/// route behind [`Csrf`](crate::middleware::Csrf).
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::CsrfToken;
/// use galaxy_core::views::csrf_field;
/// use maud::{Markup, html};
///
/// fn form(csrf: &CsrfToken) -> Markup {
///     html! { form method="post" { (csrf_field(csrf)) button { "Send" } } }
/// }
/// ```
pub fn csrf_field(token: &CsrfToken) -> Markup {
    token.field()
}

/// `<script nonce="...">code</script>`: an inline script the
/// [`SecurityHeaders`](crate::middleware::SecurityHeaders) policy lets run.
///
/// `code` is written as it is (scripts are not HTML-escaped), except that a `</` is broken up
/// so the script cannot close its own element: never interpolate user input into it, pass
/// data through a `data-` attribute instead.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::CspNonce;
/// use galaxy_core::views::script;
/// use maud::{Markup, html};
///
/// fn analytics(nonce: &CspNonce) -> Markup {
///     html! { (script(nonce, "window.ready = true;")) }
/// }
/// ```
pub fn script(nonce: &CspNonce, code: &str) -> Markup {
    html! { script nonce=(nonce) { (PreEscaped(script_body(code))) } }
}

/// `code` with every `</` written `<\/`: the same JavaScript (in strings, regexes and comments
/// alike), but the HTML parser never sees an end tag in it.
fn script_body(code: &str) -> String {
    code.replace("</", "<\\/")
}

/// The flash message the previous request stored under `key` (with
/// [`Session::flash`]), as `<div class="flash flash-{key}" role="status">`; nothing when there
/// is none. Reading it consumes it.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::Session;
/// use galaxy_core::views::flash_message;
/// use maud::{Markup, html};
///
/// fn notices(session: &Session) -> Markup {
///     html! { (flash_message(session, "notice")) (flash_message(session, "error")) }
/// }
/// ```
pub fn flash_message(session: &Session, key: &str) -> Markup {
    html! {
        @if let Some(message) = session.take_flash::<String>(key) {
            div class={ "flash flash-" (key) } role="status" { (message) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_cannot_close_their_element() {
        let code = "let s = '</script><script>alert(1)</SCRIPT>';";
        let body = script_body(code);
        assert_eq!(body, "let s = '<\\/script><script>alert(1)<\\/SCRIPT>';");
        assert_eq!(script_body("a < b && c > d"), "a < b && c > d");
    }
}
