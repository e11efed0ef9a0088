//! `users tidy`: detaches exactly the redundant direct policies (a managed policy attached to a
//! user directly that one of the user's groups also attaches), never a group membership, a
//! group's policy or another direct policy. Right before each detach a fresh read proves a group
//! of the user still attaches the policy (else the detach is skipped with the reason); after it, a
//! fresh read proves the policy detached and the membership intact. Plan and rows are pure.

use super::api::{Change, Sessions};
use super::model::{Call, Finding, Verdict};
use crate::call::Error;
use crate::cancel::Cancel;
use crate::model::Account;
use crate::report::csv::JsonOnly;
use crate::run::apply::{Made, Stop, Todo, Unit, UnitResult};
use crate::run::items;
use crate::run::job::{Applied, Disposition, Entry, Outcome};
use crate::run::settle::{settled, Settled};
use serde::Serialize;
use std::cell::RefCell;
use std::marker::PhantomData;

/// One detach the tidy makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// User name.
    pub user: String,
    /// The managed policy ARN attached both directly and through a group.
    pub policy_arn: String,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DetachUserPolicy {} {} (a group of the user attaches it too)",
            self.user, self.policy_arn
        )
    }
}

/// The plan entry of one account that was read.
pub fn entry(account: &Account, finding: &Finding) -> Entry<Step> {
    let base = |verdict, disposition, steps, reason: Option<String>| Entry {
        account_id: account.id.clone(),
        account_name: account.name.clone(),
        verdict,
        disposition,
        steps,
        reason,
    };
    let users = match finding {
        Finding::Unreadable(e) => {
            return base(
                "unknown",
                Disposition::Unknown,
                Vec::new(),
                Some(format!("the account's users could not be read ({e})")),
            )
        }
        Finding::Read(users) => users,
    };
    let unknown: Vec<String> = users
        .iter()
        .filter(|u| u.verdict == Verdict::Unknown)
        .map(|u| format!("{}: {}", u.detail.name, u.error))
        .collect();
    if !unknown.is_empty() {
        return base(
            "unknown",
            Disposition::Unknown,
            Vec::new(),
            Some(unknown.join("; ")),
        );
    }
    let steps: Vec<Step> = users
        .iter()
        .flat_map(|u| {
            u.redundant_direct_policies.iter().map(|arn| Step {
                user: u.detail.name.clone(),
                policy_arn: arn.clone(),
            })
        })
        .collect();
    if steps.is_empty() {
        base("clean", Disposition::AlreadyClean, steps, None)
    } else {
        base("redundant", Disposition::Change, steps, None)
    }
}

/// Per-detach outcome spellings.
pub mod outcome {
    /// Detached, and a fresh read proved it with the group membership intact.
    pub const DETACHED: &str = "detached";
    /// Left attached: the re-check did not prove a group still grants it, or it was gone.
    pub const SKIPPED: &str = "skipped";
    /// The call failed, or the verification did not prove the result.
    pub const FAILED: &str = "failed";
    /// A signal arrived before this detach.
    pub const INTERRUPTED: &str = "interrupted";
}

/// What happened to one planned detach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detached {
    /// The planned step.
    pub step: Step,
    /// The group the re-check found attaching the policy too.
    pub group: String,
    /// One of [`outcome`]'s spellings.
    pub outcome: &'static str,
    /// Why it was skipped, or the failed call and its error.
    pub error: String,
}

/// Applies one account's entry, detach by detach, in one session.
pub async fn apply<S: Sessions>(
    sessions: &S,
    entry: &Entry<Step>,
    own: bool,
    cancel: &Cancel,
) -> Applied<Step, Vec<Detached>> {
    let unit_of = |step| {
        Ok(Detach {
            step,
            group: RefCell::default(),
            cancel,
            session: PhantomData,
        })
    };
    let record = |step: &Step, ran: Option<(Detach<'_, S::Change>, UnitResult<Call>)>| {
        let mut r = Detached {
            step: step.clone(),
            group: String::new(),
            outcome: outcome::INTERRUPTED,
            error: "interrupted before this detach".into(),
        };
        if let Some((unit, applied)) = ran {
            r.outcome = word(applied.outcome);
            r.error = applied.error;
            r.group = unit.group.into_inner();
        }
        r
    };
    let open = sessions.open_change(&entry.account_id, own);
    items::each(open, &entry.steps, cancel, unit_of, record, summarise).await
}

/// The account's outcome from its detaches': the worst one decides; proven only when every
/// detach was.
fn summarise(results: Vec<Detached>) -> Applied<Step, Vec<Detached>> {
    let done: Vec<Step> = results
        .iter()
        .filter(|r| r.outcome == outcome::DETACHED)
        .map(|r| r.step.clone())
        .collect();
    let rank = |r: &Detached| match r.outcome {
        outcome::FAILED => Outcome::Failed,
        outcome::INTERRUPTED => Outcome::Interrupted,
        outcome::SKIPPED => Outcome::Skipped,
        _ => Outcome::Done,
    };
    let error = |r: &Detached| {
        let (user, arn) = (&r.step.user, &r.step.policy_arn);
        (!r.error.is_empty()).then(|| format!("{user} {arn}: {}", r.error))
    };
    items::fold(done, results, rank, error, Outcome::NothingInScope)
}

/// A detach's outcome in the tidy report's words: a detach found already made is `detached`
/// once the verification proved it.
fn word(o: Outcome) -> &'static str {
    match o {
        Outcome::Done | Outcome::AlreadyClean => outcome::DETACHED,
        Outcome::Skipped => outcome::SKIPPED,
        Outcome::Interrupted | Outcome::NotStarted => outcome::INTERRUPTED,
        _ => outcome::FAILED,
    }
}

/// One planned detach: the unit the apply flow re-checks, makes and verifies.
struct Detach<'a, C> {
    step: &'a Step,
    /// The group the re-check found attaching the policy too.
    group: RefCell<String>,
    cancel: &'a Cancel,
    session: PhantomData<fn(&C)>,
}

impl<C: Change> Unit for Detach<'_, C> {
    type Session = C;
    type Call = Call;

    /// A group of the user must still attach the policy, else the detach is skipped.
    async fn recheck(&self, session: &C) -> Result<Todo<Call>, Stop> {
        match granting_group(session, self.step).await {
            Ok(Ok(group)) => *self.group.borrow_mut() = group,
            Ok(Err(why)) => return Err(Stop::new(Outcome::Skipped, why)),
            Err(e) => return Err(Stop::call("re-check", &e)),
        }
        Ok(Todo::all(vec![Call::DetachUserPolicy {
            user: self.step.user.clone(),
            arn: self.step.policy_arn.clone(),
        }]))
    }

    async fn call(&self, session: &C, call: &Call) -> Result<Made, Error> {
        session.make(call).await.map(|()| Made::Changed)
    }

    /// Fresh reads, repeated while IAM settles: the policy no longer attached directly, the user
    /// still in the group — and the group still attaching the policy.
    async fn verify(&self, session: &C, _: &[Call]) -> Result<(), Stop> {
        let group = self.group.borrow().clone();
        let step = self.step;
        let verified = settled(self.cancel, || async {
            let Some(now) = session.attachments(&step.user).await? else {
                return Ok(false);
            };
            Ok(!now.policies.contains(&step.policy_arn) && now.groups.contains(&group))
        })
        .await;
        match verified {
            Ok(Settled::Yes) => {}
            Ok(Settled::No(waited)) => {
                return Err(Stop::new(
                    Outcome::Failed,
                    format!(
                        "verify: {:.0} s after the detach, the policy is still attached directly or the \
                         user is no longer in {group}",
                        waited.as_secs_f64()
                    ),
                ))
            }
            Err(e) => return Err(Stop::call("verify", &e)),
        }
        // The grant, not only the detach: the group must still attach the policy.
        match session.group_policies(&group).await {
            Ok(arns) if arns.contains(&step.policy_arn) => Ok(()),
            Ok(_) => Err(Stop::new(
                Outcome::Failed,
                format!(
                    "verify: {group} no longer attaches the policy, so the user may have lost it: \
                     aws iam attach-user-policy --user-name {} --policy-arn {}",
                    step.user, step.policy_arn
                ),
            )),
            Err(e) => Err(Stop::call("verify", &e)),
        }
    }
}

/// The group of `user` that attaches `arn` now, by a fresh read; `Ok(None)` when none does (or
/// the user, or the direct attachment, is gone): the reason.
async fn granting_group<C: Change>(
    session: &C,
    step: &Step,
) -> Result<Result<String, String>, Error> {
    let Some(now) = session.attachments(&step.user).await? else {
        return Ok(Err("the user no longer exists".into()));
    };
    if !now.policies.contains(&step.policy_arn) {
        return Ok(Err("no longer attached directly".into()));
    }
    for group in &now.groups {
        match session.group_policies(group).await {
            Ok(arns) if arns.contains(&step.policy_arn) => return Ok(Ok(group.clone())),
            Ok(_) => {}
            // The group was deleted since the user's groups were listed: it grants nothing.
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Err(
        "no group of the user attaches it any more (or the user left the group): detaching would remove access"
            .into(),
    ))
}

/// One row of `users-tidy-<UTC>.csv`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub account_id: String,
    pub account_name: String,
    /// Empty on an account's own row.
    pub user_name: String,
    pub policy_arn: String,
    /// The group the re-check found attaching the policy too.
    pub group: String,
    /// `detached`, `skipped`, `failed`, `interrupted`, or an account outcome on its own row.
    pub outcome: String,
    pub error: String,
    /// JSON only: the controls this row's change acts on (how each stands after the run is in
    /// the findings file).
    pub controls: JsonOnly<Vec<crate::controls::Ids>>,
}

/// The report word for a completed tidy.
pub const DONE: &str = outcome::DETACHED;

/// An account's rows: one per planned detach, or one for the account when nothing is planned.
pub fn rows(entry: &Entry<Step>, applied: &Applied<Step, Vec<Detached>>) -> Vec<Row> {
    let row = |step: Option<&Step>, group: &str, outcome: &str, error: &str| Row {
        account_id: entry.account_id.clone(),
        account_name: entry.account_name.clone(),
        user_name: step.map(|s| s.user.clone()).unwrap_or_default(),
        policy_arn: step.map(|s| s.policy_arn.clone()).unwrap_or_default(),
        group: group.to_string(),
        outcome: outcome.to_string(),
        error: error.to_string(),
        controls: JsonOnly(match step {
            Some(_) => crate::controls::ids(&[crate::controls::NO_USER_POLICIES]),
            None => Vec::new(),
        }),
    };
    if !applied.detail.is_empty() {
        return applied
            .detail
            .iter()
            .map(|d| row(Some(&d.step), &d.group, d.outcome, &d.error))
            .collect();
    }
    let label = applied.outcome.label(DONE);
    if entry.steps.is_empty() {
        return vec![row(None, "", label, &applied.error)];
    }
    entry
        .steps
        .iter()
        .map(|s| row(Some(s), "", label, &applied.error))
        .collect()
}

#[cfg(test)]
#[path = "tidy_tests.rs"]
mod tests;
