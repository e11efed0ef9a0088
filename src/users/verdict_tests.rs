//! Tests of the users audit's judgement: each verdict at the edges of the stale period, the
//! findings, the join of report rows to users, and the settling of users by their unrecorded
//! credentials.

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
    listed: Result<Vec<Credential>, Error>,
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
    let listed_cert = |active, days| Ok(vec![cred(Unrecorded::SigningCertificate, active, days)]);
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
    let err = Error::new(
        "ListSSHPublicKeys",
        "ServiceFailure",
        "x",
        crate::call::ErrorKind::Transient,
    );
    assert_eq!(
        verdict_of(|_| {}, Err(err.clone())),
        (Verdict::Unknown, true)
    );
    // Its unused-credential controls are unknown for the user as a whole, never passed.
    let r = row("u", 400);
    let mut user = judge(detail_of(&r), Some(r), vec![], &rules());
    settle(&mut user, Err(err), &rules());
    let whole: Vec<(&str, &str, controls::Status)> = user
        .controls
        .iter()
        .filter(|c| c.credential.is_empty())
        .map(|c| (c.def.id, c.credential_type, c.status))
        .collect();
    assert_eq!(
        whole,
        [
            ("IAM.22", "", controls::Status::Unknown),
            ("IAM.8", "", controls::Status::Unknown)
        ]
    );
    let detail = user
        .controls
        .iter()
        .find(|c| c.credential.is_empty())
        .map(|c| &c.detail);
    assert!(
        detail.is_some_and(|d| d.contains("ListSSHPublicKeys")),
        "{:?}",
        user.controls
    );
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
