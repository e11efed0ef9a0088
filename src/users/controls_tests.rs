//! Tests of the per-credential controls: each at its edge (44/45, 89/90, 90/91 days), credentials
//! already off, users missing from the report, and the two shapes of a control (CSV, JSON).

use super::*;
use crate::users::verdict::tests::{days_ago, detail, row, NOW};

fn now() -> DateTime {
    DateTime::from_secs(NOW)
}

/// Each control as its CSV brief.
fn briefs(controls: &[Control]) -> Vec<String> {
    controls.iter().map(Control::brief).collect()
}

fn judged(row: &ReportUser) -> Vec<String> {
    briefs(&judge(Some(row), &detail(&row.name), now(), ""))
}

fn key(active: bool, created: i64, used: Option<i64>) -> KeyColumns {
    KeyColumns {
        active,
        last_rotated: Some(days_ago(created)),
        last_used: match used {
            Some(d) => LastUse::At(days_ago(d)),
            None => LastUse::Never,
        },
    }
}

fn with_password(mut r: ReportUser, set: i64, used: Option<i64>, mfa: bool) -> ReportUser {
    r.password_enabled = true;
    r.password_last_changed = Some(days_ago(set));
    r.password_last_used = used.map_or(LastUse::Never, |d| LastUse::At(days_ago(d)));
    r.mfa_active = mfa;
    r
}

#[test]
fn a_user_without_credentials_or_policies_fails_nothing() {
    assert!(judged(&row("quiet", 400)).is_empty());
}

#[test]
fn a_key_used_44_days_ago_passes_and_45_fails_the_45_day_control_only() {
    let mut r = row("ci", 60);
    r.access_keys[0] = key(true, 60, Some(44));
    assert!(judged(&r).is_empty());
    r.access_keys[0] = key(true, 60, Some(45));
    assert_eq!(judged(&r), ["IAM.22:access_key_1"]);
}

#[test]
fn a_key_unused_90_days_fails_both_unused_controls_89_only_the_first() {
    let mut r = row("ci", 80);
    r.access_keys[1] = key(true, 80, Some(89));
    assert_eq!(judged(&r), ["IAM.22:access_key_2"]);
    r.access_keys[1] = key(true, 80, Some(90));
    assert_eq!(judged(&r), ["IAM.22:access_key_2", "IAM.8:access_key_2"]);
}

#[test]
fn a_never_used_key_counts_from_its_creation() {
    let mut r = row("ci", 50);
    r.access_keys[0] = key(true, 44, None);
    assert!(judged(&r).is_empty());
    r.access_keys[0] = key(true, 45, None);
    let c = judge(Some(&r), &detail("ci"), now(), "");
    assert_eq!(briefs(&c), ["IAM.22:access_key_1"]);
    assert!(
        c[0].detail.starts_with("never used, issued "),
        "{}",
        c[0].detail
    );
    assert!(c[0].detail.ends_with("(45 days ago)"), "{}", c[0].detail);
}

#[test]
fn an_active_key_older_than_90_days_fails_rotation_at_91_not_at_90() {
    let mut r = row("ci", 200);
    r.access_keys[0] = key(true, 90, Some(1));
    assert!(judged(&r).is_empty());
    r.access_keys[0] = key(true, 91, Some(1));
    let c = judge(Some(&r), &detail("ci"), now(), "");
    assert_eq!(briefs(&c), ["IAM.3:access_key_1"]);
    assert_eq!(c[0].def.cis_v3, Some("1.14"));
    assert!(c[0].detail.contains("(91 days ago)"), "{}", c[0].detail);
}

#[test]
fn an_inactive_key_fails_no_control_however_old_or_unused() {
    let mut r = row("ci", 400);
    r.access_keys[0] = key(false, 400, None);
    r.access_keys[1] = key(false, 300, Some(200));
    assert!(judged(&r).is_empty());
}

#[test]
fn two_active_keys_fail_the_one_key_control_once_for_the_user() {
    let mut r = row("ci", 20);
    r.access_keys = [key(true, 10, Some(1)), key(true, 5, Some(1))];
    let c = judge(Some(&r), &detail("ci"), now(), "");
    assert_eq!(briefs(&c), ["CIS-1.13"]);
    assert_eq!(c[0].credential_type, "access-key");
    r.access_keys[1].active = false;
    assert!(judged(&r).is_empty());
}

#[test]
fn a_console_password_without_mfa_fails_iam_5_and_with_mfa_passes() {
    let r = with_password(row("alice", 10), 10, Some(1), false);
    assert_eq!(judged(&r), ["IAM.5:password"]);
    let r = with_password(row("alice", 10), 10, Some(1), true);
    assert!(judged(&r).is_empty());
}

#[test]
fn an_unused_password_fails_by_its_last_use_or_when_never_used_by_when_it_was_set() {
    let r = with_password(row("bob", 400), 300, Some(100), true);
    assert_eq!(judged(&r), ["IAM.22:password", "IAM.8:password"]);
    let r = with_password(row("bob", 400), 50, None, true);
    assert_eq!(judged(&r), ["IAM.22:password"]);
    let r = with_password(row("bob", 400), 44, None, true);
    assert!(judged(&r).is_empty());
}

#[test]
fn console_access_already_off_is_not_a_finding() {
    // No password: a user whose console access was removed is not flagged (only its key).
    let mut r = row("bob", 400);
    r.mfa_active = false;
    r.password_last_used = LastUse::At(days_ago(300));
    assert!(judged(&r).is_empty());
}

#[test]
fn a_credential_with_neither_use_nor_issuance_is_unknown_never_passed() {
    let mut r = row("bob", 400);
    r.password_enabled = true;
    r.mfa_active = true;
    r.access_keys[0] = KeyColumns {
        active: true,
        last_rotated: None,
        last_used: LastUse::Never,
    };
    let c = judge(Some(&r), &detail("bob"), now(), "");
    assert_eq!(
        briefs(&c),
        [
            "IAM.22?:password",
            "IAM.22?:access_key_1",
            "IAM.8?:password",
            "IAM.8?:access_key_1",
            "IAM.3?:access_key_1",
        ]
    );
    assert!(c.iter().all(|c| c.status == Status::Unknown));
}

#[test]
fn a_user_missing_from_the_report_has_every_credential_control_unknown_with_the_reason() {
    let c = judge(None, &detail("new"), now(), "not in the credential report");
    assert_eq!(
        briefs(&c),
        ["IAM.22?", "IAM.8?", "IAM.3?", "CIS-1.13?", "IAM.5?"]
    );
    assert!(c
        .iter()
        .all(|c| c.detail.ends_with(": not in the credential report")));
}

#[test]
fn policies_on_the_user_itself_fail_iam_2_managed_or_inline() {
    let mut d = detail("ci");
    d.inline_policies = vec!["s3-put".into()];
    let c = judge(None, &d, now(), "x");
    let last = c.last().map(Control::brief);
    assert_eq!(last.as_deref(), Some("IAM.2"));
    let mut d = detail("ci");
    d.attached_policies = vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()];
    let c = judge(Some(&row("ci", 1)), &d, now(), "");
    assert_eq!(briefs(&c), ["IAM.2"]);
    assert_eq!(
        c[0].detail,
        "1 managed and 0 inline policies on the user itself"
    );
    assert_eq!(c[0].def.cis_v3, Some("1.15"));
}

#[test]
fn json_holds_every_id_and_the_evidence_csv_only_the_brief() {
    let mut r = row("ci", 60);
    r.access_keys[0] = key(true, 60, Some(50));
    let c = judge(Some(&r), &detail("ci"), now(), "");
    let json = serde_json::to_value(&c).unwrap_or_default();
    assert_eq!(json[0]["id"], "IAM.22");
    assert_eq!(json[0]["fsbp"], "IAM.22");
    assert_eq!(json[0]["cis_v3"], "1.12");
    assert_eq!(json[0]["cis_v7"], "2.11");
    assert_eq!(json[0]["cis_v1_2"], serde_json::Value::Null);
    assert_eq!(json[0]["credential_type"], "access-key");
    assert_eq!(json[0]["credential"], "access_key_1");
    assert_eq!(json[0]["status"], "failed");
    assert!(json[0]["detail"]
        .as_str()
        .is_some_and(|d| d.ends_with("(50 days ago)")));

    #[derive(Serialize, Default)]
    struct Cells {
        controls: Vec<Control>,
    }
    let cells = crate::report::csv::cells(&Cells { controls: c });
    assert_eq!(cells, ["IAM.22:access_key_1"]);
}

#[test]
fn every_control_has_a_distinct_id_and_at_least_one_standard_number() {
    let ids: std::collections::BTreeSet<_> = ALL.iter().map(|d| d.id).collect();
    assert_eq!(ids.len(), ALL.len());
    for d in ALL {
        assert!(
            d.fsbp.is_some() || d.cis_v1_2.is_some() || d.cis_v3.is_some(),
            "{}",
            d.id
        );
    }
}
