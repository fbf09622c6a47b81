//! The HTML pages, rendered with maud.

use galaxy_core::{Form, Path, Redirect, State, StatusCode};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::app::{AppState, routes};

/// The page frame every page shares.
fn layout(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) " · Galaxy" }
            }
            body {
                (content)
                footer { a href=(routes::home()) { "Home" } }
            }
        }
    }
}

fn home_page(error: Option<&str>) -> Markup {
    layout(
        "Hello",
        html! {
            h1 { "Hello from Galaxy" }
            // Every link comes from a URL helper: a renamed or removed route breaks the build,
            // not the page.
            ul {
                li { a href=(routes::hello("world")) { "Greet the world" } }
                li { a href=(routes::api::greeting("world").with_query("shout=true")) { "The same, as JSON" } }
                li { a href=(routes::api::stats()) { "Statistics" } " (needs an " code { "x-api-key" } " header)" }
            }
            form method="post" action=(routes::greet()) {
                @if let Some(error) = error {
                    p.error role="alert" { (error) }
                }
                label { "Your name " input name="name" required; }
                button { "Greet me" }
            }
        },
    )
}

/// `GET /`: links to the other routes, and a form that greets by name.
pub(crate) async fn home() -> Markup {
    home_page(None)
}

/// `GET /hello/{name}`.
pub(crate) async fn hello(State(state): State<AppState>, Path(name): Path<String>) -> Markup {
    state.count_greeting();
    // maud escapes `name`: `/hello/<script>` shows the text, it does not run it.
    layout(
        &format!("Hello, {name}"),
        html! { h1 { "Hello, " (name) "!" } },
    )
}

/// The home page form's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct GreetForm {
    name: String,
}

/// `POST /hello`: sends the browser to the greeting page (303, so a reload does not post again),
/// or shows the form again with a message when the name is blank.
pub(crate) async fn greet(Form(form): Form<GreetForm>) -> Result<Redirect, (StatusCode, Markup)> {
    let name = form.name.trim();
    if name.is_empty() {
        return Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            home_page(Some("Please enter a name.")),
        ));
    }
    Ok(Redirect::to(routes::hello(name)))
}
