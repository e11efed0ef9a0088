//! IAM's "busy" answers (EntityTemporarilyUnmodifiable, ConcurrentModification), which the SDK
//! does not retry: a bounded exponential backoff around one call, ended at once by a signal.

use crate::call::{Error, ErrorKind};
use crate::cancel::Cancel;
use std::future::Future;
use std::time::Duration;

/// Attempts for a step that IAM answers with EntityTemporarilyUnmodifiable/ConcurrentModification.
const BUSY_ATTEMPTS: u32 = 5;
/// First backoff for those; doubles each time.
const BUSY_BACKOFF: Duration = Duration::from_millis(250);

/// Retries IAM's EntityTemporarilyUnmodifiable / ConcurrentModification with exponential
/// backoff (the SDK does not retry them); other errors return at once. A signal ends the wait.
pub async fn busy_retry<T, F, Fut>(cancel: &Cancel, mut call: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let mut delay = BUSY_BACKOFF;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(e) if e.kind == ErrorKind::Busy && attempt < BUSY_ATTEMPTS => {
                tracing::debug!(error = %e, attempt, "IAM busy, backing off");
                // The signal first: a backoff that ends at the signal's instant retries nothing.
                tokio::select! {
                    biased;
                    () = cancel.cancelled() => return Err(Error::interrupted(e.operation, Some(&e))),
                    () = tokio::time::sleep(delay) => {}
                }
                delay *= 2;
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn busy() -> Error {
        Error::new(
            "DeleteLoginProfile",
            "EntityTemporarilyUnmodifiable",
            "busy",
            ErrorKind::Busy,
        )
    }

    /// Seed 54359 of the `users deactivate` soak of 2026-12-04 (about one run in three): an
    /// account's backoff ended at the very instant another account's call brought the signal,
    /// and the select picked the backoff's end at random, so the key was changed after the
    /// signal.
    #[tokio::test(start_paused = true)]
    async fn a_backoff_ending_at_the_signal_s_instant_retries_nothing() {
        for _ in 0..64 {
            let cancel = Cancel::default();
            let calls = AtomicU32::new(0);
            let retry = busy_retry(&cancel, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(busy())
            });
            let mut retry = std::pin::pin!(retry);
            assert!(futures::poll!(retry.as_mut()).is_pending(), "backing off");
            // The backoff's end and the signal, both there when the wait is next polled.
            tokio::time::advance(BUSY_BACKOFF).await;
            cancel.cancel(false);
            let result = retry.await;
            assert_eq!(
                calls.load(Ordering::SeqCst),
                1,
                "no attempt after the signal"
            );
            assert_eq!(result.map_err(|e| e.kind), Err(ErrorKind::Interrupted));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn busy_errors_are_retried_until_success() {
        let calls = AtomicU32::new(0);
        let result = busy_retry(&Cancel::default(), || async {
            if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                Err(busy())
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(result, Ok(7));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn busy_retries_give_up_and_other_errors_are_not_retried() {
        let started = tokio::time::Instant::now();
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = busy_retry(&Cancel::default(), || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(busy())
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), BUSY_ATTEMPTS);
        // 250 ms doubling between the five attempts: 250 + 500 + 1000 + 2000.
        assert_eq!(started.elapsed(), Duration::from_millis(3750));
        let calls = AtomicU32::new(0);
        let _ = busy_retry(&Cancel::default(), || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(Error::new(
                "X",
                "AccessDenied",
                "no",
                ErrorKind::AccessDenied,
            ))
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_signal_ends_the_busy_backoff_at_once() {
        let cancel = Cancel::default();
        let calls = AtomicU32::new(0);
        let started = tokio::time::Instant::now();
        let result: Result<(), _> = busy_retry(&cancel, || {
            calls.fetch_add(1, Ordering::SeqCst);
            cancel.cancel(true);
            async { Err(busy()) }
        })
        .await;
        assert_eq!(result.map_err(|e| e.kind), Err(ErrorKind::Interrupted));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(started.elapsed() < BUSY_BACKOFF);
    }
}
