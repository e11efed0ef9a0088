//! The guardrails job: for each targeted account, the SCPs and RCPs on its path, read once and
//! evaluated for every root task, as a root session and as long-term root credentials. Read
//! only: it never opens a root session. The management account is not subject to SCPs or RCPs
//! and is never evaluated.

use super::api::{Attached, Kind, Policies};
use super::document::Document;
use super::evaluate::{Decision, Level, Policy};
use super::request::Credentials;
use super::tasks::{judge, Known, Task};
use crate::call::{Error, ErrorKind};
use crate::model::Account;
use crate::run::job::{self, Judgement, Read};

/// One task's decisions, with the action each comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The task.
    pub task: Task,
    /// As a root session.
    pub session: (Decision, Option<&'static str>),
    /// As long-term root credentials.
    pub long_term: (Decision, Option<&'static str>),
}

/// What the job learns of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The management account: SCPs and RCPs never apply to it.
    Management,
    /// The path (root, OUs, the account) and every task's decisions.
    Evaluated {
        /// The targets of the path, top-down.
        path: Vec<String>,
        /// One per task, in [`Task::ALL`] order.
        verdicts: Vec<Verdict>,
    },
    /// A read failed or a document did not parse: nothing is known.
    Failed(Error),
}

/// A decision as reports spell it.
pub fn word(decision: &Decision) -> &'static str {
    match decision {
        Decision::Allowed => "allowed",
        Decision::Denied(_) => "denied",
        Decision::NotAllowed { .. } => "not-allowed",
        Decision::Depends { .. } => "depends",
    }
}

/// Whether an SCP keeps long-term root credentials out of every task: `yes` when each is
/// certainly refused, `no` when one is allowed, else `depends` (CIS AWS Foundations 2.1.2).
pub fn long_term_guardrail(verdicts: &[Verdict]) -> &'static str {
    let refused = |v: &Verdict| {
        matches!(
            v.long_term.0,
            Decision::Denied(_) | Decision::NotAllowed { .. }
        )
    };
    if verdicts.iter().all(refused) {
        "yes"
    } else if verdicts.iter().any(|v| v.long_term.0 == Decision::Allowed) {
        "no"
    } else {
        "depends"
    }
}

impl job::Finding for Finding {
    fn judge(&self) -> Judgement {
        match self {
            Finding::Management => Judgement::of("not-subject"),
            Finding::Failed(_) => Judgement::of("unknown"),
            Finding::Evaluated { verdicts, .. } => {
                let worst = ["denied", "not-allowed", "depends"]
                    .into_iter()
                    .find(|w| verdicts.iter().any(|v| word(&v.session.0) == *w));
                Judgement::of(worst.unwrap_or("allowed"))
            }
        }
    }
}

/// The guardrails job over some way of reading the organization's policies.
pub struct Job<P> {
    policies: P,
    management_account: String,
    org_id: String,
    partition: String,
    region: String,
}

impl<P: Policies> Job<P> {
    /// A job in organization `org_id` (`management_account` is never evaluated); S3 and SQS
    /// calls are taken to go to `region`.
    pub fn new(
        policies: P,
        management_account: &str,
        org_id: &str,
        partition: &str,
        region: &str,
    ) -> Self {
        Job {
            policies,
            management_account: management_account.into(),
            org_id: org_id.into(),
            partition: partition.into(),
            region: region.into(),
        }
    }

    /// The policy reads it goes through.
    pub fn policies(&self) -> &P {
        &self.policies
    }

    /// Reads and evaluates one account.
    pub async fn evaluate(&self, account: &Account) -> Finding {
        if account.id == self.management_account {
            return Finding::Management;
        }
        let levels = match self.levels(account).await {
            Ok(levels) => levels,
            Err(e) => return Finding::Failed(e),
        };
        let known = Known {
            partition: &self.partition,
            account: &account.id,
            org_id: &self.org_id,
            region: &self.region,
        };
        let verdicts = Task::ALL
            .iter()
            .map(|&task| Verdict {
                task,
                session: judge(&levels, task, &known, Credentials::RootSession),
                long_term: judge(&levels, task, &known, Credentials::LongTermRoot),
            })
            .collect();
        Finding::Evaluated {
            path: levels.into_iter().map(|l| l.target).collect(),
            verdicts,
        }
    }

    /// One action's decision as a root session of `account_id`, its path found with
    /// `ListParents`; `None` for the management account, which no SCP or RCP governs.
    pub async fn decide(&self, account_id: &str, action: &str) -> Result<Option<Decision>, Error> {
        if account_id == self.management_account {
            return Ok(None);
        }
        let account = Account {
            id: account_id.to_string(),
            name: String::new(),
            email: String::new(),
            state: String::new(),
            ou_path: String::new(),
            ou_ids: String::new(),
        };
        let levels = self.levels(&account).await?;
        let known = Known {
            partition: &self.partition,
            account: account_id,
            org_id: &self.org_id,
            region: &self.region,
        };
        let request = super::tasks::request(action, &known, Credentials::RootSession);
        Ok(Some(super::tasks::decide(&levels, &request)))
    }

    /// The path's levels with their policies: from the account's listed ancestry when known,
    /// else from `ListParents`.
    async fn levels(&self, account: &Account) -> Result<Vec<Level>, Error> {
        let mut path: Vec<String> = if account.ou_ids.is_empty() {
            self.policies.parents(&account.id).await?
        } else {
            account.ou_ids.split('/').map(str::to_string).collect()
        };
        path.push(account.id.clone());
        let levels = path.into_iter().map(|target| async move {
            let (scps, rcps) = futures::future::try_join(
                self.attached(&target, Kind::Scp),
                self.attached(&target, Kind::Rcp),
            )
            .await?;
            Ok::<_, Error>(Level { target, scps, rcps })
        });
        futures::future::try_join_all(levels).await
    }

    async fn attached(&self, target: &str, kind: Kind) -> Result<Vec<Policy>, Error> {
        let listed = self.policies.attached(target, kind).await?;
        let parsed = listed.into_iter().map(|Attached { id, name }| async move {
            let text = self.policies.content(&id).await?;
            let document = Document::parse(&text).map_err(|e| {
                let message = format!("policy {id} ({name}) cannot be evaluated: {e}");
                Error::new(
                    "DescribePolicy",
                    "MalformedPolicy",
                    &message,
                    ErrorKind::Other,
                )
            })?;
            Ok::<_, Error>(Policy { id, name, document })
        });
        futures::future::try_join_all(parsed).await
    }
}

impl<P: Policies> job::Job for Job<P> {
    type Finding = Finding;
    type Row = super::rows::Row;
    const SPEC: job::Spec = super::rows::SPEC;

    async fn read(&self, account: &Account) -> Finding {
        self.evaluate(account).await
    }

    fn rows(&self, read: &Read<Finding>) -> Vec<super::rows::Row> {
        super::rows::rows(read)
    }
}
