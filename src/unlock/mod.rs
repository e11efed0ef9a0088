//! The unlock job: remove the resource policy of named S3 buckets or SQS queues through
//! `S3UnlockBucketPolicy` / `SQSUnlockQueuePolicy` root sessions — the repair for a policy that
//! denies everyone — saving each policy to `unlock-<UTC>.json` before it is removed. It supplies
//! only what is its own; the pipeline (`crate::run`) does the rest.

pub mod api;
pub mod apply;
pub mod evidence;
pub mod plan;
pub mod queue_url;
pub mod rows;
pub mod targets;

#[cfg(test)]
mod tests;

use crate::cancel::Cancel;
use crate::model::Account;
use crate::run::job::{self, Applied, Entry, Judgement, Read, Spec};
use api::{Kind, PolicySession, PolicySessions};
use evidence::Evidence;
use plan::{Finding, Step, VERDICTS};
use std::collections::BTreeMap;

/// The unlock job over some way of opening unlock sessions.
pub struct Job<S> {
    sessions: S,
    /// The named resources, by account id, in the order given.
    resources: BTreeMap<String, Vec<String>>,
    evidence: Evidence,
    cancel: Cancel,
}

impl<S: PolicySessions> Job<S> {
    /// A job over `resources` (account id → bucket names or queue URLs), saving policies to
    /// `evidence` before their removal.
    pub fn new(
        sessions: S,
        resources: BTreeMap<String, Vec<String>>,
        evidence: Evidence,
        cancel: Cancel,
    ) -> Self {
        Job {
            sessions,
            resources,
            evidence,
            cancel,
        }
    }

    fn named(&self, account: &str) -> &[String] {
        self.resources.get(account).map_or(&[], Vec::as_slice)
    }
}

/// The unlock job's words for one kind of resource policy.
pub const fn spec(kind: Kind) -> Spec {
    let (confirm, scope): (&str, &[&str]) = match kind {
        Kind::S3 => (
            "remove the bucket policies shown in that many account(s)",
            &["bucket-policy"],
        ),
        Kind::Sqs => (
            "remove the queue policies shown in that many account(s)",
            &["queue-policy"],
        ),
    };
    Spec {
        read: "unlock-check",
        rows: "resources",
        verdicts: &VERDICTS,
        attention: &["account", "name", "verdict", "resource", "error"],
        // AssumeRoot targets member accounts only.
        reads_management_account: false,
        change: "unlock-result",
        change_rows: "resources",
        done: rows::UNLOCKED,
        already: rows::ALREADY_UNLOCKED,
        confirm,
        scope,
    }
}

impl job::Finding for Finding {
    fn judge(&self) -> Judgement {
        Judgement::of(self.verdict())
    }
}

impl<S: PolicySessions> job::Job for Job<S> {
    type Finding = Finding;
    type Row = rows::Check;
    const SPEC: Spec = spec(S::KIND);

    async fn read(&self, account: &Account) -> Finding {
        if self.named(&account.id).is_empty() {
            // Nothing named here: no session is opened.
            return Finding::Read(Vec::new());
        }
        let session = match self.sessions.open(&account.id).await {
            Ok(session) => session,
            Err(e) => return Finding::NoSession(e),
        };
        let mut reads = Vec::new();
        for resource in self.named(&account.id) {
            reads.push((resource.clone(), session.read_policy(resource).await));
        }
        Finding::Read(reads)
    }

    fn rows(&self, read: &Read<Finding>) -> Vec<rows::Check> {
        rows::check_rows(read, self.named(&read.account.id))
    }
}

impl<S: PolicySessions> job::Change for Job<S> {
    type Step = Step;
    type Detail = ();
    type ChangeRow = rows::Row;

    fn plan(&self, account: &Account, finding: &Finding) -> Entry<Step> {
        plan::entry(account, finding, S::KIND)
    }

    async fn apply(&self, entry: &Entry<Step>) -> Applied<Step> {
        let unit = apply::Unlock {
            sessions: &self.sessions,
            entry,
            evidence: &self.evidence,
        };
        let open = self.sessions.open(&entry.account_id);
        crate::run::apply::account(open, "open session", &unit, &self.cancel).await
    }

    /// One row per named resource, with each resource's read verdict; a resource of an
    /// account whose read opened no session (or made no finding) reads as `unknown`.
    fn change_rows(
        &self,
        finding: Option<&Finding>,
        entry: &Entry<Step>,
        applied: &Applied<Step>,
    ) -> Vec<rows::Row> {
        let reads: Vec<(String, &'static str)> = match finding {
            Some(Finding::Read(reads)) => reads
                .iter()
                .map(|(r, read)| (r.clone(), plan::verdict(read)))
                .collect(),
            Some(Finding::NoSession(_)) | None => self
                .named(&entry.account_id)
                .iter()
                .map(|r| (r.clone(), "unknown"))
                .collect(),
        };
        rows::unlock_rows(entry, applied, &reads)
    }
}
