//! The users audit as a job of the pipeline: its read (every targeted account's IAM users,
//! judged) and its rows. Every other users command reads through it; it changes nothing.

use super::model::{Finding, Verdict};
use super::plan::Found;
use super::rows::{self, Row};
use super::verdict::Rules;
use super::AUDIT;
use super::{api, audit};
use crate::cancel::Cancel;
use crate::model::Account;
use crate::run::job::{self, Judgement, Read, Spec};

/// The users audit over some way of opening sessions (AWS, or a fake in tests).
pub struct Job<S> {
    pub(super) sessions: S,
    pub(super) caller_account: String,
    pub(super) rules: Rules,
    pub(super) cancel: Cancel,
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

/// The audit part of a read, as the users audit reports it.
pub(super) fn audit_of(read: &Read<Found>) -> Read<Finding> {
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
