//! The unlock job's seam at the AWS edge: a root session under `S3UnlockBucketPolicy` or
//! `SQSUnlockQueuePolicy` reads and removes one resource's policy, nothing else. `src/aws/`
//! implements it over the SDK; tests implement it in memory.

use crate::call::Error;
use std::future::Future;

/// Which resource policy a run unlocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An S3 bucket policy.
    S3,
    /// An SQS queue policy.
    Sqs,
}

impl Kind {
    /// The root-task policy the sessions are opened with.
    pub fn task_policy(self) -> &'static str {
        match self {
            Kind::S3 => "S3UnlockBucketPolicy",
            Kind::Sqs => "SQSUnlockQueuePolicy",
        }
    }

    /// What a resource is called (`bucket`, `queue`).
    pub fn noun(self) -> &'static str {
        match self {
            Kind::S3 => "bucket",
            Kind::Sqs => "queue",
        }
    }

    /// The call that removes the policy, as the plan shows it.
    pub fn remove_call(self) -> &'static str {
        match self {
            Kind::S3 => "DeleteBucketPolicy",
            Kind::Sqs => "SetQueueAttributes Policy=\"\"",
        }
    }
}

/// A resource's policy as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Current {
    /// The policy document, exactly as the service returned it.
    Policy(String),
    /// The resource has no policy (`NoSuchBucketPolicy`, or no `Policy` attribute).
    NoPolicy,
    /// The resource does not exist (`NoSuchBucket`, `QueueDoesNotExist`).
    NoResource,
}

/// The calls of an unlock session in one account.
pub trait PolicySession {
    /// Reads the resource's policy.
    fn read_policy(&self, resource: &str) -> impl Future<Output = Result<Current, Error>>;
    /// Removes the resource's policy.
    fn remove_policy(&self, resource: &str) -> impl Future<Output = Result<(), Error>>;
}

/// Opens unlock sessions (`sts:AssumeRoot` with the kind's task policy) in member accounts.
pub trait PolicySessions {
    /// Which resource policy these sessions unlock.
    const KIND: Kind;
    /// The session.
    type Session: PolicySession;
    /// AssumeRoot with the unlock task policy.
    fn open(&self, account_id: &str) -> impl Future<Output = Result<Self::Session, Error>>;
}
