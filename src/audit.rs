//! The audit of one account: an `IAMAuditRootUserCredentials` session and its checks, run
//! concurrently. Read-only by construction: it calls no mutating operation.

use crate::aws::iam::RootSession;
use crate::aws::sts::TaskPolicy;
use crate::aws::Aws;
use crate::model::{Finding, RootCredentials};

/// Opens an audit session for `account_id` and runs every check.
pub async fn audit_account(aws: &Aws, partition: &str, account_id: &str) -> Finding {
    match aws
        .assume_root(account_id, TaskPolicy::Audit, partition)
        .await
    {
        Ok(credentials) => {
            Finding::Audited(Box::new(check_root(&aws.session_iam(credentials)).await))
        }
        Err(e) => Finding::NoSession(e),
    }
}

/// Every check of the root user, concurrently; each keeps its own result.
pub async fn check_root(session: &RootSession) -> RootCredentials {
    let (login_profile, mfa_devices, access_keys, signing_certificates, password_last_used) = tokio::join!(
        session.login_profile(),
        session.mfa_devices(),
        session.access_keys(),
        session.signing_certificates(),
        session.password_last_used(),
    );
    RootCredentials {
        login_profile,
        mfa_devices,
        access_keys,
        signing_certificates,
        password_last_used,
    }
}
