//! Pure: one account's users audit and its chosen users' holdings → its entry in the
//! `users delete` plan: which users are deleted (the stale ones, or the ones a file lists, found
//! as IAM finds names: regardless of case), with the exact calls, which are refused and why. The
//! caller's own IAM user is never planned, whatever the selection says; with `--stale-days`, a
//! user whose activity is unknown refuses its whole account.

use super::calls::calls;
use super::model::{Call, Finding, Holdings, User, Verdict};
use super::verdict::Rules;
use crate::call::Error;
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
    pub holdings: Result<BTreeMap<String, Holdings>, Error>,
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
#[path = "plan_tests.rs"]
mod tests;
