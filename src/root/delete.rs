//! Applies one account's confirmed plan entry: a delete session, a re-check against the plan
//! right before any change, exactly the planned steps (with backoff on IAM's "busy" errors), and
//! a fresh audit session to verify. Nothing the plan did not show is ever removed.

use super::api::{RootChange, RootRead, RootSessions};
use super::model::MfaDevice;
use super::plan::{Scope, Step};
use crate::call::{CallError, ErrorKind};
use crate::cancel::Cancel;
use crate::run::job::{Applied, Entry, Outcome, Verified};
use std::future::Future;
use std::time::Duration;

/// Attempts for a step that IAM answers with EntityTemporarilyUnmodifiable/ConcurrentModification.
const BUSY_ATTEMPTS: u32 = 5;
/// First backoff for those; doubles each time.
const BUSY_BACKOFF: Duration = Duration::from_millis(250);

/// Applies `entry` (a `Change` entry of the confirmed plan) within `scope`.
pub async fn apply<S: RootSessions>(
    sessions: &S,
    entry: &Entry<Step>,
    scope: Scope,
    cancel: &Cancel,
) -> Applied<Step> {
    let session = match sessions.open_delete(&entry.account_id).await {
        Ok(session) => session,
        Err(e) => return failed(Vec::new(), "open delete session", &e),
    };
    let todo = match recheck(&session, entry, scope).await {
        Ok(todo) => todo,
        Err(stop) => return stop,
    };
    if todo.is_empty() {
        // The re-check, a fresh read, shows nothing of the plan left: someone else removed it.
        return Applied {
            outcome: Outcome::AlreadyClean,
            done: Vec::new(),
            verified: Verified::Yes,
            error: "re-check: the planned credentials were already gone".into(),
            detail: (),
        };
    }
    let mut done = Vec::new();
    for step in todo {
        if cancel.is_cancelled() {
            return Applied {
                outcome: Outcome::Interrupted,
                error: format!("interrupted before: {step}"),
                verified: Verified::No,
                done,
                detail: (),
            };
        }
        let result = match &step {
            Step::DeleteLoginProfile => busy_retry(cancel, || session.delete_login_profile())
                .await
                .map(|_| ()),
            Step::DeactivateMfaDevice(serial) => {
                busy_retry(cancel, || session.deactivate_mfa(serial)).await
            }
        };
        match result {
            Ok(()) => done.push(step),
            // Gone since the re-check: nothing left to do for this step.
            Err(e) if e.is_not_found() => {}
            Err(e) => return failed(done, &step.to_string(), &e),
        }
    }
    verify(sessions, entry, scope, done).await
}

/// Reads the in-scope credentials again in the delete session and compares them with the plan:
/// the planned steps still needed, or the account's final result when it must be left alone.
async fn recheck<R: RootRead>(
    session: &R,
    entry: &Entry<Step>,
    scope: Scope,
) -> Result<Vec<Step>, Applied<Step>> {
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
            return Err(match err {
                Some(e) => failed(Vec::new(), "re-check", &e),
                None => Applied::untouched(Outcome::Failed, "re-check: no result"),
            });
        }
    };
    let mut appeared = Vec::new();
    if !keys.is_empty() || !certs.is_empty() {
        appeared.push(format!(
            "{} access key(s) and {} signing certificate(s)",
            keys.len(),
            certs.len()
        ));
    }
    if login.is_some() && !entry.steps.contains(&Step::DeleteLoginProfile) {
        appeared.push("a login profile".into());
    }
    let new_devices: Vec<&MfaDevice> = mfa
        .iter()
        .filter(|d| {
            !entry
                .steps
                .contains(&Step::DeactivateMfaDevice(d.serial.clone()))
        })
        .collect();
    if !new_devices.is_empty() {
        let serials: Vec<&str> = new_devices.iter().map(|d| d.serial.as_str()).collect();
        appeared.push(format!("MFA device(s) {}", serials.join(", ")));
    }
    if !appeared.is_empty() {
        return Err(Applied::untouched(
            Outcome::ChangedSincePlan,
            format!(
                "re-check: {} not in the confirmed plan; nothing changed (run the plan again)",
                appeared.join(" and ")
            ),
        ));
    }
    Ok(entry
        .steps
        .iter()
        .filter(|step| match step {
            Step::DeleteLoginProfile => login.is_some(),
            Step::DeactivateMfaDevice(serial) => mfa.iter().any(|d| &d.serial == serial),
        })
        .cloned()
        .collect())
}

async fn optional<T>(
    wanted: bool,
    call: impl Future<Output = Result<T, CallError>>,
) -> Result<Option<T>, CallError> {
    if wanted {
        call.await.map(Some)
    } else {
        Ok(None)
    }
}

/// Proves the change with a fresh `IAMAuditRootUserCredentials` session: nothing in scope left.
async fn verify<S: RootSessions>(
    sessions: &S,
    entry: &Entry<Step>,
    scope: Scope,
    done: Vec<Step>,
) -> Applied<Step> {
    let session = match sessions.open_audit(&entry.account_id).await {
        Ok(session) => session,
        Err(e) => return failed(done, "verify", &e),
    };
    let (login, mfa) = tokio::join!(
        optional(scope.login_profile, session.login_profile()),
        optional(scope.mfa, session.mfa_devices()),
    );
    let problem = match (login, mfa) {
        (Err(e), _) | (_, Err(e)) => return failed(done, "verify", &e),
        (Ok(Some(Some(_))), _) => Some("the login profile is still present".to_string()),
        (_, Ok(Some(devices))) if !devices.is_empty() => {
            Some(format!("{} MFA device(s) still assigned", devices.len()))
        }
        _ => None,
    };
    match problem {
        None => Applied {
            outcome: Outcome::Done,
            done,
            verified: Verified::Yes,
            error: String::new(),
            detail: (),
        },
        Some(p) => Applied {
            outcome: Outcome::Failed,
            done,
            verified: Verified::No,
            error: format!("verify: {p}"),
            detail: (),
        },
    }
}

/// A step that ended the account: `interrupted` when a signal ended it, else `failed`.
fn failed(done: Vec<Step>, step: &str, e: &CallError) -> Applied<Step> {
    Applied {
        outcome: if e.kind == ErrorKind::Interrupted {
            Outcome::Interrupted
        } else {
            Outcome::Failed
        },
        verified: if done.is_empty() {
            Verified::NotApplicable
        } else {
            Verified::No
        },
        done,
        error: format!("{step}: {e}"),
        detail: (),
    }
}

/// Retries IAM's EntityTemporarilyUnmodifiable / ConcurrentModification with exponential
/// backoff (the SDK does not retry them); other errors return at once. A signal ends the wait.
pub async fn busy_retry<T, F, Fut>(cancel: &Cancel, mut call: F) -> Result<T, CallError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CallError>>,
{
    let mut delay = BUSY_BACKOFF;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(e) if e.kind == ErrorKind::Busy && attempt < BUSY_ATTEMPTS => {
                tracing::debug!(error = %e, attempt, "IAM busy, backing off");
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    () = cancel.cancelled() => return Err(CallError::interrupted(e.operation, Some(&e))),
                }
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
        let result = busy_retry(&Cancel::default(), || async {
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
        let started = tokio::time::Instant::now();
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = busy_retry(&Cancel::default(), || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(busy())
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), BUSY_ATTEMPTS);
        // 250 ms doubling between the five attempts: 250 + 500 + 1000 + 2000.
        assert_eq!(started.elapsed(), Duration::from_millis(3750));
        let calls = AtomicU32::new(0);
        let _ = busy_retry(&Cancel::default(), || async {
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

    #[tokio::test(start_paused = true)]
    async fn a_signal_ends_the_busy_backoff_at_once() {
        let cancel = Cancel::default();
        let calls = AtomicU32::new(0);
        let started = tokio::time::Instant::now();
        let result: Result<(), _> = busy_retry(&cancel, || {
            calls.fetch_add(1, Ordering::SeqCst);
            cancel.cancel(true);
            async { Err(busy()) }
        })
        .await;
        assert_eq!(result.map_err(|e| e.kind), Err(ErrorKind::Interrupted));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(started.elapsed() < BUSY_BACKOFF);
    }
}
