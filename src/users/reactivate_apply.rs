//! `users reactivate`'s apply and rows. Credential by credential in one session per account:
//! right before each change a fresh read must still show it `Inactive` and unused since the
//! record (else `refused`, left as it is); then `Update… Status=Active`, and a fresh read —
//! repeated while IAM settles — proves it `Active`. A step the plan refused is never called.
//! The rows: one per credential of the record in the account (a password included, as
//! `not-reversible`, with the command that sets a new one).

use super::api::{Change, Sessions};
use super::model::Call;
use super::reactivate::{judged, refusal, Found, Step};
use super::switch::{each, now, outcome, proven, Changed};
use crate::call::Error;
use crate::cancel::Cancel;
use crate::run::apply::{Made, Stop, Todo, Unit};
use crate::run::job::{Applied, Entry, Outcome, Read};
use serde::Serialize;
use std::marker::PhantomData;

/// One planned credential: the unit the apply flow re-checks, changes and verifies.
struct Again<'a, C> {
    step: &'a Step,
    cancel: &'a Cancel,
    session: PhantomData<fn(&C)>,
}

impl<C: Change> Unit for Again<'_, C> {
    type Session = C;
    type Call = Call;

    async fn recheck(&self, session: &C) -> Result<Todo<Call>, Stop> {
        let s = self.step;
        let h = now(session, &s.user, s.kind, s.kind.only(&s.id)).await?;
        refusal(s.kind, &s.id, &s.recorded_at, h.as_ref())
            .map_err(|why| Stop::new(Outcome::Skipped, why).worded(outcome::REFUSED))?;
        Ok(Todo::all(s.call().into_iter().collect()))
    }

    async fn call(&self, session: &C, call: &Call) -> Result<Made, Error> {
        session.make(call).await.map(|()| Made::Changed)
    }

    /// Fresh reads, repeated while IAM settles: the credential `Active`.
    async fn verify(&self, session: &C, _: &[Call]) -> Result<(), Stop> {
        let s = self.step;
        proven(session, self.cancel, s.kind, &s.user, &s.id, true).await
    }
}

/// A credential's outcome in the report's words.
fn word(o: Outcome) -> &'static str {
    match o {
        Outcome::Done => outcome::REACTIVATED,
        Outcome::Skipped | Outcome::SkippedBlocked | Outcome::SkippedUnknown => outcome::REFUSED,
        Outcome::AlreadyClean | Outcome::NothingInScope => outcome::REFUSED,
        Outcome::ChangedSincePlan => outcome::CHANGED,
        Outcome::Interrupted | Outcome::NotStarted => outcome::INTERRUPTED,
        Outcome::Failed => outcome::FAILED,
    }
}

/// The unit of one planned step, or (refused at the plan) the word and reason it ends with,
/// no call made.
fn unit<'a, C>(step: &'a Step, cancel: &'a Cancel) -> Result<Again<'a, C>, (&'static str, String)> {
    match &step.refused {
        Some(why) => Err((outcome::REFUSED, why.clone())),
        None => Ok(Again {
            step,
            cancel,
            session: PhantomData,
        }),
    }
}

/// Applies one account's entry, credential by credential, in one session; refused steps are
/// never called.
pub async fn apply<S: Sessions>(
    sessions: &S,
    entry: &Entry<Step>,
    own: bool,
    cancel: &Cancel,
) -> Applied<Step, Vec<Changed<Step>>> {
    let unit = |step| unit(step, cancel);
    each(
        sessions,
        entry,
        own,
        cancel,
        unit,
        word,
        outcome::REACTIVATED,
    )
    .await
}

/// The report word for a completed reactivation.
pub const DONE: &str = outcome::REACTIVATED;

/// One row of `users-reactivate-<UTC>.csv` (and of the read stage's
/// `users-reactivate-check-<UTC>.csv`, where `outcome` is the verdict).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub account_id: String,
    pub account_name: String,
    /// Empty on an account's own row.
    pub user_name: String,
    pub credential_type: String,
    /// Empty for a password.
    pub credential_id: String,
    /// When the deactivation was recorded.
    pub recorded_at: String,
    /// `reactivated`, `refused`, `not-reversible`, `failed`, `interrupted`, or an account
    /// outcome on its own row; in the read report: `reactivatable`, `refused`,
    /// `not-reversible`, `unknown`, `skipped`.
    pub outcome: String,
    /// `yes` changed by this run and proven by a fresh read, `no` planned and not proven,
    /// `n/a` not changed.
    pub verified: String,
    pub error: String,
}

impl crate::run::job::Row for Row {
    fn verdict(&self) -> &str {
        &self.outcome
    }

    fn attention(&self) -> Option<Vec<String>> {
        (self.outcome != "reactivatable").then(|| {
            let who = if self.user_name.is_empty() {
                String::new()
            } else {
                format!(
                    "{} {} {}: ",
                    self.user_name, self.credential_type, self.credential_id
                )
            };
            vec![
                self.account_id.clone(),
                self.account_name.clone(),
                self.outcome.clone(),
                format!("{who}{}", self.error),
            ]
        })
    }
}

fn base(account_id: &str, account_name: &str) -> Row {
    Row {
        account_id: account_id.to_string(),
        account_name: account_name.to_string(),
        verified: "n/a".into(),
        ..Row::default()
    }
}

/// The read report's rows: one per recorded credential with its verdict, or one for an
/// account that was skipped or could not be read.
pub fn read_rows(read: &Read<Found>) -> Vec<Row> {
    let account = base(&read.account.id, &read.account.name);
    let found = match &read.finding {
        Err(reason) => {
            return vec![Row {
                outcome: "skipped".into(),
                error: format!("skipped: {reason}"),
                ..account
            }]
        }
        Ok(f) => f,
    };
    match judged(found) {
        Err(e) => vec![Row {
            outcome: "unknown".into(),
            error: format!("the record's users could not be read ({e})"),
            ..account
        }],
        Ok(j) => j
            .into_iter()
            .map(|(c, verdict, why)| Row {
                user_name: c.user_name.clone(),
                credential_type: c.credential_type.word().into(),
                credential_id: c.credential_id.clone(),
                recorded_at: c.recorded_at.clone(),
                outcome: verdict.into(),
                error: why,
                ..account.clone()
            })
            .collect(),
    }
}

/// An account's change rows: one per planned credential, then one per password of the record
/// (never restored); one for the account when it has neither.
pub fn rows(
    found: Option<&Found>,
    entry: &Entry<Step>,
    applied: &Applied<Step, Vec<Changed<Step>>>,
) -> Vec<Row> {
    let account = base(&entry.account_id, &entry.account_name);
    let row = |s: &Step, outcome: &str, error: &str| Row {
        user_name: s.user.clone(),
        credential_type: s.kind.word().into(),
        credential_id: s.id.clone(),
        recorded_at: s.recorded_at.clone(),
        outcome: outcome.into(),
        verified: match outcome {
            outcome::REACTIVATED => "yes",
            outcome::FAILED | outcome::INTERRUPTED | outcome::CHANGED | "not-started" => "no",
            _ => "n/a",
        }
        .into(),
        error: error.into(),
        ..account.clone()
    };
    let mut out: Vec<Row> = if !applied.detail.is_empty() {
        applied
            .detail
            .iter()
            .map(|c| row(&c.step, c.outcome, &c.error))
            .collect()
    } else {
        let label = applied.outcome.label(DONE);
        entry
            .steps
            .iter()
            .map(|s| match &s.refused {
                Some(why) => row(s, outcome::REFUSED, why),
                None => row(s, label, &applied.error),
            })
            .collect()
    };
    if let Some(Ok(j)) = found.map(judged) {
        out.extend(
            j.into_iter()
                .filter(|(_, verdict, _)| *verdict == "not-reversible")
                .map(|(c, verdict, why)| Row {
                    user_name: c.user_name.clone(),
                    credential_type: c.credential_type.word().into(),
                    recorded_at: c.recorded_at.clone(),
                    outcome: verdict.into(),
                    error: why,
                    ..account.clone()
                }),
        );
    }
    if out.is_empty() {
        out.push(Row {
            outcome: applied.outcome.label(DONE).into(),
            error: applied.error.clone(),
            ..account
        });
    }
    out
}

#[cfg(test)]
#[path = "reactivate_apply_tests.rs"]
mod tests;
