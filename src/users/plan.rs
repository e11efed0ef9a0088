//! Pure: one account's users audit and its chosen users' holdings → its entry in the
//! `users delete` plan: which users are deleted (the stale ones, or the ones a file lists, found
//! as IAM finds names: regardless of case), with the exact calls, which are refused and why. The
//! caller's own IAM user is never planned, whatever the selection says; with `--stale-days`, a
//! user whose activity is unknown refuses its whole account.

use super::calls::calls;
use super::model::{Call, Finding, Holdings, User, Verdict};
use super::verdict::Rules;
use crate::call::CallError;
use crate::model::Account;
use crate::report::rfc3339;
use crate::run::job::{Disposition, Entry};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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

impl Select {
    /// `--force-active`: listed users are deleted whatever their verdict but `unknown`.
    pub fn forces_active(&self) -> bool {
        matches!(
            self,
            Select::Listed {
                force_active: true,
                ..
            }
        )
    }
}

/// One user the delete removes: the exact calls, from a read of everything it holds, and what
/// the audit saw of it (the re-check right before the change compares against all of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// User name, as IAM spells it.
    pub user: String,
    /// The user's creation time (RFC 3339): a user of the same name created since is another.
    pub created: String,
    /// The audit's last use of the password or a key (RFC 3339), empty when never used.
    pub last_activity: String,
    /// When the user must be stale (not `--force-active`): the start of the stale period (RFC
    /// 3339). The re-check then refuses any use or issuance after it, and any active credential
    /// whose use IAM never records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale_since: Option<String>,
    /// The calls, in the order they are made.
    pub calls: Vec<Call>,
}

impl std::fmt::Display for Step {
    /// The user and each call.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "delete IAM user {} (re-checked first): ", self.user)?;
        let calls: Vec<String> = self.calls.iter().map(Call::to_string).collect();
        f.write_str(&calls.join("; "))
    }
}

/// Why a selected user is not planned, or that it is.
enum Choice<'u> {
    Delete(&'u User),
    Note(String),
    Blocked(String),
    Unknown(String),
}

/// What the selection makes of each user it names in one account.
fn choose<'u>(
    account_id: &str,
    users: &'u [User],
    select: &Select,
    caller_arn: &str,
) -> Vec<Choice<'u>> {
    let wanted: Vec<&str> = match select {
        Select::Stale => users
            .iter()
            .filter(|u| u.verdict == Verdict::Stale)
            .map(|u| u.detail.name.as_str())
            .collect(),
        Select::Listed { users: listed, .. } => listed
            .iter()
            .filter(|(a, _)| a == account_id)
            .map(|(_, u)| u.as_str())
            .collect(),
    };
    let force_active = select.forces_active();
    wanted
        .into_iter()
        .map(|name| {
            let Some(user) = users
                .iter()
                .find(|u| u.detail.name.eq_ignore_ascii_case(name))
            else {
                return Choice::Note(format!("{name}: no such user (already deleted?)"));
            };
            if user.detail.arn == caller_arn {
                return Choice::Note(format!(
                    "{name}: the caller's own IAM user is never deleted"
                ));
            }
            let name = &user.detail.name;
            match user.verdict {
                Verdict::Stale => Choice::Delete(user),
                Verdict::Unknown => {
                    Choice::Unknown(format!("{name}: activity unknown ({})", user.error))
                }
                Verdict::Active | Verdict::New | Verdict::Unverifiable if force_active => {
                    Choice::Delete(user)
                }
                Verdict::Unverifiable => Choice::Blocked(format!(
                    "{name}: unverifiable, not stale: holds {} whose use IAM never records \
                     (pass --force-active to delete it anyway)",
                    unrecorded(user)
                )),
                Verdict::Active | Verdict::New => Choice::Blocked(format!(
                    "{name}: {}, not stale (pass --force-active to delete it anyway)",
                    user.verdict.as_str()
                )),
            }
        })
        .collect()
}

/// The active unrecorded credentials of a user, named.
fn unrecorded(user: &User) -> String {
    if user.unrecorded.is_empty() {
        return "an active signing certificate".into();
    }
    let named: Vec<String> = user.unrecorded.iter().map(|c| c.to_string()).collect();
    named.join(", ")
}

/// With `--stale-days`, the users whose activity is unknown: each refuses its account, since
/// one of them may be stale and another not.
fn unknown_users(users: &[User], select: &Select) -> Vec<String> {
    if *select != Select::Stale {
        return Vec::new();
    }
    users
        .iter()
        .filter(|u| u.verdict == Verdict::Unknown)
        .map(|u| format!("{}: activity unknown ({})", u.detail.name, u.error))
        .collect()
}

/// The users of one account the plan will delete (their holdings are read for the plan).
pub fn chosen<'u>(
    account_id: &str,
    users: &'u [User],
    select: &Select,
    caller_arn: &str,
) -> Vec<&'u str> {
    if !unknown_users(users, select).is_empty() {
        // The account is refused: nothing to read for a plan.
        return Vec::new();
    }
    choose(account_id, users, select, caller_arn)
        .into_iter()
        .filter_map(|c| match c {
            Choice::Delete(u) => Some(u.detail.name.as_str()),
            _ => None,
        })
        .collect()
}

/// What the delete's read stage learns about one account: the audit, and everything each chosen
/// user holds (a user gone since the audit is absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The users audit.
    pub audit: Finding,
    /// The chosen users' holdings by name, or the read that failed.
    pub holdings: Result<BTreeMap<String, Holdings>, CallError>,
}

/// The plan entry of one account that was read. The caller's own user is never deleted.
pub fn entry(account: &Account, found: &Found, select: &Select, rules: &Rules) -> Entry<Step> {
    let caller_arn = rules.caller_arn.as_str();
    let base = |verdict: &'static str, disposition, steps, reason: Vec<String>| Entry {
        account_id: account.id.clone(),
        account_name: account.name.clone(),
        verdict,
        disposition,
        steps,
        reason: (!reason.is_empty()).then(|| reason.join("; ")),
    };
    let unknown = |why: String| base("unknown", Disposition::Unknown, Vec::new(), vec![why]);
    let users = match &found.audit {
        Finding::Unreadable(e) => {
            return unknown(format!("the account's users could not be read ({e})"))
        }
        Finding::Read(users) => users,
    };
    let holdings = match &found.holdings {
        Ok(h) => h,
        Err(e) => return unknown(format!("the users to delete could not be read ({e})")),
    };
    let mut unknowns = unknown_users(users, select);
    if !unknowns.is_empty() {
        unknowns.push(
            "with --stale-days a user whose activity is unknown refuses its account; \
                       run again later, or name the users with --users-file"
                .into(),
        );
        return base("unknown", Disposition::Unknown, Vec::new(), unknowns);
    }
    let forced = select.forces_active();
    let stale_since = (!forced).then(|| rfc3339(&rules.stale_before()));
    let mut steps = Vec::new();
    let mut notes = Vec::new();
    let mut blocked = Vec::new();
    for choice in choose(&account.id, users, select, caller_arn) {
        match choice {
            Choice::Delete(user) => match holdings.get(&user.detail.name) {
                Some(h) => steps.push(Step {
                    user: user.detail.name.clone(),
                    created: user
                        .detail
                        .created
                        .as_ref()
                        .map(rfc3339)
                        .unwrap_or_default(),
                    last_activity: user.last_activity.as_ref().map(rfc3339).unwrap_or_default(),
                    stale_since: stale_since.clone(),
                    calls: calls(h),
                }),
                None => notes.push(format!(
                    "{}: no such user (deleted since the audit?)",
                    user.detail.name
                )),
            },
            Choice::Note(n) => notes.push(n),
            Choice::Blocked(b) => blocked.push(b),
            Choice::Unknown(u) => unknowns.push(u),
        }
    }
    if !unknowns.is_empty() {
        unknowns.extend(blocked);
        return base("unknown", Disposition::Unknown, Vec::new(), unknowns);
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

    /// The plan entry under the tests' rules (whose caller is `caller`).
    fn entry(account: &Account, found: &Found, select: &Select, caller: &str) -> Entry<Step> {
        assert_eq!(caller, rules().caller_arn);
        super::entry(account, found, select, &rules())
    }

    /// The audit, with every user holding what the audit saw plus a login profile.
    fn found(users: Vec<User>) -> Found {
        let holdings = users
            .iter()
            .map(|u| {
                let h = Holdings {
                    user_name: u.detail.name.clone(),
                    arn: u.detail.arn.clone(),
                    login_profile: true,
                    inline_policies: u
                        .detail
                        .inline_policies
                        .iter()
                        .map(|n| crate::users::model::InlinePolicy {
                            name: n.clone(),
                            document: "{}".into(),
                        })
                        .collect(),
                    attached_policies: u.detail.attached_policies.clone(),
                    groups: u.detail.groups.clone(),
                    ..Holdings::default()
                };
                (u.detail.name.clone(), h)
            })
            .collect();
        Found {
            audit: Finding::Read(users),
            holdings: Ok(holdings),
        }
    }

    #[test]
    fn stale_selection_plans_only_stale_users_with_what_the_audit_saw() {
        let f = found(vec![user("old", 400), user("fresh", 5)]);
        let e = entry(&account(), &f, &Select::Stale, CALLER);
        assert_eq!(e.disposition, Disposition::Change);
        assert_eq!(e.steps.len(), 1);
        assert_eq!(e.steps[0].user, "old");
        assert_eq!(
            e.steps[0].to_string(),
            "delete IAM user old (re-checked first): DeleteLoginProfile; DeleteUserPolicy legacy; \
             DetachUserPolicy arn:aws:iam::aws:policy/ReadOnlyAccess; RemoveUserFromGroup devs; \
             DeleteUser"
        );
    }

    #[test]
    fn the_callers_own_user_is_never_planned_even_when_listed_and_forced() {
        let f = found(vec![user("admin", 400), user("old", 400)]);
        let select = listed(&[("111111111111", "admin"), ("111111111111", "old")], true);
        assert_eq!(
            chosen("111111111111", users_of(&f), &select, CALLER),
            ["old"]
        );
        let e = entry(&account(), &f, &select, CALLER);
        let users: Vec<&str> = e.steps.iter().map(|s| s.user.as_str()).collect();
        assert_eq!(users, ["old"]);
        assert_eq!(
            e.reason.as_deref(),
            Some("admin: the caller's own IAM user is never deleted")
        );
    }

    #[test]
    fn a_listed_user_not_stale_blocks_the_account_unless_forced() {
        let f = found(vec![user("fresh", 5)]);
        let e = entry(
            &account(),
            &f,
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
            &f,
            &listed(&[("111111111111", "fresh")], true),
            CALLER,
        );
        assert_eq!(forced.disposition, Disposition::Change);
    }

    #[test]
    fn a_listed_user_already_gone_plans_nothing_so_a_rerun_deletes_nothing() {
        let f = found(vec![]);
        let e = entry(
            &account(),
            &f,
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
        let f = Found {
            audit: Finding::Unreadable(err.clone()),
            holdings: Ok(BTreeMap::new()),
        };
        let e = entry(&account(), &f, &Select::Stale, CALLER);
        assert_eq!(e.disposition, Disposition::Unknown);
        assert!(e.steps.is_empty());
        // Holdings that could not be read make the account unknown too.
        let f = Found {
            holdings: Err(err),
            ..found(vec![user("old", 400)])
        };
        assert_eq!(
            entry(&account(), &f, &Select::Stale, CALLER).disposition,
            Disposition::Unknown
        );
    }

    #[test]
    fn a_chosen_user_gone_before_its_holdings_were_read_is_a_note_not_a_step() {
        let mut f = found(vec![user("old", 400)]);
        f.holdings = Ok(BTreeMap::new());
        let e = entry(&account(), &f, &Select::Stale, CALLER);
        assert_eq!(e.disposition, Disposition::AlreadyClean);
        assert_eq!(
            e.reason.as_deref(),
            Some("old: no such user (deleted since the audit?)")
        );
    }

    fn users_of(f: &Found) -> &[User] {
        match &f.audit {
            Finding::Read(users) => users,
            Finding::Unreadable(_) => &[],
        }
    }

    /// A stale-by-records user holding an active SSH key: unverifiable.
    fn unverifiable(name: &str) -> User {
        let mut u = user(name, 400);
        u.verdict = Verdict::Unverifiable;
        u.unrecorded = vec![crate::users::model::Credential {
            kind: crate::users::model::Unrecorded::SshPublicKey,
            id: "APKA1".into(),
            active: true,
            issued: None,
        }];
        u
    }

    fn unknown_user(name: &str) -> User {
        judge(detail(name), None, Vec::new(), &rules())
    }

    #[test]
    fn with_stale_days_a_user_whose_activity_is_unknown_refuses_its_whole_account() {
        let f = found(vec![user("old", 400), unknown_user("late")]);
        assert!(chosen("111111111111", users_of(&f), &Select::Stale, CALLER).is_empty());
        let e = entry(&account(), &f, &Select::Stale, CALLER);
        assert_eq!(e.disposition, Disposition::Unknown);
        assert!(e.steps.is_empty());
        let reason = e.reason.unwrap_or_default();
        assert!(
            reason.starts_with("late: activity unknown (not in the credential report"),
            "{reason}"
        );
        assert!(reason.contains("refuses its account"), "{reason}");
        // A users file that does not name the unknown user is not refused for it.
        let listed = listed(&[("111111111111", "old")], false);
        assert_eq!(
            entry(&account(), &f, &listed, CALLER).disposition,
            Disposition::Change
        );
    }

    #[test]
    fn listed_names_match_users_as_iam_does_regardless_of_case() {
        let f = found(vec![user("olduser", 400)]);
        let select = listed(&[("111111111111", "OldUser")], false);
        assert_eq!(
            chosen("111111111111", users_of(&f), &select, CALLER),
            ["olduser"]
        );
        let e = entry(&account(), &f, &select, CALLER);
        assert_eq!(e.disposition, Disposition::Change);
        assert_eq!(e.steps[0].user, "olduser");
    }

    #[test]
    fn an_unverifiable_user_is_never_selected_by_age_and_a_listed_one_only_with_force_active() {
        let f = found(vec![unverifiable("git")]);
        let e = entry(&account(), &f, &Select::Stale, CALLER);
        assert_eq!(e.disposition, Disposition::AlreadyClean);
        assert!(e.steps.is_empty());
        let e = entry(
            &account(),
            &f,
            &listed(&[("111111111111", "git")], false),
            CALLER,
        );
        assert_eq!(e.disposition, Disposition::Blocked);
        assert_eq!(
            e.reason.as_deref(),
            Some(
                "git: unverifiable, not stale: holds ssh_public_key:APKA1 whose use IAM never \
                 records (pass --force-active to delete it anyway)"
            )
        );
        let e = entry(
            &account(),
            &f,
            &listed(&[("111111111111", "git")], true),
            CALLER,
        );
        assert_eq!(e.disposition, Disposition::Change);
        assert_eq!(e.steps[0].stale_since, None, "forced: no stale re-check");
    }

    #[test]
    fn a_step_carries_the_users_creation_and_the_start_of_the_stale_period_for_the_recheck() {
        let mut u = user("old", 400);
        u.detail.created = Some(crate::users::verdict::tests::days_ago(400));
        let f = found(vec![u]);
        let e = entry(&account(), &f, &Select::Stale, CALLER);
        let step = &e.steps[0];
        assert_eq!(
            step.created,
            rfc3339(&crate::users::verdict::tests::days_ago(400))
        );
        assert_eq!(step.stale_since, Some(rfc3339(&rules().stale_before())));
        let e = entry(
            &account(),
            &f,
            &listed(&[("111111111111", "old")], false),
            CALLER,
        );
        assert_eq!(
            e.steps[0].stale_since,
            Some(rfc3339(&rules().stale_before()))
        );
    }
}
