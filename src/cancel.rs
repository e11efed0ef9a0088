//! Interruption: the first SIGINT/SIGTERM asks the run to start no new accounts; the second
//! exits at once (rows already written stay on disk).

use crate::exit::Exit;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

/// Shared "stop starting new work" flag, recording which signal asked for it.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    state: Arc<AtomicU8>,
}

const RUNNING: u8 = 0;
const INTERRUPTED: u8 = 1;
const TERMINATED: u8 = 2;

impl Cancel {
    /// Whether a stop was requested.
    pub fn is_cancelled(&self) -> bool {
        self.state.load(Ordering::SeqCst) != RUNNING
    }

    /// Requests a stop as if by SIGINT (`terminate = false`) or SIGTERM.
    pub fn cancel(&self, terminate: bool) {
        let value = if terminate { TERMINATED } else { INTERRUPTED };
        let _ = self
            .state
            .compare_exchange(RUNNING, value, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// The exit code for a stopped run, if stopped.
    pub fn exit(&self) -> Option<Exit> {
        match self.state.load(Ordering::SeqCst) {
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
}

