//! Runtime state: the immutable organization directory plus the root credentials, IAM users,
//! credential reports and sessions that calls change. The mutex is held only for the duration
//! of one operation's bookkeeping.

use crate::sim::world::credentials::RootUser;
use crate::sim::world::dice::Dice;
use crate::sim::world::directory::Directory;
use crate::sim::world::model::{Account, Bucket, Caller, Organization, Ou};
use crate::sim::world::report::Report;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use time::OffsetDateTime;

/// The root-task policies of `sts:AssumeRoot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskPolicy {
    Audit,
    Delete,
    CreatePassword,
    S3Unlock,
    SqsUnlock,
}

impl TaskPolicy {
    const ALL: [(TaskPolicy, &'static str); 5] = [
        (TaskPolicy::Audit, "IAMAuditRootUserCredentials"),
        (TaskPolicy::Delete, "IAMDeleteRootUserCredentials"),
        (TaskPolicy::CreatePassword, "IAMCreateRootUserPassword"),
        (TaskPolicy::S3Unlock, "S3UnlockBucketPolicy"),
        (TaskPolicy::SqsUnlock, "SQSUnlockQueuePolicy"),
    ];

    /// The policy with this short name.
    pub(crate) fn from_name(name: &str) -> Option<TaskPolicy> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(p, _)| *p)
    }

    /// Short name (last ARN segment).
    pub(crate) fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(p, _)| *p == self)
            .map_or("", |(_, n)| n)
    }

    /// The IAM feature that must be enabled to assume this policy.
    pub(crate) fn required_feature(self) -> &'static str {
        match self {
            TaskPolicy::S3Unlock | TaskPolicy::SqsUnlock => "RootSessions",
            _ => "RootCredentialsManagement",
        }
    }
}

/// What a session may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Grant {
    /// A root session (AssumeRoot) under a root-task policy.
    Root(TaskPolicy),
    /// A role session (AssumeRole): full IAM access to the account.
    Role {
        /// Role name.
        role: String,
        /// `RoleSessionName`.
        session_name: String,
    },
}

/// A session issued by AssumeRoot or AssumeRole.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub account: usize,
    pub grant: Grant,
    pub expires: OffsetDateTime,
    pub token: String,
    /// Kept only so `/_sim/sessions` can prove the client never leaks it.
    pub secret: String,
}

impl Session {
    /// The root-task policy of a root session.
    pub(crate) fn task_policy(&self) -> Option<TaskPolicy> {
        match self.grant {
            Grant::Root(p) => Some(p),
            Grant::Role { .. } => None,
        }
    }
}

/// The parts of the world that calls change.
pub(crate) struct Mutable {
    pub roots: Vec<RootUser>,
    /// IAM users and groups, by account index.
    pub iam: Vec<Directory>,
    /// Credential report generation, by account index.
    pub reports: Vec<Report>,
    pub sessions: HashMap<String, Session>,
    /// S3 buckets, by account index.
    pub buckets: Vec<Vec<Bucket>>,
    /// SQS queues, by account index.
    pub queues: Vec<Vec<Bucket>>,
    /// Accounts moved by `[[moves]]` so far (see `moves.rs`).
    pub moved: crate::sim::world::moves::Moved,
    /// Walk calls each `[[moves]]` entry has counted.
    pub move_counts: Vec<u64>,
}

/// The simulated organization.
pub(crate) struct World {
    pub org: Organization,
    pub ous: Vec<Ou>,
    pub callers: HashMap<String, Caller>,
    /// Accounts in listing order; their `root` and `iam` fields are empty (see `Mutable`).
    pub accounts: Vec<Account>,
    pub paths: Vec<String>,
    pub index: HashMap<String, usize>,
    /// The run's seeded randomness (session credentials, request ids).
    pub dice: Arc<Dice>,
    mutable: Mutex<Mutable>,
}

impl World {
    /// Builds the world a scenario describes; random values draw from `dice`.
    pub(crate) fn new(
        org: &Organization,
        ous: &[Ou],
        callers: &[Caller],
        accounts: &[Account],
        dice: Arc<Dice>,
    ) -> World {
        let mut accounts = accounts.to_vec();
        let roots = accounts
            .iter_mut()
            .map(|a| std::mem::take(&mut a.root))
            .collect();
        let iam = accounts
            .iter_mut()
            .map(|a| std::mem::take(&mut a.iam))
            .collect();
        let buckets = accounts
            .iter_mut()
            .map(|a| std::mem::take(&mut a.buckets))
            .collect();
        let queues = accounts
            .iter_mut()
            .map(|a| std::mem::take(&mut a.queues))
            .collect();
        let reports = accounts.iter().map(|_| Report::default()).collect();
        let org = org.clone();
        let ous = ous.to_vec();
        let paths = accounts
            .iter()
            .map(|a| format!("{}{}/", container_path(&org, &ous, &a.parent), a.id))
            .collect();
        World {
            index: accounts
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.clone(), i))
                .collect(),
            callers: callers
                .iter()
                .map(|c| (c.access_key_id.clone(), c.clone()))
                .collect(),
            org,
            ous,
            accounts,
            paths,
            dice,
            mutable: Mutex::new(Mutable {
                roots,
                iam,
                reports,
                sessions: HashMap::new(),
                buckets,
                queues,
                moved: Default::default(),
                move_counts: Vec::new(),
            }),
        }
    }

    /// Locks the mutable state (poisoning is ignored: every update is a single assignment).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Mutable> {
        self.mutable.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Index of an account in the organization.
    pub(crate) fn account(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Whether the account is the management account or any delegated administrator.
    pub(crate) fn is_admin(&self, account: &str) -> bool {
        account == self.org.management_account
            || self
                .org
                .delegated_administrators
                .iter()
                .any(|(a, _)| a == account)
    }

    /// Whether the account may act for IAM centralized root access.
    pub(crate) fn is_iam_admin(&self, account: &str) -> bool {
        account == self.org.management_account
            || self
                .org
                .delegated_administrators
                .iter()
                .any(|(a, p)| a == account && p == "iam.amazonaws.com")
    }

    /// Whether trusted access for IAM is enabled.
    pub(crate) fn iam_trusted(&self) -> bool {
        self.org
            .trusted_access
            .iter()
            .any(|s| s == "iam.amazonaws.com")
    }

    /// `arn:<partition>:organizations::<management>:<kind>/<org>/<id>`.
    pub(crate) fn org_arn(&self, kind: &str, id: &str) -> String {
        let o = &self.org;
        format!(
            "arn:{}:organizations::{}:{kind}/{}/{id}",
            o.partition.as_str(),
            o.management_account,
            o.id
        )
    }

    /// Issues a fresh session.
    pub(crate) fn new_session(
        &self,
        account: usize,
        grant: Grant,
        expires: OffsetDateTime,
    ) -> (String, String, Session) {
        let key = format!("ASIA{}", self.dice.upper(16));
        let secret = self.dice.alphanumeric(40);
        let token = format!("IQoJb3JpZ2luX2VjE{}", self.dice.alphanumeric(300));
        let session = Session {
            account,
            grant,
            expires,
            token,
            secret: secret.clone(),
        };
        self.lock().sessions.insert(key.clone(), session.clone());
        (key, secret, session)
    }
}

/// When a session issued now for `seconds` ends: rounded up to a whole second, so the
/// `Expiration` on the wire (second precision) is exactly when calls start to answer
/// `ExpiredToken`.
pub(crate) fn session_end(seconds: i64) -> OffsetDateTime {
    let end = OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    match end.replace_nanosecond(0) {
        Ok(whole) if whole != end => whole + time::Duration::SECOND,
        _ => end,
    }
}

impl World {
    /// `o-x/r-y/ou-a/ou-b/` for a root or OU of this organization.
    pub(crate) fn container_path(&self, parent: &str) -> String {
        container_path(&self.org, &self.ous, parent)
    }
}

/// `o-x/r-y/ou-a/ou-b/` for a root or OU.
fn container_path(org: &Organization, ous: &[Ou], parent: &str) -> String {
    let mut chain = Vec::new();
    let mut current = parent;
    while let Some(ou) = ous.iter().find(|o| o.id == current) {
        chain.push(ou.id.as_str());
        current = &ou.parent;
    }
    let mut path = format!("{}/{}/", org.id, org.root_id);
    for id in chain.iter().rev() {
        path.push_str(id);
        path.push('/');
    }
    path
}
