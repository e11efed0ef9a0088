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
use crate::run::apply;
use crate::run::job::{self, Applied, Entry, Judgement, Read, Spec};
use model::Finding;
use plan::{Scope, Step};

/// The root job over some way of opening root sessions (AWS, or a fake in tests).
pub struct Job<S> {
    sessions: S,
    scope: Scope,
    cancel: Cancel,
}

impl<S: api::Sessions> Job<S> {
    /// A job that removes what `scope` names; `cancel` ends its waits and stops between steps.
    pub fn new(sessions: S, scope: Scope, cancel: Cancel) -> Self {
        Job {
            sessions,
            scope,
            cancel,
        }
    }
}

/// The root job's words.
pub const SPEC: Spec = Spec {
    read: "audit",
    rows: "accounts",
    verdicts: &["eligible", "blocked", "unknown", "clean", "skipped"],
    attention: &[
        "account",
        "name",
        "verdict",
        "login profile",
        "mfa",
        "access keys",
        "certificates",
        "error",
    ],
    // AssumeRoot targets member accounts only.
    reads_management_account: false,
    change: "delete",
    change_rows: "accounts",
    done: rows::DELETED,
    already: job::ALREADY_CLEAN,
    confirm: "delete root credentials in that many account(s)",
    scope: &["login-profile", "mfa"],
};

impl job::Finding for Finding {
    fn judge(&self) -> Judgement {
        Judgement::of(self.verdict().as_str())
    }
}

impl<S: api::Sessions> job::Job for Job<S> {
    type Finding = Finding;
    type Row = rows::Audit;
    const SPEC: Spec = SPEC;

    async fn read(&self, account: &Account) -> Finding {
        audit::audit_account(&self.sessions, &account.id).await
    }

    fn rows(&self, read: &Read<Finding>) -> Vec<rows::Audit> {
        vec![rows::Audit::from(read)]
    }
}

impl<S: api::Sessions> job::Change for Job<S> {
    type Step = Step;
    type Detail = ();
    type ChangeRow = rows::Delete;

    fn plan(&self, account: &Account, finding: &Finding) -> Entry<Step> {
        plan::entry(account, finding, self.scope)
    }

    async fn apply(&self, entry: &Entry<Step>) -> Applied<Step> {
        let unit = delete::Delete {
            sessions: &self.sessions,
            entry,
            scope: self.scope,
        };
        let open = self.sessions.open_delete(&entry.account_id);
        apply::account(open, "open delete session", &unit, &self.cancel).await
    }

    fn change_rows(
        &self,
        _: Option<&Finding>,
        entry: &Entry<Step>,
        applied: &Applied<Step>,
    ) -> Vec<rows::Delete> {
        vec![rows::Delete::new(entry, applied)]
    }

    fn scope(&self) -> Vec<&'static str> {
        self.scope.names()
    }
}
