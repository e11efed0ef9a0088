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
use crate::run::job::{self, Applied, Entry, Judgement, Read, Spec};
use api::{PasswordSession, PasswordSessions};
use plan::{Finding, Step, VERDICTS};

/// The recover job over some way of opening `IAMCreateRootUserPassword` sessions.
pub struct Job<S> {
    sessions: S,
    cancel: Cancel,
}

impl<S: PasswordSessions> Job<S> {
    /// A job whose waits end, and which stops before a call, when `cancel` fires.
    pub fn new(sessions: S, cancel: Cancel) -> Self {
        Job { sessions, cancel }
    }
}

/// The recover job's words.
pub const SPEC: Spec = Spec {
    read: "recover-check",
    rows: "accounts",
    verdicts: &VERDICTS,
    attention: &["account", "name", "verdict", "login profile", "error"],
    // AssumeRoot targets member accounts only.
    reads_management_account: false,
    change: "recover",
    change_rows: "accounts",
    done: rows::RECOVERED,
    already: rows::ALREADY_RECOVERABLE,
    confirm: "create a root login profile (no password) in that many account(s)",
    scope: &["login-profile"],
};

impl job::Finding for Finding {
    fn judge(&self) -> Judgement {
        Judgement::of(self.verdict().as_str())
    }
}

impl<S: PasswordSessions> job::Job for Job<S> {
    type Finding = Finding;
    type Row = rows::Check;
    const SPEC: Spec = SPEC;

    async fn read(&self, account: &Account) -> Finding {
        match self.sessions.open(&account.id).await {
            Ok(session) => Finding::Checked(session.login_profile().await),
            Err(e) => Finding::NoSession(e),
        }
    }

    fn rows(&self, read: &Read<Finding>) -> Vec<rows::Check> {
        vec![rows::Check::from(read)]
    }
}

impl<S: PasswordSessions> job::Change for Job<S> {
    type Step = Step;
    type Detail = ();
    type ChangeRow = rows::Row;

    fn plan(&self, account: &Account, finding: &Finding) -> Entry<Step> {
        plan::entry(account, finding)
    }

    async fn apply(&self, entry: &Entry<Step>) -> Applied<Step> {
        let unit = apply::Recover {
            sessions: &self.sessions,
            entry,
        };
        let open = self.sessions.open(&entry.account_id);
        crate::run::apply::account(open, "open session", &unit, &self.cancel).await
    }

    fn change_rows(
        &self,
        _: Option<&Finding>,
        entry: &Entry<Step>,
        applied: &Applied<Step>,
    ) -> Vec<rows::Row> {
        vec![rows::Row::new(entry, applied)]
    }
}
