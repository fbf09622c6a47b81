use std::fmt;
use std::marker::PhantomData;

use crate::middleware::HNil;

/// What an extractor knows about the route it runs for: the application state, the route's
/// parsed path parameters, its body limit, and (as a type) what its middleware chain provides.
///
/// Custom extractors implement [`FromRequestParts<Cx>`](super::FromRequestParts) for every
/// `Cx: Context`, or for those whose `State` is their application's.
pub trait Context: Send + Sync {
    /// The application state type.
    type State: Send + Sync;
    /// The route's path parameters, as a tuple in template order (`()` when there are none).
    type Params: Send + Sync;
    /// The context values the route's middleware chain provides, as a type-level list
    /// ([`HCons`](crate::middleware::HCons)`<A, HCons<B, HNil>>`).
    type Provided;

    /// The application state.
    fn state(&self) -> &Self::State;

    /// The route's path parameters, already parsed to their declared types.
    fn params(&self) -> &Self::Params;

    /// The largest request body, in bytes, that body extractors accept on this route.
    fn body_limit(&self) -> usize;
}

/// The [`Context`] the generated router hands to a route's handler.
pub struct RequestContext<'a, S, P, L = HNil> {
    state: &'a S,
    params: P,
    body_limit: usize,
    provided: PhantomData<fn() -> L>,
}

impl<S, P: fmt::Debug, L> fmt::Debug for RequestContext<'_, S, P, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestContext")
            .field("params", &self.params)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl<'a, S, P, L> RequestContext<'a, S, P, L> {
    /// A context for one request. Called by the code `app!` generates.
    pub fn new(state: &'a S, params: P, body_limit: usize) -> Self {
        Self {
            state,
            params,
            body_limit,
            provided: PhantomData,
        }
    }
}

impl<S: Send + Sync, P: Send + Sync, L> Context for RequestContext<'_, S, P, L> {
    type State = S;
    type Params = P;
    type Provided = L;

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
