//! Pure judgement of IAM users: the verdict (active, stale, new) from the credential report, the
//! findings, and the redundant direct policies from the authorization details.

use super::model::{AuthorizationDetails, KeyColumns, ReportUser, User, UserDetail, Verdict};
use aws_smithy_types::DateTime;
use std::collections::{BTreeSet, HashMap};

/// Seconds in a day.
const DAY: i64 = 86_400;
/// Access keys older than this many days are a finding.
pub const KEY_AGE_DAYS: i64 = 90;

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

/// Every user of the authorization details, judged with its credential report row, by name.
/// Users of the report that no longer exist are dropped; users missing from the report (IAM
/// serves a report up to four hours old) are `unknown`.
pub fn judge_all(
    report: Vec<ReportUser>,
    details: &AuthorizationDetails,
    rules: &Rules,
) -> Vec<User> {
    let mut by_name: HashMap<String, ReportUser> =
        report.into_iter().map(|u| (u.name.clone(), u)).collect();
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
            judge(
                detail.clone(),
                by_name.remove(&detail.name),
                redundant,
                rules,
            )
        })
        .collect();
    users.sort_by(|a, b| a.detail.name.cmp(&b.detail.name));
    users
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

/// One user's verdict and findings.
pub fn judge(
    detail: UserDetail,
    report: Option<ReportUser>,
    redundant: Vec<String>,
    rules: &Rules,
) -> User {
    let Some(row) = report else {
        return User {
            detail,
            report: None,
            last_activity: None,
            days_inactive: None,
            verdict: Verdict::Unknown,
            redundant_direct_policies: redundant,
            findings: Vec::new(),
            error: "not in the credential report (IAM serves a report up to 4 hours old; the user may be newer)".into(),
        };
    };
    let last_activity = last_activity(&row);
    let since = last_activity.unwrap_or(row.created);
    let inactive_secs = rules.now.secs() - since.secs();
    let stale = inactive_secs >= i64::from(rules.stale_days) * DAY;
    let verdict = if detail.arn == rules.caller_arn || row.arn == rules.caller_arn {
        Verdict::Active
    } else {
        match (last_activity, stale) {
            (Some(_), false) => Verdict::Active,
            (_, true) => Verdict::Stale,
            (None, false) => Verdict::New,
        }
    };
    let mut findings = findings(&row, rules.now);
    if !redundant.is_empty() {
        findings.push(REDUNDANT_DIRECT_POLICIES);
    }
    User {
        detail,
        last_activity,
        days_inactive: Some(inactive_secs.div_euclid(DAY).max(0)),
        verdict,
        redundant_direct_policies: redundant,
        findings,
        error: String::new(),
        report: Some(row),
    }
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
pub(crate) mod tests {
    use super::*;
    use crate::users::model::{GroupDetail, LastUse};

    pub(crate) const NOW: i64 = 1_800_000_000;

    pub(crate) fn rules() -> Rules {
        Rules {
            now: DateTime::from_secs(NOW),
            stale_days: 90,
            caller_arn: "arn:aws:iam::111111111111:user/admin".into(),
        }
    }

    pub(crate) fn days_ago(days: i64) -> DateTime {
        DateTime::from_secs(NOW - days * DAY)
    }

    const NO_KEY: KeyColumns = KeyColumns {
        active: false,
        last_rotated: None,
        last_used: LastUse::NotApplicable,
    };

    /// A user created `created_days_ago` with no password and no keys.
    pub(crate) fn row(name: &str, created_days_ago: i64) -> ReportUser {
        ReportUser {
            name: name.into(),
            arn: format!("arn:aws:iam::111111111111:user/{name}"),
            created: days_ago(created_days_ago),
            password_enabled: false,
            password_last_used: LastUse::NotApplicable,
            mfa_active: false,
            access_keys: [NO_KEY, NO_KEY],
        }
    }

    pub(crate) fn detail(name: &str) -> UserDetail {
        UserDetail {
            name: name.into(),
            arn: format!("arn:aws:iam::111111111111:user/{name}"),
            ..UserDetail::default()
        }
    }

    fn verdict(row: ReportUser) -> Verdict {
        judge(detail(&row.name), Some(row), vec![], &rules()).verdict
    }

    fn with_password_used(mut row: ReportUser, secs_ago: i64) -> ReportUser {
        row.password_enabled = true;
        row.password_last_used = LastUse::At(DateTime::from_secs(NOW - secs_ago));
        row
    }

    #[test]
    fn use_within_the_stale_period_is_active_and_exactly_the_period_is_stale() {
        let just_inside = with_password_used(row("a", 400), 90 * DAY - 1);
        assert_eq!(verdict(just_inside), Verdict::Active);
        let exactly = with_password_used(row("a", 400), 90 * DAY);
        assert_eq!(verdict(exactly), Verdict::Stale);
    }

    #[test]
    fn a_recently_used_access_key_makes_a_user_active_whatever_the_password_says() {
        let mut r = with_password_used(row("a", 400), 300 * DAY);
        r.access_keys[1] = KeyColumns {
            active: true,
            last_rotated: Some(days_ago(30)),
            last_used: LastUse::At(days_ago(2)),
        };
        let user = judge(detail("a"), Some(r), vec![], &rules());
        assert_eq!(user.verdict, Verdict::Active);
        assert_eq!(user.last_activity, Some(days_ago(2)));
        assert_eq!(user.days_inactive, Some(2));
    }

    #[test]
    fn never_used_is_new_until_the_stale_period_has_passed_since_creation() {
        assert_eq!(verdict(row("a", 89)), Verdict::New);
        assert_eq!(verdict(row("a", 90)), Verdict::Stale);
        let mut never = row("a", 10);
        never.password_enabled = true;
        never.password_last_used = LastUse::Never;
        assert_eq!(verdict(never), Verdict::New);
    }

    #[test]
    fn the_callers_own_user_is_always_active() {
        let user = judge(detail("admin"), Some(row("admin", 1000)), vec![], &rules());
        assert_eq!(user.verdict, Verdict::Active);
        assert_eq!(user.days_inactive, Some(1000));
    }

    #[test]
    fn a_user_missing_from_the_report_is_unknown_and_says_why() {
        let user = judge(detail("late"), None, vec![], &rules());
        assert_eq!(user.verdict, Verdict::Unknown);
        assert!(user.error.starts_with("not in the credential report"));
    }

    #[test]
    fn findings_name_mfa_off_old_keys_and_two_active_keys() {
        let mut r = with_password_used(row("a", 400), DAY);
        r.access_keys = [
            KeyColumns {
                active: true,
                last_rotated: Some(days_ago(91)),
                last_used: LastUse::Never,
            },
            KeyColumns {
                active: true,
                last_rotated: Some(days_ago(90)),
                last_used: LastUse::Never,
            },
        ];
        let user = judge(detail("a"), Some(r.clone()), vec!["p".into()], &rules());
        assert_eq!(
            user.findings,
            [
                MFA_OFF_WITH_PASSWORD,
                KEY_1_OLD,
                TWO_ACTIVE_KEYS,
                REDUNDANT_DIRECT_POLICIES
            ]
        );
        r.mfa_active = true;
        r.access_keys[0].active = false;
        let user = judge(detail("a"), Some(r), vec![], &rules());
        assert_eq!(user.findings, [KEY_1_OLD]);
    }

    #[test]
    fn only_direct_policies_a_group_of_the_user_attaches_are_redundant() {
        let mut user = detail("a");
        user.groups = vec!["admins".into()];
        user.attached_policies = vec![
            "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
            "arn:aws:iam::aws:policy/AdministratorAccess".into(),
            "arn:aws:iam::aws:policy/IAMFullAccess".into(),
        ];
        let details = AuthorizationDetails {
            users: vec![user],
            groups: vec![
                GroupDetail {
                    name: "admins".into(),
                    attached_policies: vec!["arn:aws:iam::aws:policy/AdministratorAccess".into()],
                },
                // The user is not in this group: its policies do not count.
                GroupDetail {
                    name: "readers".into(),
                    attached_policies: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
                },
            ],
        };
        let users = judge_all(vec![row("a", 1)], &details, &rules());
        assert_eq!(
            users[0].redundant_direct_policies,
            ["arn:aws:iam::aws:policy/AdministratorAccess"]
        );
    }

    #[test]
    fn users_are_joined_by_name_sorted_and_deleted_ones_dropped() {
        let details = AuthorizationDetails {
            users: vec![detail("zed"), detail("amy")],
            groups: vec![],
        };
        let users = judge_all(
            vec![row("amy", 1), row("gone", 1), row("zed", 200)],
            &details,
            &rules(),
        );
        let names: Vec<(&str, Verdict)> = users
            .iter()
            .map(|u| (u.detail.name.as_str(), u.verdict))
            .collect();
        assert_eq!(names, [("amy", Verdict::New), ("zed", Verdict::Stale)]);
    }
}
