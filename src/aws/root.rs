//! The root job's AWS edge: opening root sessions with `sts:AssumeRoot` under the audit or the
//! delete task policy (and `IAMCreateRootUserPassword` for `recover`), and the root-session IAM
//! calls behind the `root::api` and `recover::api` traits. An audit
//! session is a [`api::Read`] only.

use super::iam::RootSession;
use super::sts::TaskPolicy;
use super::{Aws, Error};
use crate::model::LoginProfile;
use crate::recover::api::PasswordSessions;
use crate::root::api;
use crate::root::model::{MfaDevice, SigningCertificate};
use aws_smithy_types::DateTime;

/// Opens root sessions in one partition with the run's shared AWS access.
#[derive(Clone)]
pub struct Sessions {
    aws: Aws,
    partition: String,
}

impl Aws {
    /// Root sessions for member accounts of `partition`.
    pub fn root_sessions(&self, partition: &str) -> Sessions {
        Sessions {
            aws: self.clone(),
            partition: partition.to_string(),
        }
    }
}

/// A session under `IAMAuditRootUserCredentials`: reads only.
pub struct AuditSession(RootSession);

/// A session under `IAMDeleteRootUserCredentials`.
pub struct DeleteSession(RootSession);

impl api::Sessions for Sessions {
    type Read = AuditSession;
    type Change = DeleteSession;

    async fn open_audit(&self, account_id: &str) -> Result<AuditSession, Error> {
        let creds = self
            .aws
            .assume_root(account_id, TaskPolicy::Audit, &self.partition)
            .await?;
        Ok(AuditSession(self.aws.session_iam(creds)))
    }

    async fn open_delete(&self, account_id: &str) -> Result<DeleteSession, Error> {
        let creds = self
            .aws
            .assume_root(account_id, TaskPolicy::Delete, &self.partition)
            .await?;
        Ok(DeleteSession(self.aws.session_iam(creds)))
    }
}

/// Both session kinds read through the same root-session calls.
macro_rules! root_reads {
    ($session:ty) => {
        impl api::Read for $session {
            async fn login_profile(&self) -> Result<Option<LoginProfile>, Error> {
                self.0.login_profile().await
            }
            async fn mfa_devices(&self) -> Result<Vec<MfaDevice>, Error> {
                self.0.mfa_devices().await
            }
            async fn access_key_ids(&self) -> Result<Vec<(String, String)>, Error> {
                self.0.access_key_ids().await
            }
            async fn access_key_last_used(&self, key_id: &str) -> Result<Option<DateTime>, Error> {
                self.0.access_key_last_used(key_id).await
            }
            async fn signing_certificates(&self) -> Result<Vec<SigningCertificate>, Error> {
                self.0.signing_certificates().await
            }
            async fn password_last_used(&self) -> Result<Option<DateTime>, Error> {
                self.0.password_last_used().await
            }
        }
    };
}

root_reads!(AuditSession);
root_reads!(DeleteSession);

impl api::Change for DeleteSession {
    async fn delete_login_profile(&self) -> Result<bool, Error> {
        self.0.delete_login_profile().await
    }

    async fn deactivate_mfa(&self, serial: &str) -> Result<(), Error> {
        self.0.deactivate_mfa(serial).await
    }
}

/// A session under `IAMCreateRootUserPassword`: GetLoginProfile and CreateLoginProfile only.
pub struct PasswordSession(RootSession);

impl PasswordSessions for Sessions {
    type Session = PasswordSession;

    async fn open(&self, account_id: &str) -> Result<PasswordSession, Error> {
        let creds = self
            .aws
            .assume_root(account_id, TaskPolicy::CreatePassword, &self.partition)
            .await?;
        Ok(PasswordSession(self.aws.session_iam(creds)))
    }
}

impl crate::recover::api::PasswordSession for PasswordSession {
    async fn login_profile(&self) -> Result<Option<LoginProfile>, Error> {
        self.0.login_profile().await
    }

    async fn create_login_profile(&self) -> Result<bool, Error> {
        self.0.create_login_profile().await
    }
}
