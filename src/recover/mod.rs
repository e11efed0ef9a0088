//! The recover job: give a member account's root user a login profile back, without a password,
//! through `IAMCreateRootUserPassword` sessions (the owner of the root email address then sets
//! a password with "Forgot password"). It supplies only what is its own; the pipeline
//! (`crate::run`) does targets, confirmation, reports, signals and the exit code.

pub mod api;
pub mod apply;
pub mod plan;
pub mod rows;

#[cfg(test)]
mod tests;

use crate::cancel::Cancel;
use crate::model::Account;
use crate::run::job::{Applied, Change, Entry, Job, Judgement, Read};
use api::{PasswordSession, PasswordSessions};
use plan::{Finding, Step, Verdict, VERDICTS};
use rows::{CheckRow, RecoverRow};

/// The recover job over some way of opening `IAMCreateRootUserPassword` sessions.
pub struct RecoverJob<S> {
    sessions: S,
    cancel: Cancel,
}

impl<S: PasswordSessions> RecoverJob<S> {
    /// A job whose waits end, and which stops before a call, when `cancel` fires.
    pub fn new(sessions: S, cancel: Cancel) -> Self {
        RecoverJob { sessions, cancel }
    }
}

impl<S: PasswordSessions> Job for RecoverJob<S> {
    type Finding = Finding;
    type ReadRow = CheckRow;

    const READ: &'static str = "recover-check";
    const VERDICTS: &'static [&'static str] = &VERDICTS;
    // AssumeRoot targets member accounts only.
    const READS_MANAGEMENT_ACCOUNT: bool = false;
    const ROWS: &'static str = "accounts";

    async fn read(&self, account: &Account) -> Finding {
        match self.sessions.open(&account.id).await {
            Ok(session) => Finding::Checked(session.login_profile().await),
            Err(e) => Finding::NoSession(e),
        }
    }

    fn judge(&self, finding: &Finding) -> Judgement {
        let verdict = finding.verdict();
        Judgement {
            verdict: verdict.as_str(),
            unknown: verdict == Verdict::Unknown,
        }
    }

    fn read_rows(&self, read: &Read<Finding>) -> Vec<CheckRow> {
        vec![CheckRow::from(read)]
    }

    fn verdict<'r>(&self, row: &'r CheckRow) -> &'r str {
        &row.verdict
    }

    fn attention_header(&self) -> &'static [&'static str] {
        &["account", "name", "verdict", "login profile", "error"]
    }

    fn attention(&self, read: &Read<Finding>) -> Vec<Vec<String>> {
        let row = CheckRow::from(read);
        if !matches!(row.verdict.as_str(), "recoverable" | "unknown") {
            return Vec::new();
        }
        vec![vec![
            row.account_id,
            row.account_name,
            row.verdict,
            row.login_profile,
            row.error,
        ]]
    }

    fn halted(&self) -> Option<String> {
        self.sessions.halted().map(|e| e.to_string())
    }
}

impl<S: PasswordSessions> Change for RecoverJob<S> {
    type Detail = ();
    type Step = Step;
    type ChangeRow = RecoverRow;

    const CHANGE: &'static str = "recover";
    const DONE: &'static str = rows::RECOVERED;
    const ALREADY: &'static str = rows::ALREADY_RECOVERABLE;

    fn plan(&self, account: &Account, finding: &Finding) -> Entry<Step> {
        plan::entry(account, finding)
    }

    fn scope(&self) -> Vec<&'static str> {
        vec!["login-profile"]
    }

    async fn apply(&self, entry: &Entry<Step>) -> Applied<Step> {
        apply::apply(&self.sessions, entry, &self.cancel).await
    }

    fn change_rows(&self, entry: &Entry<Step>, applied: &Applied<Step>) -> Vec<RecoverRow> {
        vec![RecoverRow::new(entry, applied)]
    }
}
