//! The JSON API under `/api`.

use galaxy_core::{Json, Path, Query, Request, State, Url};
use serde::{Deserialize, Serialize};

use crate::app::{AppState, routes};

/// The languages `/api/greetings/{name}?lang=..` speaks.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Language {
    #[default]
    En,
    Fr,
    De,
}

impl Language {
    fn hello(self) -> &'static str {
        match self {
            Self::En => "Hello",
            Self::Fr => "Bonjour",
            Self::De => "Hallo",
        }
    }
}

/// The query parameters of `GET /api/greetings/{name}`; both may be left out.
#[derive(Debug, Deserialize)]
pub(crate) struct GreetingOptions {
    #[serde(default)]
    lang: Language,
    #[serde(default)]
    shout: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct Greeting {
    message: String,
    /// The HTML page for the same name.
    page: Url,
}

/// `GET /api/greetings/{name}?lang=fr&shout=true`.
pub(crate) async fn greeting(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(options): Query<GreetingOptions>,
) -> Json<Greeting> {
    state.count_greeting();
    let message = format!("{}, {name}!", options.lang.hello());
    Json(Greeting {
        message: if options.shout {
            message.to_uppercase()
        } else {
            message
        },
        page: routes::hello(&name),
    })
}

#[derive(Debug, Serialize)]
pub(crate) struct Stats {
    greetings_served: u64,
}

/// `GET /api/stats`, for holders of the API key (see [`has_api_key`]).
pub(crate) async fn stats(State(state): State<AppState>) -> Json<Stats> {
    Json(Stats {
        greetings_served: state.greetings_served(),
    })
}

/// The authorization check of `/api/stats`: the request carries the app's key in `x-api-key`.
pub(crate) fn has_api_key(req: &Request, state: &AppState) -> bool {
    req.headers()
        .get("x-api-key")
        .is_some_and(|key| key.as_bytes() == state.api_key().as_bytes())
}
