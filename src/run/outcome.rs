//! What the change stage did to one account: its [`Outcome`], whether a fresh read [`Verified`]
//! it, and the [`Applied`] record with the constructors every job's apply uses. Plain data.

use crate::call::{Error, ErrorKind};
use crate::exit::Exit;

/// What happened to one account in the change stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Every planned step applied, and the verification proved it.
    Done,
    /// Nothing to change.
    AlreadyClean,
    /// Nothing in the run's scope to change (something else is present).
    NothingInScope,
    /// Refused at plan time (blocked), skipped with `--skip-blocked`.
    SkippedBlocked,
    /// Refused at plan time (unknown), skipped with `--skip-blocked`.
    SkippedUnknown,
    /// The re-check found credentials the confirmed plan did not show: left untouched.
    ChangedSincePlan,
    /// The re-check found a planned change no longer safe (in use since the audit, a grant
    /// gone): that part was left undone, with the reason.
    Skipped,
    /// A step failed, or the verification did not prove the change.
    Failed,
    /// A signal arrived while the account was being changed.
    Interrupted,
    /// The run stopped before this account started.
    NotStarted,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 10] = [
        Outcome::Done,
        Outcome::AlreadyClean,
        Outcome::NothingInScope,
        Outcome::SkippedBlocked,
        Outcome::SkippedUnknown,
        Outcome::ChangedSincePlan,
        Outcome::Skipped,
        Outcome::Failed,
        Outcome::Interrupted,
        Outcome::NotStarted,
    ];

    /// The report spelling; `done` is the job's word for [`Outcome::Done`] (e.g. `deleted`).
    pub fn label(self, done: &'static str) -> &'static str {
        self.spelled(done, ALREADY_CLEAN)
    }

    /// The report spelling in a job's words: `done` for [`Outcome::Done`], `already` for
    /// [`Outcome::AlreadyClean`] (e.g. `recovered`, `already-recoverable`).
    pub fn spelled(self, done: &'static str, already: &'static str) -> &'static str {
        match self {
            Outcome::Done => done,
            Outcome::AlreadyClean => already,
            Outcome::NothingInScope => "nothing-in-scope",
            Outcome::SkippedBlocked => "skipped-blocked",
            Outcome::SkippedUnknown => "skipped-unknown",
            Outcome::ChangedSincePlan => "changed-since-plan",
            Outcome::Skipped => "skipped",
            Outcome::Failed => "failed",
            Outcome::Interrupted => "interrupted",
            Outcome::NotStarted => "not-started",
        }
    }

    /// What this outcome says about the run's exit code: a planned change not made is never a
    /// success. A signal's own code covers `interrupted` and `not-started`.
    pub fn exit(self) -> Exit {
        match self {
            Outcome::SkippedUnknown
            | Outcome::ChangedSincePlan
            | Outcome::Skipped
            | Outcome::Failed => Exit::Partial,
            Outcome::Done
            | Outcome::AlreadyClean
            | Outcome::NothingInScope
            | Outcome::SkippedBlocked
            | Outcome::Interrupted
            | Outcome::NotStarted => Exit::Success,
        }
    }
}

/// The default spelling of [`Outcome::AlreadyClean`].
pub const ALREADY_CLEAN: &str = "already-clean";

/// Whether a verification proved an account's final state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    /// A fresh read after the change proved it.
    Yes,
    /// A change was attempted but not proven.
    No,
    /// Nothing was changed, so there was nothing to verify.
    NotApplicable,
}

impl Verified {
    /// The report spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Verified::Yes => "yes",
            Verified::No => "no",
            Verified::NotApplicable => "n/a",
        }
    }
}

/// What the change stage did to one account. `D` is what a job that changes many things per
/// account (several users) keeps about each of them for its report rows; `()` otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied<S, D = ()> {
    /// The outcome.
    pub outcome: Outcome,
    /// Planned steps applied by this run, in order.
    pub done: Vec<S>,
    /// Whether a verification proved the result.
    pub verified: Verified,
    /// The failed step and error, or why the account was not changed.
    pub error: String,
    /// The job's per-item results (empty when nothing was attempted).
    pub detail: D,
}

/// Whether a result that changed `done` is proven: `no` once something was changed, `n/a` when
/// nothing was.
fn unproven<S>(done: &[S]) -> Verified {
    if done.is_empty() {
        Verified::NotApplicable
    } else {
        Verified::No
    }
}

impl<S, D> Applied<S, D> {
    /// The same result, with `detail` in place of the job's per-item results.
    pub fn with_detail<E>(self, detail: E) -> Applied<S, E> {
        Applied {
            outcome: self.outcome,
            done: self.done,
            verified: self.verified,
            error: self.error,
            detail,
        }
    }
}

impl<S, D: Default> Applied<S, D> {
    /// An outcome with no change made.
    pub fn untouched(outcome: Outcome, error: impl Into<String>) -> Self {
        Self::ended(outcome, Vec::new(), error)
    }

    /// Every planned step applied, and a fresh read proved it.
    pub fn done(done: Vec<S>) -> Self {
        Applied {
            outcome: Outcome::Done,
            done,
            verified: Verified::Yes,
            error: String::new(),
            detail: D::default(),
        }
    }

    /// Nothing needed changing: a fresh read (the re-check) showed the plan's work done already.
    pub fn already(why: impl Into<String>) -> Self {
        Applied {
            outcome: Outcome::AlreadyClean,
            done: Vec::new(),
            verified: Verified::Yes,
            error: why.into(),
            detail: D::default(),
        }
    }

    /// The account ended with `outcome` after `done`: unproven if anything was changed.
    pub fn ended(outcome: Outcome, done: Vec<S>, error: impl Into<String>) -> Self {
        Applied {
            outcome,
            verified: unproven(&done),
            done,
            error: error.into(),
            detail: D::default(),
        }
    }

    /// A call (`what`) that ended the account: `interrupted` when a signal ended it, else
    /// `failed`.
    pub fn failed(done: Vec<S>, what: &str, e: &Error) -> Self {
        let outcome = if e.kind == ErrorKind::Interrupted {
            Outcome::Interrupted
        } else {
            Outcome::Failed
        };
        Self::ended(outcome, done, format!("{what}: {e}"))
    }

    /// A signal arrived before `next`: the account stops with what is done so far.
    pub fn interrupted_before(done: Vec<S>, next: &dyn std::fmt::Display) -> Self {
        Self::ended(
            Outcome::Interrupted,
            done,
            format!("interrupted before: {next}"),
        )
    }
}

/// The report's word for one planned change (`login_profile_deleted`, `policy_removed`, …), one
/// rule for every job: `yes` when this run made it, `no` when the plan had it and it was not made
/// (whatever stopped it: a failure, a signal, the re-check, a run that ended first), `n/a` when
/// the plan did not have it.
pub fn made_word(planned: bool, made: bool) -> &'static str {
    match (planned, made) {
        (_, true) => "yes",
        (true, false) => "no",
        (false, false) => "n/a",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planned_change_not_made_is_no_whatever_stopped_it() {
        assert_eq!(made_word(true, true), "yes");
        assert_eq!(made_word(true, false), "no");
        assert_eq!(made_word(false, false), "n/a");
    }

    #[test]
    fn verified_is_spelled_as_the_reports_document_it() {
        let spelled: Vec<&str> = [Verified::Yes, Verified::No, Verified::NotApplicable]
            .into_iter()
            .map(Verified::as_str)
            .collect();
        assert_eq!(spelled, ["yes", "no", "n/a"]);
    }

    #[test]
    fn verified_is_n_a_until_something_was_changed_and_no_when_unproven() {
        let none: Applied<u8> = Applied::interrupted_before(Vec::new(), &"step 1");
        assert_eq!(none.verified, Verified::NotApplicable);
        let some: Applied<u8> = Applied::interrupted_before(vec![1], &"step 2");
        assert_eq!(some.verified, Verified::No);
        let failed: Applied<u8> = Applied::ended(Outcome::Failed, Vec::new(), "x");
        assert_eq!(failed.verified, Verified::NotApplicable);
    }

    #[test]
    fn outcomes_that_leave_a_door_unproven_exit_4() {
        for outcome in Outcome::ALL {
            let expected = match outcome {
                Outcome::SkippedUnknown
                | Outcome::ChangedSincePlan
                | Outcome::Skipped
                | Outcome::Failed => Exit::Partial,
                _ => Exit::Success,
            };
            assert_eq!(outcome.exit(), expected, "{outcome:?}");
        }
    }

    #[test]
    fn outcome_labels_are_the_documented_spellings() {
        let labels: Vec<&str> = Outcome::ALL.iter().map(|o| o.label("deleted")).collect();
        assert_eq!(
            Outcome::AlreadyClean.spelled("x", "already-fine"),
            "already-fine"
        );
        assert_eq!(
            labels,
            [
                "deleted",
                "already-clean",
                "nothing-in-scope",
                "skipped-blocked",
                "skipped-unknown",
                "changed-since-plan",
                "skipped",
                "failed",
                "interrupted",
                "not-started"
            ]
        );
    }
}
