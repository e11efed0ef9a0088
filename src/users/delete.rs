//! Reads what the chosen users hold (for the plan), and applies one account's confirmed
//! `users delete` entry, user by user: a fresh read of the user right before any change (gone →
//! nothing to do; used since the audit, or — when it must be stale — used or issued a credential
//! within the stale period, or holding an active credential whose use IAM never records →
//! `skipped-active`; another user of the same name, or a call needed that the plan did not show →
//! `changed-since-plan`), the restore record written atomically, then every dependent removed in
//! the order `DeleteUser` requires, each call idempotent (NoSuchEntity = already done), and fresh
//! reads — repeated for a few seconds, as IAM is eventually consistent — proving the user gone.

use super::api::{UsersChange, UsersSessions};
use super::calls::calls;
use super::holdings::{later, same_time};
use super::model::{Call, Holdings};
use super::plan::Step;
use super::restore::Restore;
use crate::call::{CallError, ErrorKind};
use crate::cancel::Cancel;
// IAM's "busy" answers are retried exactly as the root delete does.
use crate::root::delete::busy_retry;
use crate::run::job::{Applied, Entry, Outcome, Verified};
use crate::run::settle::{settled, Settled};
use std::collections::BTreeMap;

/// Per-user outcome spellings of the delete report.
pub mod outcome {
    /// Every dependent and the user removed, and a fresh read proved the user gone.
    pub const DELETED: &str = "deleted";
    /// The user was already gone.
    pub const ALREADY_GONE: &str = "already-clean";
    /// In use since the audit, or — when it must be stale — used or issued a credential within
    /// the stale period, or holding an active credential IAM records no use for: left untouched.
    pub const SKIPPED_ACTIVE: &str = "skipped-active";
    /// A dependent the plan did not show, or another user of the same name: left untouched.
    pub const CHANGED: &str = "changed-since-plan";
    /// Never deleted: the caller's own IAM user.
    pub const REFUSED: &str = "refused";
    /// A call failed, or the verification did not prove the user gone.
    pub const FAILED: &str = "failed";
    /// A signal arrived while the user was being changed.
    pub const INTERRUPTED: &str = "interrupted";
    /// The run stopped before this user started.
    pub const NOT_STARTED: &str = "not-started";
}

/// What happened to one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserResult {
    /// User name.
    pub user: String,
    /// One of [`outcome`]'s spellings.
    pub outcome: &'static str,
    /// The calls this run made, in order (`Operation target`).
    pub done: Vec<String>,
    /// The failed call and its error, or why the user was left alone.
    pub error: String,
}

/// Everything each of `names` holds, read in one session (a user gone is absent); no session
/// is opened when there is no one to read.
pub async fn holdings<S: UsersSessions>(
    sessions: &S,
    account_id: &str,
    own: bool,
    names: &[&str],
) -> Result<BTreeMap<String, Holdings>, CallError> {
    let mut found = BTreeMap::new();
    if names.is_empty() {
        return Ok(found);
    }
    let session = sessions.open_change(account_id, own).await?;
    for name in names {
        if let Some(h) = session.holdings(name).await? {
            found.insert(name.to_string(), h);
        }
    }
    Ok(found)
}

/// The account-level context of one apply.
pub struct Context<'a> {
    /// The caller's ARN: its user is never deleted.
    pub caller_arn: &'a str,
    /// The restore record.
    pub restore: &'a Restore,
    /// The run's cancellation.
    pub cancel: &'a Cancel,
}

/// Applies `entry` (a `Change` entry of the confirmed plan); `own` says the account is the
/// caller's (its own credentials, no role).
pub async fn apply<S: UsersSessions>(
    sessions: &S,
    entry: &Entry<Step>,
    own: bool,
    ctx: &Context<'_>,
) -> Applied<Step, Vec<UserResult>> {
    let session = match sessions.open_change(&entry.account_id, own).await {
        Ok(s) => s,
        Err(e) => {
            let outcome = if e.kind == ErrorKind::Interrupted {
                Outcome::Interrupted
            } else {
                Outcome::Failed
            };
            return Applied::untouched(outcome, format!("open session: {e}"));
        }
    };
    let mut results = Vec::new();
    let mut done = Vec::new();
    for step in &entry.steps {
        let result = if ctx.cancel.is_cancelled() {
            UserResult {
                user: step.user.clone(),
                outcome: outcome::NOT_STARTED,
                done: Vec::new(),
                error: "the run was interrupted before this user started".into(),
            }
        } else {
            delete_user(&session, &entry.account_id, step, ctx).await
        };
        if result.outcome == outcome::DELETED {
            done.push(step.clone());
        }
        results.push(result);
    }
    summarise(done, results)
}

/// The account's outcome from its users': the worst one decides.
fn summarise(done: Vec<Step>, results: Vec<UserResult>) -> Applied<Step, Vec<UserResult>> {
    let has = |o: &str| results.iter().any(|r| r.outcome == o);
    // A planned user left undone outranks the users deleted: the run must not read as done.
    let outcome = if has(outcome::FAILED) {
        Outcome::Failed
    } else if has(outcome::INTERRUPTED) || has(outcome::NOT_STARTED) {
        Outcome::Interrupted
    } else if has(outcome::CHANGED) {
        Outcome::ChangedSincePlan
    } else if has(outcome::SKIPPED_ACTIVE) || has(outcome::REFUSED) {
        Outcome::Skipped
    } else if !done.is_empty() {
        Outcome::Done
    } else {
        Outcome::AlreadyClean
    };
    let error = results
        .iter()
        .filter(|r| !r.error.is_empty())
        .map(|r| format!("{}: {}", r.user, r.error))
        .collect::<Vec<_>>()
        .join("; ");
    Applied {
        outcome,
        verified: if done.is_empty() {
            Verified::NotApplicable
        } else if outcome == Outcome::Done {
            Verified::Yes
        } else {
            Verified::No
        },
        done,
        error,
        detail: results,
    }
}

/// Why the re-check leaves a user alone: the outcome and the reason, or `None` to go on.
pub fn recheck(step: &Step, h: &Holdings, caller_arn: &str) -> Option<(&'static str, String)> {
    if h.arn == caller_arn {
        return Some((
            outcome::REFUSED,
            "the caller's own IAM user is never deleted".into(),
        ));
    }
    if !step.created.is_empty() && !h.created.is_empty() && !same_time(&h.created, &step.created) {
        return Some((
            outcome::CHANGED,
            format!(
                "another user of this name exists now (created {}; the audit saw one created {}); left untouched",
                h.created, step.created
            ),
        ));
    }
    if let Some(used) = h.last_use().filter(|t| later(t, &step.last_activity)) {
        return Some((
            outcome::SKIPPED_ACTIVE,
            format!("used at {used}, after the audit: left untouched"),
        ));
    }
    if let Some(since) = step.stale_since.as_deref() {
        if let Some((what, when)) = h.issued().into_iter().find(|(_, t)| later(t, since)) {
            return Some((
                outcome::SKIPPED_ACTIVE,
                format!("{what} was issued at {when}, within the stale period: left untouched"),
            ));
        }
        let unrecorded = h.unrecorded_active();
        if !unrecorded.is_empty() {
            return Some((
                outcome::SKIPPED_ACTIVE,
                format!(
                    "holds {} whose use IAM never records, so it cannot be proven stale: left untouched",
                    unrecorded.join(", ")
                ),
            ));
        }
    }
    let new: Vec<String> = calls(h)
        .iter()
        .filter(|c| !step.calls.contains(c))
        .map(Call::to_string)
        .collect();
    if !new.is_empty() {
        return Some((
            outcome::CHANGED,
            format!(
                "re-check found what the plan did not show: {}; left untouched",
                new.join(", ")
            ),
        ));
    }
    None
}

/// Deletes one user, re-checking first.
async fn delete_user<C: UsersChange>(
    session: &C,
    account_id: &str,
    step: &Step,
    ctx: &Context<'_>,
) -> UserResult {
    let mut result = UserResult {
        user: step.user.clone(),
        outcome: outcome::FAILED,
        done: Vec::new(),
        error: String::new(),
    };
    let h = match session.holdings(&step.user).await {
        Ok(Some(h)) => h,
        Ok(None) => {
            result.outcome = outcome::ALREADY_GONE;
            return result;
        }
        Err(e) => return failed(result, "re-check", &e),
    };
    if let Some((outcome, why)) = recheck(step, &h, ctx.caller_arn) {
        result.outcome = outcome;
        result.error = why;
        return result;
    }
    if let Err(e) = ctx.restore.record(account_id, &h) {
        result.error = format!("the restore record could not be written ({e}); left untouched");
        return result;
    }
    // The planned calls still needed (a dependent gone since the plan is not removed again).
    for call in calls(&h) {
        if ctx.cancel.is_cancelled() {
            result.outcome = outcome::INTERRUPTED;
            result.error = format!("interrupted before: {call}");
            return result;
        }
        match busy_retry(ctx.cancel, || session.make(&call)).await {
            Ok(()) => result.done.push(call.to_string()),
            // Gone already (a re-run, or someone else): this step is done.
            Err(e) if e.is_not_found() => {}
            Err(e) => return failed(result, &call.to_string(), &e),
        }
    }
    let gone = settled(ctx.cancel, || async {
        Ok(!session.exists(&step.user).await?)
    })
    .await;
    match gone {
        Ok(Settled::Yes) => result.outcome = outcome::DELETED,
        Ok(Settled::No(waited)) => {
            result.error = format!(
                "verify: GetUser still finds the user {:.0} s after DeleteUser succeeded",
                waited.as_secs_f64()
            )
        }
        Err(e) => return failed(result, "verify", &e),
    }
    result
}

fn failed(mut result: UserResult, what: &str, e: &CallError) -> UserResult {
    result.outcome = if e.kind == ErrorKind::Interrupted {
        outcome::INTERRUPTED
    } else {
        outcome::FAILED
    };
    result.error = format!("{what}: {e}");
    result
}
