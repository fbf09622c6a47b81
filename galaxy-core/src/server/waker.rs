//! A future that registers its task's waker with something that will wake it (a timer, a
//! `Notify`) needs to register again only when a different task polls it. On tokio that is
//! never, so checking costs a comparison where registering again costs a lock or the timer's
//! bookkeeping on every poll.

use std::task::{Context, Waker};

/// The waker last registered, if any.
#[derive(Debug, Default)]
pub(super) struct RegisteredWaker(Option<Waker>);

impl RegisteredWaker {
    /// Whether `cx`'s waker is not the one registered. When it is not, it is noted as the
    /// registered one, and the caller registers it (by polling what will wake it).
    pub(super) fn needs_registering(&mut self, cx: &Context<'_>) -> bool {
        match &self.0 {
            Some(waker) if waker.will_wake(cx.waker()) => false,
            _ => {
                self.0 = Some(cx.waker().clone());
                true
            }
        }
    }

    /// Forgets the registration: what the waker was registered with no longer holds it.
    pub(super) fn forget(&mut self) {
        self.0 = None;
    }
}
