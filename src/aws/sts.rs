//! STS: who is calling, and opening root sessions with `sts:AssumeRoot`.

use super::retry::Effect;
use super::{Aws, Error};
use aws_credential_types::Credentials;

/// The identity behind the management credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Account id.
    pub account: String,
    /// Principal ARN.
    pub arn: String,
    /// Partition taken from the ARN (`aws`, `aws-us-gov`, `aws-cn`).
    pub partition: String,
}

/// The AWS managed root-task policies rootsweep uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPolicy {
    /// Read-only: list and get root credentials.
    Audit,
    /// Delete root credentials (plus the reads the re-check needs).
    Delete,
    /// Create the root user's login profile (no password) and read it.
    CreatePassword,
    /// Read and remove an S3 bucket policy (needs the RootSessions feature).
    S3Unlock,
    /// Read and remove an SQS queue policy (needs the RootSessions feature).
    SqsUnlock,
}

impl TaskPolicy {
    /// The policy's name.
    pub fn name(self) -> &'static str {
        match self {
            TaskPolicy::Audit => "IAMAuditRootUserCredentials",
            TaskPolicy::Delete => "IAMDeleteRootUserCredentials",
            TaskPolicy::CreatePassword => "IAMCreateRootUserPassword",
            TaskPolicy::S3Unlock => "S3UnlockBucketPolicy",
            TaskPolicy::SqsUnlock => "SQSUnlockQueuePolicy",
        }
    }

    /// The policy ARN in a partition.
    pub fn arn(self, partition: &str) -> String {
        format!("arn:{partition}:iam::aws:policy/root-task/{}", self.name())
    }
}

/// The partition named by an ARN (`arn:<partition>:...`).
///
/// ```
/// use rootsweep::aws::sts::partition_of;
/// assert_eq!(partition_of("arn:aws-cn:iam::123456789012:user/admin"), Some("aws-cn"));
/// ```
pub fn partition_of(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    match (parts.next(), parts.next()) {
        (Some("arn"), Some(p)) if !p.is_empty() => Some(p),
        _ => None,
    }
}

impl Aws {
    /// `sts:GetCallerIdentity`.
    pub async fn caller_identity(&self) -> Result<Caller, Error> {
        let out = self
            .send("GetCallerIdentity", || {
                self.sts.get_caller_identity().send()
            })
            .await?;
        let arn = out.arn().unwrap_or_default().to_string();
        Ok(Caller {
            account: out.account().unwrap_or_default().to_string(),
            partition: partition_of(&arn).unwrap_or("aws").to_string(),
            arn,
        })
    }

    /// `sts:AssumeRoot` for a member account under a task policy, for 900 seconds.
    pub async fn assume_root(
        &self,
        account_id: &str,
        policy: TaskPolicy,
        partition: &str,
    ) -> Result<Credentials, Error> {
        self.not_halted("AssumeRoot")?;
        let task_policy = aws_sdk_sts::types::PolicyDescriptorType::builder()
            .arn(policy.arn(partition))
            .build();
        // Paced: each attempt's outcome sets the pace of the next ones. Opening a session
        // changes nothing in the account, so it is a read.
        let out = self
            .send_with("AssumeRoot", Effect::Read, Some(&self.assume_pacer), || {
                self.sts
                    .assume_root()
                    .target_principal(account_id)
                    .task_policy_arn(task_policy.clone())
                    .duration_seconds(900)
                    .send()
            })
            .await
            .inspect_err(|e| self.trip_on_credentials(e))?;
        session_credentials("AssumeRoot", out.credentials())
    }

    /// `Err` naming the earlier refusal once the caller's own credentials were refused in this
    /// run: no session is attempted after that.
    pub(super) fn not_halted(&self, operation: &'static str) -> Result<(), Error> {
        match self.halted() {
            None => Ok(()),
            Some(cause) => Err(Error {
                operation,
                code: cause.code.clone(),
                message: format!(
                    "not attempted: the management credentials were refused earlier in this run ({})",
                    cause.message
                ),
                kind: cause.kind,
                answer_lost: false,
            }),
        }
    }
}

/// A session's credentials from an STS answer (`AssumeRoot`, `AssumeRole`); an answer without
/// them is malformed.
pub fn session_credentials(
    operation: &'static str,
    creds: Option<&aws_sdk_sts::types::Credentials>,
) -> Result<Credentials, Error> {
    let creds = creds.ok_or_else(|| {
        Error::new(
            operation,
            "MalformedResponse",
            "the response carried no credentials",
            super::ErrorKind::Transient,
        )
    })?;
    let expiry = std::time::SystemTime::try_from(creds.expiration).ok();
    Ok(Credentials::new(
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token().to_string()),
        expiry,
        operation,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_comes_from_the_caller_arn() {
        assert_eq!(
            partition_of("arn:aws-us-gov:iam::1:user/x"),
            Some("aws-us-gov")
        );
        assert_eq!(
            partition_of("arn:aws-cn:sts::1:assumed-role/a/b"),
            Some("aws-cn")
        );
        assert_eq!(partition_of("nonsense"), None);
    }

    #[test]
    fn task_policy_arns_use_the_partition() {
        assert_eq!(
            TaskPolicy::Audit.arn("aws-cn"),
            "arn:aws-cn:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
        );
        assert_eq!(
            TaskPolicy::Delete.arn("aws"),
            "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"
        );
    }
}
