//! How the enumeration's feed ends and what that means for the read stage: the accounts it
//! feeds as a stream (each counted into the progress total), and its end as a failure or an
//! interruption, never silently complete. The reads themselves are `read.rs`'s.

use super::directory::Feed;
use super::progress::Progress;
use std::cell::RefCell;

/// How the enumeration's feed ended.
#[derive(Debug)]
pub(super) enum End {
    /// The enumeration said every account was sent.
    Complete,
    /// A listing call failed.
    Failed(crate::call::Error),
    /// A signal stopped the listing.
    Interrupted,
}

/// The accounts the enumeration feeds, as a stream: each one counted into the progress total;
/// how the feed ended is kept in `end` (left `None` when it closed without a word).
pub(super) fn enumerated<'a>(
    rx: tokio::sync::mpsc::Receiver<Feed>,
    end: &'a RefCell<Option<End>>,
    progress: &'a Progress,
) -> impl futures::Stream<Item = crate::model::Account> + 'a {
    futures::stream::unfold(rx, move |mut rx| async move {
        let last = match rx.recv().await {
            Some(Feed::Account(a)) => {
                progress.add_total(1);
                return Some((a, rx));
            }
            Some(Feed::Failed(e)) => Some(End::Failed(e)),
            Some(Feed::Interrupted) => Some(End::Interrupted),
            Some(Feed::Complete) => Some(End::Complete),
            None => None,
        };
        *end.borrow_mut() = last;
        progress.total_known();
        None
    })
}

/// What the end of the listing means for the run: `(failure, interruption)`, both `None` only
/// for a listing that said it was complete. A feed closed without a word is a failure, named by
/// the task's panic when it panicked; a call given up because of the signal is an interruption.
pub(super) fn listing_outcome(
    end: Option<End>,
    task: Option<Result<(), tokio::task::JoinError>>,
    found: usize,
) -> (Option<String>, Option<String>) {
    let interrupted = || {
        Some(format!(
            "the listing was interrupted: the report lists only the {found} accounts found before the signal"
        ))
    };
    match end {
        Some(End::Complete) => (None, None),
        Some(End::Interrupted) => (None, interrupted()),
        Some(End::Failed(e)) if e.kind == crate::call::ErrorKind::Interrupted => {
            (None, interrupted())
        }
        Some(End::Failed(e)) => (
            Some(format!(
                "enumeration failed, the report lists only the accounts listed before it: {e}"
            )),
            None,
        ),
        None => {
            let why = match task {
                Some(Err(e)) if e.is_panic() => {
                    let panic = e.into_panic();
                    let text = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "no message".to_string());
                    format!("the enumeration panicked ({text})")
                }
                _ => "the enumeration stopped without saying the listing was complete".to_string(),
            };
            let why = format!("{why}: the report lists only the accounts listed before it");
            (Some(why), None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{Error, ErrorKind};

    #[test]
    fn only_a_listing_that_said_so_is_complete() {
        assert_eq!(listing_outcome(Some(End::Complete), None, 3), (None, None));
        let (failure, _) = listing_outcome(None, Some(Ok(())), 3);
        assert_eq!(
            failure.as_deref(),
            Some("the enumeration stopped without saying the listing was complete: the report lists only the accounts listed before it")
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_panicked_enumeration_is_a_failure_named_by_its_panic() {
        let joined = tokio::spawn(async { panic!("walk bug") }).await;
        let (failure, interrupted) = listing_outcome(None, Some(joined), 3);
        assert_eq!(interrupted, None);
        let failure = failure.expect("a failure");
        assert!(
            failure.starts_with("the enumeration panicked (walk bug)"),
            "{failure}"
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_cancelled_enumeration_task_is_a_failure_without_a_panic_to_name() {
        let task = tokio::spawn(std::future::pending::<()>());
        task.abort();
        let joined = task.await;
        assert!(joined.as_ref().is_err_and(|e| e.is_cancelled()));
        let (failure, interrupted) = listing_outcome(None, Some(joined), 3);
        assert_eq!(interrupted, None);
        assert_eq!(
            failure.as_deref(),
            Some("the enumeration stopped without saying the listing was complete: the report lists only the accounts listed before it")
        );
    }

    #[test]
    fn an_interrupted_listing_is_an_interruption_never_a_failure() {
        let said = "the listing was interrupted: the report lists only the 40 accounts found before the signal";
        let cancelled = Error::interrupted("ListAccounts", None);
        for end in [End::Interrupted, End::Failed(cancelled)] {
            let (failure, interrupted) = listing_outcome(Some(end), None, 40);
            assert_eq!((failure, interrupted.as_deref()), (None, Some(said)));
        }
        let denied = Error::new(
            "ListAccounts",
            "AccessDenied",
            "no",
            ErrorKind::AccessDenied,
        );
        let (failure, interrupted) = listing_outcome(Some(End::Failed(denied)), None, 40);
        assert!(failure.is_some_and(|f| f.starts_with("enumeration failed")));
        assert_eq!(interrupted, None);
    }
}
