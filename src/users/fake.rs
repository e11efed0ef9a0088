//! An in-memory organization of IAM users for the users job's tests: accounts with or without
//! the role, users and groups, a credential report that takes some polls to generate or keeps
//! failing, and a call log naming how each account was reached. Accounts are listed through the
//! root job's fake directory, so the pipeline runs unchanged.

use super::api::{Change, Fresh, Read, Sessions};
use super::holdings::{Key, Mfa, PublicKey, ServiceCredential};
use super::model::{
    mfa_kind, Attachments, AuthorizationDetails, Call, Credential, GroupDetail, Holdings,
    InlinePolicy, ReportState, Unrecorded, UserDetail,
};
use super::report::tests::HEADER;
use super::verdict::tests::{days_ago, NOW};
use crate::call::{classify, Error};
use crate::report::rfc3339;
use crate::root::fake::{Fake as Directory, Root};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// A credential IAM records no use for (certificate, SSH key, service-specific credential).
#[derive(Debug, Clone, Default)]
pub struct Cred {
    /// Its id.
    pub id: String,
    /// `Active`.
    pub active: bool,
    /// Uploaded or created this many days ago.
    pub issued_days_ago: i64,
}

impl Cred {
    /// An active credential issued `days` ago.
    pub fn active(id: &str, days: i64) -> Self {
        Cred {
            id: id.into(),
            active: true,
            issued_days_ago: days,
        }
    }

    /// An inactive credential issued `days` ago.
    pub fn inactive(id: &str, days: i64) -> Self {
        Cred {
            active: false,
            ..Cred::active(id, days)
        }
    }
}

/// One IAM user, with days counted back from the tests' `NOW`.
#[derive(Debug, Clone, Default)]
pub struct User {
    /// Name.
    pub name: String,
    /// Created this many days ago.
    pub created_days_ago: i64,
    /// A password, last used this many days ago (`Some(None)`: never used).
    pub password: Option<Option<i64>>,
    /// When the password was set, days ago (default: when the user was created).
    pub password_set_days_ago: Option<i64>,
    /// An access key in slot 1, last used this many days ago (`Some(None)`: never used).
    pub key: Option<Option<i64>>,
    /// The key is `Inactive` (set by `UpdateAccessKey`; default `Active`).
    pub key_inactive: bool,
    /// When the key was created, days ago (default: when the user was created).
    pub key_created_days_ago: Option<i64>,
    /// Groups.
    pub groups: Vec<String>,
    /// Directly attached managed policy ARNs.
    pub policies: Vec<String>,
    /// Inline policies: (name, document).
    pub inline: Vec<(String, String)>,
    /// Signing certificates (at most two fit the credential report).
    pub certificates: Vec<Cred>,
    /// SSH public keys.
    pub ssh_keys: Vec<Cred>,
    /// Service-specific credentials.
    pub service_credentials: Vec<Cred>,
    /// MFA serials (virtual ones are `arn:…:mfa/…`).
    pub mfa: Vec<String>,
}

impl User {
    /// What `DeleteUser` would still refuse over.
    fn remaining(&self) -> Vec<&'static str> {
        let kinds = [
            ("LoginProfile", self.password.is_some()),
            ("AccessKeys", self.key.is_some()),
            ("SigningCertificates", !self.certificates.is_empty()),
            ("SSHPublicKeys", !self.ssh_keys.is_empty()),
            (
                "ServiceSpecificCredentials",
                !self.service_credentials.is_empty(),
            ),
            ("MFADevices", !self.mfa.is_empty()),
            (
                "Policies",
                !self.inline.is_empty() || !self.policies.is_empty(),
            ),
            ("Groups", !self.groups.is_empty()),
        ];
        kinds
            .iter()
            .filter(|(_, on)| *on)
            .map(|(k, _)| *k)
            .collect()
    }
}

#[derive(Default)]
struct Account {
    role: bool,
    users: Vec<User>,
    groups: Vec<GroupDetail>,
    /// Generate calls answered `STARTED`/`INPROGRESS` before `COMPLETE`.
    polls: u32,
    generated: u32,
    /// `GenerateCredentialReport` fails with this code every time.
    report_fails: Option<&'static str>,
    /// Codes the next `GetCredentialReport` calls of a complete report fail with, in order.
    report_gets_fail: Vec<&'static str>,
    /// Listing the credentials IAM records no use for fails.
    credentials_fail: bool,
    /// Users deleted so far, and how many `exists` reads still see them (eventual consistency).
    deleted: Vec<String>,
    lagging_reads: u32,
    /// Reads of a user's holdings that still show a credential as it was before a status
    /// change (eventual consistency), and the changes not shown yet.
    update_lag: u32,
    unseen_updates: Vec<Unseen>,
}

/// A status change (or a password's deletion) that reads do not show yet.
struct Unseen {
    user: String,
    /// The credential's id; empty for the password (deleted: reads still show it).
    id: String,
    /// The status reads still show: the one before the change.
    shown_active: bool,
    /// Reads left before the change shows.
    left: u32,
}

/// A change the fake makes to a user between the plan and the apply.
type Edit = fn(&mut User);

#[derive(Default)]
struct State {
    caller_account: String,
    accounts: BTreeMap<String, Account>,
    calls: Vec<(String, String, &'static str)>,
    /// Mutating calls made so far, and the one (1-based) that fails with a code.
    changes: usize,
    fail_change: Option<(usize, &'static str)>,
    /// A user whose password is used when a change session opens (after the audit).
    used_on_change: Option<(String, String)>,
    /// Virtual MFA devices deleted.
    deleted_virtual_mfa: Vec<String>,
    /// A group (account, group) that stops attaching its policies when a change session opens.
    emptied_on_change: Option<(String, String)>,
    /// Accounts where a user's holdings were read (a plan's read, or a re-check).
    holdings_read: std::collections::BTreeSet<String>,
    /// Accounts whose users `edit_before_apply` has changed.
    edited: std::collections::BTreeSet<String>,
    /// A group (account, group) that stops attaching its policies when a user policy is detached.
    emptied_on_detach: Option<(String, String)>,
    /// An account whose detaches succeed but whose reads keep showing the policy attached.
    detach_never_shows: Option<String>,
    /// Users (account, user) changed by `edit` when a change session opens in their account
    /// after a read of holdings there: after the plan's read, before the apply.
    edit_before_apply: Vec<(String, String, Edit)>,
}

/// An in-memory organization. Clones share state.
#[derive(Clone, Default)]
pub struct Fake {
    directory: Directory,
    state: Arc<Mutex<State>>,
}

impl Fake {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The caller's own account (read without a role; it has none).
    pub fn caller(self, id: &str) -> Self {
        self.lock().caller_account = id.into();
        self.account(id, false)
    }

    /// Adds an ACTIVE account, with or without the role.
    pub fn account(mut self, id: &str, role: bool) -> Self {
        self.directory = self.directory.clone().account(id, Root::default());
        self.lock().accounts.entry(id.into()).or_default().role = role;
        self
    }

    fn edit(self, id: &str, f: impl FnOnce(&mut Account)) -> Self {
        if let Some(account) = self.lock().accounts.get_mut(id) {
            f(account);
        }
        self
    }

    /// Adds a user to an account.
    pub fn user(self, id: &str, user: User) -> Self {
        self.edit(id, |a| a.users.push(user))
    }

    /// Adds a group with its attached policies.
    pub fn group(self, id: &str, name: &str, policies: &[&str]) -> Self {
        let group = GroupDetail {
            name: name.into(),
            attached_policies: policies.iter().map(|p| p.to_string()).collect(),
        };
        self.edit(id, |a| a.groups.push(group))
    }

    /// The report needs `polls` generate calls before it is complete.
    pub fn report_polls(self, id: &str, polls: u32) -> Self {
        self.edit(id, |a| a.polls = polls)
    }

    /// Listing a user's SSH keys and service-specific credentials fails.
    pub fn credentials_fail(self, id: &str) -> Self {
        self.edit(id, |a| a.credentials_fail = true)
    }

    /// The next `reads` existence checks after a `DeleteUser` still see the deleted user.
    pub fn lagging_reads(self, id: &str, reads: u32) -> Self {
        self.edit(id, |a| a.lagging_reads = reads)
    }

    /// The next `reads` holdings reads of a user after a credential's status change (or its
    /// password's deletion) still show it as it was.
    pub fn lagging_updates(self, id: &str, reads: u32) -> Self {
        self.edit(id, |a| a.update_lag = reads)
    }

    /// The next `GetCredentialReport` calls of a complete report fail with `codes`, in order.
    pub fn report_gets_fail(self, id: &str, codes: &[&'static str]) -> Self {
        self.edit(id, |a| a.report_gets_fail = codes.to_vec())
    }

    /// Every `GenerateCredentialReport` fails with `code`.
    pub fn report_fails(self, id: &str, code: &'static str) -> Self {
        self.edit(id, |a| a.report_fails = Some(code))
    }

    /// The `k`-th mutating call (1-based) fails with `code`.
    pub fn fail_change(self, k: usize, code: &'static str) -> Self {
        self.lock().fail_change = Some((k, code));
        self
    }

    /// `user` of `account` signs in when a change session opens: after the audit, before the
    /// change.
    pub fn used_on_change(self, account: &str, user: &str) -> Self {
        self.lock().used_on_change = Some((account.into(), user.into()));
        self
    }

    /// `group` of `account` loses its attached policies when a change session opens: after the
    /// audit, before the change.
    pub fn group_emptied_on_change(self, account: &str, group: &str) -> Self {
        self.lock().emptied_on_change = Some((account.into(), group.into()));
        self
    }

    /// `user` of `account` gets an access key after the plan, before the change.
    pub fn key_added_before_apply(self, account: &str, user: &str) -> Self {
        self.edited_before_apply(account, user, |u| u.key = Some(None))
    }

    /// `group` of `account` stops attaching its policies as a user policy is detached.
    pub fn group_emptied_on_detach(self, account: &str, group: &str) -> Self {
        self.lock().emptied_on_detach = Some((account.into(), group.into()));
        self
    }

    /// In `account`, a detach succeeds but the policy never leaves the user's listings.
    pub fn detach_never_shows(self, account: &str) -> Self {
        self.lock().detach_never_shows = Some(account.into());
        self
    }

    /// `user` of `account` is changed by `edit` after the plan, before the change (one edit per
    /// call; several may be given).
    pub fn edited_before_apply(self, account: &str, user: &str, edit: fn(&mut User)) -> Self {
        self.lock()
            .edit_before_apply
            .push((account.into(), user.into(), edit));
        self
    }

    /// A user of an account now, as the world holds it (reads lagging a change aside).
    pub fn user_now(&self, account: &str, user: &str) -> Option<User> {
        self.lock()
            .accounts
            .get(account)
            .and_then(|a| a.users.iter().find(|u| u.name == user).cloned())
    }

    /// A user of an account now: (groups, directly attached policies).
    pub fn attachments(&self, account: &str, user: &str) -> Option<(Vec<String>, Vec<String>)> {
        self.lock().accounts.get(account).and_then(|a| {
            a.users
                .iter()
                .find(|u| u.name == user)
                .map(|u| (u.groups.clone(), u.policies.clone()))
        })
    }

    /// The user names of an account now.
    pub fn user_names(&self, account: &str) -> Vec<String> {
        self.lock()
            .accounts
            .get(account)
            .map(|a| a.users.iter().map(|u| u.name.clone()).collect())
            .unwrap_or_default()
    }

    /// Virtual MFA devices deleted so far.
    pub fn deleted_virtual_mfa(&self) -> Vec<String> {
        self.lock().deleted_virtual_mfa.clone()
    }

    /// The organization's account listing.
    pub fn directory(&self) -> Directory {
        self.directory.clone()
    }

    /// Every call: (operation, account, `role` or `own`).
    pub fn calls(&self) -> Vec<(String, String, &'static str)> {
        self.lock().calls.clone()
    }
}

/// A session in one account.
pub struct Session {
    fake: Fake,
    account: String,
    via: &'static str,
}

impl Session {
    fn log(&self, op: &str) -> MutexGuard<'_, State> {
        let mut state = self.fake.lock();
        state
            .calls
            .push((op.to_string(), self.account.clone(), self.via));
        state
    }
}

fn error(op: &'static str, code: &str) -> Error {
    Error::new(op, code, "from the fake", classify(code))
}

/// The time `days` ago, or `never` (`no_information` for a password, `N/A` for a key, as AWS
/// writes them) or `N/A` without the credential.
fn last_use(slot: Option<Option<i64>>, never: &str) -> String {
    match slot {
        None => "N/A".into(),
        Some(None) => never.into(),
        Some(Some(days)) => rfc3339(&days_ago(days)),
    }
}

fn report_line(account: &str, u: &User) -> String {
    let created = rfc3339(&days_ago(u.created_days_ago));
    let ago = |days: Option<i64>| rfc3339(&days_ago(days.unwrap_or(u.created_days_ago)));
    let (pw_changed, key_rotated) = (
        u.password
            .map_or("N/A".to_string(), |_| ago(u.password_set_days_ago)),
        u.key
            .map_or("N/A".to_string(), |_| ago(u.key_created_days_ago)),
    );
    let cert = |i: usize| {
        u.certificates.get(i).map_or("false,N/A".to_string(), |c| {
            format!("{},{}", c.active, rfc3339(&days_ago(c.issued_days_ago)))
        })
    };
    format!(
        "{name},arn:aws:iam::{account}:user/{name},{created},{pw},{pw_used},{pw_changed},N/A,false,{key_active},{key_rotated},{key_used},N/A,N/A,false,N/A,N/A,N/A,N/A,{cert1},{cert2}",
        name = u.name,
        pw = u.password.is_some(),
        pw_used = last_use(u.password, "no_information"),
        key_active = u.key.is_some() && !u.key_inactive,
        key_used = last_use(u.key, "N/A"),
        cert1 = cert(0),
        cert2 = cert(1),
    )
}

/// The fake's spelling of a status.
fn status(active: bool) -> String {
    if active { "Active" } else { "Inactive" }.to_string()
}

impl Read for Session {
    async fn generate_credential_report(&self) -> Result<ReportState, Error> {
        let mut state = self.log("GenerateCredentialReport");
        let account = state.accounts.entry(self.account.clone()).or_default();
        if let Some(code) = account.report_fails {
            return Err(error("GenerateCredentialReport", code));
        }
        account.generated += 1;
        Ok(match account.generated {
            n if n > account.polls => ReportState::Complete,
            1 => ReportState::Started,
            _ => ReportState::InProgress,
        })
    }

    async fn credential_report(&self) -> Result<String, Error> {
        let mut state = self.log("GetCredentialReport");
        let account = state.accounts.entry(self.account.clone()).or_default();
        if account.generated <= account.polls {
            return Err(error("GetCredentialReport", "ReportInProgress"));
        }
        if !account.report_gets_fail.is_empty() {
            let code = account.report_gets_fail.remove(0);
            return Err(error("GetCredentialReport", code));
        }
        let root = format!(
            "<root_account>,arn:aws:iam::{}:root,{},not_supported,N/A,not_supported,not_supported,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
            self.account,
            rfc3339(&aws_smithy_types::DateTime::from_secs(NOW - 86_400 * 1000))
        );
        let mut lines = vec![HEADER.to_string(), root];
        lines.extend(account.users.iter().map(|u| report_line(&self.account, u)));
        Ok(lines.join("\n") + "\n")
    }

    async fn authorization_details(&self) -> Result<AuthorizationDetails, Error> {
        let state = self.log("GetAccountAuthorizationDetails");
        let account = state.accounts.get(&self.account);
        Ok(AuthorizationDetails {
            users: account
                .iter()
                .flat_map(|a| a.users.iter())
                .map(|u| UserDetail {
                    name: u.name.clone(),
                    arn: format!("arn:aws:iam::{}:user/{}", self.account, u.name),
                    created: Some(days_ago(u.created_days_ago)),
                    groups: u.groups.clone(),
                    attached_policies: u.policies.clone(),
                    inline_policies: u.inline.iter().map(|(n, _)| n.clone()).collect(),
                })
                .collect(),
            groups: account.map(|a| a.groups.clone()).unwrap_or_default(),
        })
    }

    async fn credentials(&self, user: &str, certificates: bool) -> Result<Vec<Credential>, Error> {
        let mut state = self.log("ListSSHPublicKeys");
        state.calls.push((
            "ListServiceSpecificCredentials".into(),
            self.account.clone(),
            self.via,
        ));
        if certificates {
            state.calls.push((
                "ListSigningCertificates".into(),
                self.account.clone(),
                self.via,
            ));
        }
        let account = state.accounts.get(&self.account);
        if account.is_some_and(|a| a.credentials_fail) {
            return Err(error("ListSSHPublicKeys", "ServiceFailure"));
        }
        let Some(u) = account.and_then(|a| a.users.iter().find(|u| u.name == user)) else {
            return Err(error("ListSSHPublicKeys", "NoSuchEntity"));
        };
        let listed = |kind, creds: &[Cred]| -> Vec<Credential> {
            creds
                .iter()
                .map(|c| Credential {
                    kind,
                    id: c.id.clone(),
                    active: c.active,
                    issued: Some(days_ago(c.issued_days_ago)),
                })
                .collect()
        };
        let mut all = listed(Unrecorded::SshPublicKey, &u.ssh_keys);
        all.extend(listed(
            Unrecorded::ServiceSpecificCredential,
            &u.service_credentials,
        ));
        if certificates {
            all.extend(listed(Unrecorded::SigningCertificate, &u.certificates));
        }
        Ok(all)
    }
}

impl Session {
    fn holdings_of(&self, u: &User) -> Holdings {
        let used = |slot: Option<Option<i64>>| match slot {
            Some(Some(days)) => rfc3339(&days_ago(days)),
            _ => String::new(),
        };
        let ago = |days: Option<i64>| rfc3339(&days_ago(days.unwrap_or(u.created_days_ago)));
        let public = |c: &Cred| PublicKey {
            id: c.id.clone(),
            status: status(c.active),
            uploaded: rfc3339(&days_ago(c.issued_days_ago)),
            body: format!("public body of {}", c.id),
        };
        Holdings {
            user_name: u.name.clone(),
            arn: format!("arn:aws:iam::{}:user/{}", self.account, u.name),
            path: "/".into(),
            created: rfc3339(&days_ago(u.created_days_ago)),
            password_last_used: used(u.password),
            login_profile: u.password.is_some(),
            login_profile_created: u
                .password
                .map(|_| ago(u.password_set_days_ago))
                .unwrap_or_default(),
            access_keys: u
                .key
                .iter()
                .map(|k| Key {
                    id: format!("AKIA{}", u.name.to_uppercase()),
                    status: status(!u.key_inactive),
                    created: ago(u.key_created_days_ago),
                    last_used: used(Some(*k)),
                })
                .collect(),
            signing_certificates: u.certificates.iter().map(public).collect(),
            ssh_public_keys: u.ssh_keys.iter().map(public).collect(),
            service_specific_credentials: u
                .service_credentials
                .iter()
                .map(|c| ServiceCredential {
                    id: c.id.clone(),
                    service_name: "codecommit.amazonaws.com".into(),
                    service_user_name: format!("{}-at-{}", u.name, self.account),
                    status: status(c.active),
                    created: rfc3339(&days_ago(c.issued_days_ago)),
                })
                .collect(),
            mfa_devices: u
                .mfa
                .iter()
                .map(|serial| Mfa {
                    serial: serial.clone(),
                    kind: mfa_kind(serial).into(),
                    enabled: ago(None),
                })
                .collect(),
            inline_policies: u
                .inline
                .iter()
                .map(|(name, document)| InlinePolicy {
                    name: name.clone(),
                    document: document.clone(),
                })
                .collect(),
            attached_policies: u.policies.clone(),
            groups: u.groups.clone(),
            ..Holdings::default()
        }
    }
}

impl Fresh for Session {
    async fn holdings(&self, user: &str) -> Result<Option<Holdings>, Error> {
        let mut state = self.log("GetUser");
        state.holdings_read.insert(self.account.clone());
        let Some(account) = state.accounts.get_mut(&self.account) else {
            return Ok(None);
        };
        let Some(mut h) = account
            .users
            .iter()
            .find(|u| u.name == user)
            .map(|u| self.holdings_of(u))
        else {
            return Ok(None);
        };
        // IAM's eventual consistency: a status change not shown yet reads as before it.
        for unseen in account
            .unseen_updates
            .iter_mut()
            .filter(|c| c.user == user && c.left > 0)
        {
            unseen.left -= 1;
            let (id, shown) = (&unseen.id, status(unseen.shown_active));
            if id.is_empty() {
                h.login_profile = true;
            }
            for k in h.access_keys.iter_mut().filter(|k| k.id == *id) {
                k.status = shown.clone();
            }
            let public = h
                .ssh_public_keys
                .iter_mut()
                .chain(&mut h.signing_certificates);
            for k in public.filter(|k| k.id == *id) {
                k.status = shown.clone();
            }
            let service = h.service_specific_credentials.iter_mut();
            for c in service.filter(|c| c.id == *id) {
                c.status = shown.clone();
            }
        }
        account.unseen_updates.retain(|c| c.left > 0);
        Ok(Some(h))
    }
}

impl Change for Session {
    async fn exists(&self, user: &str) -> Result<bool, Error> {
        let mut state = self.log("GetUser");
        let account = state.accounts.entry(self.account.clone()).or_default();
        if account.lagging_reads > 0 && account.deleted.iter().any(|d| d == user) {
            // IAM's eventual consistency: a deleted user still shows for a few reads.
            account.lagging_reads -= 1;
            return Ok(true);
        }
        Ok(account.users.iter().any(|u| u.name == user))
    }

    async fn attachments(&self, user: &str) -> Result<Option<Attachments>, Error> {
        let state = self.log("ListGroupsForUser");
        Ok(state
            .accounts
            .get(&self.account)
            .and_then(|a| a.users.iter().find(|u| u.name == user))
            .map(|u| Attachments {
                groups: u.groups.clone(),
                policies: u.policies.clone(),
            }))
    }

    async fn group_policies(&self, group: &str) -> Result<Vec<String>, Error> {
        let state = self.log("ListAttachedGroupPolicies");
        state
            .accounts
            .get(&self.account)
            .and_then(|a| a.groups.iter().find(|g| g.name == group))
            .map(|g| g.attached_policies.clone())
            .ok_or_else(|| error("ListAttachedGroupPolicies", "NoSuchEntity"))
    }

    async fn make(&self, call: &Call) -> Result<(), Error> {
        let op = call.operation();
        let mut state = self.log(op);
        state.changes += 1;
        if let Some((k, code)) = state.fail_change {
            if k == state.changes {
                return Err(error(op, code));
            }
        }
        if let Call::DeleteVirtualMfaDevice { serial } = call {
            state.deleted_virtual_mfa.push(serial.clone());
            return Ok(());
        }
        if let Call::DetachUserPolicy { .. } = call {
            if state.detach_never_shows.as_deref() == Some(self.account.as_str()) {
                return Ok(());
            }
            if let Some((account, group)) = state.emptied_on_detach.clone() {
                if account == self.account {
                    let found = state
                        .accounts
                        .get_mut(&account)
                        .and_then(|a| a.groups.iter_mut().find(|g| g.name == group));
                    if let Some(g) = found {
                        g.attached_policies.clear();
                    }
                }
            }
        }
        let users = &mut state
            .accounts
            .entry(self.account.clone())
            .or_default()
            .users;
        let user_name = match call {
            Call::DeleteLoginProfile { user }
            | Call::DeleteAccessKey { user, .. }
            | Call::DeleteSigningCertificate { user, .. }
            | Call::DeleteSshPublicKey { user, .. }
            | Call::DeleteServiceSpecificCredential { user, .. }
            | Call::DeactivateMfaDevice { user, .. }
            | Call::DeleteUserPolicy { user, .. }
            | Call::DetachUserPolicy { user, .. }
            | Call::RemoveUserFromGroup { user, .. }
            | Call::DeleteUser { user }
            | Call::UpdateAccessKey { user, .. }
            | Call::UpdateSigningCertificate { user, .. }
            | Call::UpdateSshPublicKey { user, .. }
            | Call::UpdateServiceSpecificCredential { user, .. } => user.clone(),
            Call::DeleteVirtualMfaDevice { .. } => unreachable!("handled above"),
        };
        let Some(pos) = users.iter().position(|u| u.name == user_name) else {
            return Err(error(op, "NoSuchEntity"));
        };
        let u = &mut users[pos];
        fn drop_item(list: &mut Vec<String>, item: &str) -> bool {
            let before = list.len();
            list.retain(|x| x != item);
            list.len() < before
        }
        fn drop_cred(list: &mut Vec<Cred>, id: &str) -> bool {
            let before = list.len();
            list.retain(|c| c.id != id);
            list.len() < before
        }
        fn set_cred(list: &mut [Cred], id: &str, active: bool) -> bool {
            list.iter_mut()
                .find(|c| c.id == id)
                .map(|c| c.active = active)
                .is_some()
        }
        let key_id = format!("AKIA{}", u.name.to_uppercase());
        // A status update's credential as it was: a repeated update is no change to lag.
        let was_active =
            |list: &[Cred], id: &str| list.iter().find(|c| c.id == id).map(|c| c.active);
        let before = match call {
            Call::UpdateAccessKey { id, .. } => (*id == key_id).then_some(!u.key_inactive),
            Call::UpdateSigningCertificate { id, .. } => was_active(&u.certificates, id),
            Call::UpdateSshPublicKey { id, .. } => was_active(&u.ssh_keys, id),
            Call::UpdateServiceSpecificCredential { id, .. } => {
                was_active(&u.service_credentials, id)
            }
            _ => None,
        };
        let found = match call {
            Call::DeleteLoginProfile { .. } => u.password.take().is_some(),
            Call::DeleteAccessKey { .. } => u.key.take().is_some(),
            Call::DeleteSigningCertificate { id, .. } => drop_cred(&mut u.certificates, id),
            Call::DeleteSshPublicKey { id, .. } => drop_cred(&mut u.ssh_keys, id),
            Call::DeleteServiceSpecificCredential { id, .. } => {
                drop_cred(&mut u.service_credentials, id)
            }
            Call::DeactivateMfaDevice { serial, .. } => drop_item(&mut u.mfa, serial),
            Call::DeleteUserPolicy { name, .. } => {
                let before = u.inline.len();
                u.inline.retain(|(n, _)| n != name);
                u.inline.len() < before
            }
            Call::DetachUserPolicy { arn, .. } => drop_item(&mut u.policies, arn),
            Call::RemoveUserFromGroup { group, .. } => drop_item(&mut u.groups, group),
            Call::DeleteUser { .. } => {
                let remaining = u.remaining();
                if !remaining.is_empty() {
                    return Err(Error::new(
                        "DeleteUser",
                        "DeleteConflict",
                        &format!(
                            "Cannot delete entity, must first remove: {}.",
                            remaining.join(", ")
                        ),
                        classify("DeleteConflict"),
                    ));
                }
                let gone = users.remove(pos);
                let account = state.accounts.entry(self.account.clone()).or_default();
                account.deleted.push(gone.name);
                true
            }
            Call::DeleteVirtualMfaDevice { .. } => true,
            Call::UpdateAccessKey { id, active, .. } => {
                let found = u.key.is_some() && *id == key_id;
                if found {
                    u.key_inactive = !active;
                }
                found
            }
            Call::UpdateSigningCertificate { id, active, .. } => {
                set_cred(&mut u.certificates, id, *active)
            }
            Call::UpdateSshPublicKey { id, active, .. } => set_cred(&mut u.ssh_keys, id, *active),
            Call::UpdateServiceSpecificCredential { id, active, .. } => {
                set_cred(&mut u.service_credentials, id, *active)
            }
        };
        if !found {
            return Err(error(op, "NoSuchEntity"));
        }
        // A status change (or a password's deletion) that reads may not show yet: they show
        // the status before it.
        let unseen = match call {
            Call::DeleteLoginProfile { .. } => Some((String::new(), true)),
            Call::UpdateAccessKey { id, active, .. }
            | Call::UpdateSigningCertificate { id, active, .. }
            | Call::UpdateSshPublicKey { id, active, .. }
            | Call::UpdateServiceSpecificCredential { id, active, .. } => {
                (before == Some(!active)).then(|| (id.clone(), !active))
            }
            _ => None,
        };
        let account = state.accounts.entry(self.account.clone()).or_default();
        if let Some((id, shown_active)) = unseen.filter(|_| account.update_lag > 0) {
            account.unseen_updates.push(Unseen {
                user: user_name,
                id,
                shown_active,
                left: account.update_lag,
            });
        }
        Ok(())
    }
}

impl Sessions for Fake {
    type Read = Session;
    type Change = Session;

    async fn open_change(&self, account_id: &str, own: bool) -> Result<Session, Error> {
        {
            let mut state = self.lock();
            if let Some((account, user)) = state.used_on_change.clone() {
                if account == account_id {
                    let found = state
                        .accounts
                        .get_mut(&account)
                        .and_then(|a| a.users.iter_mut().find(|u| u.name == user));
                    if let Some(u) = found {
                        u.password = Some(Some(0));
                    }
                }
            }
            let planned = state.holdings_read.contains(account_id);
            let first = planned && state.edited.insert(account_id.to_string());
            for (account, user, edit) in state.edit_before_apply.clone() {
                if account == account_id && first {
                    let found = state
                        .accounts
                        .get_mut(&account)
                        .and_then(|a| a.users.iter_mut().find(|u| u.name == user));
                    if let Some(u) = found {
                        edit(u);
                    }
                }
            }
            if let Some((account, group)) = state.emptied_on_change.clone() {
                if account == account_id {
                    let found = state
                        .accounts
                        .get_mut(&account)
                        .and_then(|a| a.groups.iter_mut().find(|g| g.name == group));
                    if let Some(g) = found {
                        g.attached_policies.clear();
                    }
                }
            }
        }
        if own {
            Ok(self.own())
        } else {
            self.assume_role(account_id).await
        }
    }

    async fn assume_role(&self, account_id: &str) -> Result<Session, Error> {
        let session = Session {
            fake: self.clone(),
            account: account_id.into(),
            via: "role",
        };
        let role = session
            .log("AssumeRole")
            .accounts
            .get(account_id)
            .is_some_and(|a| a.role);
        if role {
            Ok(session)
        } else {
            Err(error("AssumeRole", "AccessDenied"))
        }
    }

    fn own(&self) -> Session {
        Session {
            fake: self.clone(),
            account: self.lock().caller_account.clone(),
            via: "own",
        }
    }
}
