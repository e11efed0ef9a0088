//! Applies one account's confirmed recovery: a fresh `IAMCreateRootUserPassword` session, a
//! re-check that there is still no login profile, CreateLoginProfile without a password (with
//! backoff on IAM's "busy" errors), and a second fresh session to verify.

use super::api::{PasswordSession, PasswordSessions};
use super::plan::Step;
use crate::call::{CallError, ErrorKind};
use crate::cancel::Cancel;
use crate::root::delete::busy_retry;
use crate::run::job::{Applied, Entry, Outcome, Verified};

/// Applies `entry` (a `Change` entry of the confirmed plan).
pub async fn apply<S: PasswordSessions>(
    sessions: &S,
    entry: &Entry<Step>,
    cancel: &Cancel,
) -> Applied<Step> {
    let session = match sessions.open(&entry.account_id).await {
        Ok(session) => session,
        Err(e) => return failed(Vec::new(), "open session", &e),
    };
    match session.login_profile().await {
        Err(e) => return failed(Vec::new(), "re-check", &e),
        Ok(Some(_)) => return already("re-check: a login profile exists already"),
        Ok(None) => {}
    }
    if cancel.is_cancelled() {
        return Applied {
            detail: (),
            outcome: Outcome::Interrupted,
            done: Vec::new(),
            verified: Verified::NotApplicable,
            error: format!("interrupted before: {}", Step::CreateLoginProfile),
        };
    }
    match busy_retry(cancel, || session.create_login_profile()).await {
        Ok(true) => {}
        // Created by someone else between the re-check and this call.
        Ok(false) => {
            return already("CreateLoginProfile: EntityAlreadyExists: created by someone else")
        }
        Err(e) => return failed(Vec::new(), &Step::CreateLoginProfile.to_string(), &e),
    }
    verify(sessions, entry).await
}

/// Nothing was needed: the login profile exists (a fresh read showed it).
fn already(why: &str) -> Applied<Step> {
    Applied {
        detail: (),
        outcome: Outcome::AlreadyClean,
        done: Vec::new(),
        verified: Verified::Yes,
        error: format!("{why}; nothing changed"),
    }
}

/// Proves the recovery with GetLoginProfile in a fresh session.
async fn verify<S: PasswordSessions>(sessions: &S, entry: &Entry<Step>) -> Applied<Step> {
    let done = vec![Step::CreateLoginProfile];
    let session = match sessions.open(&entry.account_id).await {
        Ok(session) => session,
        Err(e) => return failed(done, "verify", &e),
    };
    match session.login_profile().await {
        Ok(Some(_)) => Applied {
            detail: (),
            outcome: Outcome::Done,
            done,
            verified: Verified::Yes,
            error: String::new(),
        },
        Ok(None) => Applied {
            detail: (),
            outcome: Outcome::Failed,
            done,
            verified: Verified::No,
            error: "verify: GetLoginProfile found no login profile after CreateLoginProfile".into(),
        },
        Err(e) => failed(done, "verify", &e),
    }
}

/// A call that ended the account: `interrupted` when a signal ended it, else `failed`.
fn failed(done: Vec<Step>, step: &str, e: &CallError) -> Applied<Step> {
    Applied {
        detail: (),
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
    }
}
