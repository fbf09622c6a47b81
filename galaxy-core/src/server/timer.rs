//! The timer behind hyper's HTTP/1.1 header read timeout, without an allocation per request.
//!
//! hyper asks its timer for a new boxed sleep before reading every request head and drops it
//! as soon as the head is parsed, whether or not it was ever polled (it is only polled when the
//! head is not already in the read buffer: never, for all but the last of a batch of pipelined
//! requests). A sleep that holds its own deadline costs a `malloc` and a `free` per request,
//! which was 3% of a plaintext request's instructions.
//!
//! So the sleep hyper holds, [`HeadSleep`], is zero-sized (boxing it allocates nothing), and
//! what it needs lives once per connection in a [`HeadDeadline`], which the connection's driver
//! moves into a thread-local for as long as it polls the connection ([`WithHeadDeadline`]):
//! hyper creates, polls and resets head sleeps only from inside that poll. The deadline runs
//! from the sleep's first poll, which hyper makes in the same call that created it when the
//! head is incomplete. Outside a driver (a builder used without one) the timer hands out
//! ordinary tokio sleeps.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::rt::{Sleep, Timer};

use super::waker::RegisteredWaker;

thread_local! {
    /// The head deadline of the connection being polled on this thread, moved here from its
    /// [`WithHeadDeadline`] for the length of the poll.
    static CURRENT: RefCell<Option<HeadDeadline>> = const { RefCell::new(None) };
}

/// One connection's header read timeout: its duration and, once a head has had to wait, the
/// tokio sleep that enforces it.
#[derive(Debug)]
struct HeadDeadline {
    timeout: Duration,
    /// What [`HeadTimer::now`] answers while this connection is polled: hyper reads the clock
    /// only to compute a head's deadline and hand it back to `sleep_until` or `reset`, which
    /// ignore it here (the deadline runs from the sleep's first poll), so a clock read per
    /// request would be wasted.
    opened: Instant,
    /// The deadline of the head being read, set at its sleep's first poll; `None` when hyper
    /// starts a new head.
    head_deadline: Option<tokio::time::Instant>,
    /// Runs to the deadline of the head it was last moved to, which may be an earlier head's.
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    /// The waker `sleep` was last polled with, until it is moved. While it is the polling
    /// task's, the sleep will wake that task when it goes off, so whether it has gone off is a
    /// read of its state. Polling it again would register the same waker with the timer once
    /// more: at one request per write, where every head waits, 96 instructions a request
    /// (`bench/instructions.sh BIN /json 1`: 10,171 -> 10,075).
    sleep_waker: RegisteredWaker,
}

impl HeadDeadline {
    /// A new head is being read: its deadline starts at its sleep's first poll.
    fn restart(&mut self) {
        self.head_deadline = None;
    }

    /// Whether the head being read is past its deadline.
    ///
    /// The sleep is not moved to every head's deadline: moving a tokio sleep takes it out of
    /// the timer wheel and puts it back, 120 instructions per request when every head has to
    /// wait (a client sending one request at a time). It is left to run to the deadline it
    /// has; when it goes off for a head that has since been read, it is moved on to the
    /// current head's. Heads arrive in order, so a head's deadline is never earlier than the
    /// one the sleep runs to, and each head is closed at its own deadline.
    fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let timeout = self.timeout;
        let deadline = *self
            .head_deadline
            .get_or_insert_with(|| tokio::time::Instant::now() + timeout);
        let sleep = self
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        loop {
            let elapsed = if self.sleep_waker.needs_registering(cx) {
                sleep.as_mut().poll(cx).is_ready()
            } else {
                sleep.is_elapsed()
            };
            if !elapsed {
                return Poll::Pending;
            }
            if sleep.deadline() >= deadline {
                return Poll::Ready(());
            }
            sleep.as_mut().reset(deadline);
            self.sleep_waker.forget();
        }
    }
}

pin_project_lite::pin_project! {
    /// A connection polled with its own head deadline current: how a driver polls hyper's
    /// connection future.
    pub(crate) struct WithHeadDeadline<F> {
        #[pin]
        conn: F,
        // `None` only while `conn` is being polled (the deadline is in `CURRENT` then).
        deadline: Option<HeadDeadline>,
    }
}

impl<F> WithHeadDeadline<F> {
    /// `conn`, whose request heads must arrive within `timeout` each.
    pub(crate) fn new(conn: F, timeout: Duration) -> Self {
        Self {
            conn,
            deadline: Some(HeadDeadline {
                timeout,
                opened: Instant::now(),
                head_deadline: None,
                sleep: None,
                sleep_waker: RegisteredWaker::default(),
            }),
        }
    }
}

impl<F: Future> Future for WithHeadDeadline<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        /// Moves the deadline back out of `CURRENT` when the poll ends, even by a panic.
        struct Restore<'a> {
            home: &'a mut Option<HeadDeadline>,
            previous: Option<HeadDeadline>,
        }
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                *self.home = CURRENT.replace(self.previous.take());
            }
        }
        let this = self.project();
        let previous = CURRENT.replace(this.deadline.take());
        let _restore = Restore {
            home: this.deadline,
            previous,
        };
        this.conn.poll(cx)
    }
}

/// Runs `f` on the current connection's head deadline, if a driver is polling one.
fn with_current<R>(f: impl FnOnce(&mut HeadDeadline) -> R) -> Option<R> {
    CURRENT.with_borrow_mut(|current| current.as_mut().map(f))
}

/// A [`hyper::rt::Timer`] on tokio's clock (so tests with a paused clock see it) whose head
/// sleeps live in the connection's [`HeadDeadline`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HeadTimer;

impl Timer for HeadTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Sleep>> {
        self.sleep_until(self.now() + duration)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Sleep>> {
        match with_current(HeadDeadline::restart) {
            Some(()) => Box::pin(HeadSleep),
            None => Box::pin(TokioSleep {
                sleep: tokio::time::sleep_until(deadline.into()),
            }),
        }
    }

    fn now(&self) -> Instant {
        with_current(|deadline| deadline.opened)
            .unwrap_or_else(|| tokio::time::Instant::now().into())
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn Sleep>>, new_deadline: Instant) {
        if sleep.as_mut().downcast_mut_pin::<HeadSleep>().is_some() {
            if with_current(HeadDeadline::restart).is_some() {
                return;
            }
        } else if let Some(tokio) = sleep.as_mut().downcast_mut_pin::<TokioSleep>() {
            tokio.project().sleep.reset(new_deadline.into());
            return;
        }
        *sleep = self.sleep_until(new_deadline);
    }
}

/// The sleep hyper holds while it reads a head: its state is the current [`HeadDeadline`].
struct HeadSleep;

impl Future for HeadSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        with_current(|deadline| deadline.poll_elapsed(cx)).unwrap_or_else(|| {
            // Only a connection driver polls hyper's connection, and it makes its deadline
            // current first; should that ever not hold, end the wait (hyper then closes the
            // connection as timed out) rather than let a head be read without a deadline.
            debug_assert!(false, "a head sleep polled outside its connection's driver");
            Poll::Ready(())
        })
    }
}

impl Sleep for HeadSleep {}

pin_project_lite::pin_project! {
    /// A plain tokio sleep, for a timer used outside a connection driver.
    struct TokioSleep {
        #[pin]
        sleep: tokio::time::Sleep,
    }
}

impl Future for TokioSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().sleep.poll(cx)
    }
}

impl Sleep for TokioSleep {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Polls `sleep` once: `true` when it has not elapsed.
    async fn pending(sleep: &mut Pin<Box<dyn Sleep>>) -> bool {
        std::future::poll_fn(|cx| Poll::Ready(sleep.as_mut().poll(cx).is_pending())).await
    }

    #[test]
    fn a_head_sleep_is_zero_sized() {
        assert_eq!(size_of::<HeadSleep>(), 0, "boxing it must not allocate");
    }

    #[tokio::test(start_paused = true)]
    async fn a_head_sleep_runs_from_its_first_poll_and_restarts_with_the_next_head() {
        let timer = HeadTimer;
        let conn = async {
            let mut sleep = timer.sleep(Duration::from_secs(2));
            assert!(pending(&mut sleep).await);
            tokio::time::advance(Duration::from_millis(1_500)).await;
            assert!(pending(&mut sleep).await);
            tokio::time::advance(Duration::from_millis(600)).await;
            assert!(!pending(&mut sleep).await, "2 s after its first poll");

            // The next head gets a fresh 2 s from its own first poll, on the same tokio sleep.
            drop(sleep);
            let mut sleep = timer.sleep(Duration::from_secs(2));
            tokio::time::advance(Duration::from_secs(5)).await;
            assert!(pending(&mut sleep).await, "not polled before: starts now");
            tokio::time::advance(Duration::from_millis(1_900)).await;
            assert!(pending(&mut sleep).await);
            tokio::time::advance(Duration::from_millis(200)).await;
            assert!(!pending(&mut sleep).await);
        };
        WithHeadDeadline::new(conn, Duration::from_secs(2)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_head_read_before_its_deadline_leaves_the_next_head_its_whole_timeout() {
        let timer = HeadTimer;
        let conn = async {
            // The first head starts waiting at 0 s and is read at 1 s; the second starts then.
            let mut sleep = timer.sleep(Duration::from_secs(2));
            assert!(pending(&mut sleep).await);
            tokio::time::advance(Duration::from_secs(1)).await;
            drop(sleep);
            let mut sleep = timer.sleep(Duration::from_secs(2));
            assert!(pending(&mut sleep).await);
            // Past the first head's deadline (2 s), short of the second's (3 s).
            tokio::time::advance(Duration::from_millis(1_500)).await;
            assert!(
                pending(&mut sleep).await,
                "the first head's deadline is not this one's"
            );
            tokio::time::advance(Duration::from_millis(400)).await;
            assert!(pending(&mut sleep).await);
            tokio::time::advance(Duration::from_millis(200)).await;
            assert!(
                !pending(&mut sleep).await,
                "2 s after the second head began"
            );
        };
        WithHeadDeadline::new(conn, Duration::from_secs(2)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn outside_a_driver_the_timer_hands_out_plain_sleeps() {
        let timer = HeadTimer;
        let start = tokio::time::Instant::now();
        let mut sleep = timer.sleep(Duration::from_secs(2));
        sleep.as_mut().await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));

        let mut sleep = timer.sleep(Duration::from_secs(10));
        timer.reset(&mut sleep, timer.now() + Duration::from_secs(1));
        sleep.as_mut().await;
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }
}
