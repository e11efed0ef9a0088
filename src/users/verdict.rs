//! Pure judgement of IAM users: the verdict (active, stale, new, unverifiable) from the
//! credential report and, for the users the report alone would make stale, the credentials IAM
//! records no use for; the findings; and the redundant direct policies from the authorization
//! details. A user is never stale while any recorded use *or issuance* of a credential is within
//! the stale period, nor while it holds an active credential whose use IAM never records.

use super::controls;
use super::model::{
    AuthorizationDetails, Credential, KeyColumns, ReportUser, User, UserDetail, Verdict,
};
use crate::call::Error;
use crate::report::rfc3339;
use aws_smithy_types::DateTime;
use std::collections::{BTreeSet, HashMap};

/// Seconds in a day.
const DAY: i64 = 86_400;
/// Access keys older than this many days are a finding.
pub const KEY_AGE_DAYS: i64 = 90;
/// A report row and a user whose creation times differ by more than this are two users.
const SAME_USER_SECS: i64 = 1;

/// Finding: a console password without MFA.
pub const MFA_OFF_WITH_PASSWORD: &str = "mfa_off_with_password";
/// Finding: access key 1 was created or rotated more than [`KEY_AGE_DAYS`] ago.
pub const KEY_1_OLD: &str = "access_key_1_older_than_90_days";
/// Finding: access key 2 was created or rotated more than [`KEY_AGE_DAYS`] ago.
pub const KEY_2_OLD: &str = "access_key_2_older_than_90_days";
/// Finding: both access keys are active.
pub const TWO_ACTIVE_KEYS: &str = "two_active_access_keys";
/// Finding: managed policies attached directly that a group of the user also attaches.
pub const REDUNDANT_DIRECT_POLICIES: &str = "redundant_direct_policies";
/// Finding: active credentials whose use IAM never records (named in `unrecorded_credentials`).
pub const UNRECORDED_CREDENTIALS: &str = "active_credentials_without_use_record";

/// What the verdicts depend on besides the account's data.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// The time the audit judges against (the run's start).
    pub now: DateTime,
    /// `--stale-days`: no use for this many days or more is stale.
    pub stale_days: u32,
    /// The caller's own ARN: that IAM user is always active.
    pub caller_arn: String,
}

impl Rules {
    /// The start of the stale period: a use or issuance after this keeps a user from `stale`.
    pub fn stale_before(&self) -> DateTime {
        DateTime::from_secs(self.now.secs() - i64::from(self.stale_days) * DAY)
    }
}

/// Every user of the authorization details, judged with its credential report row. A row is a
/// user's only when its name (as IAM compares names: regardless of case), its ARN and its
/// creation time all match: IAM serves a report up to four hours old, which can hold an earlier
/// user of the same name. Users of the report that no longer exist are dropped; users without a
/// row of their own are `unknown`.
pub fn judge_all(
    report: Vec<ReportUser>,
    details: &AuthorizationDetails,
    rules: &Rules,
) -> Vec<User> {
    let mut by_name: HashMap<String, ReportUser> = report
        .into_iter()
        .map(|u| (u.name.to_ascii_lowercase(), u))
        .collect();
    let group_policies: HashMap<&str, &[String]> = details
        .groups
        .iter()
        .map(|g| (g.name.as_str(), g.attached_policies.as_slice()))
        .collect();
    let mut users: Vec<User> = details
        .users
        .iter()
        .map(|detail| {
            let redundant = redundant_direct_policies(detail, &group_policies);
            let row = by_name.remove(&detail.name.to_ascii_lowercase());
            match row.map(|r| matching(detail, r)) {
                Some(Err(why)) => unknown(detail.clone(), redundant, why, rules.now),
                Some(Ok(row)) => judge(detail.clone(), Some(row), redundant, rules),
                None => judge(detail.clone(), None, redundant, rules),
            }
        })
        .collect();
    users.sort_by(|a, b| a.detail.name.cmp(&b.detail.name));
    users
}

/// The row, when it is this user's; else why not.
fn matching(detail: &UserDetail, row: ReportUser) -> Result<ReportUser, String> {
    let Some(created) = detail.created else {
        return Err(format!(
            "IAM gave no creation time for the user, so its credential report row (created {}) \
             cannot be told from an earlier user's of the same name",
            rfc3339(&row.created)
        ));
    };
    if row.arn != detail.arn || (row.created.secs() - created.secs()).abs() > SAME_USER_SECS {
        return Err(format!(
            "the credential report's row for this name is of an earlier user ({}, created {}; this \
             user was created {}): IAM serves a report up to 4 hours old; run again later",
            row.arn,
            rfc3339(&row.created),
            rfc3339(&created)
        ));
    }
    Ok(row)
}

/// Directly attached managed policies that one of the user's groups also attaches, in the
/// user's attachment order.
pub fn redundant_direct_policies(
    user: &UserDetail,
    group_policies: &HashMap<&str, &[String]>,
) -> Vec<String> {
    let through_groups: BTreeSet<&str> = user
        .groups
        .iter()
        .filter_map(|g| group_policies.get(g.as_str()))
        .flat_map(|policies| policies.iter().map(String::as_str))
        .collect();
    user.attached_policies
        .iter()
        .filter(|arn| through_groups.contains(arn.as_str()))
        .cloned()
        .collect()
}

fn unknown(detail: UserDetail, redundant: Vec<String>, error: String, now: DateTime) -> User {
    User {
        controls: controls::judge(None, &detail, now, &error),
        detail,
        report: None,
        last_activity: None,
        last_issued: None,
        days_inactive: None,
        verdict: Verdict::Unknown,
        redundant_direct_policies: redundant,
        unrecorded: Vec::new(),
        credentials_listed: false,
        findings: Vec::new(),
        error,
    }
}

/// One user's verdict and findings from its report row (`None`: not in the report).
pub fn judge(
    detail: UserDetail,
    report: Option<ReportUser>,
    redundant: Vec<String>,
    rules: &Rules,
) -> User {
    let Some(row) = report else {
        return unknown(
            detail,
            redundant,
            "not in the credential report (IAM serves a report up to 4 hours old; the user may be newer)".into(),
            rules.now,
        );
    };
    let mut findings = findings(&row, rules.now);
    if !redundant.is_empty() {
        findings.push(REDUNDANT_DIRECT_POLICIES);
    }
    let mut user = User {
        controls: controls::judge(Some(&row), &detail, rules.now, ""),
        detail,
        last_activity: last_activity(&row),
        last_issued: last_issued(&row),
        days_inactive: None,
        verdict: Verdict::Unknown,
        redundant_direct_policies: redundant,
        unrecorded: Vec::new(),
        credentials_listed: false,
        findings,
        error: String::new(),
        report: Some(row),
    };
    decide(&mut user, rules);
    user
}

/// Whether the users audit must list `user`'s SSH public keys, service-specific credentials (and,
/// when `.1`, its signing certificates) before its verdict holds: only a user every recorded use
/// and issuance makes stale.
pub fn needs_credentials(user: &User) -> Option<bool> {
    let stale_by_records = matches!(user.verdict, Verdict::Stale | Verdict::Unverifiable);
    (stale_by_records && !user.credentials_listed).then(|| {
        user.report
            .as_ref()
            .is_some_and(|r| r.certificates.iter().any(|c| c.active))
    })
}

/// Settles a user [`needs_credentials`] named, with what listing its credentials found: an
/// issuance within the stale period makes it `active`, an active credential whose use IAM never
/// records `unverifiable` (named, with a finding), a listing that failed `unknown`.
pub fn settle(user: &mut User, listed: Result<Vec<Credential>, Error>, rules: &Rules) {
    let credentials = match listed {
        Ok(c) => c,
        Err(e) => {
            user.verdict = Verdict::Unknown;
            user.error = format!(
                "its activity cannot be established: listing the credentials IAM records no use for failed ({e})"
            );
            // Whether every credential of the user is in use is as unknown as its verdict.
            user.controls.extend(controls::unlisted(&e.to_string()));
            return;
        }
    };
    let issued = credentials.iter().filter_map(|c| c.issued);
    user.last_issued = user
        .last_issued
        .into_iter()
        .chain(issued)
        .max_by_key(DateTime::secs);
    user.credentials_listed = true;
    user.unrecorded = credentials.into_iter().filter(|c| c.active).collect();
    user.unrecorded
        .sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    if !user.unrecorded.is_empty() {
        user.findings.push(UNRECORDED_CREDENTIALS);
    }
    decide(user, rules);
}

/// The verdict and days inactive from what is known of the user's use and issuance.
fn decide(user: &mut User, rules: &Rules) {
    let Some(created) = user.report.as_ref().map(|r| r.created) else {
        return;
    };
    let since = [Some(created), user.last_activity, user.last_issued]
        .into_iter()
        .flatten()
        .max_by_key(DateTime::secs)
        .unwrap_or(created);
    let inactive_secs = rules.now.secs() - since.secs();
    user.days_inactive = Some(inactive_secs.div_euclid(DAY).max(0));
    let recent = |t: DateTime| t.secs() > rules.stale_before().secs();
    // The report row's ARN is the user's: `judge_all` matched them.
    let caller = user.detail.arn == rules.caller_arn;
    user.verdict = if caller || user.last_activity.is_some_and(recent) {
        Verdict::Active
    } else if recent(created) {
        Verdict::New
    } else if user.last_issued.is_some_and(recent) {
        // A credential issued within the stale period: someone means to use the user.
        Verdict::Active
    } else if !user.unrecorded.is_empty()
        || !user.credentials_listed
            && user
                .report
                .as_ref()
                .is_some_and(|r| r.certificates.iter().any(|c| c.active))
    {
        Verdict::Unverifiable
    } else {
        Verdict::Stale
    };
}

/// The most recent use of the password or either access key.
pub fn last_activity(row: &ReportUser) -> Option<DateTime> {
    [
        row.password_last_used,
        row.access_keys[0].last_used,
        row.access_keys[1].last_used,
    ]
    .into_iter()
    .filter_map(|u| u.time())
    .max_by_key(DateTime::secs)
}

/// The most recent issuance the report shows: the password set, a key or certificate created or
/// rotated.
pub fn last_issued(row: &ReportUser) -> Option<DateTime> {
    std::iter::once(row.password_last_changed)
        .chain(row.access_keys.iter().map(|k| k.last_rotated))
        .chain(row.certificates.iter().map(|c| c.last_rotated))
        .flatten()
        .max_by_key(DateTime::secs)
}

/// The credential findings of one report row, in a fixed order.
fn findings(row: &ReportUser, now: DateTime) -> Vec<&'static str> {
    let old = |key: &KeyColumns| {
        key.last_rotated
            .is_some_and(|t| now.secs() - t.secs() > KEY_AGE_DAYS * DAY)
    };
    let mut findings = Vec::new();
    if row.password_enabled && !row.mfa_active {
        findings.push(MFA_OFF_WITH_PASSWORD);
    }
    if old(&row.access_keys[0]) {
        findings.push(KEY_1_OLD);
    }
    if old(&row.access_keys[1]) {
        findings.push(KEY_2_OLD);
    }
    if row.access_keys.iter().all(|k| k.active) {
        findings.push(TWO_ACTIVE_KEYS);
    }
    findings
}

#[cfg(test)]
#[path = "verdict_tests.rs"]
pub(crate) mod tests;
