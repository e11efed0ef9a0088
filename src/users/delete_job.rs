//! `users delete` as a job of the pipeline: the users audit, then a read of everything each
//! chosen user holds (for an exact plan), then the chosen users deleted. The steps are
//! `delete.rs`'s and `plan.rs`'s; this file only wires them into the pipeline.

use super::audit_job::{audit_of, Job};
use super::delete::{self, UserOutcome};
use super::model::Finding;
use super::plan::{self, Found, Select, Step};
use super::restore::Restore;
use super::rows::{self, Row};
use super::{api, delete_rows, DELETE};
use crate::model::Account;
use crate::run::job::{self, Applied, Entry, Read, Spec};

/// `users delete`: the users audit as its read stage, then the selected users deleted.
pub struct Delete<S> {
    users: Job<S>,
    select: Select,
    restore: Restore,
}

impl<S: api::Sessions> Delete<S> {
    /// Deletes the users `select` names after `users` reads them; `restore` is written before
    /// the first change to each user.
    pub fn new(users: Job<S>, select: Select, restore: Restore) -> Self {
        Delete {
            users,
            select,
            restore,
        }
    }

    /// The restore record.
    pub fn restore(&self) -> &Restore {
        &self.restore
    }
}

/// The users audit, then a read of everything each chosen user holds, for an exact plan.
impl<S: api::Sessions> job::Job for Delete<S> {
    type Finding = Found;
    type Row = Row;
    const SPEC: Spec = DELETE;

    async fn read(&self, account: &Account) -> Found {
        let audit = self.users.read(account).await;
        let holdings = match &audit {
            Finding::Read(users) => {
                let caller = &self.users.rules.caller_arn;
                let names = plan::chosen(&account.id, users, &self.select, caller);
                let own = account.id == self.users.caller_account;
                delete::holdings(&self.users.sessions, &account.id, own, &names, 1, None).await
            }
            Finding::Unreadable(_) => Ok(Default::default()),
        };
        Found { audit, holdings }
    }

    fn rows(&self, read: &Read<Found>) -> Vec<Row> {
        rows::rows(&audit_of(read))
    }

    /// The audit's, and an account whose chosen users could not be read.
    fn attention(&self, read: &Read<Found>) -> Vec<Vec<String>> {
        let mut rows = self.users.attention(&audit_of(read));
        if let Ok(Found {
            holdings: Err(e), ..
        }) = &read.finding
        {
            rows.push(vec![
                read.account.id.clone(),
                read.account.name.clone(),
                "unknown".into(),
                format!("the users to delete could not be read: {e}"),
            ]);
        }
        rows
    }
}

impl<S: api::Sessions> job::Change for Delete<S> {
    type Step = Step;
    type Detail = Vec<UserOutcome>;
    type ChangeRow = delete_rows::Row;

    fn plan(&self, account: &Account, found: &Found) -> Entry<Step> {
        plan::entry(account, found, &self.select, &self.users.rules)
    }

    async fn apply(&self, entry: &Entry<Step>) -> Applied<Step, Vec<UserOutcome>> {
        let own = entry.account_id == self.users.caller_account;
        let ctx = delete::Context {
            caller_arn: &self.users.rules.caller_arn,
            restore: &self.restore,
            cancel: &self.users.cancel,
        };
        delete::apply(&self.users.sessions, entry, own, &ctx).await
    }

    fn change_rows(
        &self,
        _: Option<&Found>,
        entry: &Entry<Step>,
        applied: &Applied<Step, Vec<UserOutcome>>,
    ) -> Vec<delete_rows::Row> {
        delete_rows::rows(entry, applied)
    }
}
