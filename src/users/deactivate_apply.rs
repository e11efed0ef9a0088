//! `users deactivate`'s apply: credential by credential in one session per account. Right
//! before each change a fresh read of the user finds the credential still there, still active
//! and unused since the audit (a use since → `skipped-active`, left active); then it is written
//! to the undo record (atomically; a record that cannot be written leaves it active), changed,
//! and a fresh read — repeated while IAM settles — proves it `Inactive` (a password: gone).

use super::api::Sessions;
use super::deactivate::{Kind, Step};
use super::holdings::later;
use super::model::Holdings;
use super::switch::{each, outcome, state_of, Changed, Way};
pub use super::undo::{undo, Deactivated, Undo};
use crate::cancel::Cancel;
use crate::run::apply::Stop;
use crate::run::job::{Applied, Entry, Outcome};

/// The credential's state in a fresh read: `None` when it (or its user) is gone, else its
/// status (`Active` / `Inactive`) and last use.
fn state(h: &Holdings, step: &Step) -> Option<(String, String)> {
    state_of(h, step.kind, &step.id)
}

/// Why the re-check leaves a credential as it is (`Err`), or its last use as read now.
pub fn recheck(step: &Step, h: Option<&Holdings>) -> Result<String, Stop> {
    let Some(h) = h else {
        return Err(
            Stop::new(Outcome::ChangedSincePlan, "the user no longer exists")
                .worded(outcome::CHANGED),
        );
    };
    let Some((status, used)) = state(h, step) else {
        if step.kind == Kind::Password {
            return Err(Stop::new(
                Outcome::AlreadyClean,
                "the password is already gone",
            ));
        }
        return Err(
            Stop::new(Outcome::ChangedSincePlan, "the credential no longer exists")
                .worded(outcome::CHANGED),
        );
    };
    if status != "Active" {
        return Err(Stop::new(
            Outcome::AlreadyClean,
            format!("already {status}"),
        ));
    }
    if !used.is_empty() && later(&used, &step.last_used) {
        return Err(Stop::new(
            Outcome::Skipped,
            format!("used at {used}, after the audit: left active"),
        )
        .worded(outcome::SKIPPED_ACTIVE));
    }
    Ok(used)
}

/// The undo record's entry for `step`, last used `used` as the re-check read it.
fn recorded(account_id: &str, step: &Step, used: String) -> Deactivated {
    Deactivated {
        account_id: account_id.to_string(),
        user_name: step.user.clone(),
        credential_type: step.kind.word(),
        credential_id: step.id.clone(),
        previous_status: if step.kind == Kind::Password {
            "present"
        } else {
            "Active"
        },
        last_used: used,
        reversible: step.kind.reversible(),
        recorded_at: crate::report::rfc3339_system(std::time::SystemTime::now()),
    }
}

/// A credential's outcome in the report's words.
fn word(o: Outcome) -> &'static str {
    match o {
        Outcome::Done => outcome::DEACTIVATED,
        Outcome::AlreadyClean | Outcome::NothingInScope => outcome::ALREADY,
        Outcome::ChangedSincePlan => outcome::CHANGED,
        Outcome::Skipped | Outcome::SkippedBlocked | Outcome::SkippedUnknown => {
            outcome::SKIPPED_ACTIVE
        }
        Outcome::Interrupted | Outcome::NotStarted => outcome::INTERRUPTED,
        Outcome::Failed => outcome::FAILED,
    }
}

super::switch::planned!(Step);

/// Applies one account's entry, credential by credential, in one session.
pub async fn apply<'e, S: Sessions>(
    sessions: &S,
    entry: &'e Entry<Step>,
    own: bool,
    undo: &'e Undo,
    cancel: &'e Cancel,
) -> Applied<Step, Vec<Changed>> {
    let check = |step: &'e Step| {
        // The re-check: still active and unused since, then written to the undo record.
        let check = async move |h: Option<&Holdings>| {
            let used = recheck(step, h)?;
            match undo.add(recorded(&entry.account_id, step, used)).await {
                Ok(()) => Ok(vec![step.call()]),
                Err(e) => Err(Stop::new(
                    Outcome::Failed,
                    format!("the undo record could not be written ({e}); left active"),
                )),
            }
        };
        Ok(check)
    };
    let way = Way {
        active: false,
        word,
        done: outcome::DEACTIVATED,
    };
    each(sessions, entry, own, cancel, way, check).await
}

#[cfg(test)]
#[path = "deactivate_apply_tests.rs"]
mod tests;
