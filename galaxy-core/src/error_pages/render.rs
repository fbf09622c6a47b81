//! How an [`ErrorPage`] becomes a body: the [`ErrorRenderer`] trait and Galaxy's default look.

use http::HeaderValue;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use maud::{DOCTYPE, Markup, html};

use super::{ErrorPage, Format, mark};
use crate::{Body, Response};

/// Renders error pages; implement it to give errors the app's look, and install it with
/// [`ErrorPages::renderer`](super::ErrorPages::renderer). Each method has Galaxy's default, so
/// an app overrides only what it wants (typically [`html`](ErrorRenderer::html)).
///
/// A renderer only ever sees what is safe to show: [`ErrorPage::detail`] is `None` unless the
/// app runs in development mode.
///
/// # Example
///
/// ```
/// use galaxy_core::error_pages::{ErrorPage, ErrorRenderer};
/// use galaxy_core::{Markup, StatusCode};
/// use maud::html;
///
/// struct Branded;
///
/// impl ErrorRenderer for Branded {
///     fn html(&self, page: &ErrorPage) -> Markup {
///         match page.status() {
///             StatusCode::NOT_FOUND => html! { h1 { "Nothing here" } },
///             _ => galaxy_core::error_pages::DefaultErrorPages.html(page),
///         }
///     }
/// }
/// ```
pub trait ErrorRenderer: Send + Sync + 'static {
    /// The HTML page.
    fn html(&self, page: &ErrorPage) -> Markup {
        default_html(page)
    }

    /// The JSON body: `{"error": message}`, with `errors` (field → messages) for a validation
    /// failure, `request_id` for an internal error and `detail` in development mode.
    fn json(&self, page: &ErrorPage) -> serde_json::Value {
        default_json(page)
    }

    /// The plain-text body.
    fn text(&self, page: &ErrorPage) -> String {
        default_text(page)
    }
}

/// Galaxy's own error pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultErrorPages;

impl ErrorRenderer for DefaultErrorPages {}

fn default_html(page: &ErrorPage) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (page.status().as_u16()) " " (page.title()) }
            }
            body {
                main {
                    h1 { (page.status().as_u16()) " " (page.title()) }
                    p { (page.message()) }
                    @if let Some(errors) = page.errors() {
                        ul {
                            @for (field, messages) in errors {
                                @for message in messages {
                                    li { code { (field) } ": " (message) }
                                }
                            }
                        }
                    }
                    @if let Some(id) = page.request_id() {
                        p { "Request id: " code { (id) } }
                    }
                    @if let Some(detail) = page.detail() {
                        pre { (detail) }
                    }
                }
            }
        }
    }
}

fn default_json(page: &ErrorPage) -> serde_json::Value {
    let mut body = serde_json::json!({ "error": page.message() });
    if let Some(errors) = page.errors() {
        body["errors"] = serde_json::json!(errors);
    }
    if let Some(id) = page.request_id() {
        body["request_id"] = id.into();
    }
    if let Some(detail) = page.detail() {
        body["detail"] = detail.into();
    }
    body
}

fn default_text(page: &ErrorPage) -> String {
    let mut text = page.message().to_owned();
    if let Some(errors) = page.errors() {
        for (field, messages) in errors {
            for message in messages {
                text.push_str(&format!("\n{field}: {message}"));
            }
        }
    }
    if let Some(id) = page.request_id() {
        text.push_str(&format!(" (request id {id})"));
    }
    if let Some(detail) = page.detail() {
        text.push_str(&format!("\n{detail}"));
    }
    text.push('\n');
    text
}

/// The body and content type of `page` in `format`, with `renderer`.
pub(super) fn body(
    renderer: &dyn ErrorRenderer,
    page: &ErrorPage,
    format: Format,
) -> (String, &'static str) {
    match format {
        Format::Html => (
            renderer.html(page).into_string(),
            "text/html; charset=utf-8",
        ),
        Format::Json => (renderer.json(page).to_string(), "application/json"),
        Format::Text => (renderer.text(page), "text/plain; charset=utf-8"),
    }
}

/// A response for `page`, rendered by `renderer` and marked with the page.
///
/// The page's detail is never rendered here: only [`ErrorPages`](super::ErrorPages) in
/// development mode brings it back.
pub(super) fn respond(renderer: &dyn ErrorRenderer, page: ErrorPage, format: Format) -> Response {
    let shown = page.clone().without_detail();
    let (text, content_type) = body(renderer, &shown, format);
    let mut res = Response::new(Body::from(text));
    *res.status_mut() = page.status();
    res.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    mark(&mut res, page);
    res
}

/// Replaces the body of `res` with `page` rendered by `renderer`, keeping its status and other
/// headers (`Retry-After`, `Allow`, the request id).
pub(super) fn rerender(
    renderer: &dyn ErrorRenderer,
    page: &ErrorPage,
    format: Format,
    res: Response,
) -> Response {
    let (text, content_type) = body(renderer, page, format);
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(CONTENT_LENGTH);
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    Response::from_parts(parts, Body::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    #[test]
    fn rendering_a_page_never_shows_its_detail() {
        let page = ErrorPage::new(StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
            .with_request_id("abc")
            .with_detail("password=hunter2");
        for format in [Format::Html, Format::Json, Format::Text] {
            let res = page.clone().render(format);
            let super::super::ErrorDetail(detail) = res.extensions().get().unwrap();
            assert_eq!(&**detail, "password=hunter2");
            let shown: &ErrorPage = res.extensions().get().unwrap();
            assert_eq!(shown.detail(), None);
            let body = futures_util::FutureExt::now_or_never(http_body_util::BodyExt::collect(
                res.into_body(),
            ))
            .unwrap()
            .unwrap()
            .to_bytes();
            let body = String::from_utf8(body.to_vec()).unwrap();
            assert!(body.contains("abc") && !body.contains("hunter2"), "{body}");
        }
    }

    #[test]
    fn the_default_pages_escape_messages_and_list_field_errors() {
        let mut errors = super::super::FieldErrors::new();
        errors.insert("email".into(), vec!["not an <email>".into()]);
        let page =
            ErrorPage::new(StatusCode::UNPROCESSABLE_ENTITY, "<b>invalid</b>").with_errors(errors);
        let html = default_html(&page).into_string();
        assert!(html.contains("&lt;b&gt;invalid&lt;/b&gt;"), "{html}");
        assert!(
            html.contains("<code>email</code>: not an &lt;email&gt;"),
            "{html}"
        );
        let json = default_json(&page);
        assert_eq!(json["errors"]["email"][0], "not an <email>");
        assert_eq!(
            default_text(&page),
            "<b>invalid</b>\nemail: not an <email>\n"
        );
    }
}
