//! Pure: `users deactivate`'s selection and plan. From a fresh read of what each user holds,
//! every *credential* unused for N days or more — its last use, or its issuance when it was
//! never used — is planned for `Inactive`: active access keys always; the console password only
//! with `--console` (deleted: a password cannot be restored); SSH public keys, service-specific
//! credentials and signing certificates, whose use IAM never records, never by age and only with
//! `--include-unmonitored`. Inactive credentials are neither touched nor counted, and the
//! caller's own user (whose key signs the run) is never selected. An account whose users or
//! holdings could not be read is `unknown`: nothing in it can be proven unused.

use super::model::{Call, Finding, Holdings, Verdict};
use crate::call::Error;
use crate::model::Account;
use crate::report::parse_time;
use crate::run::job::{Disposition, Entry};
use aws_smithy_types::DateTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Default `--unused-days` (CIS AWS Foundations, Security Hub IAM.22).
pub const DEFAULT_UNUSED_DAYS: u32 = 45;

/// A kind of credential, in the report's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An access key (`UpdateAccessKey`).
    AccessKey,
    /// The console password (`DeleteLoginProfile`, not reversible).
    Password,
    /// An SSH public key (`UpdateSSHPublicKey`).
    SshPublicKey,
    /// A service-specific credential (`UpdateServiceSpecificCredential`).
    ServiceSpecificCredential,
    /// A signing certificate (`UpdateSigningCertificate`).
    SigningCertificate,
}

impl Kind {
    /// The report's word.
    pub fn word(self) -> &'static str {
        match self {
            Kind::AccessKey => "access-key",
            Kind::Password => "password",
            Kind::SshPublicKey => "ssh-public-key",
            Kind::ServiceSpecificCredential => "service-specific-credential",
            Kind::SigningCertificate => "signing-certificate",
        }
    }

    /// `id`, for a read of that credential alone; `None` for a password, which has none.
    pub fn only(self, id: &str) -> Option<&str> {
        (self != Kind::Password).then_some(id)
    }

    /// The call that sets a credential of this kind `active` or not (a password has none).
    pub fn update(self, user: &str, id: &str, active: bool) -> Option<Call> {
        let (user, id) = (user.to_string(), id.to_string());
        Some(match self {
            Kind::AccessKey => Call::UpdateAccessKey { user, id, active },
            Kind::Password => return None,
            Kind::SshPublicKey => Call::UpdateSshPublicKey { user, id, active },
            Kind::ServiceSpecificCredential => {
                Call::UpdateServiceSpecificCredential { user, id, active }
            }
            Kind::SigningCertificate => Call::UpdateSigningCertificate { user, id, active },
        })
    }

    /// Whether `users reactivate` can undo the change (a deleted password cannot come back).
    pub fn reversible(self) -> bool {
        self != Kind::Password
    }
}

/// What `users deactivate` selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// The time ages are counted to (the run's start).
    pub now: DateTime,
    /// `--unused-days`.
    pub unused_days: u32,
    /// `--console`: unused console passwords are deleted too.
    pub console: bool,
    /// `--include-unmonitored`: active SSH keys, service-specific credentials and signing
    /// certificates are set `Inactive` whatever their age.
    pub include_unmonitored: bool,
    /// The caller's ARN: its user's credentials are never selected.
    pub caller_arn: String,
}

impl Rules {
    /// Whether `arn` is the caller's (never an empty ARN: a read that carries none).
    pub fn is_caller(&self, arn: &str) -> bool {
        !arn.is_empty() && arn == self.caller_arn
    }

    /// The kinds these rules can select, so the plan reads only those.
    pub fn kinds(&self) -> Vec<Kind> {
        let mut kinds = vec![Kind::AccessKey];
        if self.console {
            kinds.push(Kind::Password);
        }
        if self.include_unmonitored {
            kinds.extend([
                Kind::SshPublicKey,
                Kind::ServiceSpecificCredential,
                Kind::SigningCertificate,
            ]);
        }
        kinds
    }
}

/// One credential the run changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// User name, as IAM spells it.
    pub user: String,
    /// The kind.
    pub kind: Kind,
    /// Its id (empty for a password).
    pub id: String,
    /// Its last use (RFC 3339); empty when never used, or never recorded for the kind.
    pub last_used: String,
    /// When it was created or uploaded (RFC 3339).
    pub issued: String,
    /// Whole days since its last use (or, never used, since its issuance); `None` when unknown.
    pub age_days: Option<i64>,
    /// Why it is selected.
    pub why: String,
}

impl Step {
    /// The call that deactivates it.
    pub fn call(&self) -> Call {
        self.kind
            .update(&self.user, &self.id, false)
            .unwrap_or_else(|| Call::DeleteLoginProfile {
                user: self.user.clone(),
            })
    }
}

impl std::fmt::Display for Step {
    /// The call, the user and why; a password says it cannot be restored.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (user {}; {})", self.call(), self.user, self.why)?;
        if !self.kind.reversible() {
            f.write_str(" NOT reversible: a deleted password cannot be restored; set a new one")?;
        }
        Ok(())
    }
}

/// Whole days from `then` (RFC 3339) to `now`.
fn days_since(now: &DateTime, then: &str) -> Option<i64> {
    parse_time(then).map(|t| (now.secs() - t.secs()).div_euclid(86_400))
}

/// The step for a credential whose use IAM records, when it is unused for long enough.
fn by_age(
    rules: &Rules,
    user: &str,
    kind: Kind,
    id: &str,
    used: &str,
    issued: &str,
) -> Option<Step> {
    let (from, what) = if used.is_empty() {
        (issued, "never used, issued")
    } else {
        (used, "last used")
    };
    let age = days_since(&rules.now, from)?;
    (age >= i64::from(rules.unused_days)).then(|| Step {
        user: user.to_string(),
        kind,
        id: id.to_string(),
        last_used: used.to_string(),
        issued: issued.to_string(),
        age_days: Some(age),
        why: format!("{what} {age} days ago"),
    })
}

/// The step for an active credential IAM records no use for (`--include-unmonitored`).
fn unmonitored(rules: &Rules, user: &str, kind: Kind, id: &str, issued: &str) -> Step {
    Step {
        user: user.to_string(),
        kind,
        id: id.to_string(),
        last_used: String::new(),
        issued: issued.to_string(),
        age_days: days_since(&rules.now, issued),
        why: "IAM records no use of it (--include-unmonitored)".into(),
    }
}

/// Every credential of one user to deactivate, in holding order.
pub fn select(h: &Holdings, rules: &Rules) -> Vec<Step> {
    if rules.is_caller(&h.arn) {
        return Vec::new();
    }
    let user = h.user_name.as_str();
    let active = |s: &str| s == "Active";
    let mut steps: Vec<Step> = h
        .access_keys
        .iter()
        .filter(|k| active(&k.status))
        .filter_map(|k| {
            by_age(
                rules,
                user,
                Kind::AccessKey,
                &k.id,
                &k.last_used,
                &k.created,
            )
        })
        .collect();
    if rules.console && h.login_profile {
        let (used, set) = (&h.password_last_used, &h.login_profile_created);
        steps.extend(by_age(rules, user, Kind::Password, "", used, set));
    }
    if rules.include_unmonitored {
        let ssh = h.ssh_public_keys.iter().filter(|k| active(&k.status));
        steps.extend(ssh.map(|k| unmonitored(rules, user, Kind::SshPublicKey, &k.id, &k.uploaded)));
        let service = h.service_specific_credentials.iter();
        steps.extend(service.filter(|c| active(&c.status)).map(|c| {
            unmonitored(
                rules,
                user,
                Kind::ServiceSpecificCredential,
                &c.id,
                &c.created,
            )
        }));
        let certs = h.signing_certificates.iter().filter(|c| active(&c.status));
        steps.extend(
            certs.map(|c| unmonitored(rules, user, Kind::SigningCertificate, &c.id, &c.uploaded)),
        );
    }
    steps
}

/// The users whose holdings the plan needs: every user but the caller's holding an active
/// access key, a password (with `--console`) or any credential IAM records no use for (with
/// `--include-unmonitored`), by the audit. The holdings decide; this only spares reads.
pub fn candidates<'u>(finding: &'u Finding, rules: &Rules) -> Vec<&'u str> {
    let Finding::Read(users) = finding else {
        return Vec::new();
    };
    users
        .iter()
        .filter(|u| !rules.is_caller(&u.detail.arn))
        .filter(|u| {
            let Some(r) = &u.report else {
                // No report row: the holdings are the only evidence.
                return true;
            };
            r.access_keys.iter().any(|k| k.active)
                || (rules.console && r.password_enabled)
                || (rules.include_unmonitored
                    && (r.certificates.iter().any(|c| c.active)
                        || u.unrecorded.iter().any(|c| c.active)
                        || !u.credentials_listed))
        })
        .map(|u| u.detail.name.as_str())
        .collect()
}

/// One account's plan entry: its steps, or why it is unknown or already clean.
pub fn entry(
    account: &Account,
    audit: &Finding,
    holdings: &Result<BTreeMap<String, Holdings>, Error>,
    rules: &Rules,
) -> Entry<Step> {
    let base = |verdict, disposition, steps, reason: Option<String>| Entry {
        account_id: account.id.clone(),
        account_name: account.name.clone(),
        verdict,
        disposition,
        steps,
        reason,
    };
    let unknown = |why: String| base("unknown", Disposition::Unknown, Vec::new(), Some(why));
    let users = match audit {
        Finding::Unreadable(e) => {
            return unknown(format!("the account's users could not be read ({e})"))
        }
        Finding::Read(users) => users,
    };
    let unread: Vec<String> = users
        .iter()
        .filter(|u| u.verdict == Verdict::Unknown)
        .map(|u| format!("{}: {}", u.detail.name, u.error))
        .collect();
    if !unread.is_empty() {
        return unknown(unread.join("; "));
    }
    let holdings = match holdings {
        Ok(h) => h,
        Err(e) => return unknown(format!("the users' credentials could not be read ({e})")),
    };
    // A fresh read of credentials alone carries no ARN: the caller's own user is known by the
    // audit's, whatever the fresh read says.
    let callers: Vec<&str> = users
        .iter()
        .filter(|u| rules.is_caller(&u.detail.arn))
        .map(|u| u.detail.name.as_str())
        .collect();
    let steps: Vec<Step> = holdings
        .values()
        .filter(|h| !callers.contains(&h.user_name.as_str()))
        .flat_map(|h| select(h, rules))
        .collect();
    if steps.is_empty() {
        base("clean", Disposition::AlreadyClean, steps, None)
    } else {
        base("unused", Disposition::Change, steps, None)
    }
}

#[cfg(test)]
#[path = "deactivate_tests.rs"]
mod tests;
