//! Pure judgement of IAM users: the verdict (active, stale, new, unverifiable) from the
//! credential report and, for the users the report alone would make stale, the credentials IAM
//! records no use for; the findings; and the redundant direct policies from the authorization
//! details. A user is never stale while any recorded use *or issuance* of a credential is within
//! the stale period, nor while it holds an active credential whose use IAM never records.

use super::model::{
    AuthorizationDetails, Credential, KeyColumns, ReportUser, User, UserDetail, Verdict,
};
use crate::call::CallError;
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
                Some(Err(why)) => unknown(detail.clone(), redundant, why),
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

fn unknown(detail: UserDetail, redundant: Vec<String>, error: String) -> User {
    User {
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
        );
    };
    let mut findings = findings(&row, rules.now);
    if !redundant.is_empty() {
        findings.push(REDUNDANT_DIRECT_POLICIES);
    }
    let mut user = User {
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
pub fn settle(user: &mut User, listed: Result<Vec<Credential>, CallError>, rules: &Rules) {
    let credentials = match listed {
        Ok(c) => c,
        Err(e) => {
            user.verdict = Verdict::Unknown;
            user.error = format!(
                "its activity cannot be established: listing the credentials IAM records no use for failed ({e})"
            );
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
pub(crate) mod tests {
    use super::*;
    use crate::users::model::{CertColumns, GroupDetail, LastUse, Unrecorded};

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
            password_last_changed: None,
            mfa_active: false,
            access_keys: [NO_KEY, NO_KEY],
            certificates: [CertColumns::default(); 2],
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
            users: vec![detail_of(&row("zed", 200)), detail_of(&row("amy", 1))],
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

    /// The authorization details' view of the user a report row describes.
    pub(crate) fn detail_of(row: &ReportUser) -> UserDetail {
        UserDetail {
            created: Some(row.created),
            ..detail(&row.name)
        }
    }

    #[test]
    fn a_report_row_of_an_earlier_user_of_the_same_name_is_never_used_to_judge() {
        // IAM serves a report up to 4 hours old: "bob" was deleted and created again since.
        let earlier = row("bob", 400);
        let now = UserDetail {
            created: Some(days_ago(0)),
            ..detail("bob")
        };
        let details = AuthorizationDetails {
            users: vec![now],
            groups: vec![],
        };
        let users = judge_all(vec![earlier.clone()], &details, &rules());
        assert_eq!(users[0].verdict, Verdict::Unknown);
        assert!(
            users[0]
                .error
                .contains("row for this name is of an earlier user"),
            "{}",
            users[0].error
        );
        // Another path (so another ARN) is another user too.
        let moved = UserDetail {
            arn: "arn:aws:iam::111111111111:user/ops/bob".into(),
            ..detail_of(&earlier)
        };
        let details = AuthorizationDetails {
            users: vec![moved],
            groups: vec![],
        };
        let users = judge_all(vec![earlier.clone()], &details, &rules());
        assert_eq!(users[0].verdict, Verdict::Unknown);
        // Without a creation time the row cannot be told apart: unknown, never stale.
        let users = judge_all(
            vec![earlier],
            &AuthorizationDetails {
                users: vec![detail("bob")],
                groups: vec![],
            },
            &rules(),
        );
        assert_eq!(users[0].verdict, Verdict::Unknown);
        assert!(
            users[0].error.contains("no creation time"),
            "{}",
            users[0].error
        );
    }

    #[test]
    fn a_report_row_within_a_second_of_the_users_creation_is_its_own_and_names_match_regardless_of_case(
    ) {
        let mut r = row("Bob", 400);
        let mut d = detail_of(&r);
        d.created = Some(DateTime::from_secs(r.created.secs() + 1));
        r.name = "bob".into();
        let users = judge_all(
            vec![r],
            &AuthorizationDetails {
                users: vec![d],
                groups: vec![],
            },
            &rules(),
        );
        assert_eq!(users[0].verdict, Verdict::Stale);
        let mut d = detail_of(&row("bob", 400));
        d.created = Some(DateTime::from_secs(days_ago(400).secs() + 2));
        let users = judge_all(
            vec![row("bob", 400)],
            &AuthorizationDetails {
                users: vec![d],
                groups: vec![],
            },
            &rules(),
        );
        assert_eq!(users[0].verdict, Verdict::Unknown);
    }

    /// A credential of a kind IAM records no use for.
    fn cred(kind: Unrecorded, active: bool, issued_days_ago: i64) -> Credential {
        Credential {
            kind,
            id: format!("{}-1", kind.as_str()),
            active,
            issued: Some(days_ago(issued_days_ago)),
        }
    }

    /// A user created 400 days ago, its report row as `edit` leaves it, settled with `listed`
    /// when the audit would list its credentials: (verdict, whether they were listed).
    fn verdict_of(
        edit: impl Fn(&mut ReportUser),
        listed: Result<Vec<Credential>, CallError>,
    ) -> (Verdict, bool) {
        let mut r = row("u", 400);
        edit(&mut r);
        let mut user = judge(detail_of(&r), Some(r), vec![], &rules());
        let reads = needs_credentials(&user).is_some();
        if reads {
            settle(&mut user, listed, &rules());
        }
        (user.verdict, reads)
    }

    fn password(used: Option<i64>, set: i64) -> impl Fn(&mut ReportUser) {
        move |r| {
            r.password_enabled = true;
            r.password_last_used = used.map_or(LastUse::Never, |d| LastUse::At(days_ago(d)));
            r.password_last_changed = Some(days_ago(set));
        }
    }

    fn key(slot: usize, active: bool, used: Option<i64>, created: i64) -> impl Fn(&mut ReportUser) {
        move |r| {
            r.access_keys[slot] = KeyColumns {
                active,
                last_rotated: Some(days_ago(created)),
                last_used: used.map_or(LastUse::Never, |d| LastUse::At(days_ago(d))),
            };
        }
    }

    fn cert(active: bool, uploaded: i64) -> impl Fn(&mut ReportUser) {
        move |r| {
            r.certificates[0] = CertColumns {
                active,
                last_rotated: Some(days_ago(uploaded)),
            }
        }
    }

    #[test]
    fn every_credential_kind_active_or_not_used_never_used_or_issued_recently() {
        use Verdict::{Active, Stale, Unverifiable};
        let none = Ok(vec![]);
        // Recorded kinds: the password and both access key slots.
        type Edit = Box<dyn Fn(&mut ReportUser)>;
        let recorded: Vec<(&str, Edit, Verdict)> = vec![
            (
                "password used 10 days ago",
                Box::new(password(Some(10), 300)),
                Active,
            ),
            (
                "password used 200 days ago",
                Box::new(password(Some(200), 300)),
                Stale,
            ),
            (
                "password never used, set long ago",
                Box::new(password(None, 300)),
                Stale,
            ),
            (
                "password never used, set yesterday",
                Box::new(password(None, 1)),
                Active,
            ),
        ];
        for (what, edit, want) in recorded {
            assert_eq!(verdict_of(edit, none.clone()).0, want, "{what}");
        }
        for slot in [0, 1] {
            for active in [true, false] {
                let cases = [
                    (Some(10), 300, Active),
                    (Some(200), 300, Stale),
                    (None, 300, Stale),
                    (None, 1, Active),
                    (Some(200), 1, Active),
                ];
                for (used, created, want) in cases {
                    assert_eq!(
                        verdict_of(key(slot, active, used, created), none.clone()).0,
                        want,
                        "key {} active={active} used={used:?} created {created} days ago",
                        slot + 1
                    );
                }
            }
        }
        // Signing certificates: in the report, and listed for the users it would make stale.
        let listed_cert =
            |active, days| Ok(vec![cred(Unrecorded::SigningCertificate, active, days)]);
        assert_eq!(
            verdict_of(cert(true, 300), listed_cert(true, 300)),
            (Unverifiable, true)
        );
        // The listing is fresher than the report (up to 4 hours old): it wins.
        assert_eq!(
            verdict_of(cert(true, 300), listed_cert(false, 300)),
            (Stale, true)
        );
        assert_eq!(
            verdict_of(cert(false, 300), listed_cert(false, 300)),
            (Stale, true)
        );
        assert_eq!(verdict_of(cert(true, 1), none.clone()), (Active, false));
        assert_eq!(verdict_of(cert(false, 1), none.clone()), (Active, false));
        // SSH public keys and service-specific credentials: only the listing knows them.
        for kind in [
            Unrecorded::SshPublicKey,
            Unrecorded::ServiceSpecificCredential,
        ] {
            let with = |active, days| verdict_of(|_| {}, Ok(vec![cred(kind, active, days)]));
            assert_eq!(with(true, 300), (Unverifiable, true), "{kind:?} active");
            assert_eq!(with(false, 300), (Stale, true), "{kind:?} inactive");
            assert_eq!(with(true, 1), (Active, true), "{kind:?} issued yesterday");
            assert_eq!(
                with(false, 1),
                (Active, true),
                "{kind:?} inactive, issued yesterday"
            );
        }
    }

    #[test]
    fn an_unverifiable_user_names_each_active_unrecorded_credential_and_its_finding() {
        let mut r = row("u", 400);
        r.certificates[1] = CertColumns {
            active: true,
            last_rotated: Some(days_ago(300)),
        };
        let mut user = judge(detail_of(&r), Some(r), vec![], &rules());
        assert_eq!(
            needs_credentials(&user),
            Some(true),
            "certificates listed too"
        );
        let listed = vec![
            cred(Unrecorded::SigningCertificate, true, 300),
            cred(Unrecorded::SshPublicKey, false, 300),
            cred(Unrecorded::ServiceSpecificCredential, true, 200),
            cred(Unrecorded::SshPublicKey, true, 100),
        ];
        settle(&mut user, Ok(listed), &rules());
        assert_eq!(user.verdict, Verdict::Unverifiable);
        let named: Vec<String> = user.unrecorded.iter().map(|c| c.to_string()).collect();
        assert_eq!(
            named,
            [
                "ssh_public_key:ssh_public_key-1",
                "service_specific_credential:service_specific_credential-1",
                "signing_certificate:signing_certificate-1"
            ]
        );
        assert_eq!(user.findings, [UNRECORDED_CREDENTIALS]);
        // The newest issuance (100 days ago) sets the inactivity clock.
        assert_eq!(user.last_issued, Some(days_ago(100)));
        assert_eq!(user.days_inactive, Some(100));
        assert_eq!(needs_credentials(&user), None, "listed once");
    }

    #[test]
    fn a_failed_listing_makes_the_user_unknown_never_stale() {
        let err = CallError::new(
            "ListSSHPublicKeys",
            "ServiceFailure",
            "x",
            crate::call::ErrorKind::Transient,
        );
        assert_eq!(verdict_of(|_| {}, Err(err)), (Verdict::Unknown, true));
    }

    #[test]
    fn only_users_the_report_would_make_stale_have_their_credentials_listed() {
        let active = judge(
            detail("a"),
            Some(with_password_used(row("a", 400), DAY)),
            vec![],
            &rules(),
        );
        assert_eq!(needs_credentials(&active), None);
        let new = judge(detail("n"), Some(row("n", 5)), vec![], &rules());
        assert_eq!(needs_credentials(&new), None);
        let stale = judge(detail("s"), Some(row("s", 400)), vec![], &rules());
        assert_eq!(needs_credentials(&stale), Some(false));
        let missing = judge(detail("m"), None, vec![], &rules());
        assert_eq!(needs_credentials(&missing), None);
    }

    #[test]
    fn the_stale_period_starts_exactly_n_days_before_now() {
        assert_eq!(rules().stale_before(), days_ago(90));
    }
}
