//! Why a listing ended before its last page, and the one way every listing call is made: raced
//! against the run's interruption, so a signal stops the listing at once instead of after the
//! pages still to come.

use crate::call::{Error, ErrorKind};
use crate::cancel::Cancel;
use std::future::Future;

/// Why a listing ended early.
#[derive(Debug)]
pub enum Stop {
    /// A call failed after its retries: the listing is incomplete.
    Failed(Error),
    /// The run was interrupted (SIGINT/SIGTERM): the listing stopped where it was.
    Interrupted,
    /// The fan-out stopped taking accounts.
    Closed,
}

impl From<Error> for Stop {
    /// A call given up because of the interruption is the interruption, never a failure.
    fn from(e: Error) -> Stop {
        if e.kind == ErrorKind::Interrupted {
            Stop::Interrupted
        } else {
            Stop::Failed(e)
        }
    }
}

/// Makes one listing call, unless the run is interrupted: then no call starts, and a call on
/// the wire is abandoned at once (a listing read changes nothing).
pub async fn guarded<T>(
    cancel: &Cancel,
    call: impl Future<Output = Result<T, Error>>,
) -> Result<T, Stop> {
    if cancel.is_cancelled() {
        return Err(Stop::Interrupted);
    }
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(Stop::Interrupted),
        out = call => out.map_err(Stop::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_call_on_the_wire_is_abandoned_when_the_run_is_interrupted() {
        let cancel = Cancel::default();
        let trigger = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            trigger.cancel(false);
        });
        let start = tokio::time::Instant::now();
        let slow = async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok::<_, Error>(())
        };
        assert!(matches!(
            guarded(&cancel, slow).await,
            Err(Stop::Interrupted)
        ));
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn no_call_starts_after_the_interruption() {
        let cancel = Cancel::default();
        cancel.cancel(true);
        let mut started = false;
        let call = async {
            started = true;
            Ok::<_, Error>(())
        };
        assert!(matches!(
            guarded(&cancel, call).await,
            Err(Stop::Interrupted)
        ));
        assert!(!started);
    }

    #[test]
    fn an_interrupted_call_is_an_interruption_and_any_other_error_a_failure() {
        let interrupted = Error::interrupted("ListAccounts", None);
        assert!(matches!(Stop::from(interrupted), Stop::Interrupted));
        let denied = Error::new(
            "ListAccounts",
            "AccessDeniedException",
            "no",
            ErrorKind::AccessDenied,
        );
        assert!(matches!(Stop::from(denied), Stop::Failed(e) if e.code == "AccessDeniedException"));
    }
}
