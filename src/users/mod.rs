//! The IAM-users job: reads every targeted account's IAM users — the credential report and the
//! authorization details, through a role in member accounts and the caller's own credentials in
//! its own account — and judges each user `active`, `stale` or `new`, with findings. It supplies
//! only what is its own; the pipeline (`crate::run`) does the rest.

pub mod api;
pub mod audit;
pub mod calls;
pub mod delete;
pub mod delete_rows;
#[cfg(test)]
pub mod fake;
pub mod holdings;
pub mod listed;
pub mod model;
pub mod plan;
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
use crate::run::job::{Applied, Change, Entry, Job, Judgement, Read};
use api::UsersSessions;
use delete::UserResult;
use model::{Finding, Verdict};
use plan::{Found, Select, Step};
use restore::Restore;
use rows::Row;
use verdict::Rules;

/// Default `--stale-days`.
pub const DEFAULT_STALE_DAYS: u32 = 90;
/// Default `--role-name`: the role Organizations creates in the accounts it creates.
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// Verdict spellings in the counts table's order.
const VERDICTS: [&str; 6] = [
    "active",
    "stale",
    "new",
    "unverifiable",
    "unknown",
    "skipped",
];

/// The users audit over some way of opening sessions (AWS, or a fake in tests).
pub struct UsersJob<S> {
    sessions: S,
    caller_account: String,
    rules: Rules,
    cancel: Cancel,
}

impl<S: UsersSessions> UsersJob<S> {
    /// A job that reads `caller_account` with the caller's own credentials and every other
    /// account through `sessions`' role; `cancel` ends its waits.
    pub fn new(sessions: S, caller_account: &str, rules: Rules, cancel: Cancel) -> Self {
        UsersJob {
            sessions,
            caller_account: caller_account.to_string(),
            rules,
            cancel,
        }
    }
}

impl<S> UsersJob<S> {
    /// The rules the audit judges by.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }
}

impl<S: UsersSessions> Job for UsersJob<S> {
    type Finding = Finding;
    type ReadRow = Row;

    const READ: &'static str = "users-audit";
    const VERDICTS: &'static [&'static str] = &VERDICTS;
    // The management account is where the most dangerous users tend to live.
    const READS_MANAGEMENT_ACCOUNT: bool = true;
    const ROWS: &'static str = "users";

    async fn read(&self, account: &Account) -> Finding {
        let own = account.id == self.caller_account;
        audit::audit_account(&self.sessions, &account.id, own, &self.rules, &self.cancel).await
    }

    fn judge(&self, finding: &Finding) -> Judgement {
        let unknown = match finding {
            Finding::Unreadable(_) => true,
            Finding::Read(users) => users.iter().any(|u| u.verdict == Verdict::Unknown),
        };
        Judgement {
            verdict: if unknown { "unknown" } else { "read" },
            unknown,
        }
    }

    fn read_rows(&self, read: &Read<Finding>) -> Vec<Row> {
        rows::rows(read)
    }

    fn verdict<'r>(&self, row: &'r Row) -> &'r str {
        &row.verdict
    }

    fn attention_header(&self) -> &'static [&'static str] {
        &["account", "name", "verdict", "error"]
    }

    /// The accounts that could not be read, and the users whose activity is not known: why.
    fn attention(&self, read: &Read<Finding>) -> Vec<Vec<String>> {
        let row = |error: String| {
            vec![
                read.account.id.clone(),
                read.account.name.clone(),
                "unknown".to_string(),
                error,
            ]
        };
        match &read.finding {
            Ok(Finding::Unreadable(e)) => vec![row(e.to_string())],
            Ok(Finding::Read(users)) => users
                .iter()
                .filter(|u| u.verdict == Verdict::Unknown)
                .map(|u| row(format!("user {}: {}", u.detail.name, u.error)))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    fn halted(&self) -> Option<String> {
        self.sessions.halted().map(|e| e.to_string())
    }
}

/// `users delete`: the users audit as its read stage, then the selected users deleted.
pub struct DeleteJob<S> {
    users: UsersJob<S>,
    select: Select,
    restore: Restore,
}

impl<S: UsersSessions> DeleteJob<S> {
    /// Deletes the users `select` names after `users` reads them; `restore` is written before
    /// the first change to each user.
    pub fn new(users: UsersJob<S>, select: Select, restore: Restore) -> Self {
        DeleteJob {
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

/// A change job over the users audit: its read stage is exactly the audit's.
macro_rules! reads_like_the_audit {
    ($job:ident) => {
        impl<S: UsersSessions> Job for $job<S> {
            type Finding = Finding;
            type ReadRow = Row;

            const READ: &'static str = UsersJob::<S>::READ;
            const VERDICTS: &'static [&'static str] = UsersJob::<S>::VERDICTS;
            const READS_MANAGEMENT_ACCOUNT: bool = UsersJob::<S>::READS_MANAGEMENT_ACCOUNT;
            const ROWS: &'static str = UsersJob::<S>::ROWS;

            async fn read(&self, account: &Account) -> Finding {
                self.users.read(account).await
            }
            fn judge(&self, finding: &Finding) -> Judgement {
                self.users.judge(finding)
            }
            fn read_rows(&self, read: &Read<Finding>) -> Vec<Row> {
                self.users.read_rows(read)
            }
            fn verdict<'r>(&self, row: &'r Row) -> &'r str {
                self.users.verdict(row)
            }
            fn attention(&self, read: &Read<Finding>) -> Vec<Vec<String>> {
                self.users.attention(read)
            }
            fn attention_header(&self) -> &'static [&'static str] {
                self.users.attention_header()
            }
            fn halted(&self) -> Option<String> {
                self.users.halted()
            }
        }
    };
}

reads_like_the_audit!(TidyJob);

impl<S: UsersSessions> DeleteJob<S> {
    /// The audit part of a read, as the users audit reports it.
    fn audit(read: &Read<Found>) -> Read<Finding> {
        Read {
            account: read.account.clone(),
            finding: read
                .finding
                .as_ref()
                .map(|f| f.audit.clone())
                .map_err(Clone::clone),
        }
    }
}

/// The users audit, then a read of everything each chosen user holds, for an exact plan.
impl<S: UsersSessions> Job for DeleteJob<S> {
    type Finding = Found;
    type ReadRow = Row;

    const READ: &'static str = UsersJob::<S>::READ;
    const VERDICTS: &'static [&'static str] = UsersJob::<S>::VERDICTS;
    const READS_MANAGEMENT_ACCOUNT: bool = UsersJob::<S>::READS_MANAGEMENT_ACCOUNT;
    const ROWS: &'static str = UsersJob::<S>::ROWS;

    async fn read(&self, account: &Account) -> Found {
        let audit = self.users.read(account).await;
        let holdings = match &audit {
            Finding::Read(users) => {
                let caller = &self.users.rules.caller_arn;
                let names = plan::chosen(&account.id, users, &self.select, caller);
                let own = account.id == self.users.caller_account;
                delete::holdings(&self.users.sessions, &account.id, own, &names).await
            }
            Finding::Unreadable(_) => Ok(Default::default()),
        };
        Found { audit, holdings }
    }
    fn judge(&self, found: &Found) -> Judgement {
        match &found.holdings {
            Ok(_) => self.users.judge(&found.audit),
            Err(_) => Judgement {
                verdict: "unknown",
                unknown: true,
            },
        }
    }
    fn read_rows(&self, read: &Read<Found>) -> Vec<Row> {
        self.users.read_rows(&Self::audit(read))
    }
    fn verdict<'r>(&self, row: &'r Row) -> &'r str {
        self.users.verdict(row)
    }
    /// The audit's, and an account whose chosen users could not be read.
    fn attention(&self, read: &Read<Found>) -> Vec<Vec<String>> {
        let mut rows = self.users.attention(&Self::audit(read));
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
    fn attention_header(&self) -> &'static [&'static str] {
        self.users.attention_header()
    }
    fn halted(&self) -> Option<String> {
        self.users.halted()
    }
}

impl<S: UsersSessions> Change for DeleteJob<S> {
    type Step = Step;
    type ChangeRow = delete_rows::Row;
    type Detail = Vec<UserResult>;

    const CHANGE: &'static str = "users-delete";
    const DONE: &'static str = delete_rows::DELETED;
    const CHANGE_ROWS: &'static str = "users";

    fn plan(&self, account: &Account, found: &Found) -> Entry<Step> {
        plan::entry(account, found, &self.select, &self.users.rules)
    }

    fn scope(&self) -> Vec<&'static str> {
        vec!["iam-users"]
    }

    async fn apply(&self, entry: &Entry<Step>) -> Applied<Step, Vec<UserResult>> {
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
        entry: &Entry<Step>,
        applied: &Applied<Step, Vec<UserResult>>,
    ) -> Vec<delete_rows::Row> {
        delete_rows::rows(entry, applied)
    }
}

/// `users tidy`: the users audit as its read stage, then the redundant direct policies detached.
pub struct TidyJob<S> {
    users: UsersJob<S>,
}

impl<S: UsersSessions> TidyJob<S> {
    /// Detaches the redundant direct policies `users` finds.
    pub fn new(users: UsersJob<S>) -> Self {
        TidyJob { users }
    }
}

impl<S: UsersSessions> Change for TidyJob<S> {
    type Step = tidy::Step;
    type ChangeRow = tidy::Row;
    type Detail = Vec<tidy::Detached>;

    const CHANGE: &'static str = "users-tidy";
    const DONE: &'static str = tidy::DONE;
    const CHANGE_ROWS: &'static str = "detaches";

    fn plan(&self, account: &Account, finding: &Finding) -> Entry<tidy::Step> {
        tidy::entry(account, finding)
    }

    fn scope(&self) -> Vec<&'static str> {
        vec!["redundant-direct-policies"]
    }

    async fn apply(&self, entry: &Entry<tidy::Step>) -> Applied<tidy::Step, Vec<tidy::Detached>> {
        let own = entry.account_id == self.users.caller_account;
        tidy::apply(&self.users.sessions, entry, own, &self.users.cancel).await
    }

    fn change_rows(
        &self,
        entry: &Entry<tidy::Step>,
        applied: &Applied<tidy::Step, Vec<tidy::Detached>>,
    ) -> Vec<tidy::Row> {
        tidy::rows(entry, applied)
    }
}
