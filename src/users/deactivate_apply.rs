//! `users deactivate`'s apply: credential by credential in one session per account. Right
//! before each change a fresh read of the user finds the credential still there, still active
//! and unused since the audit (a use since → `skipped-active`, left active); then it is written
//! to the undo record (atomically; a record that cannot be written leaves it active), changed,
//! and a fresh read — repeated while IAM settles — proves it `Inactive` (a password: gone).

use super::api::{Change, Sessions};
use super::deactivate::{Kind, Step};
use super::holdings::later;
use super::model::{Call, Holdings};
use super::switch::{each, now, outcome, proven, state_of, Changed, Labelled};
pub use super::undo::{undo, Deactivated, Undo};
use crate::call::Error;
use crate::cancel::Cancel;
use crate::run::apply::{Made, Stop, Todo, Unit};
use crate::run::job::{Applied, Entry, Outcome};
use std::marker::PhantomData;

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

/// One planned credential: the unit the apply flow re-checks, changes and verifies.
struct Credential<'a, C> {
    account_id: &'a str,
    step: &'a Step,
    undo: &'a Undo,
    cancel: &'a Cancel,
    session: PhantomData<fn(&C)>,
}

impl<C: Change> Unit for Credential<'_, C> {
    type Session = C;
    type Call = Call;

    async fn recheck(&self, session: &C) -> Result<Todo<Call>, Stop> {
        let h = now(session, &self.step.user, self.step.kind, self.step.only()).await?;
        let used = recheck(self.step, h.as_ref())?;
        let entry = Deactivated {
            account_id: self.account_id.to_string(),
            user_name: self.step.user.clone(),
            credential_type: self.step.kind.word(),
            credential_id: self.step.id.clone(),
            previous_status: if self.step.kind == Kind::Password {
                "present"
            } else {
                "Active"
            },
            last_used: used,
            reversible: self.step.kind.reversible(),
            recorded_at: crate::report::rfc3339_system(std::time::SystemTime::now()),
        };
        if let Err(e) = self.undo.add(entry).await {
            return Err(Stop::new(
                Outcome::Failed,
                format!("the undo record could not be written ({e}); left active"),
            ));
        }
        Ok(Todo::all(vec![self.step.call()]))
    }

    async fn call(&self, session: &C, call: &Call) -> Result<Made, Error> {
        session.make(call).await.map(|()| Made::Changed)
    }

    /// Fresh reads, repeated while IAM settles: the credential `Inactive` (a password gone).
    async fn verify(&self, session: &C, _: &[Call]) -> Result<(), Stop> {
        proven(
            session,
            self.cancel,
            self.step.kind,
            &self.step.user,
            &self.step.id,
            false,
        )
        .await
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

impl Labelled for Step {
    fn label(&self) -> String {
        format!("{} {} {}", self.user, self.kind.word(), self.id)
    }
}

/// Applies one account's entry, credential by credential, in one session.
pub async fn apply<S: Sessions>(
    sessions: &S,
    entry: &Entry<Step>,
    own: bool,
    undo: &Undo,
    cancel: &Cancel,
) -> Applied<Step, Vec<Changed>> {
    let unit = |step| {
        Ok(Credential {
            account_id: &entry.account_id,
            step,
            undo,
            cancel,
            session: PhantomData,
        })
    };
    each(
        sessions,
        entry,
        own,
        cancel,
        unit,
        word,
        outcome::DEACTIVATED,
    )
    .await
}

#[cfg(test)]
#[path = "deactivate_apply_tests.rs"]
mod tests;
