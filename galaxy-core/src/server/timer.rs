//! The timer behind hyper's HTTP/1.1 header read timeout, made cheap for the common case.
//!
//! hyper asks its timer for a new sleep before reading every request head and drops it as soon
//! as the head is parsed. With `hyper_util`'s `TokioTimer` each of those sleeps looks up the
//! runtime's handle, clones it and sets up a timer entry, per request, even though the sleep is
//! only ever polled when the head is not already in the read buffer (never, for all but the
//! last of a batch of pipelined requests). [`LazyTimer`] hands out a sleep that only remembers
//! its deadline, and builds the tokio sleep the first time it is polled.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::rt::{Sleep, Timer};

/// A [`hyper::rt::Timer`] on tokio's clock (so tests with a paused clock see it) whose sleeps
/// register with the runtime only once they are polled.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LazyTimer;

impl Timer for LazyTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Sleep>> {
        self.sleep_until(self.now() + duration)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Sleep>> {
        Box::pin(LazySleep {
            deadline: deadline.into(),
            armed: None,
        })
    }

    fn now(&self) -> Instant {
        tokio::time::Instant::now().into()
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<LazySleep>() {
            Some(lazy) => lazy.reset(new_deadline.into()),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

pin_project_lite::pin_project! {
    /// A deadline, and the tokio sleep for it once someone waits on it.
    struct LazySleep {
        deadline: tokio::time::Instant,
        #[pin]
        armed: Option<tokio::time::Sleep>,
    }
}

impl LazySleep {
    fn reset(self: Pin<&mut Self>, deadline: tokio::time::Instant) {
        let this = self.project();
        *this.deadline = deadline;
        if let Some(armed) = this.armed.as_pin_mut() {
            armed.reset(deadline);
        }
    }
}

impl Future for LazySleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        if this.armed.is_none() {
            this.armed
                .set(Some(tokio::time::sleep_until(*this.deadline)));
        }
        match this.armed.as_pin_mut() {
            Some(armed) => armed.poll(cx),
            None => unreachable!("armed just above"),
        }
    }
}

impl Sleep for LazySleep {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_lazy_sleep_ends_at_its_deadline_and_after_a_reset_at_the_new_one() {
        let timer = LazyTimer;
        let start = tokio::time::Instant::now();
        let mut sleep = timer.sleep(Duration::from_secs(2));
        sleep.as_mut().await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));

        let mut sleep = timer.sleep(Duration::from_secs(5));
        // Poll once so the tokio sleep is armed, then move the deadline closer.
        let pending = std::future::poll_fn(|cx| Poll::Ready(sleep.as_mut().poll(cx).is_pending()));
        assert!(pending.await);
        timer.reset(&mut sleep, timer.now() + Duration::from_secs(1));
        sleep.as_mut().await;
        assert_eq!(start.elapsed(), Duration::from_secs(3));

        // A reset before the first poll moves the deadline as well.
        let mut sleep = timer.sleep(Duration::from_secs(10));
        timer.reset(&mut sleep, timer.now() + Duration::from_secs(1));
        sleep.as_mut().await;
        assert_eq!(start.elapsed(), Duration::from_secs(4));
    }
}
