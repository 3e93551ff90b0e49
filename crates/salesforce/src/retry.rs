//! When and how often a failed REST call is tried again.
//!
//! Only what is safe is retried:
//! - reads (GET: query, search, get, describe, limits) after a transport failure, a
//!   timeout, HTTP 5xx or `UNABLE_TO_LOCK_ROW`;
//! - writes (POST, PATCH, DELETE, composite) only when the request provably never reached
//!   Salesforce: the connection could not be opened, so not one byte was sent. A write
//!   that timed out or lost its connection may have been carried out, and sending it again
//!   could create a second record.
//!
//! Attempts are bounded ([`RetryPolicy::max_attempts`]) and so is the time spent: no new
//! attempt starts once [`RetryPolicy::with_max_elapsed`] would be exceeded by the wait before
//! it. Waits grow exponentially with jitter; the schedule comes from the `backon` crate's
//! [`ExponentialBuilder`]. The loop around it is our own because the decision to retry
//! depends on the HTTP method and on whether the request left the machine, and because
//! the total-time budget counts the time spent in the requests themselves, which
//! `backon`'s `total_delay` (waits only) does not.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};

use crate::error::{Error, ErrorKind, Result};

/// The clock and the sleep a [`RetryPolicy`] uses, replaceable so tests need not wait.
pub trait RetryTimer: Send + Sync {
    /// The current instant.
    fn now(&self) -> Instant;
    /// Waits for `delay`.
    fn sleep(&self, delay: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// The real clock and `tokio::time::sleep`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioTimer;

impl RetryTimer for TokioTimer {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep(&self, delay: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(delay))
    }
}

/// How a [`crate::SalesforceClient`] retries the calls that are safe to retry.
///
/// ```
/// use std::time::Duration;
/// use callside_salesforce::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .with_max_attempts(4)
///     .with_delays(Duration::from_millis(200), Duration::from_secs(2))
///     .with_max_elapsed(Duration::from_secs(10));
/// assert_eq!(policy.delays().count(), 3);
/// ```
#[derive(Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    min_delay: Duration,
    max_delay: Duration,
    max_elapsed: Duration,
    jitter: bool,
    jitter_seed: Option<u64>,
    timer: Arc<dyn RetryTimer>,
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("max_elapsed", &self.max_elapsed)
            .field("jitter", &self.jitter)
            .finish_non_exhaustive()
    }
}

impl Default for RetryPolicy {
    /// Three attempts, waits from 500 ms up to 4 s with jitter, at most 20 s in all.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(4),
            max_elapsed: Duration::from_secs(20),
            jitter: true,
            jitter_seed: None,
            timer: Arc::new(TokioTimer),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy::default().with_max_attempts(1)
    }

    /// Attempts in total, the first included (at least 1; 1 turns retries off).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry and the longest wait between two attempts, both
    /// before jitter; waits double from `min` up to `max`.
    pub fn with_delays(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.max_delay = max.max(min);
        self
    }

    /// No attempt starts later than this after the first one began.
    pub fn with_max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// With jitter (the default) each wait gets a random 0–100 % added, so clients that
    /// failed together do not retry together.
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Attempts in total, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The time after which no new attempt starts.
    pub fn max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// Replaces the clock and sleep (tests use a virtual clock that never waits).
    pub fn with_timer(mut self, timer: Arc<dyn RetryTimer>) -> Self {
        self.timer = timer;
        self
    }

    /// Makes the jitter reproducible.
    pub fn with_jitter_seed(mut self, seed: u64) -> Self {
        self.jitter_seed = Some(seed);
        self
    }

    /// The waits between attempts, in order: at most `max_attempts - 1` of them.
    pub fn delays(&self) -> impl Iterator<Item = Duration> {
        let mut builder = ExponentialBuilder::new()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_factor(2.0)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize);
        if self.jitter {
            builder = builder.with_jitter();
            if let Some(seed) = self.jitter_seed {
                builder = builder.with_jitter_seed(seed);
            }
        }
        builder.build()
    }

    /// Runs `attempt` until it succeeds, fails in a way that is not safe or not worth
    /// retrying, or the attempts or the time are used up. `idempotent` says whether the
    /// request may be repeated after it reached Salesforce (reads).
    pub(crate) async fn run<T, F, Fut>(&self, idempotent: bool, mut attempt: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = std::result::Result<T, Failure>>,
    {
        let started = self.timer.now();
        let mut delays = self.delays();
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let failure = match attempt().await {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            if !failure.may_retry(idempotent) {
                return Err(failure.error);
            }
            let Some(delay) = delays.next() else {
                return Err(failure.error);
            };
            let elapsed = self.timer.now().saturating_duration_since(started);
            if elapsed + delay > self.max_elapsed {
                return Err(failure.error);
            }
            tracing::info!(
                attempt = attempts,
                delay_ms = delay.as_millis() as u64,
                error = %failure.error,
                "salesforce call failed; trying again"
            );
            self.timer.sleep(delay).await;
        }
    }
}

/// One failed attempt, and whether the request is known never to have left the machine.
#[derive(Debug)]
pub(crate) struct Failure {
    pub error: Error,
    /// The connection could not be opened, so Salesforce never saw the request.
    pub never_sent: bool,
}

impl Failure {
    pub(crate) fn sent(error: Error) -> Failure {
        Failure {
            error,
            never_sent: false,
        }
    }

    /// Whether trying again is both safe and possibly useful.
    pub(crate) fn may_retry(&self, idempotent: bool) -> bool {
        if self.never_sent {
            return true;
        }
        idempotent
            && matches!(
                self.error.kind(),
                ErrorKind::Transport | ErrorKind::Unavailable | ErrorKind::LockContention
            )
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::sent(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A clock that moves only when slept on, and remembers every sleep.
    #[derive(Default)]
    struct VirtualTimer {
        start: Option<Instant>,
        state: Mutex<(Duration, Vec<Duration>)>,
    }

    impl VirtualTimer {
        fn new() -> Arc<VirtualTimer> {
            Arc::new(VirtualTimer {
                start: Some(Instant::now()),
                state: Mutex::default(),
            })
        }
        fn advance(&self, by: Duration) {
            self.state.lock().unwrap().0 += by;
        }
        fn sleeps(&self) -> Vec<Duration> {
            self.state.lock().unwrap().1.clone()
        }
    }

    impl RetryTimer for VirtualTimer {
        fn now(&self) -> Instant {
            self.start.unwrap() + self.state.lock().unwrap().0
        }
        fn sleep(&self, delay: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
            let mut state = self.state.lock().unwrap();
            state.0 += delay;
            state.1.push(delay);
            Box::pin(std::future::ready(()))
        }
    }

    fn policy(timer: &Arc<VirtualTimer>) -> RetryPolicy {
        RetryPolicy::default()
            .with_timer(timer.clone())
            .with_jitter_seed(7)
    }

    fn unavailable() -> Error {
        Error::from_response(503, "")
    }

    fn locked() -> Error {
        Error::from_response(
            400,
            r#"[{"errorCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record"}]"#,
        )
    }

    /// Runs a scripted sequence of attempt outcomes; returns the result and the attempts made.
    async fn script(
        policy: &RetryPolicy,
        idempotent: bool,
        outcomes: Vec<std::result::Result<u32, Failure>>,
    ) -> (Result<u32>, usize) {
        let outcomes = Mutex::new(outcomes.into_iter());
        let calls = Mutex::new(0usize);
        let result = policy
            .run(idempotent, || {
                *calls.lock().unwrap() += 1;
                let next = outcomes
                    .lock()
                    .unwrap()
                    .next()
                    .expect("an outcome per attempt");
                async move { next }
            })
            .await;
        let count = *calls.lock().unwrap();
        (result, count)
    }

    #[test]
    fn the_schedule_grows_exponentially_with_bounded_jitter() {
        let timer = VirtualTimer::new();
        let policy = policy(&timer).with_max_attempts(6);
        let delays: Vec<Duration> = policy.delays().collect();
        assert_eq!(delays.len(), 5, "one wait between each two of six attempts");
        let bases = [500, 1000, 2000, 4000, 4000].map(Duration::from_millis);
        for (delay, base) in delays.iter().zip(bases) {
            assert!(
                *delay >= base && *delay < base * 2,
                "{delay:?} should be within [{base:?}, 2×{base:?})"
            );
        }
        let without_jitter = policy.clone().with_jitter(false).with_max_attempts(4);
        assert_eq!(
            without_jitter.delays().collect::<Vec<_>>(),
            [500, 1000, 2000].map(Duration::from_millis)
        );
        assert_eq!(RetryPolicy::none().delays().count(), 0);
    }

    #[tokio::test]
    async fn reads_are_retried_after_5xx_lock_contention_and_transport_failures() {
        for error in [
            unavailable(),
            locked(),
            Error::Timeout,
            Error::Unreachable("connection reset".into()),
        ] {
            let timer = VirtualTimer::new();
            let description = error.to_string();
            let (result, attempts) =
                script(&policy(&timer), true, vec![Err(error.into()), Ok(42)]).await;
            assert_eq!(result.unwrap(), 42, "{description}");
            assert_eq!(attempts, 2, "{description}");
            assert_eq!(timer.sleeps().len(), 1, "one wait before the retry");
        }
    }

    #[tokio::test]
    async fn writes_are_retried_only_when_the_request_never_left() {
        let timer = VirtualTimer::new();
        let (result, attempts) = script(
            &policy(&timer),
            false,
            vec![Err(unavailable().into()), Ok(1)],
        )
        .await;
        assert!(result.is_err(), "a 503 answer to a POST is not retried");
        assert_eq!(attempts, 1);

        let (result, attempts) = script(
            &policy(&timer),
            false,
            vec![Err(Error::Timeout.into()), Ok(1)],
        )
        .await;
        assert!(
            matches!(result, Err(Error::Timeout)),
            "a timed-out POST may have been carried out"
        );
        assert_eq!(attempts, 1);

        let refused = Failure {
            error: Error::Unreachable("connection refused".into()),
            never_sent: true,
        };
        let (result, attempts) = script(&policy(&timer), false, vec![Err(refused), Ok(7)]).await;
        assert_eq!(result.unwrap(), 7, "a refused connection sent nothing");
        assert_eq!(attempts, 2);
    }

    #[tokio::test]
    async fn errors_about_the_request_itself_are_never_retried() {
        let timer = VirtualTimer::new();
        for error in [
            Error::from_response(
                400,
                r#"[{"errorCode":"MALFORMED_QUERY","message":"unexpected token"}]"#,
            ),
            Error::from_response(
                403,
                r#"[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}]"#,
            ),
            Error::from_response(412, ""),
            Error::from_response(404, ""),
        ] {
            let (result, attempts) = script(&policy(&timer), true, vec![Err(error.into())]).await;
            assert!(result.is_err());
            assert_eq!(attempts, 1);
        }
        assert!(timer.sleeps().is_empty());
    }

    #[tokio::test]
    async fn attempts_are_bounded() {
        let timer = VirtualTimer::new();
        let outcomes = (0..5).map(|_| Err(unavailable().into())).collect();
        let (result, attempts) = script(&policy(&timer), true, outcomes).await;
        assert_eq!(result.unwrap_err().kind(), ErrorKind::Unavailable);
        assert_eq!(attempts, 3, "max_attempts is 3");
        assert_eq!(timer.sleeps().len(), 2);
    }

    #[tokio::test]
    async fn no_attempt_starts_after_the_time_budget() {
        let timer = VirtualTimer::new();
        let policy = policy(&timer)
            .with_max_attempts(10)
            .with_max_elapsed(Duration::from_secs(5));
        let slow_timer = timer.clone();
        let calls = Mutex::new(0);
        let result: Result<()> = policy
            .run(true, || {
                *calls.lock().unwrap() += 1;
                // Each attempt takes 2 s of (virtual) time before it fails.
                slow_timer.advance(Duration::from_secs(2));
                async { Err(Error::Timeout.into()) }
            })
            .await;
        assert!(matches!(result, Err(Error::Timeout)));
        let calls = *calls.lock().unwrap();
        let total: Duration =
            timer.sleeps().iter().sum::<Duration>() + Duration::from_secs(2) * (calls - 1);
        assert!(
            total <= Duration::from_secs(5),
            "the last attempt started within the budget ({total:?})"
        );
        assert!(
            calls < 10,
            "the budget, not the attempt count, stopped it ({calls})"
        );
    }
}
