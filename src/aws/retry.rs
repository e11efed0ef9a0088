//! How every call is sent: the client-side rate limit and the pacers, jittered retries of
//! throttling and transient errors, and the run's interruption, which ends every wait.

use super::{pacer, Aws, ErrorKind};
use crate::call;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

/// How long one call keeps retrying throttling errors.
pub const THROTTLE_BUDGET: Duration = Duration::from_secs(300);
/// Upper bound of the jittered wait between retries.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(2);
/// How long a read already on the wire may still answer after the run is interrupted. Long
/// enough for a healthy call (so an account in flight finishes, as the first signal promises);
/// short enough that a hung read does not hold the exit for the whole `--call-timeout`.
pub const READ_GRACE: Duration = Duration::from_secs(2);

/// Full-jitter exponential backoff before retry number `attempt` (1-based): up to 50 ms doubled
/// per attempt, at most [`MAX_RETRY_WAIT`].
fn backoff(attempt: u32) -> Duration {
    let cap = Duration::from_millis(50)
        .saturating_mul(1 << attempt.min(16))
        .min(MAX_RETRY_WAIT);
    cap.mul_f64(rand::random::<f64>())
}

/// Whether a call only reads or changes something: decides what an interruption may cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Effect {
    /// Dropping it is harmless: an attempt on the wire is abandoned [`READ_GRACE`] after the
    /// interruption.
    Read,
    /// Its result must be known: an attempt on the wire always completes.
    Change,
}

/// The run was interrupted while a call was waiting (or, for a read, still on the wire).
#[derive(Debug)]
struct Stopped;

impl Aws {
    /// Sends one read-only call: waits for the client-side rate limit, then retries throttling
    /// with jittered backoff for up to [`THROTTLE_BUDGET`] (a throttled API slows the run down
    /// instead of failing accounts) and server errors, timeouts and dropped connections up to
    /// the run's attempt limit. Any other error returns at once.
    ///
    /// Once the run is interrupted nothing waits: a rate-limit slot, a backoff or a retry ends
    /// the call with `Interrupted`. An attempt that needs no wait is still made, so an account
    /// in flight can finish; an attempt on the wire is abandoned after [`READ_GRACE`].
    pub(crate) async fn send<T, E, F, Fut>(
        &self,
        operation: &'static str,
        call: F,
    ) -> Result<T, call::Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.send_with(operation, Effect::Read, None, call).await
    }

    /// Sends one read of the OU-tree walk: as [`Aws::send`], paced by the walk's shared pacer,
    /// so Organizations' throttling (low, unpublished limits) slows the walk down instead of
    /// exhausting its retries.
    pub(crate) async fn send_walk<T, E, F, Fut>(
        &self,
        operation: &'static str,
        call: F,
    ) -> Result<T, call::Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.send_with(operation, Effect::Read, Some(&self.walk_pacer), call)
            .await
    }

    /// Sends one call that changes something (a Delete, Deactivate, Create, Detach, Remove,
    /// Set…). Retries as [`Aws::send`] does, and likewise neither waits nor retries once the
    /// run is interrupted; but an attempt on the wire always completes, so whether the change
    /// happened is known.
    pub(crate) async fn send_change<T, E, F, Fut>(
        &self,
        operation: &'static str,
        call: F,
    ) -> Result<T, call::Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.send_with(operation, Effect::Change, None, call).await
    }

    /// The one retry loop of every call. With a pacer (AssumeRoot), every attempt also waits
    /// for its slot and reports its outcome, so throttling sets the pace the service accepts.
    pub(super) async fn send_with<T, E, F, Fut>(
        &self,
        operation: &'static str,
        effect: Effect,
        pacer: Option<&pacer::Pacer>,
        mut call: F,
    ) -> Result<T, call::Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let start = Instant::now();
        let mut last: Option<call::Error> = None;
        let mut transient = 1;
        let mut throttled = 0;
        // A change whose attempt went unanswered may have been made: every later answer says so.
        let mut lost = false;
        let interrupted = |last: &Option<call::Error>, lost: bool| call::Error {
            answer_lost: lost,
            ..call::Error::interrupted(operation, last.as_ref())
        };
        loop {
            self.wait_turn(pacer)
                .await
                .map_err(|Stopped| interrupted(&last, lost))?;
            let result = self
                .attempt(effect, call())
                .await
                .map_err(|Stopped| interrupted(&last, lost))?;
            let now = Instant::now();
            let err = match result {
                Ok(out) => {
                    if let Some(pacer) = pacer {
                        pacer.record(false, now);
                    }
                    return Ok(out);
                }
                Err(e) => {
                    let err = call::Error::from_sdk(operation, e);
                    // An unanswered change (timeout, dropped connection, server error) may
                    // have been made.
                    lost |= effect == Effect::Change && err.kind == ErrorKind::Transient;
                    call::Error {
                        answer_lost: lost,
                        ..err
                    }
                }
            };
            let retry = match err.kind {
                ErrorKind::Throttled if start.elapsed() < THROTTLE_BUDGET => {
                    if let Some(pacer) = pacer {
                        pacer.record(true, now);
                    }
                    throttled += 1;
                    throttled
                }
                ErrorKind::Transient if transient < self.max_attempts => {
                    transient += 1;
                    transient
                }
                _ => return Err(self.explained(err).await),
            };
            if self.cancel.is_cancelled() {
                return Err(interrupted(&Some(err), lost));
            }
            tracing::debug!(error = %err, retry, "retrying");
            last = Some(err);
            self.stats.own_retry();
            self.wait_until(now + backoff(retry))
                .await
                .map_err(|Stopped| interrupted(&last, lost))?;
        }
    }

    /// Waits for an attempt's turn: the limiter's slot, if there is a limiter, then the pacer's.
    async fn wait_turn(&self, pacer: Option<&pacer::Pacer>) -> Result<(), Stopped> {
        if let Some(limiter) = &self.limiter {
            self.wait_until(limiter.reserve()).await?;
        }
        if let Some(slot) = pacer.and_then(pacer::Pacer::reserve) {
            self.wait_until(slot).await?;
        }
        Ok(())
    }

    /// One attempt. A change always runs to its answer; a read is abandoned [`READ_GRACE`]
    /// after the run is interrupted.
    async fn attempt<O>(
        &self,
        effect: Effect,
        attempt: impl Future<Output = O>,
    ) -> Result<O, Stopped> {
        match effect {
            Effect::Change => Ok(attempt.await),
            Effect::Read => {
                tokio::select! {
                    out = attempt => Ok(out),
                    () = async {
                        self.cancel.cancelled().await;
                        tokio::time::sleep(READ_GRACE).await;
                    } => Err(Stopped),
                }
            }
        }
    }

    /// Sleeps until `deadline`, unless the run is (or gets) interrupted first. A deadline that
    /// has passed costs no wait and is never refused.
    async fn wait_until(&self, deadline: Instant) -> Result<(), Stopped> {
        if deadline <= Instant::now() {
            return Ok(());
        }
        tokio::select! {
            biased;
            () = self.cancel.cancelled() => Err(Stopped),
            () = tokio::time::sleep_until(deadline) => Ok(()),
        }
    }
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
