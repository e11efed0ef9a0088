//! The root-credentials job: audit each member account's root user through an
//! `IAMAuditRootUserCredentials` session, plan the removal of login profiles and MFA devices,
//! and apply that plan through `IAMDeleteRootUserCredentials` sessions. It supplies only what is
//! its own; the pipeline (`crate::run`) does the rest.

pub mod api;
pub mod audit;
pub mod delete;
#[cfg(test)]
pub mod fake;
pub mod model;
pub mod plan;
pub mod rows;
pub mod verdict;

#[cfg(test)]
pub(crate) mod tests;

use crate::cancel::Cancel;
use crate::model::Account;
use crate::run::job::{Applied, Change, Entry, Job, Judgement, Read};
use api::RootSessions;
use model::{Finding, Verdict};
use plan::{Scope, Step};
use rows::{AuditRow, DeleteRow};

/// The root job over some way of opening root sessions (AWS, or a fake in tests).
pub struct RootJob<S> {
    sessions: S,
    scope: Scope,
    cancel: Cancel,
}

impl<S: RootSessions> RootJob<S> {
    /// A job that removes what `scope` names; `cancel` ends its waits and stops between steps.
    pub fn new(sessions: S, scope: Scope, cancel: Cancel) -> Self {
        RootJob {
            sessions,
            scope,
            cancel,
        }
    }
}

/// Verdict spellings in the counts table's order.
const VERDICTS: [&str; 5] = ["eligible", "blocked", "unknown", "clean", "skipped"];

impl<S: RootSessions> Job for RootJob<S> {
    type Finding = Finding;
    type ReadRow = AuditRow;

    const READ: &'static str = "audit";
    const VERDICTS: &'static [&'static str] = &VERDICTS;
    // AssumeRoot targets member accounts only.
    const READS_MANAGEMENT_ACCOUNT: bool = false;
    const ROWS: &'static str = "accounts";

    async fn read(&self, account: &Account) -> Finding {
        audit::audit_account(&self.sessions, &account.id).await
    }

    fn judge(&self, finding: &Finding) -> Judgement {
        let verdict = finding.verdict();
        Judgement {
            verdict: verdict.as_str(),
            unknown: verdict == Verdict::Unknown,
        }
    }

    fn read_rows(&self, read: &Read<Finding>) -> Vec<AuditRow> {
        vec![AuditRow::from(read)]
    }

    fn verdict<'r>(&self, row: &'r AuditRow) -> &'r str {
        &row.verdict
    }

    fn attention_header(&self) -> &'static [&'static str] {
        &[
            "account",
            "name",
            "verdict",
            "login profile",
            "mfa",
            "access keys",
            "certificates",
            "error",
        ]
    }

    fn attention(&self, read: &Read<Finding>) -> Vec<Vec<String>> {
        let row = AuditRow::from(read);
        if !matches!(row.verdict.as_str(), "eligible" | "blocked" | "unknown") {
            return Vec::new();
        }
        vec![vec![
            row.account_id,
            row.account_name,
            row.verdict,
            row.login_profile,
            row.mfa_devices,
            row.access_keys,
            row.signing_certificates,
            row.error,
        ]]
    }

    fn halted(&self) -> Option<String> {
        self.sessions.halted().map(|e| e.to_string())
    }
}

impl<S: RootSessions> Change for RootJob<S> {
    type Step = Step;
    type ChangeRow = DeleteRow;

    const CHANGE: &'static str = "delete";
    const DONE: &'static str = rows::DELETED;

    fn plan(&self, account: &Account, finding: &Finding) -> Entry<Step> {
        plan::entry(account, finding, self.scope)
    }

    fn scope(&self) -> Vec<&'static str> {
        self.scope.names()
    }

    async fn apply(&self, entry: &Entry<Step>) -> Applied<Step> {
        delete::apply(&self.sessions, entry, self.scope, &self.cancel).await
    }

    fn change_rows(&self, entry: &Entry<Step>, applied: &Applied<Step>) -> Vec<DeleteRow> {
        vec![DeleteRow::new(entry, applied)]
    }
}
