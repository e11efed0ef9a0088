//! `users tidy` as a job of the pipeline: exactly the users audit as its read stage, then the
//! redundant direct policies detached (`tidy.rs` owns the plan, the detaches and the rows).

use super::audit_job::Job;
use super::model::Finding;
use super::rows::{self, Row};
use super::{api, tidy, TIDY};
use crate::model::Account;
use crate::run::job::{self, Applied, Entry, Read, Spec};

/// `users tidy`: the users audit as its read stage, then the redundant direct policies detached.
pub struct Tidy<S> {
    users: Job<S>,
}

impl<S: api::Sessions> Tidy<S> {
    /// Detaches the redundant direct policies `users` finds.
    pub fn new(users: Job<S>) -> Self {
        Tidy { users }
    }
}

/// Exactly the users audit as its read stage.
impl<S: api::Sessions> job::Job for Tidy<S> {
    type Finding = Finding;
    type Row = Row;
    const SPEC: Spec = TIDY;

    async fn read(&self, account: &Account) -> Finding {
        self.users.read(account).await
    }

    fn rows(&self, read: &Read<Finding>) -> Vec<Row> {
        rows::rows(read)
    }
}

impl<S: api::Sessions> job::Change for Tidy<S> {
    type Step = tidy::Step;
    type Detail = Vec<tidy::Detached>;
    type ChangeRow = tidy::Row;

    fn plan(&self, account: &Account, finding: &Finding) -> Entry<tidy::Step> {
        tidy::entry(account, finding)
    }

    async fn apply(&self, entry: &Entry<tidy::Step>) -> Applied<tidy::Step, Vec<tidy::Detached>> {
        let own = entry.account_id == self.users.caller_account;
        tidy::apply(&self.users.sessions, entry, own, &self.users.cancel).await
    }

    fn change_rows(
        &self,
        _: Option<&Finding>,
        entry: &Entry<tidy::Step>,
        applied: &Applied<tidy::Step, Vec<tidy::Detached>>,
    ) -> Vec<tidy::Row> {
        tidy::rows(entry, applied)
    }
}
