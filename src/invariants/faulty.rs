//! The generated case's fault plan at the AWS seam: a wrapper over the in-memory organization
//! that counts every call of the run, applies the fault the plan gives its number, and watches
//! what the jobs do — which accounts had a read fail, which changes reached the world, and any
//! change that arrived while the root user held access keys or certificates.

use super::generate::Fault;
use crate::call::{classify, Error};
use crate::cancel::Cancel;
use crate::model::LoginProfile;
use crate::recover::api::{PasswordSession, PasswordSessions};
use crate::root::api::{Change, Read, Sessions};
use crate::root::fake::{Fake, Session};
use crate::root::model::{MfaDevice, SigningCertificate};
use aws_smithy_types::DateTime;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What the wrapper saw during the run.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    /// Accounts one of whose calls failed (or was cut by a fault) before the confirmation.
    pub reads_failed: BTreeSet<String>,
    /// Changes that reached the world: (operation, account).
    pub made: Vec<(String, String)>,
    /// Changes that arrived while the account's root user held keys or certificates.
    pub unsafe_changes: Vec<(String, String)>,
    /// The run was sent a signal.
    pub signalled: bool,
    /// It was, before the confirmation (while the read stage ran).
    pub signalled_reading: bool,
    /// When (virtual time), if it was.
    pub signalled_at: Option<tokio::time::Instant>,
}

struct Shared {
    fake: Fake,
    faults: Vec<(usize, Fault)>,
    calls: AtomicUsize,
    changing: AtomicBool,
    cancel: Cancel,
    seen: Mutex<Seen>,
}

/// The organization with the case's fault plan in front of it. Clones share the count.
#[derive(Clone)]
pub struct Faulty(Arc<Shared>);

impl Faulty {
    /// `fake` behind `faults`; a `Signal` fault cancels `cancel`.
    pub fn new(fake: Fake, faults: Vec<(usize, Fault)>, cancel: Cancel) -> Faulty {
        Faulty(Arc::new(Shared {
            fake,
            faults,
            calls: AtomicUsize::new(0),
            changing: AtomicBool::new(false),
            cancel,
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

    /// Counts one call in `account` and applies its fault: `Err` answers instead of the call;
    /// `Ok(true)` means the change must be made and then reported as lost.
    fn gate(&self, op: &'static str, account: &str) -> Result<bool, Error> {
        let n = self.0.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let mut lost = false;
        for (_, fault) in self.0.faults.iter().filter(|(at, _)| *at == n) {
            match fault {
                Fault::Error(code) => {
                    if !self.0.changing.load(Ordering::SeqCst) {
                        self.lock().reads_failed.insert(account.to_string());
                    }
                    return Err(Error::new(op, code, "injected", classify(code)));
                }
                Fault::AppliedThenLost => lost = true,
                // Between the plan and the change (or the audit), when a session opens: a key
                // appearing between a re-check and the next call is a race no tool can close.
                Fault::KeyAppears if op == "AssumeRoot" => self
                    .0
                    .fake
                    .edit(account, |r| r.keys.push(format!("AKIALATE{n}"))),
                Fault::KeyAppears => {}
                Fault::Signal => {
                    let reading = !self.0.changing.load(Ordering::SeqCst);
                    let mut seen = self.lock();
                    seen.signalled = true;
                    seen.signalled_reading |= reading;
                    seen.signalled_at
                        .get_or_insert_with(tokio::time::Instant::now);
                    drop(seen);
                    self.0.cancel.cancel(false);
                }
            }
        }
        Ok(lost)
    }

    /// Records a change about to reach the world, and whether it was safe to make: a root
    /// credential removed while the root user holds keys or certificates is not.
    fn making(&self, op: &str, account: &str) {
        let root = self.0.fake.root(account);
        let removal = op != "CreateLoginProfile";
        let mut seen = self.lock();
        if removal && (!root.keys.is_empty() || !root.certs.is_empty()) {
            seen.unsafe_changes
                .push((op.to_string(), account.to_string()));
        }
        seen.made.push((op.to_string(), account.to_string()));
    }
}

/// The answer of a retry after a lost answer: the change's effect is in place.
fn lost_answer(op: &'static str, code: &str) -> Error {
    Error {
        answer_lost: true,
        ..Error::new(op, code, "found on retry", classify(code))
    }
}

/// One session behind the fault plan.
pub struct FaultySession {
    inner: Session,
    account: String,
    plan: Faulty,
}

impl FaultySession {
    fn gate(&self, op: &'static str) -> Result<bool, Error> {
        self.plan.gate(op, &self.account)
    }
}

impl Faulty {
    async fn open(&self, account: &str) -> Result<FaultySession, Error> {
        self.gate("AssumeRoot", account)?;
        Ok(FaultySession {
            inner: self.0.fake.open_audit(account).await?,
            account: account.to_string(),
            plan: self.clone(),
        })
    }
}

impl Sessions for Faulty {
    type Read = FaultySession;
    type Change = FaultySession;
    async fn open_audit(&self, account_id: &str) -> Result<FaultySession, Error> {
        self.open(account_id).await
    }
    async fn open_delete(&self, account_id: &str) -> Result<FaultySession, Error> {
        self.open(account_id).await
    }
}

impl PasswordSessions for Faulty {
    type Session = FaultySession;
    async fn open(&self, account_id: &str) -> Result<FaultySession, Error> {
        Faulty::open(self, account_id).await
    }
}

impl Read for FaultySession {
    async fn login_profile(&self) -> Result<Option<LoginProfile>, Error> {
        self.gate("GetLoginProfile")?;
        Read::login_profile(&self.inner).await
    }
    async fn mfa_devices(&self) -> Result<Vec<MfaDevice>, Error> {
        self.gate("ListMFADevices")?;
        self.inner.mfa_devices().await
    }
    async fn access_key_ids(&self) -> Result<Vec<(String, String)>, Error> {
        self.gate("ListAccessKeys")?;
        self.inner.access_key_ids().await
    }
    async fn access_key_last_used(&self, key: &str) -> Result<Option<DateTime>, Error> {
        self.gate("GetAccessKeyLastUsed")?;
        self.inner.access_key_last_used(key).await
    }
    async fn signing_certificates(&self) -> Result<Vec<SigningCertificate>, Error> {
        self.gate("ListSigningCertificates")?;
        self.inner.signing_certificates().await
    }
    async fn password_last_used(&self) -> Result<Option<DateTime>, Error> {
        self.gate("GetUser")?;
        self.inner.password_last_used().await
    }
}

impl Change for FaultySession {
    async fn delete_login_profile(&self) -> Result<bool, Error> {
        let lost = self.gate("DeleteLoginProfile")?;
        self.plan.making("DeleteLoginProfile", &self.account);
        let had = match self.inner.delete_login_profile().await {
            Ok(had) => had,
            Err(e) if e.is_not_found() => false,
            Err(e) => return Err(e),
        };
        if lost {
            return Err(lost_answer("DeleteLoginProfile", "NoSuchEntity"));
        }
        Ok(had)
    }
    async fn deactivate_mfa(&self, serial: &str) -> Result<(), Error> {
        let lost = self.gate("DeactivateMFADevice")?;
        self.plan.making("DeactivateMFADevice", &self.account);
        let done = self.inner.deactivate_mfa(serial).await;
        if lost {
            return Err(lost_answer("DeactivateMFADevice", "NoSuchEntity"));
        }
        done
    }
}

impl PasswordSession for FaultySession {
    async fn login_profile(&self) -> Result<Option<LoginProfile>, Error> {
        self.gate("GetLoginProfile")?;
        PasswordSession::login_profile(&self.inner).await
    }
    async fn create_login_profile(&self) -> Result<bool, Error> {
        let lost = self.gate("CreateLoginProfile")?;
        self.plan.making("CreateLoginProfile", &self.account);
        let created = self.inner.create_login_profile().await?;
        if lost {
            return Err(lost_answer("CreateLoginProfile", "EntityAlreadyExists"));
        }
        Ok(created)
    }
}
