//! The apply flow every changing job shares, written once. A job describes one *unit* of work —
//! an account's planned steps, or one user, or one detach — as a [`Unit`]: how to re-check it
//! against the plan in a fresh read, make one call, and verify the result. This module runs it:
//! the re-check, every call still needed in order (stopping before the next one on a signal,
//! IAM's busy answers retried, a call answered "not found" counted as already done), then the
//! verification; and folds several units of one account into the account's outcome.

use super::busy::busy_retry;
use super::outcome::{Applied, Outcome, Verified};
use crate::call::{Error, ErrorKind};
use crate::cancel::Cancel;
use std::fmt::Display;
use std::future::Future;

/// Why a unit ended before (or instead of) its verification succeeding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// The unit's outcome.
    pub outcome: Outcome,
    /// Why, in the report's words.
    pub error: String,
    /// The job's own word for the unit's row, when its outcome has several (e.g. `refused`).
    pub word: Option<&'static str>,
}

impl Stop {
    /// A stop with `outcome` and its reason.
    pub fn new(outcome: Outcome, error: impl Into<String>) -> Stop {
        Stop {
            outcome,
            error: error.into(),
            word: None,
        }
    }

    /// A call (`what`) that failed: `interrupted` when a signal ended it, else `failed`.
    pub fn call(what: impl Display, e: &Error) -> Stop {
        let outcome = if e.kind == ErrorKind::Interrupted {
            Outcome::Interrupted
        } else {
            Outcome::Failed
        };
        let lost = if e.answer_lost {
            " (an attempt went unanswered: this change may have been made)"
        } else {
            ""
        };
        Stop::new(outcome, format!("{what}: {e}{lost}"))
    }

    /// The same stop, reported under the job's own `word`.
    pub fn worded(self, word: &'static str) -> Stop {
        Stop {
            word: Some(word),
            ..self
        }
    }
}

/// What the re-check leaves to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo<C> {
    /// The planned calls still needed, in order (never one the plan did not show).
    pub calls: Vec<C>,
    /// What the re-check left alone because it is no longer what the plan showed, if anything:
    /// the unit then ends `changed-since-plan` even when the rest was done.
    pub left_alone: Option<String>,
}

impl<C> Todo<C> {
    /// Exactly `calls`, nothing left alone.
    pub fn all(calls: Vec<C>) -> Todo<C> {
        Todo {
            calls,
            left_alone: None,
        }
    }
}

/// How a call that did not fail ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    /// The call changed something.
    Changed,
    /// Its effect was already there (made by someone else, or gone already).
    Already,
}

/// One unit of a job's apply: its re-check, its calls and its verification.
pub trait Unit {
    /// The session the re-check and the calls run in.
    type Session;
    /// One call (a planned step).
    type Call: Clone + Display;

    /// Reads again, in `session`, what the calls touch and compares it with the plan: the calls
    /// still needed, or why the unit must be left alone (`AlreadyClean` when the fresh read
    /// shows its work done already).
    fn recheck(
        &self,
        session: &Self::Session,
    ) -> impl Future<Output = Result<Todo<Self::Call>, Stop>>;
    /// What must hold right before `call` (e.g. the evidence saved); a stop leaves it unmade.
    fn before(&self, _call: &Self::Call) -> Result<(), Stop> {
        Ok(())
    }
    /// How a failed call is named in the report (its plan line, unless the job says shorter).
    fn what(&self, call: &Self::Call) -> String {
        call.to_string()
    }
    /// Makes one call.
    fn call(
        &self,
        session: &Self::Session,
        call: &Self::Call,
    ) -> impl Future<Output = Result<Made, Error>>;
    /// Proves by a fresh read (a new session, or IAM re-read until it settles) that `done`
    /// took effect.
    fn verify(
        &self,
        session: &Self::Session,
        done: &[Self::Call],
    ) -> impl Future<Output = Result<(), Stop>>;
}

/// A unit's result; `detail` is the job's own word for it, when a stop gave one.
pub type UnitResult<C> = Applied<C, Option<&'static str>>;

/// Runs one unit in `session`: re-check, the calls still needed, verification.
pub async fn unit<U: Unit>(unit: &U, session: &U::Session, cancel: &Cancel) -> UnitResult<U::Call> {
    let todo = match unit.recheck(session).await {
        Ok(todo) => todo,
        Err(stop) if stop.outcome == Outcome::AlreadyClean => {
            return UnitResult::already(stop.error).with_detail(stop.word)
        }
        Err(stop) => return UnitResult::untouched(stop.outcome, stop.error).with_detail(stop.word),
    };
    let mut done = Vec::new();
    let mut already = Vec::new();
    let mut retried = Vec::new();
    for call in &todo.calls {
        if cancel.is_cancelled() {
            return Applied::interrupted_before(done, call);
        }
        if let Err(stop) = unit.before(call) {
            return ended(stop, done, &todo);
        }
        // An attempt whose answer was lost may have made the change: an answer to a later
        // attempt (after IAM said it was busy) that finds the effect in place is that change.
        let lost = std::sync::atomic::AtomicBool::new(false);
        let attempt = || async {
            unit.call(session, call).await.map_err(|e| {
                let was = lost.fetch_or(e.answer_lost, std::sync::atomic::Ordering::SeqCst);
                Error {
                    answer_lost: was || e.answer_lost,
                    ..e
                }
            })
        };
        match busy_retry(cancel, attempt).await {
            Ok(Made::Changed) => done.push(call.clone()),
            // An earlier attempt went unanswered and the retry found the effect in place: the
            // change was made (by that attempt, as far as can be known); verified below.
            Err(e) if e.answer_lost && e.effect_in_place() => {
                retried.push(format!(
                    "{}: was made (confirmed on retry: the first attempt's answer was lost)",
                    unit.what(call)
                ));
                done.push(call.clone());
            }
            // Gone already (a re-run, or someone else): this call's work is done.
            Ok(Made::Already) => already.push(call.to_string()),
            Err(e) if e.is_not_found() => already.push(call.to_string()),
            Err(e) => return ended(Stop::call(unit.what(call), &e), done, &todo),
        }
    }
    if let Err(stop) = unit.verify(session, &done).await {
        return ended(stop, done, &todo);
    }
    let mut applied = if done.is_empty() && already.is_empty() {
        Applied::already("re-check: nothing of the plan was left to do")
    } else if done.is_empty() {
        Applied::already(format!(
            "{}: already done by someone else; nothing changed",
            already.join(", ")
        ))
    } else {
        let mut notes = retried;
        notes.extend(already.iter().map(|a| format!("{a}: was already done")));
        Applied {
            error: notes.join("; "),
            ..Applied::done(done)
        }
    };
    if let Some(why) = todo.left_alone {
        applied.outcome = Outcome::ChangedSincePlan;
        applied.error = why;
    }
    applied
}

/// A unit that stopped after `done`: the stop's outcome, and what the re-check left alone.
fn ended<C>(stop: Stop, done: Vec<C>, todo: &Todo<C>) -> UnitResult<C> {
    let error = match &todo.left_alone {
        Some(why) => format!("{}; {why}", stop.error),
        None => stop.error,
    };
    UnitResult::ended(stop.outcome, done, error).with_detail(stop.word)
}

/// Runs an account as one unit: opens its session (`open`, described as `what` on failure),
/// then [`unit`].
pub async fn account<U: Unit>(
    open: impl Future<Output = Result<U::Session, Error>>,
    what: &str,
    u: &U,
    cancel: &Cancel,
) -> Applied<U::Call> {
    match open.await {
        Ok(session) => unit(u, &session, cancel).await.with_detail(()),
        Err(e) => Applied::failed(Vec::new(), what, &e),
    }
}

/// An account's outcome from its units' (`outcomes`): the worst decides — a planned unit left
/// undone outranks the ones done, so the run never reads as done. `nothing` is the outcome when
/// no unit changed anything and none was left undone.
pub fn worst(outcomes: &[Outcome], any_done: bool, nothing: Outcome) -> Outcome {
    let has = |o: Outcome| outcomes.contains(&o);
    if has(Outcome::Failed) {
        Outcome::Failed
    } else if has(Outcome::Interrupted) || has(Outcome::NotStarted) {
        Outcome::Interrupted
    } else if has(Outcome::ChangedSincePlan) {
        Outcome::ChangedSincePlan
    } else if has(Outcome::Skipped) {
        Outcome::Skipped
    } else if any_done {
        Outcome::Done
    } else {
        nothing
    }
}

/// An account of several units: `done` the steps whose unit was done, `outcome` from
/// [`worst`], `error` the units' reasons; proven only when every unit was.
pub fn summary<S, D>(done: Vec<S>, outcome: Outcome, error: String, detail: D) -> Applied<S, D> {
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
        detail,
    }
}
