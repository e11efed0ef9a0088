//! Bounded, signal-aware re-reads for services that are eventually consistent (IAM): a change
//! that succeeded may not show in the next read for a few seconds, so a verification asks again
//! with growing waits before it calls the change unproven. Never waits past [`SETTLE_FOR`], and a
//! signal ends the wait at once.

use crate::call::Error;
use crate::cancel::Cancel;
use std::future::Future;
use std::time::Duration;

/// How long a verification keeps re-reading before it calls a change unproven.
pub const SETTLE_FOR: Duration = Duration::from_secs(8);
/// The first wait between reads; it doubles up to [`MAX_WAIT`].
const FIRST_WAIT: Duration = Duration::from_millis(250);
/// The longest wait between reads.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// What the re-reads found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// A read showed the expected state.
    Yes,
    /// Every read until [`SETTLE_FOR`] had passed showed otherwise; how long was waited.
    No(Duration),
}

/// Calls `check` until it answers `true`, at most for [`SETTLE_FOR`]; a failed read ends the
/// wait with its error, a signal with an interrupted error.
pub async fn settled<F, Fut>(cancel: &Cancel, mut check: F) -> Result<Settled, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool, Error>>,
{
    let start = tokio::time::Instant::now();
    let mut wait = FIRST_WAIT;
    loop {
        if check().await? {
            return Ok(Settled::Yes);
        }
        let waited = start.elapsed();
        if waited >= SETTLE_FOR {
            return Ok(Settled::No(waited));
        }
        tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(Error::interrupted("verify", None)),
            () = tokio::time::sleep(wait.min(SETTLE_FOR - waited)) => {}
        }
        wait = (wait * 2).min(MAX_WAIT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[tokio::test(start_paused = true)]
    async fn a_state_that_shows_after_a_few_reads_settles_and_the_first_read_is_immediate() {
        let reads = Cell::new(0);
        let start = tokio::time::Instant::now();
        let got = settled(&Cancel::default(), || {
            reads.set(reads.get() + 1);
            let n = reads.get();
            async move { Ok(n >= 3) }
        })
        .await;
        assert_eq!(got, Ok(Settled::Yes));
        assert_eq!(reads.get(), 3);
        // 0.25 s, then 0.5 s.
        assert_eq!(start.elapsed(), Duration::from_millis(750));
    }

    #[tokio::test(start_paused = true)]
    async fn a_state_that_never_shows_is_unproven_after_the_bound_and_no_later() {
        let reads = Cell::new(0);
        let start = tokio::time::Instant::now();
        let got = settled(&Cancel::default(), || {
            reads.set(reads.get() + 1);
            async { Ok(false) }
        })
        .await;
        assert_eq!(got, Ok(Settled::No(SETTLE_FOR)));
        assert_eq!(start.elapsed(), SETTLE_FOR);
        // 0, 0.25, 0.75, 1.75, 3.75, 5.75, 7.75, 8.0.
        assert_eq!(reads.get(), 8);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_read_ends_the_wait_with_its_error() {
        let err = Error::new(
            "GetUser",
            "ServiceFailure",
            "x",
            crate::call::ErrorKind::Transient,
        );
        let e = err.clone();
        let got = settled(&Cancel::default(), move || {
            let e = e.clone();
            async move { Err(e) }
        })
        .await;
        assert_eq!(got, Err(err));
    }

    #[tokio::test(start_paused = true)]
    async fn a_signal_ends_the_wait_at_once() {
        let cancel = Cancel::default();
        let start = tokio::time::Instant::now();
        let c = cancel.clone();
        let got = settled(&cancel, move || {
            c.cancel(false);
            async { Ok(false) }
        })
        .await;
        assert_eq!(
            got.map_err(|e| e.kind),
            Err(crate::call::ErrorKind::Interrupted)
        );
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
