//! Progress on stderr: an indicatif bar on a terminal, periodic plain lines otherwise.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A progress reporter; code never branches on whether a bar is shown.
#[derive(Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
    label: &'static str,
    done: Arc<AtomicU64>,
    quiet: bool,
}

/// Plain-mode lines are printed every this many accounts.
const LINE_EVERY: u64 = 100;

impl Progress {
    /// A reporter for a phase (`audit`, `delete`); `quiet` suppresses plain lines (JSON output).
    pub fn new(label: &'static str, quiet: bool) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:40}] {pos}/{len} accounts {elapsed} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(label);
            bar
        });
        Progress {
            bar,
            label,
            done: Arc::new(AtomicU64::new(0)),
            quiet,
        }
    }

    /// One more account is known (enumeration is streaming, so the total grows).
    pub fn add_total(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc_length(n);
        }
    }

    /// One account finished.
    pub fn finish_one(&self, account_id: &str, what: &str) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        tracing::debug!(
            account = account_id,
            result = what,
            "{} finished",
            self.label
        );
        match &self.bar {
            Some(bar) => bar.inc(1),
            None if !self.quiet && done.is_multiple_of(LINE_EVERY) => {
                eprintln!("rootsweep: {} {done} accounts so far", self.label);
            }
            None => {}
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
