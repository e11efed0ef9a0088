//! Applies one account's confirmed unlock: a fresh unlock session; for each planned resource a
//! re-read (left alone when its policy is no longer the one the plan showed), the policy saved
//! to the evidence file, the removal; then a second fresh session to verify.

use super::api::{Current, PolicySession, PolicySessions};
use super::evidence::{Evidence, Saved};
use super::plan::Step;
use crate::call::{CallError, ErrorKind};
use crate::cancel::Cancel;
use crate::run::job::{Applied, Entry, Outcome, Verified};

/// Applies `entry` (a `Change` entry of the confirmed plan).
pub async fn apply<S: PolicySessions>(
    sessions: &S,
    entry: &Entry<Step>,
    evidence: &Evidence,
    cancel: &Cancel,
) -> Applied<Step> {
    let session = match sessions.open(&entry.account_id).await {
        Ok(session) => session,
        Err(e) => return failed(Vec::new(), "open session", &e),
    };
    let mut done = Vec::new();
    let mut changed = Vec::new();
    for step in &entry.steps {
        if cancel.is_cancelled() {
            return Applied {
                detail: (),
                outcome: Outcome::Interrupted,
                verified: if done.is_empty() {
                    Verified::NotApplicable
                } else {
                    Verified::No
                },
                error: format!("interrupted before: {step}"),
                done,
            };
        }
        match session.read_policy(&step.resource).await {
            Err(e) => return failed(done, &format!("re-check {}", step.resource), &e),
            // Gone since the plan: nothing left to remove.
            Ok(Current::NoPolicy | Current::NoResource) => continue,
            Ok(Current::Policy(p)) if p != step.policy => {
                changed.push(step.resource.clone());
                continue;
            }
            Ok(Current::Policy(_)) => {}
        }
        let saved = Saved {
            account_id: entry.account_id.clone(),
            resource: step.resource.clone(),
            policy: step.policy.clone(),
            saved_at: crate::report::rfc3339_system(std::time::SystemTime::now()),
        };
        if let Err(e) = evidence.save(saved) {
            return Applied {
                detail: (),
                outcome: Outcome::Failed,
                verified: if done.is_empty() {
                    Verified::NotApplicable
                } else {
                    Verified::No
                },
                error: format!(
                    "{}: the policy could not be saved to {} ({e}); it was not removed",
                    step.resource,
                    evidence.path().display()
                ),
                done,
            };
        }
        match session.remove_policy(&step.resource).await {
            Ok(()) => done.push(step.clone()),
            Err(e) => return failed(done, &format!("{} {}", step.call, step.resource), &e),
        }
    }
    if !changed.is_empty() && done.is_empty() {
        return Applied::untouched(
            Outcome::ChangedSincePlan,
            format!(
                "re-check: the policy of {} is not the one in the confirmed plan; nothing changed (run the plan again)",
                changed.join(", ")
            ),
        );
    }
    let mut applied = verify(sessions, entry, done).await;
    if !changed.is_empty() {
        applied.outcome = Outcome::ChangedSincePlan;
        applied.error = format!(
            "re-check: the policy of {} is not the one in the confirmed plan; left alone{}",
            changed.join(", "),
            if applied.error.is_empty() {
                String::new()
            } else {
                format!("; {}", applied.error)
            }
        );
    }
    applied
}

/// Proves the removals with a fresh session: no removed resource has a policy any more.
async fn verify<S: PolicySessions>(
    sessions: &S,
    entry: &Entry<Step>,
    done: Vec<Step>,
) -> Applied<Step> {
    if done.is_empty() {
        // Every planned policy was already gone at the re-check.
        return Applied {
            detail: (),
            outcome: Outcome::AlreadyClean,
            done,
            verified: Verified::Yes,
            error: "re-check: the planned policies were already gone".into(),
        };
    }
    let session = match sessions.open(&entry.account_id).await {
        Ok(session) => session,
        Err(e) => return failed(done, "verify", &e),
    };
    let mut left = Vec::new();
    let mut error = None;
    for step in &done {
        match session.read_policy(&step.resource).await {
            Ok(Current::NoPolicy | Current::NoResource) => {}
            Ok(Current::Policy(_)) => left.push(step.resource.clone()),
            Err(e) => {
                error = Some((format!("verify {}", step.resource), e));
                break;
            }
        }
    }
    if let Some((step, e)) = error {
        return failed(done, &step, &e);
    }
    if left.is_empty() {
        Applied {
            detail: (),
            outcome: Outcome::Done,
            done,
            verified: Verified::Yes,
            error: String::new(),
        }
    } else {
        Applied {
            detail: (),
            outcome: Outcome::Failed,
            done,
            verified: Verified::No,
            error: format!("verify: {} still has a policy", left.join(", ")),
        }
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
