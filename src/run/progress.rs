//! Progress on stderr: an indicatif spinner then bar on a terminal, periodic plain lines
//! otherwise. While accounts are still being enumerated the total is unknown, so a terminal shows
//! a spinner counting the accounts found; the bar appears once the total is known, and its total
//! never changes after that (a bar whose total grows seems to run backwards).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A progress reporter; code never branches on whether a bar is shown.
#[derive(Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
    label: &'static str,
    found: Arc<AtomicU64>,
    done: Arc<AtomicU64>,
    total_known: Arc<AtomicBool>,
    quiet: bool,
}

/// Plain-mode lines are printed every this many accounts.
const LINE_EVERY: u64 = 100;

impl Progress {
    /// A reporter for a phase (`audit`, `delete`); `quiet` suppresses plain lines (JSON output).
    pub fn new(label: &'static str, quiet: bool) -> Self {
        let bar = std::io::stderr()
            .is_terminal()
            .then(|| ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()));
        Self::with_bar(label, quiet, bar)
    }

    fn with_bar(label: &'static str, quiet: bool, bar: Option<ProgressBar>) -> Self {
        if let Some(bar) = &bar {
            bar.set_style(
                ProgressStyle::with_template("{prefix} {spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(label);
            bar.set_message("listing accounts…");
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        Progress {
            bar,
            label,
            found: Arc::default(),
            done: Arc::default(),
            total_known: Arc::default(),
            quiet,
        }
    }

    /// `n` more accounts are known (enumeration streams, so they arrive while others finish).
    pub fn add_total(&self, n: u64) {
        self.found.fetch_add(n, Ordering::Relaxed);
        self.redraw_spinner();
    }

    /// Every account is known: the spinner becomes a bar with a fixed total.
    pub fn total_known(&self) {
        if self.total_known.swap(true, Ordering::Relaxed) {
            return;
        }
        if let Some(bar) = &self.bar {
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:40}] {pos}/{len} accounts {elapsed} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_message("");
            bar.set_length(self.found.load(Ordering::Relaxed));
            bar.set_position(self.done.load(Ordering::Relaxed));
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
            Some(bar) if self.total_known.load(Ordering::Relaxed) => bar.set_position(done),
            Some(_) => self.redraw_spinner(),
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

    fn redraw_spinner(&self) {
        if let Some(bar) = &self.bar {
            if !self.total_known.load(Ordering::Relaxed) {
                bar.set_message(format!(
                    "{} accounts found so far, {} done",
                    self.found.load(Ordering::Relaxed),
                    self.done.load(Ordering::Relaxed)
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(label: &'static str) -> (Progress, ProgressBar) {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        (Progress::with_bar(label, false, Some(bar.clone())), bar)
    }

    #[test]
    fn the_total_is_unknown_while_accounts_stream_in_then_fixed_and_never_goes_backwards() {
        let (progress, bar) = hidden("audit");
        // Enumeration and reads interleave: 1 found, 1 done, 7 more found, 1 done...
        progress.add_total(1);
        progress.finish_one("222222222201", "clean");
        assert_eq!(bar.length(), None, "no bar total while enumerating");
        assert!(bar.message().contains("1 accounts found so far, 1 done"));
        for _ in 0..7 {
            progress.add_total(1);
        }
        progress.finish_one("222222222202", "clean");
        assert!(
            bar.message().contains("8 accounts found so far, 2 done"),
            "{}",
            bar.message()
        );
        progress.add_total(1);
        progress.total_known();
        assert_eq!(bar.length(), Some(9));
        assert_eq!(bar.position(), 2);
        let mut last = (bar.position(), bar.length());
        for i in 3..=9 {
            progress.finish_one(&format!("2222222222{i:02}"), "clean");
            let now = (bar.position(), bar.length());
            assert!(
                now.0 > last.0,
                "position moves forward: {last:?} -> {now:?}"
            );
            assert_eq!(now.1, Some(9), "the total never changes once known");
            last = now;
        }
        assert_eq!(bar.position(), 9);
        // A second signal changes nothing.
        progress.total_known();
        assert_eq!(bar.length(), Some(9));
    }

    #[test]
    fn a_stage_with_a_known_total_shows_the_bar_at_once() {
        let (progress, bar) = hidden("delete");
        progress.add_total(5);
        progress.total_known();
        assert_eq!(bar.length(), Some(5));
        progress.finish_one("222222222201", "deleted");
        assert_eq!(bar.position(), 1);
    }
}
