//! Test doubles at the AWS seam: an in-memory organization ([`Fake`]) implementing the
//! Organizations and root-session traits, with a call log, and [`Failing`], a wrapper that fails
//! the k-th call with any error code. The pipeline, planner and executor are tested through
//! them without HTTP.

use super::api::{Change, Read, Sessions};
use super::model::{MfaDevice, SigningCertificate};
use crate::call::{classify, Error};
use crate::model::Account;
use crate::model::LoginProfile;
use crate::recover::api::{PasswordSession, PasswordSessions};
use crate::run::directory::{AccountPage, Directory, Node, OuPage};
use aws_smithy_types::DateTime;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// One account's root user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Root {
    /// A console password exists.
    pub login_profile: bool,
    /// MFA serials.
    pub mfa: Vec<String>,
    /// Access key ids.
    pub keys: Vec<String>,
    /// Signing certificate ids.
    pub certs: Vec<String>,
}

#[derive(Default)]
struct State {
    accounts: Vec<Account>,
    roots: BTreeMap<String, Root>,
    calls: Vec<(String, Option<String>)>,
    latency: std::time::Duration,
}

/// An in-memory organization. Clones share state.
#[derive(Clone, Default)]
pub struct Fake {
    state: Arc<Mutex<State>>,
}

/// Operations that change something.
pub const MUTATING: [&str; 3] = [
    "DeleteLoginProfile",
    "DeactivateMFADevice",
    "CreateLoginProfile",
];

impl Fake {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds an ACTIVE account with a root user.
    pub fn account(self, id: &str, root: Root) -> Self {
        {
            let mut s = self.lock();
            s.accounts.push(Account {
                id: id.into(),
                name: format!("name-{id}"),
                email: format!("{id}@example.com"),
                state: "ACTIVE".into(),
                ou_path: String::new(),
                ou_ids: String::new(),
            });
            s.roots.insert(id.into(), root);
        }
        self
    }

    /// Sets an account's Organizations state (`SUSPENDED`, `PENDING_CLOSURE`, …).
    pub fn with_state(self, id: &str, state: &str) -> Self {
        if let Some(a) = self.lock().accounts.iter_mut().find(|a| a.id == id) {
            a.state = state.into();
        }
        self
    }

    /// Every root-session call takes `latency` from now on.
    pub fn with_latency(self, latency: std::time::Duration) -> Self {
        self.lock().latency = latency;
        self
    }

    /// The root user of an account now.
    pub fn root(&self, id: &str) -> Root {
        self.lock().roots.get(id).cloned().unwrap_or_default()
    }

    /// Changes an account's root user (e.g. between the plan and the change).
    pub fn edit(&self, id: &str, f: impl FnOnce(&mut Root)) {
        if let Some(root) = self.lock().roots.get_mut(id) {
            f(root);
        }
    }

    /// Every call so far: (operation, account).
    pub fn calls(&self) -> Vec<(String, Option<String>)> {
        self.lock().calls.clone()
    }

    /// Calls of operations that change something.
    pub fn mutating_calls(&self) -> Vec<(String, Option<String>)> {
        self.calls()
            .into_iter()
            .filter(|(op, _)| MUTATING.contains(&op.as_str()))
            .collect()
    }

    fn log(&self, op: &str, account: Option<&str>) {
        self.lock()
            .calls
            .push((op.to_string(), account.map(str::to_string)));
    }
}

impl Directory for Fake {
    async fn list_accounts_page(&self, token: Option<String>) -> Result<AccountPage, Error> {
        self.log("ListAccounts", None);
        // Pages of two, so paging is exercised.
        let start: usize = token.as_deref().and_then(|t| t.parse().ok()).unwrap_or(0);
        let s = self.lock();
        let accounts: Vec<Account> = s.accounts.iter().skip(start).take(2).cloned().collect();
        let next = start + accounts.len();
        Ok(AccountPage {
            accounts,
            next_token: (next < s.accounts.len()).then(|| next.to_string()),
        })
    }
    async fn describe_ou(&self, _ou: &str) -> Result<(), Error> {
        Err(not_found("DescribeOrganizationalUnit"))
    }
    async fn ou_ancestry(&self, _ou: &str) -> Result<Vec<String>, Error> {
        Ok(Vec::new())
    }
    async fn child_ous(&self, _parent: &str) -> Result<Vec<String>, Error> {
        Ok(Vec::new())
    }
    async fn child_accounts(&self, _parent: &str) -> Result<Vec<String>, Error> {
        Ok(Vec::new())
    }
    // A flat organization: one root, no OUs (the tree walk has its own tests).
    async fn roots(&self) -> Result<Vec<Node>, Error> {
        Ok(vec![Node {
            id: "r-fake".into(),
            name: "Root".into(),
        }])
    }
    async fn accounts_for_parent_page(
        &self,
        _parent: &str,
        token: Option<String>,
    ) -> Result<AccountPage, Error> {
        self.list_accounts_page(token).await
    }
    async fn ous_for_parent_page(
        &self,
        _parent: &str,
        _token: Option<String>,
    ) -> Result<OuPage, Error> {
        Ok(OuPage::default())
    }
}

fn not_found(op: &'static str) -> Error {
    Error::new(op, "NoSuchEntity", "not found", classify("NoSuchEntity"))
}

/// A session of the fake in one account.
pub struct Session {
    fake: Fake,
    account: String,
}

impl Session {
    async fn root(&self, op: &'static str) -> Root {
        let latency = self.fake.lock().latency;
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        self.fake.log(op, Some(&self.account));
        self.fake.root(&self.account)
    }
}

impl Read for Session {
    async fn login_profile(&self) -> Result<Option<LoginProfile>, Error> {
        let root = self.root("GetLoginProfile").await;
        if root.login_profile {
            Ok(Some(LoginProfile { created: None }))
        } else {
            Ok(None)
        }
    }
    async fn mfa_devices(&self) -> Result<Vec<MfaDevice>, Error> {
        let root = self.root("ListMFADevices").await;
        Ok(root
            .mfa
            .into_iter()
            .map(|serial| MfaDevice {
                serial,
                enabled: None,
            })
            .collect())
    }
    async fn access_key_ids(&self) -> Result<Vec<(String, String)>, Error> {
        let root = self.root("ListAccessKeys").await;
        Ok(root
            .keys
            .into_iter()
            .map(|k| (k, "Active".to_string()))
            .collect())
    }
    async fn access_key_last_used(&self, _key: &str) -> Result<Option<DateTime>, Error> {
        self.root("GetAccessKeyLastUsed").await;
        Ok(None)
    }
    async fn signing_certificates(&self) -> Result<Vec<SigningCertificate>, Error> {
        let root = self.root("ListSigningCertificates").await;
        Ok(root
            .certs
            .into_iter()
            .map(|id| SigningCertificate {
                id,
                status: "Active".into(),
            })
            .collect())
    }
    async fn password_last_used(&self) -> Result<Option<DateTime>, Error> {
        self.root("GetUser").await;
        Ok(None)
    }
}

impl Change for Session {
    async fn delete_login_profile(&self) -> Result<bool, Error> {
        let had = self.root("DeleteLoginProfile").await.login_profile;
        self.fake.edit(&self.account, |r| r.login_profile = false);
        if had {
            Ok(true)
        } else {
            Err(not_found("DeleteLoginProfile"))
        }
    }
    async fn deactivate_mfa(&self, serial: &str) -> Result<(), Error> {
        self.root("DeactivateMFADevice").await;
        let mut found = false;
        self.fake.edit(&self.account, |r| {
            found = r.mfa.iter().any(|s| s == serial);
            r.mfa.retain(|s| s != serial);
        });
        if found {
            Ok(())
        } else {
            Err(not_found("DeactivateMFADevice"))
        }
    }
}

impl PasswordSession for Session {
    async fn login_profile(&self) -> Result<Option<LoginProfile>, Error> {
        Read::login_profile(self).await
    }
    async fn create_login_profile(&self) -> Result<bool, Error> {
        let had = self.root("CreateLoginProfile").await.login_profile;
        self.fake.edit(&self.account, |r| r.login_profile = true);
        Ok(!had)
    }
}

impl PasswordSessions for Fake {
    type Session = Session;
    async fn open(&self, account_id: &str) -> Result<Session, Error> {
        self.open_audit(account_id).await
    }
}

impl Sessions for Fake {
    type Read = Session;
    type Change = Session;
    async fn open_audit(&self, account_id: &str) -> Result<Session, Error> {
        self.log("AssumeRoot", Some(account_id));
        Ok(Session {
            fake: self.clone(),
            account: account_id.into(),
        })
    }
    async fn open_delete(&self, account_id: &str) -> Result<Session, Error> {
        self.open_audit(account_id).await
    }
}

/// Wraps any root-session source and fails the k-th call (1-based, counted across every
/// session and operation it opens, `AssumeRoot` included) — or every call from the k-th on
/// when `sticky` — with `code`.
#[derive(Clone)]
pub struct Failing<S> {
    inner: S,
    count: Arc<AtomicUsize>,
    k: usize,
    sticky: bool,
    code: &'static str,
}

impl<S> Failing<S> {
    /// Fails call number `k` with `code`.
    pub fn new(inner: S, k: usize, code: &'static str) -> Self {
        Failing {
            inner,
            count: Arc::default(),
            k,
            sticky: false,
            code,
        }
    }

    /// Fails every call from number `k` on.
    pub fn from(inner: S, k: usize, code: &'static str) -> Self {
        Failing {
            sticky: true,
            ..Failing::new(inner, k, code)
        }
    }

    fn check(&self, op: &'static str) -> Result<(), Error> {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        if n == self.k || (self.sticky && n > self.k) {
            Err(Error::new(op, self.code, "injected", classify(self.code)))
        } else {
            Ok(())
        }
    }
}

/// A session wrapped by [`Failing`].
pub struct FailingSession<R> {
    inner: R,
    gate: Failing<()>,
}

impl<S: Sessions> Sessions for Failing<S> {
    type Read = FailingSession<S::Read>;
    type Change = FailingSession<S::Change>;
    async fn open_audit(&self, account_id: &str) -> Result<Self::Read, Error> {
        self.check("AssumeRoot")?;
        Ok(FailingSession {
            inner: self.inner.open_audit(account_id).await?,
            gate: self.gate(),
        })
    }
    async fn open_delete(&self, account_id: &str) -> Result<Self::Change, Error> {
        self.check("AssumeRoot")?;
        Ok(FailingSession {
            inner: self.inner.open_delete(account_id).await?,
            gate: self.gate(),
        })
    }
}

impl<S> Failing<S> {
    fn gate(&self) -> Failing<()> {
        Failing {
            inner: (),
            count: self.count.clone(),
            k: self.k,
            sticky: self.sticky,
            code: self.code,
        }
    }
}

impl<R: Read> Read for FailingSession<R> {
    async fn login_profile(&self) -> Result<Option<LoginProfile>, Error> {
        self.gate.check("GetLoginProfile")?;
        self.inner.login_profile().await
    }
    async fn mfa_devices(&self) -> Result<Vec<MfaDevice>, Error> {
        self.gate.check("ListMFADevices")?;
        self.inner.mfa_devices().await
    }
    async fn access_key_ids(&self) -> Result<Vec<(String, String)>, Error> {
        self.gate.check("ListAccessKeys")?;
        self.inner.access_key_ids().await
    }
    async fn access_key_last_used(&self, key: &str) -> Result<Option<DateTime>, Error> {
        self.gate.check("GetAccessKeyLastUsed")?;
        self.inner.access_key_last_used(key).await
    }
    async fn signing_certificates(&self) -> Result<Vec<SigningCertificate>, Error> {
        self.gate.check("ListSigningCertificates")?;
        self.inner.signing_certificates().await
    }
    async fn password_last_used(&self) -> Result<Option<DateTime>, Error> {
        self.gate.check("GetUser")?;
        self.inner.password_last_used().await
    }
}

impl<R: Change> Change for FailingSession<R> {
    async fn delete_login_profile(&self) -> Result<bool, Error> {
        self.gate.check("DeleteLoginProfile")?;
        self.inner.delete_login_profile().await
    }
    async fn deactivate_mfa(&self, serial: &str) -> Result<(), Error> {
        self.gate.check("DeactivateMFADevice")?;
        self.inner.deactivate_mfa(serial).await
    }
}

impl<S: PasswordSessions> PasswordSessions for Failing<S> {
    type Session = FailingSession<S::Session>;
    async fn open(&self, account_id: &str) -> Result<Self::Session, Error> {
        self.check("AssumeRoot")?;
        Ok(FailingSession {
            inner: self.inner.open(account_id).await?,
            gate: self.gate(),
        })
    }
}

impl<R: PasswordSession> PasswordSession for FailingSession<R> {
    async fn login_profile(&self) -> Result<Option<LoginProfile>, Error> {
        self.gate.check("GetLoginProfile")?;
        self.inner.login_profile().await
    }
    async fn create_login_profile(&self) -> Result<bool, Error> {
        self.gate.check("CreateLoginProfile")?;
        self.inner.create_login_profile().await
    }
}
