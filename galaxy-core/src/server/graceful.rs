//! Graceful shutdown of one accept loop's connections: each is told to finish the requests it
//! has begun and close.
//!
//! hyper-util's `GracefulShutdown` does this with a `watch` channel whose `changed()` future it
//! polls on every poll of every connection: a `Notify` registration under a lock. Here a
//! connection reads a flag on each poll and registers its task's waker with the `Notify` only
//! when the waker changes, which on tokio is once per connection: 142 instructions less per
//! request when a client sends one request at a time (`bench/instructions.sh BIN /json 1`:
//! 10,313 -> 10,171), 21 on pipelined plaintext.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use hyper_util::server::graceful::GracefulConnection;
use tokio::sync::Notify;
use tokio::sync::futures::OwnedNotified;

use super::waker::RegisteredWaker;

/// The stop signal shared by the connections of one accept loop.
#[derive(Debug, Default)]
pub(crate) struct Shutdown {
    shared: Arc<Signal>,
}

#[derive(Debug, Default)]
struct Signal {
    stopping: AtomicBool,
    /// Wakes the connections that are waiting for their client when `stopping` is set.
    notify: Arc<Notify>,
}

impl Shutdown {
    /// `conn`, which shuts down gracefully once [`Shutdown::signal`] is called.
    pub(crate) fn watch<C: GracefulConnection>(&self, conn: C) -> Watched<C> {
        Watched {
            conn,
            // Created before `signal` can run for it: a `Notified` hears every later
            // `notify_waiters`, polled or not.
            notified: self.shared.notify.clone().notified_owned(),
            signal: self.shared.clone(),
            registered: RegisteredWaker::default(),
            stopping: false,
        }
    }

    /// Tells every watched connection to stop reading requests, finish the ones in flight and
    /// close; an idle one closes at once.
    pub(crate) fn signal(&self) {
        self.shared.stopping.store(true, Ordering::Release);
        self.shared.notify.notify_waiters();
    }
}

pin_project_lite::pin_project! {
    /// A connection watched by a [`Shutdown`].
    pub(crate) struct Watched<C> {
        #[pin]
        conn: C,
        #[pin]
        notified: OwnedNotified,
        signal: Arc<Signal>,
        // The waker `notified` was last polled with: it wakes this task when the signal comes.
        registered: RegisteredWaker,
        // Set once the connection has been told to shut down.
        stopping: bool,
    }
}

impl<C: GracefulConnection> Future for Watched<C> {
    type Output = C::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<C::Output> {
        let mut this = self.project();
        if !*this.stopping {
            let signalled = this.signal.stopping.load(Ordering::Acquire)
                || (this.registered.needs_registering(cx) && this.notified.poll(cx).is_ready());
            if signalled {
                *this.stopping = true;
                this.conn.as_mut().graceful_shutdown();
            }
        }
        this.conn.poll(cx)
    }
}
