//! The generated case's fault plan in front of the in-memory IAM users (`users::fake`): a
//! wrapper over its sessions that counts the calls of each stage (the read stage, and the
//! change stage once the confirmation is given), applies the fault the plan gives a call's
//! number, and watches what the job does — which accounts had a read fail, and every mutating
//! call that reached the world, with the user as it was right before and the undo record as it
//! stood then.

use crate::call::{classify, Error};
use crate::cancel::Cancel;
use crate::users::api::{Change, Fresh, Read, Sessions};
use crate::users::fake::{Fake, Session, User};
use crate::users::model::{
    Attachments, AuthorizationDetails, Call, Credential, Holdings, ReportState,
};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What a fault does to the call it hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The call answers this error code without reaching the world.
    Error(&'static str),
    /// A change reaches the world, then its answer is lost and every retry fails with this
    /// code: the run cannot know it was made.
    AppliedThenFailed(&'static str),
    /// A change reaches the world, its answer is lost, and the SDK's retry answers as AWS
    /// does then (a repeated status update succeeds; a repeated `DeleteLoginProfile` finds no
    /// profile, marked as an answer lost).
    AppliedThenLost,
    /// A change is answered as made and never takes effect (what a reader sees when someone
    /// undoes it at once): only the verification can tell.
    Ignored,
    /// The run receives a signal, then the call runs.
    Signal,
}

/// The fault plan: `(n, fault)` for the n-th call (1-based) of the read stage, and of the
/// change stage.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub read: Vec<(usize, Fault)>,
    pub change: Vec<(usize, Fault)>,
}

/// A mutating call that reached the world.
#[derive(Debug, Clone)]
pub struct Made {
    pub account: String,
    pub call: Call,
    /// The user as the world held it right before the call.
    pub before: Option<User>,
    /// The undo record's text right before the call (empty: no file).
    pub record: String,
    /// Whether the run had been signalled before the call began.
    pub after_signal: bool,
    /// Whether the confirmation had been given.
    pub confirmed: bool,
}

/// What the wrapper saw during the run.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    /// Accounts one of whose calls failed (or was cut by a fault) before the confirmation.
    pub reads_failed: BTreeSet<String>,
    /// Changes that reached the world, in order.
    pub made: Vec<Made>,
    /// The run was sent a signal; before the confirmation; when (virtual time).
    pub signalled: bool,
    pub signalled_reading: bool,
    pub signalled_at: Option<tokio::time::Instant>,
}

struct Shared {
    fake: Fake,
    plan: Plan,
    reads: AtomicUsize,
    changes: AtomicUsize,
    changing: AtomicBool,
    cancel: Cancel,
    record: PathBuf,
    seen: Mutex<Seen>,
}

/// The IAM users behind the fault plan. Clones share the counts.
#[derive(Clone)]
pub struct Faulty(Arc<Shared>);

/// What a gated call must do after its fault.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Then {
    Run,
    Fail(&'static str),
    Lost,
    Ignore,
}

impl Faulty {
    /// `fake` behind `plan`; a signal cancels `cancel`; `record` is the undo record's path.
    pub fn new(fake: Fake, plan: Plan, cancel: Cancel, record: PathBuf) -> Faulty {
        Faulty(Arc::new(Shared {
            fake,
            plan,
            reads: AtomicUsize::new(0),
            changes: AtomicUsize::new(0),
            changing: AtomicBool::new(false),
            cancel,
            record,
            seen: Mutex::default(),
        }))
    }

    /// From now on calls belong to the change stage (the confirmation was given).
    pub fn confirmed(&self) {
        self.0.changing.store(true, Ordering::SeqCst);
    }

    /// What was seen so far.
    pub fn seen(&self) -> Seen {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.0.seen.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one call in `account` and applies its fault: `Err` answers instead of the call.
    fn gate(&self, op: &'static str, account: &str) -> Result<Then, Error> {
        let changing = self.0.changing.load(Ordering::SeqCst);
        let (count, faults) = match changing {
            false => (&self.0.reads, &self.0.plan.read),
            true => (&self.0.changes, &self.0.plan.change),
        };
        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
        let mut then = Then::Run;
        for (_, fault) in faults.iter().filter(|(at, _)| *at == n) {
            match *fault {
                Fault::Error(code) => {
                    if !changing {
                        self.lock().reads_failed.insert(account.to_string());
                    }
                    return Err(Error::new(op, code, "injected", classify(code)));
                }
                Fault::AppliedThenFailed(code) => then = Then::Fail(code),
                Fault::AppliedThenLost => then = Then::Lost,
                Fault::Ignored => then = Then::Ignore,
                Fault::Signal => {
                    let mut seen = self.lock();
                    seen.signalled = true;
                    seen.signalled_reading |= !changing;
                    seen.signalled_at
                        .get_or_insert_with(tokio::time::Instant::now);
                    drop(seen);
                    self.0.cancel.cancel(false);
                }
            }
        }
        Ok(then)
    }

    /// Records a change about to reach the world.
    fn making(&self, account: &str, call: &Call, after_signal: bool) {
        let user = match call {
            Call::DeleteLoginProfile { user }
            | Call::UpdateAccessKey { user, .. }
            | Call::UpdateSigningCertificate { user, .. }
            | Call::UpdateSshPublicKey { user, .. }
            | Call::UpdateServiceSpecificCredential { user, .. } => user.clone(),
            _ => String::new(),
        };
        let made = Made {
            account: account.to_string(),
            call: call.clone(),
            before: self.0.fake.user_now(account, &user),
            record: std::fs::read_to_string(&self.0.record).unwrap_or_default(),
            after_signal,
            confirmed: self.0.changing.load(Ordering::SeqCst),
        };
        self.lock().made.push(made);
    }

    fn session(&self, inner: Session, account: &str) -> FaultySession {
        FaultySession {
            inner,
            account: account.to_string(),
            plan: self.clone(),
        }
    }
}

/// One session behind the fault plan.
pub struct FaultySession {
    inner: Session,
    account: String,
    plan: Faulty,
}

impl FaultySession {
    fn gate(&self, op: &'static str) -> Result<Then, Error> {
        self.plan.gate(op, &self.account)
    }
}

impl Sessions for Faulty {
    type Read = FaultySession;
    type Change = FaultySession;

    async fn open_change(&self, account_id: &str, own: bool) -> Result<FaultySession, Error> {
        if !own {
            self.gate("AssumeRole", account_id)?;
        }
        let inner = self.0.fake.open_change(account_id, own).await?;
        Ok(self.session(inner, account_id))
    }

    async fn assume_role(&self, account_id: &str) -> Result<FaultySession, Error> {
        self.gate("AssumeRole", account_id)?;
        let inner = self.0.fake.assume_role(account_id).await?;
        Ok(self.session(inner, account_id))
    }

    fn own(&self) -> FaultySession {
        self.session(self.0.fake.own(), super::generate::MANAGEMENT)
    }
}

impl Read for FaultySession {
    async fn generate_credential_report(&self) -> Result<ReportState, Error> {
        self.gate("GenerateCredentialReport")?;
        self.inner.generate_credential_report().await
    }
    async fn credential_report(&self) -> Result<String, Error> {
        self.gate("GetCredentialReport")?;
        self.inner.credential_report().await
    }
    async fn authorization_details(&self) -> Result<AuthorizationDetails, Error> {
        self.gate("GetAccountAuthorizationDetails")?;
        self.inner.authorization_details().await
    }
    async fn credentials(&self, user: &str, certificates: bool) -> Result<Vec<Credential>, Error> {
        self.gate("ListSSHPublicKeys")?;
        self.inner.credentials(user, certificates).await
    }
}

impl Fresh for FaultySession {
    async fn holdings(&self, user: &str) -> Result<Option<Holdings>, Error> {
        self.gate("GetUser")?;
        self.inner.holdings(user).await
    }
}

impl Change for FaultySession {
    async fn exists(&self, user: &str) -> Result<bool, Error> {
        self.gate("GetUser")?;
        self.inner.exists(user).await
    }
    async fn attachments(&self, user: &str) -> Result<Option<Attachments>, Error> {
        self.gate("ListGroupsForUser")?;
        self.inner.attachments(user).await
    }
    async fn group_policies(&self, group: &str) -> Result<Vec<String>, Error> {
        self.gate("ListAttachedGroupPolicies")?;
        self.inner.group_policies(group).await
    }
    async fn make(&self, call: &Call) -> Result<(), Error> {
        let op = call.operation();
        let after_signal = self.plan.0.cancel.is_cancelled();
        let then = self.gate(op)?;
        self.plan.making(&self.account, call, after_signal);
        if then == Then::Ignore {
            return Ok(());
        }
        let made = self.inner.make(call).await;
        let lost = |code: &str| Error {
            answer_lost: true,
            ..Error::new(op, code, "the answer was lost", classify(code))
        };
        match then {
            Then::Run => made,
            Then::Fail(code) => made.and(Err(lost(code))),
            Then::Lost if matches!(call, Call::DeleteLoginProfile { .. }) => {
                made.and(Err(lost("NoSuchEntity")))
            }
            Then::Lost | Then::Ignore => made,
        }
    }
}
