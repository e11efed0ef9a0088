//! The audit of one account: an `IAMAuditRootUserCredentials` session and its checks, run
//! concurrently. Read-only by construction: it only ever holds a [`Read`] session.

use super::api::{Read, Sessions};
use super::model::{AccessKey, Credentials, Finding};

/// Opens an audit session for `account_id` and runs every check.
pub async fn audit_account<S: Sessions>(sessions: &S, account_id: &str) -> Finding {
    match sessions.open_audit(account_id).await {
        Ok(session) => Finding::Audited(Box::new(check_root(&session).await)),
        Err(e) => Finding::NoSession(e),
    }
}

/// Every check of the root user, concurrently; each keeps its own result.
pub async fn check_root<R: Read>(session: &R) -> Credentials {
    let (login_profile, mfa_devices, access_keys, signing_certificates, password_last_used) = tokio::join!(
        session.login_profile(),
        session.mfa_devices(),
        access_keys(session),
        session.signing_certificates(),
        session.password_last_used(),
    );
    Credentials {
        login_profile,
        mfa_devices,
        access_keys,
        signing_certificates,
        password_last_used,
    }
}

/// ListAccessKeys, then GetAccessKeyLastUsed for each key (each lookup keeps its own result).
async fn access_keys<R: Read>(session: &R) -> Result<Vec<AccessKey>, crate::call::Error> {
    let keys = session.access_key_ids().await?;
    let lookups = keys.into_iter().map(|(id, status)| async move {
        let last_used = session.access_key_last_used(&id).await;
        AccessKey {
            id,
            status,
            last_used,
        }
    });
    Ok(futures::future::join_all(lookups).await)
}
