//! The operator's confirmation before any change: `--yes`, or on a terminal typing the number of
//! accounts that will change. The prompt never blocks the runtime, so a signal at the prompt
//! cancels at once.

use crate::cancel::Cancel;
use std::future::Future;
use std::io::{BufRead, IsTerminal, Write};

/// The operator's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Go ahead.
    Yes,
    /// Anything but the expected answer.
    No,
    /// No terminal to ask on and no `--yes`.
    NoTerminal,
    /// A signal arrived while waiting for the answer.
    Cancelled,
}

/// Asks for confirmation of a change to `count` accounts.
pub trait Confirm {
    /// `what` completes "Type N to …", e.g. "delete root credentials in N account(s)".
    fn ask(&self, count: usize, what: &str) -> impl Future<Output = Answer>;
}

/// Confirmation on the process's terminal.
pub struct Terminal {
    /// `--yes` was given.
    pub yes: bool,
    /// The run's cancellation.
    pub cancel: Cancel,
}

impl Confirm for Terminal {
    async fn ask(&self, count: usize, what: &str) -> Answer {
        if self.yes {
            return Answer::Yes;
        }
        if !std::io::stdin().is_terminal() {
            return Answer::NoTerminal;
        }
        eprint!("Type {count} to {what}, anything else to cancel: ");
        let _ = std::io::stderr().flush();
        // A blocking read on the runtime's only thread would keep the signal task from running:
        // read on a thread of its own and wait for either the line or a signal.
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = std::io::stdin().lock().read_line(&mut line).map(|_| line);
            let _ = tx.send(read);
        });
        tokio::select! {
            () = self.cancel.cancelled() => {
                eprintln!();
                Answer::Cancelled
            }
            line = rx => match line {
                Ok(Ok(answer)) => judge(&answer, count),
                _ => Answer::No,
            },
        }
    }
}

/// Only the exact count confirms.
fn judge(answer: &str, count: usize) -> Answer {
    if answer.trim() == count.to_string() {
        Answer::Yes
    } else {
        Answer::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_count_confirms() {
        assert_eq!(judge("3\n", 3), Answer::Yes);
        assert_eq!(judge(" 3 ", 3), Answer::Yes);
        assert_eq!(judge("yes\n", 3), Answer::No);
        assert_eq!(judge("30\n", 3), Answer::No);
        assert_eq!(judge("", 3), Answer::No);
    }

    #[tokio::test]
    async fn yes_confirms_without_asking() {
        let t = Terminal {
            yes: true,
            cancel: Cancel::default(),
        };
        assert_eq!(t.ask(2, "x").await, Answer::Yes);
    }
}
