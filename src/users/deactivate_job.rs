//! `users deactivate` as a job of the pipeline: the users audit and the candidates' credentials
//! read again in the audit's own session, then every unused credential set `Inactive` (the plan
//! is `deactivate.rs`'s, the changes `deactivate_apply.rs`'s, the rows `deactivate_rows.rs`'s).

use super::audit_job::{audit_of, Job};
use super::plan::Found;
use super::rows::{self, Row};
use super::{
    api, audit, deactivate, deactivate_apply, deactivate_rows, delete, switch, DEACTIVATE,
};
use crate::model::Account;
use crate::run::job::{self, Applied, Entry, Read, Spec};

/// Candidates of one account whose credentials `users deactivate` reads for its plan at the
/// same time: a candidate's read is a listing and a last use or two (not a dozen calls), and
/// every user holding an active access key is one, so all of an ordinary account's are read
/// side by side; past this many, in turn.
const CANDIDATE_READS: usize = 20;

/// `users deactivate`: the users audit and the candidates' holdings as its read stage, then
/// every unused credential set `Inactive` (a password deleted with `--console`).
pub struct Deactivate<S> {
    users: Job<S>,
    rules: deactivate::Rules,
    undo: deactivate_apply::Undo,
}

impl<S: api::Sessions> Deactivate<S> {
    /// Deactivates what `rules` selects after `users` reads it; `undo` is written before each
    /// change.
    pub fn new(users: Job<S>, rules: deactivate::Rules, undo: deactivate_apply::Undo) -> Self {
        Deactivate { users, rules, undo }
    }

    /// The undo record.
    pub fn undo(&self) -> &deactivate_apply::Undo {
        &self.undo
    }
}

impl<S: api::Sessions> job::Job for Deactivate<S> {
    type Finding = Found;
    type Row = Row;
    const SPEC: Spec = DEACTIVATE;

    /// The audit, then the candidates' credentials read again in the audit's own session.
    async fn read(&self, account: &Account) -> Found {
        let users = &self.users;
        let own = account.id == users.caller_account;
        let (audit, session) = audit::audit_in_session(
            &users.sessions,
            &account.id,
            own,
            &users.rules,
            &users.cancel,
        )
        .await;
        let names = deactivate::candidates(&audit, &self.rules);
        let kinds = self.rules.kinds();
        let holdings = match session {
            Some(s) if !names.is_empty() => {
                delete::holdings_in(&s, &names, CANDIDATE_READS, Some(&kinds)).await
            }
            _ => Ok(Default::default()),
        };
        Found { audit, holdings }
    }

    fn rows(&self, read: &Read<Found>) -> Vec<Row> {
        rows::rows(&audit_of(read))
    }
}

impl<S: api::Sessions> job::Change for Deactivate<S> {
    type Step = deactivate::Step;
    type Detail = Vec<switch::Changed>;
    type ChangeRow = deactivate_rows::Row;

    fn plan(&self, account: &Account, found: &Found) -> Entry<deactivate::Step> {
        deactivate::entry(account, &found.audit, &found.holdings, &self.rules)
    }

    async fn apply(
        &self,
        entry: &Entry<deactivate::Step>,
    ) -> Applied<deactivate::Step, Vec<switch::Changed>> {
        let own = entry.account_id == self.users.caller_account;
        let (sessions, cancel) = (&self.users.sessions, &self.users.cancel);
        deactivate_apply::apply(sessions, entry, own, &self.undo, cancel).await
    }

    fn change_rows(
        &self,
        found: Option<&Found>,
        entry: &Entry<deactivate::Step>,
        applied: &Applied<deactivate::Step, Vec<switch::Changed>>,
    ) -> Vec<deactivate_rows::Row> {
        let mut rows = deactivate_rows::rows(entry, applied);
        if let Some(found) = found {
            deactivate_rows::name_credentials(&mut rows, &entry.steps, &found.audit);
        }
        rows
    }
}
