//! The IAM-users job: reads every targeted account's IAM users — the credential report and the
//! authorization details, through a role in member accounts and the caller's own credentials in
//! its own account — and judges each user `active`, `stale` or `new`, with findings. It supplies
//! only what is its own; the pipeline (`crate::run`) does the rest.

pub mod api;
pub mod audit;
pub mod calls;
pub mod controls;
pub mod deactivate;
pub mod deactivate_apply;
pub mod deactivate_rows;
pub mod delete;
pub mod delete_rows;
#[cfg(test)]
pub mod fake;
pub mod holdings;
pub mod listed;
pub mod model;
pub mod plan;
pub mod reactivate;
pub mod reactivate_apply;
pub mod report;
pub mod restore;
pub mod rows;
pub mod tidy;
pub mod verdict;

#[cfg(test)]
mod delete_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tidy_tests;

use crate::cancel::Cancel;
use crate::model::Account;
use crate::run::job::{self, Applied, Entry, Judgement, Read, Spec};
use delete::UserOutcome;
use model::{Finding, Verdict};
use plan::{Found, Select, Step};
use restore::Restore;
use rows::Row;
use std::collections::BTreeMap;
use verdict::Rules;

/// Default `--stale-days`.
pub const DEFAULT_STALE_DAYS: u32 = 90;
/// Default `--role-name`: the role Organizations creates in the accounts it creates.
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// The users audit's words (the read stage of every users command).
pub const AUDIT: Spec = Spec {
    read: "users-audit",
    rows: "users",
    verdicts: &[
        "active",
        "stale",
        "new",
        "unverifiable",
        "unknown",
        "skipped",
    ],
    attention: &["account", "name", "verdict", "error"],
    // The management account is where the most dangerous users tend to live.
    reads_management_account: true,
    ..Spec::READ_ONLY
};

/// `users delete`'s words.
pub const DELETE: Spec = Spec {
    change: "users-delete",
    change_rows: "users",
    done: delete_rows::DELETED,
    confirm: "delete IAM users in that many account(s)",
    scope: &["iam-users"],
    ..AUDIT
};

/// `users tidy`'s words.
pub const TIDY: Spec = Spec {
    change: "users-tidy",
    change_rows: "detaches",
    done: tidy::DONE,
    confirm: "detach redundant direct policies in that many account(s)",
    scope: &["redundant-direct-policies"],
    ..AUDIT
};

/// `users deactivate`'s words.
pub const DEACTIVATE: Spec = Spec {
    change: "users-deactivate",
    change_rows: "credentials",
    done: deactivate_rows::DONE,
    confirm: "deactivate unused credentials in that many account(s)",
    scope: &["unused-credentials"],
    ..AUDIT
};

/// `users reactivate`'s words.
pub const REACTIVATE: Spec = Spec {
    read: "users-reactivate-check",
    rows: "credentials",
    verdicts: &[
        "reactivatable",
        "refused",
        "not-reversible",
        "unknown",
        "skipped",
    ],
    attention: &["account", "name", "verdict", "why"],
    reads_management_account: true,
    change: "users-reactivate",
    change_rows: "credentials",
    done: reactivate_apply::DONE,
    confirm: "reactivate credentials in that many account(s)",
    scope: &["deactivated-credentials"],
    ..Spec::READ_ONLY
};

/// The users audit over some way of opening sessions (AWS, or a fake in tests).
pub struct Job<S> {
    sessions: S,
    caller_account: String,
    rules: Rules,
    cancel: Cancel,
}

impl<S: api::Sessions> Job<S> {
    /// A job that reads `caller_account` with the caller's own credentials and every other
    /// account through `sessions`' role; `cancel` ends its waits.
    pub fn new(sessions: S, caller_account: &str, rules: Rules, cancel: Cancel) -> Self {
        Job {
            sessions,
            caller_account: caller_account.to_string(),
            rules,
            cancel,
        }
    }
}

impl<S> Job<S> {
    /// The rules the audit judges by.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }
}

impl job::Finding for Finding {
    fn judge(&self) -> Judgement {
        let unknown = match self {
            Finding::Unreadable(_) => true,
            Finding::Read(users) => users.iter().any(|u| u.verdict == Verdict::Unknown),
        };
        Judgement {
            verdict: if unknown { "unknown" } else { "read" },
            unknown,
        }
    }
}

impl<S: api::Sessions> job::Job for Job<S> {
    type Finding = Finding;
    type Row = Row;
    const SPEC: Spec = AUDIT;

    async fn read(&self, account: &Account) -> Finding {
        let own = account.id == self.caller_account;
        audit::audit_account(&self.sessions, &account.id, own, &self.rules, &self.cancel).await
    }

    fn rows(&self, read: &Read<Finding>) -> Vec<Row> {
        rows::rows(read)
    }
}

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

/// The audit part of a read, as the users audit reports it.
fn audit_of(read: &Read<Found>) -> Read<Finding> {
    Read {
        account: read.account.clone(),
        finding: read
            .finding
            .as_ref()
            .map(|f| f.audit.clone())
            .map_err(Clone::clone),
    }
}

impl job::Finding for Found {
    /// The audit's judgement, unless what the chosen users hold could not be read.
    fn judge(&self) -> Judgement {
        match &self.holdings {
            Ok(_) => self.audit.judge(),
            Err(_) => Judgement {
                verdict: "unknown",
                unknown: true,
            },
        }
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

/// Users of one account whose holdings `users delete` and `users reactivate` read for their
/// plan at the same time, as the audit lists the credentials of a few users at once.
const PLAN_READS: usize = 4;

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
    type Detail = Vec<deactivate_apply::Changed>;
    type ChangeRow = deactivate_rows::Row;

    fn plan(&self, account: &Account, found: &Found) -> Entry<deactivate::Step> {
        deactivate::entry(account, &found.audit, &found.holdings, &self.rules)
    }

    async fn apply(
        &self,
        entry: &Entry<deactivate::Step>,
    ) -> Applied<deactivate::Step, Vec<deactivate_apply::Changed>> {
        let own = entry.account_id == self.users.caller_account;
        let (sessions, cancel) = (&self.users.sessions, &self.users.cancel);
        deactivate_apply::apply(sessions, entry, own, &self.undo, cancel).await
    }

    fn change_rows(
        &self,
        _: Option<&Found>,
        entry: &Entry<deactivate::Step>,
        applied: &Applied<deactivate::Step, Vec<deactivate_apply::Changed>>,
    ) -> Vec<deactivate_rows::Row> {
        deactivate_rows::rows(entry, applied)
    }
}

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
    type Detail = Vec<deactivate_apply::Changed<reactivate::Step>>;
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
