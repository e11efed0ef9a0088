//! The unlock job: remove the resource policy of named S3 buckets or SQS queues through
//! `S3UnlockBucketPolicy` / `SQSUnlockQueuePolicy` root sessions — the repair for a policy that
//! denies everyone — saving each policy to `unlock-<UTC>.json` before it is removed. It supplies
//! only what is its own; the pipeline (`crate::run`) does the rest.

pub mod api;
pub mod apply;
pub mod evidence;
pub mod plan;
pub mod rows;
pub mod targets;

#[cfg(test)]
mod tests;

use crate::cancel::Cancel;
use crate::model::Account;
use crate::run::job::{Applied, Change, Entry, Job, Judgement, Read};
use api::{Kind, PolicySession, PolicySessions};
use evidence::Evidence;
use plan::{Finding, Step, VERDICTS};
use rows::{CheckRow, UnlockRow};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// The unlock job over some way of opening unlock sessions.
pub struct UnlockJob<S> {
    sessions: S,
    kind: Kind,
    /// The named resources, by account id, in the order given.
    resources: BTreeMap<String, Vec<String>>,
    evidence: Evidence,
    cancel: Cancel,
    /// Each resource's read verdict, by account id (for the per-resource change rows).
    reads: Mutex<HashMap<String, Vec<(String, &'static str)>>>,
}

impl<S: PolicySessions> UnlockJob<S> {
    /// A job over `resources` (account id → bucket names or queue URLs), saving policies to
    /// `evidence` before their removal.
    pub fn new(
        sessions: S,
        kind: Kind,
        resources: BTreeMap<String, Vec<String>>,
        evidence: Evidence,
        cancel: Cancel,
    ) -> Self {
        UnlockJob {
            sessions,
            kind,
            resources,
            evidence,
            cancel,
            reads: Mutex::default(),
        }
    }

    fn named(&self, account: &str) -> &[String] {
        self.resources.get(account).map_or(&[], Vec::as_slice)
    }
}

impl<S: PolicySessions> Job for UnlockJob<S> {
    type Finding = Finding;
    type ReadRow = CheckRow;

    const READ: &'static str = "unlock-check";
    const VERDICTS: &'static [&'static str] = &VERDICTS;
    // AssumeRoot targets member accounts only.
    const READS_MANAGEMENT_ACCOUNT: bool = false;
    const ROWS: &'static str = "resources";

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
        let verdicts = reads
            .iter()
            .map(|(r, read)| (r.clone(), plan::verdict(read)))
            .collect();
        self.reads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(account.id.clone(), verdicts);
        Finding::Read(reads)
    }

    fn judge(&self, finding: &Finding) -> Judgement {
        let verdict = finding.verdict();
        Judgement {
            verdict,
            unknown: verdict == "unknown",
        }
    }

    fn read_rows(&self, read: &Read<Finding>) -> Vec<CheckRow> {
        rows::check_rows(read, self.named(&read.account.id))
    }

    fn verdict<'r>(&self, row: &'r CheckRow) -> &'r str {
        &row.verdict
    }

    fn attention_header(&self) -> &'static [&'static str] {
        &["account", "name", "verdict", "resource", "error"]
    }

    fn attention(&self, read: &Read<Finding>) -> Vec<Vec<String>> {
        rows::check_rows(read, self.named(&read.account.id))
            .into_iter()
            .filter(|r| r.verdict != "no-policy")
            .map(|r| vec![r.account_id, r.account_name, r.verdict, r.resource, r.error])
            .collect()
    }

    fn halted(&self) -> Option<String> {
        self.sessions.halted().map(|e| e.to_string())
    }
}

impl<S: PolicySessions> Change for UnlockJob<S> {
    type Detail = ();
    const CHANGE_ROWS: &'static str = "resources";
    type Step = Step;
    type ChangeRow = UnlockRow;

    const CHANGE: &'static str = "unlock-result";
    const DONE: &'static str = rows::UNLOCKED;
    const ALREADY: &'static str = rows::ALREADY_UNLOCKED;

    fn plan(&self, account: &Account, finding: &Finding) -> Entry<Step> {
        plan::entry(account, finding, self.kind)
    }

    fn scope(&self) -> Vec<&'static str> {
        vec![match self.kind {
            Kind::S3 => "bucket-policy",
            Kind::Sqs => "queue-policy",
        }]
    }

    async fn apply(&self, entry: &Entry<Step>) -> Applied<Step> {
        apply::apply(&self.sessions, entry, &self.evidence, &self.cancel).await
    }

    fn change_rows(&self, entry: &Entry<Step>, applied: &Applied<Step>) -> Vec<UnlockRow> {
        let reads = self
            .reads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&entry.account_id)
            .cloned()
            .unwrap_or_default();
        rows::unlock_rows(entry, applied, &reads)
    }
}
