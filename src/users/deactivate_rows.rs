//! Pure: the rows of `users-deactivate-<UTC>.csv` — one per planned credential, or one for an
//! account with none planned (its outcome, e.g. `already-clean`, `skipped-unknown`).

use super::deactivate::Step;
use super::deactivate_apply::{outcome, Changed};
use crate::run::job::{Applied, Entry};
use serde::Serialize;

/// One row of `users-deactivate-<UTC>.csv`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub account_id: String,
    pub account_name: String,
    /// Empty on an account's own row.
    pub user_name: String,
    /// `access-key`, `password`, `ssh-public-key`, `service-specific-credential`,
    /// `signing-certificate`.
    pub credential_type: String,
    /// Empty for a password.
    pub credential_id: String,
    /// Last use (RFC 3339) as the audit saw it; empty when never used or never recorded.
    pub last_used: String,
    /// Whole days since the last use, or since issuance when never used.
    pub age_days: String,
    /// `deactivated`, `already-clean`, `skipped-active`, `changed-since-plan`, `failed`,
    /// `interrupted`, or an account outcome on its own row.
    pub outcome: String,
    /// `yes` changed by this run and proven by a fresh read, `no` planned and not proven,
    /// `n/a` not changed.
    pub verified: String,
    pub error: String,
}

/// The report word for a completed deactivation.
pub const DONE: &str = outcome::DEACTIVATED;

/// An account's rows: one per planned credential, or one for the account.
pub fn rows(entry: &Entry<Step>, applied: &Applied<Step, Vec<Changed>>) -> Vec<Row> {
    let row = |step: Option<&Step>, outcome: &str, error: &str| {
        let verified = match (outcome, step) {
            (outcome::DEACTIVATED, _) => "yes",
            (
                outcome::FAILED | outcome::INTERRUPTED | outcome::CHANGED | "not-started",
                Some(_),
            ) => "no",
            _ => "n/a",
        };
        Row {
            account_id: entry.account_id.clone(),
            account_name: entry.account_name.clone(),
            user_name: step.map(|s| s.user.clone()).unwrap_or_default(),
            credential_type: step.map(|s| s.kind.word().to_string()).unwrap_or_default(),
            credential_id: step.map(|s| s.id.clone()).unwrap_or_default(),
            last_used: step.map(|s| s.last_used.clone()).unwrap_or_default(),
            age_days: step
                .and_then(|s| s.age_days)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            outcome: outcome.to_string(),
            verified: verified.to_string(),
            error: error.to_string(),
        }
    };
    if !applied.detail.is_empty() {
        return applied
            .detail
            .iter()
            .map(|c| row(Some(&c.step), c.outcome, &c.error))
            .collect();
    }
    let label = applied.outcome.label(DONE);
    if entry.steps.is_empty() {
        return vec![row(None, label, &applied.error)];
    }
    entry
        .steps
        .iter()
        .map(|s| row(Some(s), label, &applied.error))
        .collect()
}
