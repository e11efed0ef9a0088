//! Reads what the chosen users hold (for the plan), and applies one account's confirmed
//! `users delete` entry, user by user: a fresh read of the user right before any change (gone →
//! nothing to do; used since the audit, or — when it must be stale — used or issued a credential
//! within the stale period, or holding an active credential whose use IAM never records →
//! `skipped-active`; another user of the same name, or a call needed that the plan did not show →
//! `changed-since-plan`), the restore record written atomically, then every dependent removed in
//! the order `DeleteUser` requires, each call idempotent (NoSuchEntity = already done), and fresh
//! reads — repeated for a few seconds, as IAM is eventually consistent — proving the user gone.

use super::api::{Change, Fresh, Sessions};
use super::calls::calls;
use super::deactivate::Kind;
use super::holdings::{later, same_time};
use super::model::{Call, Holdings};
use super::plan::Step;
use super::restore::Restore;
use crate::call::Error;
use crate::cancel::Cancel;
use crate::run::apply::{Made, Stop, Todo, Unit, UnitResult};
use crate::run::items;
use crate::run::job::{Applied, Entry, Outcome};
use crate::run::settle::{settled, Settled};
use futures::StreamExt;
use std::collections::BTreeMap;
use std::marker::PhantomData;

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
pub struct UserOutcome {
    /// User name.
    pub user: String,
    /// One of [`outcome`]'s spellings.
    pub outcome: &'static str,
    /// The calls this run made, in order (`Operation target`).
    pub done: Vec<String>,
    /// The failed call and its error, or why the user was left alone.
    pub error: String,
}

/// Everything each of `names` holds, read in one change session, `at_once` users at a time (a
/// user gone is absent); no session is opened when there is no one to read. The first failed
/// read, in the order of `names`, fails the whole and starts no further read.
pub async fn holdings<S: Sessions>(
    sessions: &S,
    account_id: &str,
    own: bool,
    names: &[&str],
    at_once: usize,
    kinds: Option<&[Kind]>,
) -> Result<BTreeMap<String, Holdings>, Error> {
    if names.is_empty() {
        return Ok(BTreeMap::new());
    }
    let session = sessions.open_change(account_id, own).await?;
    holdings_in(&session, names, at_once, kinds).await
}

/// Everything each of `names` holds (only what `kinds` need, when given), read in `session`,
/// `at_once` users at a time (a user gone is absent). The first failed read, in the order of
/// `names`, fails the whole and starts no further read.
pub async fn holdings_in<F: Fresh>(
    session: &F,
    names: &[&str],
    at_once: usize,
    kinds: Option<&[Kind]>,
) -> Result<BTreeMap<String, Holdings>, Error> {
    let mut found = BTreeMap::new();
    let mut reads = futures::stream::iter(names)
        .map(|name| async move {
            let read = match kinds {
                Some(kinds) => session.holdings_of(name, kinds, None).await,
                None => session.holdings(name).await,
            };
            (name, read)
        })
        .buffered(at_once.max(1));
    while let Some((name, read)) = reads.next().await {
        if let Some(h) = read? {
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

/// Applies `entry` (a `Change` entry of the confirmed plan) user by user in one session; `own`
/// says the account is the caller's (its own credentials, no role).
pub async fn apply<S: Sessions>(
    sessions: &S,
    entry: &Entry<Step>,
    own: bool,
    ctx: &Context<'_>,
) -> Applied<Step, Vec<UserOutcome>> {
    let unit_of = |step| {
        Ok(Delete {
            account_id: &entry.account_id,
            step,
            ctx,
            session: PhantomData,
        })
    };
    let record = |step: &Step, ran: Option<(Delete<'_, S::Change>, UnitResult<Call>)>| match ran {
        None => UserOutcome {
            user: step.user.clone(),
            outcome: outcome::NOT_STARTED,
            done: Vec::new(),
            error: "the run was interrupted before this user started".into(),
        },
        Some((_, applied)) => UserOutcome {
            user: step.user.clone(),
            outcome: applied.detail.unwrap_or_else(|| word(applied.outcome)),
            done: applied.done.iter().map(Call::to_string).collect(),
            error: applied.error,
        },
    };
    let fold = |results: Vec<UserOutcome>| {
        let done = (entry.steps.iter().zip(&results))
            .filter(|(_, r)| r.outcome == outcome::DELETED)
            .map(|(step, _)| step.clone())
            .collect();
        summarise(done, results)
    };
    let open = sessions.open_change(&entry.account_id, own);
    items::each(open, &entry.steps, ctx.cancel, unit_of, record, fold).await
}

/// A user's outcome in the delete report's words.
fn word(o: Outcome) -> &'static str {
    match o {
        Outcome::Done => outcome::DELETED,
        Outcome::AlreadyClean | Outcome::NothingInScope => outcome::ALREADY_GONE,
        Outcome::ChangedSincePlan => outcome::CHANGED,
        Outcome::Skipped | Outcome::SkippedBlocked | Outcome::SkippedUnknown => {
            outcome::SKIPPED_ACTIVE
        }
        Outcome::Interrupted => outcome::INTERRUPTED,
        Outcome::NotStarted => outcome::NOT_STARTED,
        Outcome::Failed => outcome::FAILED,
    }
}

/// The account's outcome from its users': the worst one decides.
fn summarise(done: Vec<Step>, results: Vec<UserOutcome>) -> Applied<Step, Vec<UserOutcome>> {
    let rank = |r: &UserOutcome| match r.outcome {
        outcome::FAILED => Outcome::Failed,
        outcome::INTERRUPTED | outcome::NOT_STARTED => Outcome::Interrupted,
        outcome::CHANGED => Outcome::ChangedSincePlan,
        outcome::SKIPPED_ACTIVE | outcome::REFUSED => Outcome::Skipped,
        _ => Outcome::Done,
    };
    let error = |r: &UserOutcome| (!r.error.is_empty()).then(|| format!("{}: {}", r.user, r.error));
    items::fold(done, results, rank, error, Outcome::AlreadyClean)
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

/// One user of a confirmed entry: the unit the apply flow re-checks, deletes and verifies.
struct Delete<'a, C> {
    account_id: &'a str,
    step: &'a Step,
    ctx: &'a Context<'a>,
    session: PhantomData<fn(&C)>,
}

impl<C: Change> Unit for Delete<'_, C> {
    type Session = C;
    type Call = Call;

    /// A fresh read of the user ([`recheck`]), then the restore record written: the calls that
    /// delete what the user holds now (a dependent gone since the plan is not removed again).
    async fn recheck(&self, session: &C) -> Result<Todo<Call>, Stop> {
        let h = match session.holdings(&self.step.user).await {
            Ok(Some(h)) => h,
            Ok(None) => return Err(Stop::new(Outcome::AlreadyClean, "")),
            Err(e) => return Err(Stop::call("re-check", &e)),
        };
        if let Some((word, why)) = recheck(self.step, &h, self.ctx.caller_arn) {
            let outcome = match word {
                outcome::CHANGED => Outcome::ChangedSincePlan,
                _ => Outcome::Skipped,
            };
            return Err(Stop::new(outcome, why).worded(word));
        }
        if let Err(e) = self.ctx.restore.record(self.account_id, &h) {
            return Err(Stop::new(
                Outcome::Failed,
                format!("the restore record could not be written ({e}); left untouched"),
            ));
        }
        Ok(Todo::all(calls(&h)))
    }

    async fn call(&self, session: &C, call: &Call) -> Result<Made, Error> {
        session.make(call).await.map(|()| Made::Changed)
    }

    /// Fresh reads, repeated while IAM settles, proving the user gone.
    async fn verify(&self, session: &C, _: &[Call]) -> Result<(), Stop> {
        let gone = settled(self.ctx.cancel, || async {
            Ok(!session.exists(&self.step.user).await?)
        })
        .await;
        match gone {
            Ok(Settled::Yes) => Ok(()),
            Ok(Settled::No(waited)) => Err(Stop::new(
                Outcome::Failed,
                format!(
                    "verify: GetUser still finds the user {:.0} s after DeleteUser succeeded",
                    waited.as_secs_f64()
                ),
            )),
            Err(e) => Err(Stop::call("verify", &e)),
        }
    }
}
