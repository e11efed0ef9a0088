//! A credential switched between `Active` and `Inactive`, as `users deactivate` and
//! `users reactivate` both do it: the outcome words, the re-check's fresh read, the proof that
//! the switch holds (repeated while IAM settles), and one account's credentials run one by one
//! through the shared apply flow and summed up.

use super::api::{Change, Sessions};
use super::deactivate::Kind;
use super::model::{Call, Holdings};
use crate::call::Error;
use crate::cancel::Cancel;
use crate::run::apply::{Made, Stop, Todo, Unit, UnitResult};
use crate::run::items;
use crate::run::job::{Applied, Entry, Outcome};
use crate::run::settle::{settled, Settled};

/// Per-credential outcome spellings.
pub mod outcome {
    /// Changed, and a fresh read proved it.
    pub const DEACTIVATED: &str = "deactivated";
    /// Already inactive (or the password already gone) at the re-check.
    pub const ALREADY: &str = "already-clean";
    /// Used since the audit: left active.
    pub const SKIPPED_ACTIVE: &str = "skipped-active";
    /// Gone, or the user gone, since the audit.
    pub const CHANGED: &str = "changed-since-plan";
    /// A call failed, or the verification did not prove the result.
    pub const FAILED: &str = "failed";
    /// A signal arrived before this credential.
    pub const INTERRUPTED: &str = "interrupted";
    /// `users reactivate`: set `Active` again, and a fresh read proved it.
    pub const REACTIVATED: &str = "reactivated";
    /// `users reactivate`: its state changed since the record; left as it is.
    pub const REFUSED: &str = "refused";
}

/// What happened to one planned credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed<T = super::deactivate::Step> {
    /// The planned step.
    pub step: T,
    /// One of [`outcome`]'s spellings.
    pub outcome: &'static str,
    /// Why, when it is not deactivated (or a note when it is).
    pub error: String,
}

/// The state of the credential of `kind` with `id` (a password: the user's) in `h`: `None`
/// when it is gone, else its status (`Active` / `Inactive`; a password that exists is
/// `Active`) and its last use (empty when never used, or never recorded for the kind).
pub fn state_of(h: &Holdings, kind: Kind, id: &str) -> Option<(String, String)> {
    let find = |mut list: std::slice::Iter<'_, (&String, &String)>| {
        list.find(|(i, _)| **i == id)
            .map(|(_, status)| (status.to_string(), String::new()))
    };
    let pairs: Vec<(&String, &String)> = match kind {
        Kind::AccessKey => {
            return h
                .access_keys
                .iter()
                .find(|k| k.id == id)
                .map(|k| (k.status.clone(), k.last_used.clone()))
        }
        Kind::Password => {
            return h
                .login_profile
                .then(|| ("Active".to_string(), h.password_last_used.clone()))
        }
        Kind::SshPublicKey => h
            .ssh_public_keys
            .iter()
            .map(|k| (&k.id, &k.status))
            .collect(),
        Kind::SigningCertificate => h
            .signing_certificates
            .iter()
            .map(|c| (&c.id, &c.status))
            .collect(),
        Kind::ServiceSpecificCredential => h
            .service_specific_credentials
            .iter()
            .map(|c| (&c.id, &c.status))
            .collect(),
    };
    find(pairs.iter())
}

/// The re-check's fresh read of `user`'s credentials of `kind` (`only`: the one id when the
/// kind's listing can be skipped): `None` when the user is gone.
async fn now<C: Change>(
    session: &C,
    user: &str,
    kind: Kind,
    only: Option<&str>,
) -> Result<Option<Holdings>, Stop> {
    session
        .holdings_of(user, &[kind], only)
        .await
        .map_err(|e| Stop::call("re-check", &e))
}

/// Fresh reads of `user`, repeated while IAM settles, until its credential of `kind` with `id`
/// shows `Active` (`active`) or `Inactive` (a password: gone). A credential that is gone instead
/// (deleted by someone else, or its user) is changed since the plan; one still in the old
/// state when IAM has had its time failed.
async fn proven<C: Change>(
    session: &C,
    cancel: &Cancel,
    kind: Kind,
    user: &str,
    id: &str,
    active: bool,
) -> Result<(), Stop> {
    let want = if active { "Active" } else { "Inactive" };
    let gone = std::cell::Cell::new(false);
    let verified = settled(cancel, || async {
        let h = session.holdings_of(user, &[kind], kind.only(id)).await?;
        let now = h.as_ref().and_then(|h| state_of(h, kind, id));
        // A password deactivated is a password deleted.
        let password_deleted = now.is_none() && kind == Kind::Password && !active;
        gone.set(now.is_none() && !password_deleted);
        Ok(password_deleted || now.is_some_and(|(status, _)| status == want))
    })
    .await;
    match verified {
        Ok(Settled::Yes) => Ok(()),
        Ok(Settled::No(_)) if gone.get() => Err(Stop::new(
            Outcome::ChangedSincePlan,
            "the credential no longer exists (deleted by someone else?)",
        )
        .worded(outcome::CHANGED)),
        Ok(Settled::No(waited)) => Err(Stop::new(
            Outcome::Failed,
            format!(
                "verify: {:.0} s after the change, a fresh read does not show it {want}",
                waited.as_secs_f64()
            ),
        )),
        Err(e) => Err(Stop::call("verify", &e)),
    }
}

/// One planned credential as the shared apply flow runs it: the re-check's fresh read of the
/// credential, then `check` (the job's own judgement of that read: the calls still to make, or
/// why it is left as it is), the calls, and the proof that it shows `Active` (`active`) or
/// `Inactive`.
pub struct Switch<'a, C, X> {
    user: &'a str,
    kind: Kind,
    id: &'a str,
    active: bool,
    cancel: &'a Cancel,
    check: X,
    session: std::marker::PhantomData<fn(&C)>,
}

impl<'a, C, X> Switch<'a, C, X> {
    /// `step`'s credential, to be made `Active` (`active`) or `Inactive`; `check` judges the
    /// re-check's fresh read (`None`: the user is gone); `cancel` cuts the verification's waits
    /// short.
    fn new<T: Planned>(step: &'a T, active: bool, cancel: &'a Cancel, check: X) -> Self {
        Self {
            user: step.user(),
            kind: step.kind(),
            id: step.id(),
            active,
            cancel,
            check,
            session: std::marker::PhantomData,
        }
    }
}

impl<C, X> Unit for Switch<'_, C, X>
where
    C: Change,
    X: AsyncFn(Option<&Holdings>) -> Result<Vec<Call>, Stop>,
{
    type Session = C;
    type Call = Call;

    async fn recheck(&self, session: &C) -> Result<Todo<Call>, Stop> {
        let h = now(session, self.user, self.kind, self.kind.only(self.id)).await?;
        (self.check)(h.as_ref()).await.map(Todo::all)
    }

    async fn call(&self, session: &C, call: &Call) -> Result<Made, Error> {
        session.make(call).await.map(|()| Made::Changed)
    }

    /// Fresh reads, repeated while IAM settles: the credential in its new state.
    async fn verify(&self, session: &C, _: &[Call]) -> Result<(), Stop> {
        let (user, id) = (self.user, self.id);
        proven(session, self.cancel, self.kind, user, id, self.active).await
    }
}

/// A planned credential: whose, of which kind, which one.
pub trait Planned: Clone {
    /// The user, as IAM spells it.
    fn user(&self) -> &str;
    /// The credential's kind.
    fn kind(&self) -> Kind;
    /// Its id (empty for a password).
    fn id(&self) -> &str;
    /// As the account's error summary names it, e.g. `alice access-key AKIA…`.
    fn label(&self) -> String {
        format!("{} {} {}", self.user(), self.kind().word(), self.id())
    }
}

/// `Planned` for a step struct with fields `user`, `kind` and `id`.
macro_rules! planned {
    ($step:ty) => {
        impl $crate::users::switch::Planned for $step {
            fn user(&self) -> &str {
                &self.user
            }

            fn kind(&self) -> $crate::users::deactivate::Kind {
                self.kind
            }

            fn id(&self) -> &str {
                &self.id
            }
        }
    };
}
pub(super) use planned;

/// Which way a job switches its credentials, and the words it reports them in.
#[derive(Debug, Clone, Copy)]
pub struct Way {
    /// The state the change sets: `Active`, or `Inactive` (a password: deleted).
    pub active: bool,
    /// A credential's outcome in the report's words.
    pub word: fn(Outcome) -> &'static str,
    /// The word of a credential changed and proven.
    pub done: &'static str,
}

/// One account's entry, credential by credential, in one change session: each planned step
/// run through the shared apply flow — unless a signal came first — as a [`Switch`] `way`,
/// judged at its re-check by the job's `check` (or, `Err`, left untouched with its word and
/// reason, no call made).
pub async fn each<'e, S, T, X, F>(
    sessions: &S,
    entry: &'e Entry<T>,
    own: bool,
    cancel: &'e Cancel,
    way: Way,
    check: F,
) -> Applied<T, Vec<Changed<T>>>
where
    S: Sessions,
    T: Planned,
    X: AsyncFn(Option<&Holdings>) -> Result<Vec<Call>, Stop>,
    F: Fn(&'e T) -> Result<X, (&'static str, String)>,
{
    type Ran<'a, C, X> = Option<(Switch<'a, C, X>, UnitResult<Call>)>;
    let changed = |step: &T, outcome, error| Changed {
        step: step.clone(),
        outcome,
        error,
    };
    let unit_of = |step: &'e T| match check(step) {
        Ok(check) => Ok(Switch::new(step, way.active, cancel, check)),
        Err((outcome, why)) => Err(changed(step, outcome, why)),
    };
    let record = |step: &'e T, ran: Ran<'e, S::Change, X>| match ran {
        None => changed(
            step,
            outcome::INTERRUPTED,
            "interrupted before this credential".into(),
        ),
        Some((_, applied)) => {
            let word = applied
                .detail
                .unwrap_or_else(|| (way.word)(applied.outcome));
            changed(step, word, applied.error)
        }
    };
    let open = sessions.open_change(&entry.account_id, own);
    let fold = |results| summarise(results, way.done);
    items::each(open, &entry.steps, cancel, unit_of, record, fold).await
}

/// The account's outcome from its credentials': the worst decides.
pub(super) fn summarise<T: Planned>(
    results: Vec<Changed<T>>,
    done_word: &str,
) -> Applied<T, Vec<Changed<T>>> {
    let done: Vec<T> = results
        .iter()
        .filter(|r| r.outcome == done_word)
        .map(|r| r.step.clone())
        .collect();
    let rank = |r: &Changed<T>| match r.outcome {
        outcome::FAILED => Outcome::Failed,
        outcome::INTERRUPTED => Outcome::Interrupted,
        outcome::CHANGED => Outcome::ChangedSincePlan,
        outcome::SKIPPED_ACTIVE | outcome::REFUSED => Outcome::Skipped,
        _ => Outcome::Done,
    };
    let error =
        |r: &Changed<T>| (!r.error.is_empty()).then(|| format!("{}: {}", r.step.label(), r.error));
    items::fold(done, results, rank, error, Outcome::AlreadyClean)
}
