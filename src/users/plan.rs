//! Pure: one account's users audit → its entry in the `users delete` plan: which users are
//! deleted (the stale ones, or the ones a file lists), which are refused and why. The caller's own
//! IAM user is never planned, whatever the selection says.

use super::model::{Finding, User, Verdict};
use crate::model::Account;
use crate::report::rfc3339;
use crate::run::job::{Disposition, Entry};
use serde::Serialize;
use std::collections::BTreeSet;

/// Which users a delete run selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Select {
    /// Every `stale` user of the fresh audit (`--stale-days`).
    Stale,
    /// The `(account_id, user_name)` pairs of `--users-file`; a listed user the fresh audit does
    /// not judge `stale` is refused unless `force_active`.
    Listed {
        /// The pairs.
        users: BTreeSet<(String, String)>,
        /// `--force-active`.
        force_active: bool,
    },
}

/// One user the delete removes, with what the audit saw: the re-check right before the change
/// compares against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// User name.
    pub user: String,
    /// The audit's last use of the password or a key (RFC 3339), empty when never used.
    pub last_activity: String,
    /// Inline policy names the audit saw.
    pub inline_policies: Vec<String>,
    /// Directly attached managed policy ARNs the audit saw.
    pub attached_policies: Vec<String>,
    /// Groups the audit saw.
    pub groups: Vec<String>,
}

impl std::fmt::Display for Step {
    /// The user and the calls, in the order they are made.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "delete IAM user {}: re-check last use; DeleteLoginProfile; DeleteAccessKey, \
             DeleteSigningCertificate, DeleteSSHPublicKey, DeleteServiceSpecificCredential for each; \
             DeactivateMFADevice each (DeleteVirtualMFADevice the virtual ones)",
            self.user
        )?;
        for p in &self.inline_policies {
            write!(f, "; DeleteUserPolicy {p}")?;
        }
        for p in &self.attached_policies {
            write!(f, "; DetachUserPolicy {p}")?;
        }
        for g in &self.groups {
            write!(f, "; RemoveUserFromGroup {g}")?;
        }
        f.write_str("; DeleteUser")
    }
}

impl Step {
    fn of(user: &User) -> Step {
        Step {
            user: user.detail.name.clone(),
            last_activity: user.last_activity.as_ref().map(rfc3339).unwrap_or_default(),
            inline_policies: user.detail.inline_policies.clone(),
            attached_policies: user.detail.attached_policies.clone(),
            groups: user.detail.groups.clone(),
        }
    }
}

/// The plan entry of one account that was read. `caller_arn` is never deleted.
pub fn entry(
    account: &Account,
    finding: &Finding,
    select: &Select,
    caller_arn: &str,
) -> Entry<Step> {
    let base = |verdict: &'static str, disposition, steps, reason: Vec<String>| Entry {
        account_id: account.id.clone(),
        account_name: account.name.clone(),
        verdict,
        disposition,
        steps,
        reason: (!reason.is_empty()).then(|| reason.join("; ")),
    };
    let users = match finding {
        Finding::Unreadable(e) => {
            return base(
                "unknown",
                Disposition::Unknown,
                Vec::new(),
                vec![format!("the account's users could not be read ({e})")],
            )
        }
        Finding::Read(users) => users,
    };
    let wanted: Vec<&str> = match select {
        Select::Stale => users
            .iter()
            .filter(|u| u.verdict == Verdict::Stale)
            .map(|u| u.detail.name.as_str())
            .collect(),
        Select::Listed { users: listed, .. } => listed
            .iter()
            .filter(|(a, _)| *a == account.id)
            .map(|(_, u)| u.as_str())
            .collect(),
    };
    let force_active = matches!(
        select,
        Select::Listed {
            force_active: true,
            ..
        }
    );
    let mut steps = Vec::new();
    let mut notes = Vec::new();
    let mut blocked = Vec::new();
    let mut unknown = Vec::new();
    for name in wanted {
        let Some(user) = users.iter().find(|u| u.detail.name == name) else {
            notes.push(format!("{name}: no such user (already deleted?)"));
            continue;
        };
        if user.detail.arn == caller_arn {
            notes.push(format!(
                "{name}: the caller's own IAM user is never deleted"
            ));
            continue;
        }
        match user.verdict {
            Verdict::Stale => steps.push(Step::of(user)),
            Verdict::Unknown => unknown.push(format!("{name}: activity unknown ({})", user.error)),
            Verdict::Active | Verdict::New if force_active => steps.push(Step::of(user)),
            Verdict::Active | Verdict::New => blocked.push(format!(
                "{name}: {}, not stale (pass --force-active to delete it anyway)",
                user.verdict.as_str()
            )),
        }
    }
    if !unknown.is_empty() {
        unknown.extend(blocked);
        return base("unknown", Disposition::Unknown, Vec::new(), unknown);
    }
    if !blocked.is_empty() {
        return base("blocked", Disposition::Blocked, Vec::new(), blocked);
    }
    if steps.is_empty() {
        return base("clean", Disposition::AlreadyClean, steps, notes);
    }
    base("eligible", Disposition::Change, steps, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::verdict::judge;
    use crate::users::verdict::tests::{detail, row, rules};

    fn account() -> Account {
        Account {
            id: "111111111111".into(),
            name: "prod".into(),
            email: "p@example.com".into(),
            state: "ACTIVE".into(),
            ou_path: String::new(),
            ou_ids: String::new(),
        }
    }

    /// A user never used, created `days` ago (stale at 90 days and more, new before).
    fn user(name: &str, days: i64) -> User {
        let mut d = detail(name);
        d.groups = vec!["devs".into()];
        d.attached_policies = vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()];
        d.inline_policies = vec!["legacy".into()];
        judge(d, Some(row(name, days)), Vec::new(), &rules())
    }

    fn listed(pairs: &[(&str, &str)], force_active: bool) -> Select {
        Select::Listed {
            users: pairs
                .iter()
                .map(|(a, u)| (a.to_string(), u.to_string()))
                .collect(),
            force_active,
        }
    }

    const CALLER: &str = "arn:aws:iam::111111111111:user/admin";

    #[test]
    fn stale_selection_plans_only_stale_users_with_what_the_audit_saw() {
        let finding = Finding::Read(vec![user("old", 400), user("fresh", 5)]);
        let e = entry(&account(), &finding, &Select::Stale, CALLER);
        assert_eq!(e.disposition, Disposition::Change);
        assert_eq!(e.steps.len(), 1);
        assert_eq!(e.steps[0].user, "old");
        assert_eq!(e.steps[0].groups, ["devs"]);
        assert_eq!(e.steps[0].inline_policies, ["legacy"]);
        assert_eq!(
            e.steps[0].to_string(),
            "delete IAM user old: re-check last use; DeleteLoginProfile; DeleteAccessKey, \
             DeleteSigningCertificate, DeleteSSHPublicKey, DeleteServiceSpecificCredential for each; \
             DeactivateMFADevice each (DeleteVirtualMFADevice the virtual ones); \
             DeleteUserPolicy legacy; DetachUserPolicy arn:aws:iam::aws:policy/ReadOnlyAccess; \
             RemoveUserFromGroup devs; DeleteUser"
        );
    }

    #[test]
    fn the_callers_own_user_is_never_planned_even_when_listed_and_forced() {
        let finding = Finding::Read(vec![user("admin", 400), user("old", 400)]);
        let select = listed(&[("111111111111", "admin"), ("111111111111", "old")], true);
        let e = entry(&account(), &finding, &select, CALLER);
        let users: Vec<&str> = e.steps.iter().map(|s| s.user.as_str()).collect();
        assert_eq!(users, ["old"]);
        assert_eq!(
            e.reason.as_deref(),
            Some("admin: the caller's own IAM user is never deleted")
        );
    }

    #[test]
    fn a_listed_user_not_stale_blocks_the_account_unless_forced() {
        let finding = Finding::Read(vec![user("fresh", 5)]);
        let e = entry(
            &account(),
            &finding,
            &listed(&[("111111111111", "fresh")], false),
            CALLER,
        );
        assert_eq!(e.disposition, Disposition::Blocked);
        assert_eq!(
            e.reason.as_deref(),
            Some("fresh: new, not stale (pass --force-active to delete it anyway)")
        );
        let forced = entry(
            &account(),
            &finding,
            &listed(&[("111111111111", "fresh")], true),
            CALLER,
        );
        assert_eq!(forced.disposition, Disposition::Change);
    }

    #[test]
    fn a_listed_user_already_gone_plans_nothing_so_a_rerun_deletes_nothing() {
        let finding = Finding::Read(vec![]);
        let e = entry(
            &account(),
            &finding,
            &listed(&[("111111111111", "old"), ("222222222222", "x")], false),
            CALLER,
        );
        assert_eq!(e.disposition, Disposition::AlreadyClean);
        assert_eq!(
            e.reason.as_deref(),
            Some("old: no such user (already deleted?)")
        );
    }

    #[test]
    fn an_unreadable_account_is_unknown_never_clean() {
        let err = crate::call::CallError::new(
            "AssumeRole",
            "AccessDenied",
            "no role",
            crate::call::ErrorKind::AccessDenied,
        );
        let e = entry(
            &account(),
            &Finding::Unreadable(err),
            &Select::Stale,
            CALLER,
        );
        assert_eq!(e.disposition, Disposition::Unknown);
        assert!(e.steps.is_empty());
    }
}
