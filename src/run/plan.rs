//! The plan: one [`Entry`] per account that was read — the exact steps the change stage will
//! apply, or why it applies none ([`Disposition`]). Plain data, shown by the dry run.

use serde::Serialize;

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
