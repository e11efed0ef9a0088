//! `users reactivate` as a job of the pipeline: a fresh read of the users an undo record names,
//! then exactly the record's credentials still as it left them set `Active` again (the plan is
//! `reactivate.rs`'s, the changes and rows `reactivate_apply.rs`'s).

use super::audit_job::Job;
use super::{api, deactivate, delete, reactivate, reactivate_apply, switch, REACTIVATE};
use crate::model::Account;
use crate::run::job::{self, Applied, Entry, Judgement, Read, Spec};
use std::collections::BTreeMap;

/// Users of one account whose holdings `users delete` and `users reactivate` read for their
/// plan at the same time, as the audit lists the credentials of a few users at once.
const PLAN_READS: usize = 4;

/// `users reactivate`: a fresh read of the users an undo record names, then exactly the
/// record's credentials still as it left them set `Active` again.
pub struct Reactivate<S> {
    users: Job<S>,
    wanted: BTreeMap<String, Vec<reactivate::Recorded>>,
}

impl<S: api::Sessions> Reactivate<S> {
    /// Reactivates `wanted` (the record's credentials `--only` keeps) through `users`'
    /// sessions.
    pub fn new(users: Job<S>, wanted: Vec<reactivate::Recorded>) -> Self {
        let mut by_account: BTreeMap<String, Vec<reactivate::Recorded>> = BTreeMap::new();
        for c in wanted {
            by_account.entry(c.account_id.clone()).or_default().push(c);
        }
        Reactivate {
            users,
            wanted: by_account,
        }
    }
}

impl job::Finding for reactivate::Found {
    fn judge(&self) -> Judgement {
        Judgement::of(if self.holdings.is_err() {
            "unknown"
        } else {
            "read"
        })
    }
}

impl<S: api::Sessions> job::Job for Reactivate<S> {
    type Finding = reactivate::Found;
    type Row = reactivate_apply::Row;
    const SPEC: Spec = REACTIVATE;

    async fn read(&self, account: &Account) -> reactivate::Found {
        let wanted = self.wanted.get(&account.id).cloned().unwrap_or_default();
        // Only the users of reversible credentials are read: an account whose record holds
        // only deleted passwords needs no session (nothing there can be reactivated).
        let mut names: Vec<&str> = wanted
            .iter()
            .filter(|c| c.reversible)
            .map(|c| c.user_name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        let own = account.id == self.users.caller_account;
        // Only the listings of the recorded kinds.
        let mut kinds: Vec<deactivate::Kind> = wanted
            .iter()
            .filter(|c| c.reversible)
            .map(|c| c.credential_type)
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        let (sessions, at_once) = (&self.users.sessions, PLAN_READS);
        let holdings =
            delete::holdings(sessions, &account.id, own, &names, at_once, Some(&kinds)).await;
        reactivate::Found { wanted, holdings }
    }

    fn rows(&self, read: &Read<reactivate::Found>) -> Vec<reactivate_apply::Row> {
        reactivate_apply::read_rows(read)
    }
}

impl<S: api::Sessions> job::Change for Reactivate<S> {
    type Step = reactivate::Step;
    type Detail = Vec<switch::Changed<reactivate::Step>>;
    type ChangeRow = reactivate_apply::Row;

    fn plan(&self, account: &Account, found: &reactivate::Found) -> Entry<reactivate::Step> {
        reactivate::entry(account, found)
    }

    async fn apply(
        &self,
        entry: &Entry<reactivate::Step>,
    ) -> Applied<reactivate::Step, Self::Detail> {
        let own = entry.account_id == self.users.caller_account;
        reactivate_apply::apply(&self.users.sessions, entry, own, &self.users.cancel).await
    }

    fn change_rows(
        &self,
        found: Option<&reactivate::Found>,
        entry: &Entry<reactivate::Step>,
        applied: &Applied<reactivate::Step, Self::Detail>,
    ) -> Vec<reactivate_apply::Row> {
        reactivate_apply::rows(found, entry, applied)
    }
}
