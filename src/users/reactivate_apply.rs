//! `users reactivate`'s apply and rows. Credential by credential in one session per account:
//! right before each change a fresh read must still show it `Inactive` and unused since the
//! record (else `refused`, left as it is); then `Update… Status=Active`, and a fresh read —
//! repeated while IAM settles — proves it `Active`. A step the plan refused is never called.
//! The rows: one per credential of the record in the account (a password included, as
//! `not-reversible`, with the command that sets a new one).

use super::api::Sessions;
use super::model::{Call, Holdings};
use super::reactivate::{judged, refusal, Found, Step};
use super::switch::{each, outcome, Changed, Way};
use crate::cancel::Cancel;
use crate::run::apply::Stop;
use crate::run::job::{Applied, Entry, Outcome, Read};
use serde::Serialize;

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

/// Applies one account's entry, credential by credential, in one session; steps refused at
/// the plan end with their word and reason, never called.
pub async fn apply<'e, S: Sessions>(
    sessions: &S,
    entry: &'e Entry<Step>,
    own: bool,
    cancel: &'e Cancel,
) -> Applied<Step, Vec<Changed<Step>>> {
    let check = |step: &'e Step| {
        if let Some(why) = &step.refused {
            return Err((outcome::REFUSED, why.clone()));
        }
        // The re-check: still `Inactive` and unused since the record.
        let check = async move |h: Option<&Holdings>| {
            refusal(step.kind, &step.id, &step.recorded_at, h)
                .map_err(|why| Stop::new(Outcome::Skipped, why).worded(outcome::REFUSED))?;
            Ok(step.call().into_iter().collect::<Vec<Call>>())
        };
        Ok(check)
    };
    let way = Way {
        active: true,
        word,
        done: outcome::REACTIVATED,
    };
    each(sessions, entry, own, cancel, way, check).await
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
