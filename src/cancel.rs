//! Interruption: the first SIGINT/SIGTERM asks the run to start no new accounts and ends every
//! wait at once (see [`Cancel::cancelled`]); the second exits at once (rows already written stay
//! on disk).

use crate::exit::Exit;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// Shared "stop starting new work" flag, recording which signal asked for it.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    state: AtomicU8,
    /// Wakes every [`Cancel::cancelled`] waiter when the state leaves `RUNNING`.
    woken: Notify,
}

const RUNNING: u8 = 0;
const INTERRUPTED: u8 = 1;
const TERMINATED: u8 = 2;

impl Cancel {
    /// Whether a stop was requested.
    pub fn is_cancelled(&self) -> bool {
        self.inner.state.load(Ordering::SeqCst) != RUNNING
    }

    /// Resolves once a stop is requested (at once if it already was). Race a wait against it
    /// with `tokio::select!` to end that wait on SIGINT/SIGTERM.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.inner.woken.notified();
            let mut notified = std::pin::pin!(notified);
            // Registered before the flag is read, so a cancel between the check and the await
            // still wakes this waiter.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }

    /// Requests a stop as if by SIGINT (`terminate = false`) or SIGTERM.
    pub fn cancel(&self, terminate: bool) {
        let value = if terminate { TERMINATED } else { INTERRUPTED };
        let _ =
            self.inner
                .state
                .compare_exchange(RUNNING, value, Ordering::SeqCst, Ordering::SeqCst);
        self.inner.woken.notify_waiters();
    }

    /// The exit code for a stopped run, if stopped.
    pub fn exit(&self) -> Option<Exit> {
        match self.inner.state.load(Ordering::SeqCst) {
            INTERRUPTED => Some(Exit::Interrupted),
            TERMINATED => Some(Exit::Terminated),
            _ => None,
        }
    }

    /// Listens for SIGINT and SIGTERM for the rest of the process: the first cancels, the second
    /// exits immediately with 130 (or 143).
    pub fn listen_for_signals(&self) {
        let cancel = self.clone();
        tokio::spawn(async move {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{signal, SignalKind};
                let (Ok(mut int), Ok(mut term)) = (
                    signal(SignalKind::interrupt()),
                    signal(SignalKind::terminate()),
                ) else {
                    return;
                };
                loop {
                    let terminate = tokio::select! {
                        _ = int.recv() => false,
                        _ = term.recv() => true,
                    };
                    if cancel.is_cancelled() {
                        eprintln!("rootsweep: second signal, exiting now");
                        let code = if terminate {
                            Exit::Terminated
                        } else {
                            Exit::Interrupted
                        };
                        std::process::exit(i32::from(code.code()));
                    }
                    eprintln!(
                        "rootsweep: stopping: no new accounts start; accounts in flight finish (signal again to exit now)"
                    );
                    cancel.cancel(terminate);
                }
            }
            #[cfg(not(unix))]
            {
                while tokio::signal::ctrl_c().await.is_ok() {
                    if cancel.is_cancelled() {
                        std::process::exit(i32::from(Exit::Interrupted.code()));
                    }
                    cancel.cancel(false);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_signal_wins_and_maps_to_its_exit_code() {
        let cancel = Cancel::default();
        assert_eq!(cancel.exit(), None);
        cancel.cancel(true);
        cancel.cancel(false);
        assert!(cancel.is_cancelled());
        assert_eq!(cancel.exit(), Some(Exit::Terminated));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_wait_started_after_the_cancel_ends_at_once() {
        let cancel = Cancel::default();
        cancel.cancel(false);
        tokio::time::timeout(std::time::Duration::from_secs(5), cancel.cancelled())
            .await
            .expect("already cancelled: no wait");
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn every_waiter_wakes_when_another_task_cancels() {
        let cancel = Cancel::default();
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let cancel = cancel.clone();
                tokio::spawn(async move { cancel.cancelled().await })
            })
            .collect();
        tokio::task::yield_now().await;
        assert!(waiters.iter().all(|w| !w.is_finished()), "no cancel yet");
        let trigger = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_secs(120)).await;
            trigger.cancel(true);
        });
        let start = tokio::time::Instant::now();
        for waiter in waiters {
            waiter.await.expect("waiter");
        }
        assert_eq!(start.elapsed(), std::time::Duration::from_secs(120));
        assert_eq!(cancel.exit(), Some(Exit::Terminated));
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_wait_without_a_cancel_does_not_end() {
        let cancel = Cancel::default();
        let waited =
            tokio::time::timeout(std::time::Duration::from_secs(3600), cancel.cancelled()).await;
        assert!(waited.is_err(), "cancelled() resolved with no cancel");
    }
}
