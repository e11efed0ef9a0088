//! The contract between the pipeline and a job (root credentials, IAM users, …): a [`Spec`] of
//! plain data and the functions only the job can write. A read-only job is a [`Job`]: `SPEC`,
//! `read` and the rows of its report. A job that changes something is also a [`Change`]: `plan`,
//! `apply` (through [`super::apply`], which owns sessions, re-checks, the step loop, busy
//! retries and verification) and the rows of its change report. Targets, enumeration, fan-out,
//! progress, halting on refused credentials, confirmation, report files and the exit code are the
//! pipeline's. The pipeline never names a job.

pub use super::outcome::{made_word, Applied, Outcome, Verified, ALREADY_CLEAN};
pub use super::plan::{Disposition, Entry, Plan};
use crate::model::{Account, SkipReason};
use serde::Serialize;
use std::future::Future;

/// What a job is called and says: report names, verdict and outcome words, the attention table,
/// the confirmation, and what it may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// File name stem of the read stage's reports (e.g. `audit`).
    pub read: &'static str,
    /// What a read row is, plural: the JSON report's key and the counts table's column.
    pub rows: &'static str,
    /// Verdict spellings, in the order the counts table lists them (`skipped` last).
    pub verdicts: &'static [&'static str],
    /// The header of the "needs attention" table; its third column is the verdict.
    pub attention: &'static [&'static str],
    /// Whether the organization's management account is read too (otherwise it is skipped as
    /// never targeted): AssumeRoot reaches member accounts only.
    pub reads_management_account: bool,
    /// File name stem of the change stage's reports (e.g. `delete`).
    pub change: &'static str,
    /// What a change row is, plural: the change JSON report's key for its rows.
    pub change_rows: &'static str,
    /// The report word for [`Outcome::Done`] (e.g. `deleted`).
    pub done: &'static str,
    /// The report word for [`Outcome::AlreadyClean`]: nothing needed changing.
    pub already: &'static str,
    /// Completes "Type N to …", e.g. "delete root credentials in that many account(s)".
    pub confirm: &'static str,
    /// What the run may change, for the plan's header (e.g. `login-profile`, `mfa`).
    pub scope: &'static [&'static str],
}

impl Spec {
    /// A read-only job's spec: no change words.
    pub const READ_ONLY: Spec = Spec {
        read: "",
        rows: "accounts",
        verdicts: &[],
        attention: &[],
        reads_management_account: false,
        change: "",
        change_rows: "accounts",
        done: "",
        already: ALREADY_CLEAN,
        confirm: "",
        scope: &[],
    };

    /// An outcome in this job's words.
    pub fn label(&self, outcome: Outcome) -> &'static str {
        outcome.spelled(self.done, self.already)
    }
}

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

impl Judgement {
    /// A verdict that is unknown exactly when it is spelled `unknown`.
    pub fn of(verdict: &'static str) -> Judgement {
        Judgement {
            verdict,
            unknown: verdict == "unknown",
        }
    }
}

/// What the read stage learns about one account, judged as a whole account.
pub trait Finding {
    /// Its progress word, and whether the account's state is unknown.
    fn judge(&self) -> Judgement;
}

/// A row of a read report: the verdict it is counted under, and its cells in the "needs
/// attention" table when it needs attention (the third cell is the verdict).
pub trait Row: Serialize + Default {
    /// One of the job's [`Spec::verdicts`].
    fn verdict(&self) -> &str;
    /// Its attention-table cells, or `None` when it needs no attention.
    fn attention(&self) -> Option<Vec<String>>;
}

/// What every job supplies: its words, how to read one account, and its read report's rows.
pub trait Job {
    /// What the read stage learns about one account.
    type Finding: Finding;
    /// A row of the read stage's report.
    type Row: Row;
    /// The job's words and names.
    const SPEC: Spec;

    /// Reads one account (never changes anything).
    fn read(&self, account: &Account) -> impl Future<Output = Self::Finding>;
    /// The read report's rows for an account: one per thing counted (an account, a user). An
    /// account that was skipped or could not be read still gets a row saying so.
    fn rows(&self, read: &Read<Self::Finding>) -> Vec<Self::Row>;
    /// The attention-table rows of an account: by default, those of its rows that need it.
    fn attention(&self, read: &Read<Self::Finding>) -> Vec<Vec<String>> {
        self.rows(read).iter().filter_map(Row::attention).collect()
    }
}

/// What a job that changes something adds: the plan of one account that was read, applying one
/// entry of the confirmed plan, and the rows of its change report.
pub trait Change: Job {
    /// One call the change stage makes (shown by the dry run, applied exactly).
    type Step: Clone + Serialize + std::fmt::Display;
    /// What [`Change::apply`] keeps per item for the report rows (`()` when a row is an account).
    type Detail: Default;
    /// A row of the change stage's report.
    type ChangeRow: Serialize + Default;

    /// Plans one account that was read (pure).
    fn plan(&self, account: &Account, finding: &Self::Finding) -> Entry<Self::Step>;
    /// Applies exactly `entry`'s steps (re-checking first) and verifies them.
    fn apply(
        &self,
        entry: &Entry<Self::Step>,
    ) -> impl Future<Output = Applied<Self::Step, Self::Detail>>;
    /// The change report's rows for an account, given what its read found (`None` when the
    /// read produced no finding). Every account and every named resource of the plan has its
    /// rows, whatever happened to it.
    fn change_rows(
        &self,
        finding: Option<&Self::Finding>,
        entry: &Entry<Self::Step>,
        applied: &Applied<Self::Step, Self::Detail>,
    ) -> Vec<Self::ChangeRow>;
    /// What this run may change, for the plan's header: the spec's scope unless the run narrows
    /// it.
    fn scope(&self) -> Vec<&'static str> {
        Self::SPEC.scope.to_vec()
    }
}
