//! The cleanup of one account: a delete session, a re-check right before any change, the
//! deletions (with backoff on IAM's "busy" errors), and a fresh audit session to verify.

use crate::aws::iam::RootSession;
use crate::aws::sts::TaskPolicy;
use crate::aws::{Aws, CallError, ErrorKind};
use crate::model::Account;
use crate::plan::Scope;
use crate::report::delete::{Outcome, Row};
use std::future::Future;
use std::time::Duration;

/// Attempts for a step that IAM answers with EntityTemporarilyUnmodifiable/ConcurrentModification.
const BUSY_ATTEMPTS: u32 = 5;
/// First backoff for those; doubles each time.
const BUSY_BACKOFF: Duration = Duration::from_millis(250);

/// What happened to one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Result {
    /// The outcome.
    pub outcome: Outcome,
    /// `Some(true)` deleted by this run, `Some(false)` failed, `None` not applicable.
    pub login_profile_deleted: Option<bool>,
    /// MFA devices deactivated by this run.
    pub mfa_deactivated: usize,
    /// Whether a verification proved the final state.
    pub verified: bool,
    /// The failed step and error, or why the account was skipped.
    pub error: String,
}

impl Result {
    /// An outcome with no changes made.
    pub fn untouched(outcome: Outcome, verified: bool, error: impl Into<String>) -> Self {
        Result {
            outcome,
            login_profile_deleted: None,
            mfa_deactivated: 0,
            verified,
            error: error.into(),
        }
    }

    /// The report row for an account.
    pub fn row(&self, account: &Account) -> Row {
        Row {
            account_id: account.id.clone(),
            account_name: account.name.clone(),
            outcome: self.outcome.as_str().to_string(),
            login_profile_deleted: match self.login_profile_deleted {
                Some(true) => "yes",
                Some(false) => "no",
                None => "n/a",
            }
            .to_string(),
            mfa_deactivated: self.mfa_deactivated.to_string(),
            verified: if self.verified { "yes" } else { "no" }.to_string(),
            error: self.error.clone(),
        }
    }
}

/// Cleans one eligible account within `scope`.
pub async fn delete_account(aws: &Aws, partition: &str, account_id: &str, scope: Scope) -> Result {
    let session = match aws
        .assume_root(account_id, TaskPolicy::Delete, partition)
        .await
    {
        Ok(creds) => aws.session_iam(creds),
        Err(e) => return failed(None, 0, "open delete session", &e),
    };

    // Re-check right before changing anything: the audit may be minutes old.
    let (keys, certs, login, mfa) = tokio::join!(
        session.access_key_ids(),
        session.signing_certificates(),
        optional(scope.login_profile, session.login_profile()),
        optional(scope.mfa, session.mfa_devices()),
    );
    let (keys, certs, login, mfa) = match (keys, certs, login, mfa) {
        (Ok(k), Ok(c), Ok(l), Ok(m)) => (k, c, l.flatten(), m.unwrap_or_default()),
        (k, c, l, m) => {
            let err = [k.err(), c.err(), l.err(), m.err()]
                .into_iter()
                .flatten()
                .next();
            return match err {
                Some(e) => failed(None, 0, "re-check", &e),
                None => Result::untouched(Outcome::Failed, false, "re-check: no result"),
            };
        }
    };
    if !keys.is_empty() || !certs.is_empty() {
        return Result::untouched(
            Outcome::SkippedBlocked,
            false,
            format!(
                "re-check: {} access key(s) and {} signing certificate(s) appeared since the audit; nothing changed",
                keys.len(),
                certs.len()
            ),
        );
    }
    if login.is_none() && mfa.is_empty() {
        return Result::untouched(Outcome::AlreadyClean, true, "");
    }

    let mut login_deleted = None;
    if login.is_some() {
        match busy_retry(|| session.delete_login_profile()).await {
            Ok(deleted) => login_deleted = deleted.then_some(true),
            Err(e) => return failed(Some(false), 0, "delete login profile", &e),
        }
    }
    let mut deactivated = 0;
    for device in &mfa {
        match busy_retry(|| session.deactivate_mfa(&device.serial)).await {
            Ok(()) => deactivated += 1,
            // Already gone (deactivated by someone else since the re-check): nothing to do.
            Err(e) if e.is_not_found() => {}
            Err(e) => {
                let step = format!("deactivate MFA device {}", device.serial);
                return failed(login_deleted, deactivated, &step, &e);
            }
        }
    }
    verify(
        aws,
        partition,
        account_id,
        scope,
        login_deleted,
        deactivated,
    )
    .await
}

async fn optional<T>(
    wanted: bool,
    call: impl Future<Output = std::result::Result<T, CallError>>,
) -> std::result::Result<Option<T>, CallError> {
    if wanted {
        call.await.map(Some)
    } else {
        Ok(None)
    }
}

/// Proves the change with a fresh `IAMAuditRootUserCredentials` session.
async fn verify(
    aws: &Aws,
    partition: &str,
    account_id: &str,
    scope: Scope,
    login_deleted: Option<bool>,
    deactivated: usize,
) -> Result {
    let session: RootSession = match aws
        .assume_root(account_id, TaskPolicy::Audit, partition)
        .await
    {
        Ok(creds) => aws.session_iam(creds),
        Err(e) => return failed(login_deleted, deactivated, "verify", &e),
    };
    let (login, mfa) = tokio::join!(
        optional(scope.login_profile, session.login_profile()),
        optional(scope.mfa, session.mfa_devices()),
    );
    let problem = match (login, mfa) {
        (Err(e), _) | (_, Err(e)) => return failed(login_deleted, deactivated, "verify", &e),
        (Ok(Some(Some(_))), _) => Some("the login profile is still present".to_string()),
        (_, Ok(Some(devices))) if !devices.is_empty() => {
            Some(format!("{} MFA device(s) still assigned", devices.len()))
        }
        _ => None,
    };
    Result {
        outcome: if problem.is_some() {
            Outcome::Failed
        } else {
            Outcome::Deleted
        },
        login_profile_deleted: login_deleted,
        mfa_deactivated: deactivated,
        verified: problem.is_none(),
        error: problem.map(|p| format!("verify: {p}")).unwrap_or_default(),
    }
}

fn failed(login_deleted: Option<bool>, deactivated: usize, step: &str, e: &CallError) -> Result {
    Result {
        outcome: Outcome::Failed,
        login_profile_deleted: login_deleted,
        mfa_deactivated: deactivated,
        verified: false,
        error: format!("{step}: {e}"),
    }
}

/// Retries IAM's EntityTemporarilyUnmodifiable / ConcurrentModification with exponential
/// backoff (the SDK does not retry them); other errors return at once.
pub async fn busy_retry<T, F, Fut>(mut call: F) -> std::result::Result<T, CallError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<T, CallError>>,
{
    let mut delay = BUSY_BACKOFF;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(e) if e.kind == ErrorKind::Busy && attempt < BUSY_ATTEMPTS => {
                tracing::debug!(error = %e, attempt, "IAM busy, backing off");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn busy() -> CallError {
        CallError::new(
            "DeleteLoginProfile",
            "EntityTemporarilyUnmodifiable",
            "busy",
            ErrorKind::Busy,
        )
    }

    #[tokio::test(start_paused = true)]
    async fn busy_errors_are_retried_until_success() {
        let calls = AtomicU32::new(0);
        let result = busy_retry(|| async {
            if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                Err(busy())
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(result, Ok(7));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn busy_retries_give_up_and_other_errors_are_not_retried() {
        let calls = AtomicU32::new(0);
        let result: std::result::Result<(), _> = busy_retry(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(busy())
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), BUSY_ATTEMPTS);
        let calls = AtomicU32::new(0);
        let _ = busy_retry(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(CallError::new(
                "X",
                "AccessDenied",
                "no",
                ErrorKind::AccessDenied,
            ))
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn rows_spell_outcomes_as_documented() {
        let account = Account {
            id: "222222222222".into(),
            name: "prod".into(),
            email: String::new(),
            state: "ACTIVE".into(),
            ou_path: String::new(),
        };
        let r = Result {
            outcome: Outcome::Deleted,
            login_profile_deleted: Some(true),
            mfa_deactivated: 2,
            verified: true,
            error: String::new(),
        };
        assert_eq!(
            r.row(&account).fields(),
            ["222222222222", "prod", "deleted", "yes", "2", "yes", ""]
        );
        let skipped = Result::untouched(Outcome::SkippedBlocked, false, "why");
        assert_eq!(skipped.row(&account).login_profile_deleted, "n/a");
    }
}
