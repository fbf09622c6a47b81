/// What an extractor knows about the route it runs for: the application state, the route's
/// parsed path parameters and its body limit.
///
/// Custom extractors implement [`FromRequestParts<Cx>`](super::FromRequestParts) for every
/// `Cx: Context`, or for those whose `State` is their application's.
pub trait Context: Send + Sync {
    /// The application state type.
    type State: Send + Sync;
    /// The route's path parameters, as a tuple in template order (`()` when there are none).
    type Params: Send + Sync;

    /// The application state.
    fn state(&self) -> &Self::State;

    /// The route's path parameters, already parsed to their declared types.
    fn params(&self) -> &Self::Params;

    /// The largest request body, in bytes, that body extractors accept on this route.
    fn body_limit(&self) -> usize;
}

/// The [`Context`] the generated router hands to a route's handler.
#[derive(Debug)]
pub struct RequestContext<'a, S, P> {
    state: &'a S,
    params: P,
    body_limit: usize,
}

impl<'a, S, P> RequestContext<'a, S, P> {
    /// A context for one request. Called by the code `app!` generates.
    pub fn new(state: &'a S, params: P, body_limit: usize) -> Self {
        Self {
            state,
            params,
            body_limit,
        }
    }
}

impl<S: Send + Sync, P: Send + Sync> Context for RequestContext<'_, S, P> {
    type State = S;
    type Params = P;

    fn state(&self) -> &S {
        self.state
    }

    fn params(&self) -> &P {
        &self.params
    }

    fn body_limit(&self) -> usize {
        self.body_limit
    }
}
