//! The contract between the pipeline and a job (root credentials, IAM users, …): what a job
//! supplies, and the plain data that flows between the stages. The pipeline never names a job.

use crate::exit::Exit;
use crate::model::{Account, SkipReason};
use serde::Serialize;
use std::future::Future;

/// One account after the read stage: what the job found, or why it was not read.
#[derive(Debug, Clone, PartialEq)]
pub struct Read<F> {
    /// The account.
    pub account: Account,
    /// The job's finding, or why the account was skipped.
    pub finding: Result<F, SkipReason>,
}

/// How a finding counts: its verdict's spelling, and whether the account's state is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement {
    /// The verdict as reports spell it.
    pub verdict: &'static str,
    /// A check failed: the state is not known (exit 4, never changed).
    pub unknown: bool,
}

/// What the plan does with one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disposition {
    /// Its steps are applied.
    Change,
    /// Nothing to change at all.
    AlreadyClean,
    /// Something is present, but outside the run's scope (e.g. `--only`).
    NothingInScope,
    /// Refused: something the job must not touch is present.
    Blocked,
    /// Refused: the read stage could not establish the account's state.
    Unknown,
}

/// The plan for one account: the exact steps that will be applied, or why none will.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry<S> {
    /// Account id.
    pub account_id: String,
    /// Account name.
    pub account_name: String,
    /// The read stage's verdict.
    pub verdict: &'static str,
    /// What the plan does with the account.
    pub disposition: Disposition,
    /// The calls that will be made, in order (empty unless `Change`).
    pub steps: Vec<S>,
    /// Why nothing is done: the refusal and what to do first, or what is out of scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl<S> Entry<S> {
    /// Whether the plan refuses this account (blocked or unknown).
    pub fn refused(&self) -> bool {
        matches!(
            self.disposition,
            Disposition::Blocked | Disposition::Unknown
        )
    }
}

/// The plan: one entry per account that was read (not skipped), in account id order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan<S> {
    /// What the run may change (e.g. `login-profile`, `mfa`).
    pub scope: Vec<&'static str>,
    /// One entry per account.
    pub entries: Vec<Entry<S>>,
}

impl<S> Plan<S> {
    /// Entries with at least one step.
    pub fn to_change(&self) -> impl Iterator<Item = &Entry<S>> {
        self.entries
            .iter()
            .filter(|e| e.disposition == Disposition::Change)
    }

    /// Entries the plan refuses.
    pub fn refused(&self) -> impl Iterator<Item = &Entry<S>> {
        self.entries.iter().filter(|e| e.refused())
    }
}

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

impl<S, D: Default> Applied<S, D> {
    /// An outcome with no change made.
    pub fn untouched(outcome: Outcome, error: impl Into<String>) -> Self {
        Applied {
            outcome,
            done: Vec::new(),
            verified: Verified::NotApplicable,
            error: error.into(),
            detail: D::default(),
        }
    }
}

/// What every job supplies to the pipeline: how to read one account, judge it, and the rows its
/// read report holds (one or many per account). Everything else — targets, enumeration, fan-out,
/// progress, cancellation, report files, exit code — is the pipeline's. A job that changes
/// something also implements [`Change`].
pub trait Job {
    /// What the read stage learns about one account.
    type Finding;
    /// A row of the read stage's report.
    type ReadRow: Serialize + Default;

    /// File name stem of the read stage's reports (e.g. `audit`).
    const READ: &'static str;
    /// Verdict spellings, in the order the counts table lists them (`skipped` last).
    const VERDICTS: &'static [&'static str];
    /// Whether the organization's management account is read too (otherwise it is skipped as
    /// never targeted).
    const READS_MANAGEMENT_ACCOUNT: bool;
    /// What a read row is, plural: the JSON report's key for the rows and the counts table's
    /// column (e.g. `accounts`, `users`).
    const ROWS: &'static str;

    /// Reads one account (never changes anything).
    fn read(&self, account: &Account) -> impl Future<Output = Self::Finding>;
    /// Judges a finding as a whole account: its progress word, and whether its state is unknown.
    fn judge(&self, finding: &Self::Finding) -> Judgement;
    /// The read report's rows for an account: one per thing counted (an account, a user). An
    /// account that was skipped or could not be read still gets a row saying so.
    fn read_rows(&self, read: &Read<Self::Finding>) -> Vec<Self::ReadRow>;
    /// The verdict a read row is counted under (one of [`Job::VERDICTS`]).
    fn verdict<'r>(&self, row: &'r Self::ReadRow) -> &'r str;
    /// Rows of the terminal's "needs attention" table for an account (none when it needs no
    /// attention); the third column is the verdict.
    fn attention(&self, read: &Read<Self::Finding>) -> Vec<Vec<String>>;
    /// The header of the attention table.
    fn attention_header(&self) -> &'static [&'static str];
    /// Why nothing more may start (the caller's own credentials were refused), if so.
    fn halted(&self) -> Option<String>;
}

/// What a job that changes something adds: how to plan one account that was read, apply and
/// verify one entry of the plan, and the rows of its change report.
pub trait Change: Job {
    /// One call the change stage makes (shown by the dry run, applied exactly).
    type Step: Clone + Serialize + std::fmt::Display;
    /// A row of the change stage's report.
    type ChangeRow: Serialize + Default;
    /// What [`Change::apply`] keeps per item for the report rows (`()` when a row is an account).
    type Detail: Default;

    /// File name stem of the change stage's reports (e.g. `delete`).
    const CHANGE: &'static str;
    /// The report word for [`Outcome::Done`] (e.g. `deleted`).
    const DONE: &'static str;
    /// What a change row is, plural: the change JSON report's key for its rows.
    const CHANGE_ROWS: &'static str = "accounts";
    /// The report word for [`Outcome::AlreadyClean`]: nothing needed changing.
    const ALREADY: &'static str = ALREADY_CLEAN;

    /// An outcome in this job's words.
    fn label(outcome: Outcome) -> &'static str {
        outcome.spelled(Self::DONE, Self::ALREADY)
    }

    /// Plans one account that was read.
    fn plan(&self, account: &Account, finding: &Self::Finding) -> Entry<Self::Step>;
    /// What the run may change, for the plan's header.
    fn scope(&self) -> Vec<&'static str>;
    /// Applies exactly `entry`'s steps (re-checking first) and verifies them.
    fn apply(
        &self,
        entry: &Entry<Self::Step>,
    ) -> impl Future<Output = Applied<Self::Step, Self::Detail>>;
    /// The change report's rows for an account: one, or one per item the account holds.
    fn change_rows(
        &self,
        entry: &Entry<Self::Step>,
        applied: &Applied<Self::Step, Self::Detail>,
    ) -> Vec<Self::ChangeRow>;
}

#[cfg(test)]
mod tests {
    use super::*;

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
