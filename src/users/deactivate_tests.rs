use super::*;
use crate::users::holdings::{Key, PublicKey, ServiceCredential};

const NOW: i64 = 1_800_000_000;

fn ago(days: i64) -> String {
    crate::report::rfc3339(&DateTime::from_secs(NOW - days * 86_400))
}

fn rules() -> Rules {
    Rules {
        now: DateTime::from_secs(NOW),
        unused_days: 45,
        console: false,
        include_unmonitored: false,
        caller_arn: "arn:aws:iam::111111111111:user/admin".into(),
    }
}

fn key(id: &str, status: &str, created: i64, used: Option<i64>) -> Key {
    Key {
        id: id.into(),
        status: status.into(),
        created: ago(created),
        last_used: used.map(ago).unwrap_or_default(),
    }
}

fn public(id: &str, status: &str) -> PublicKey {
    PublicKey {
        id: id.into(),
        status: status.into(),
        uploaded: ago(3),
        body: String::new(),
    }
}

fn user(name: &str) -> Holdings {
    Holdings {
        user_name: name.into(),
        arn: format!("arn:aws:iam::222222222222:user/{name}"),
        ..Holdings::default()
    }
}

fn ids(steps: &[Step]) -> Vec<(Kind, &str)> {
    steps.iter().map(|s| (s.kind, s.id.as_str())).collect()
}

#[test]
fn access_keys_unused_for_the_threshold_by_use_or_issuance_are_selected() {
    let mut h = user("ana");
    h.access_keys = vec![
        key("AKIAUSED44", "Active", 400, Some(44)),
        key("AKIAUSED45", "Active", 400, Some(45)),
        key("AKIANEVER45", "Active", 45, None),
        key("AKIANEVER44", "Active", 44, None),
        key("AKIAOFF", "Inactive", 400, None),
    ];
    let steps = select(&h, &rules());
    assert_eq!(
        ids(&steps),
        [
            (Kind::AccessKey, "AKIAUSED45"),
            (Kind::AccessKey, "AKIANEVER45")
        ]
    );
    assert_eq!(steps[0].age_days, Some(45));
    assert_eq!(steps[0].why, "last used 45 days ago");
    assert_eq!(steps[0].last_used, ago(45));
    assert_eq!(steps[1].why, "never used, issued 45 days ago");
    assert_eq!(steps[1].last_used, "");
    assert_eq!(
        steps[0].call(),
        Call::UpdateAccessKey {
            user: "ana".into(),
            id: "AKIAUSED45".into(),
            active: false
        }
    );
}

#[test]
fn a_password_only_with_console_and_never_reversible() {
    let mut h = user("bo");
    h.login_profile = true;
    h.login_profile_created = ago(300);
    h.password_last_used = ago(60);
    assert!(select(&h, &rules()).is_empty());
    let console = Rules {
        console: true,
        ..rules()
    };
    let steps = select(&h, &console);
    assert_eq!(ids(&steps), [(Kind::Password, "")]);
    assert_eq!(
        steps[0].call(),
        Call::DeleteLoginProfile { user: "bo".into() }
    );
    let shown = steps[0].to_string();
    assert!(shown.starts_with("DeleteLoginProfile (user bo; last used 60 days ago)"));
    assert!(shown.contains("NOT reversible"), "{shown}");
    h.password_last_used = ago(10);
    assert!(select(&h, &console).is_empty());
    // Never used: counted from when it was set.
    h.password_last_used.clear();
    h.login_profile_created = ago(44);
    assert!(select(&h, &console).is_empty());
    h.login_profile = false;
    h.login_profile_created = ago(400);
    assert!(select(&h, &console).is_empty());
}

#[test]
fn credentials_without_a_use_record_never_by_age_and_only_when_asked() {
    let mut h = user("cy");
    h.ssh_public_keys = vec![public("APKAON", "Active"), public("APKAOFF", "Inactive")];
    h.signing_certificates = vec![public("CERTON", "Active")];
    h.service_specific_credentials = vec![ServiceCredential {
        id: "ACCAON".into(),
        status: "Active".into(),
        created: ago(900),
        ..ServiceCredential::default()
    }];
    assert!(select(&h, &rules()).is_empty());
    let all = Rules {
        include_unmonitored: true,
        ..rules()
    };
    let steps = select(&h, &all);
    assert_eq!(
        ids(&steps),
        [
            (Kind::SshPublicKey, "APKAON"),
            (Kind::ServiceSpecificCredential, "ACCAON"),
            (Kind::SigningCertificate, "CERTON"),
        ]
    );
    // Uploaded three days ago, still selected: age is never the reason.
    assert_eq!(steps[0].age_days, Some(3));
    assert!(steps[0].why.contains("no use"), "{}", steps[0].why);
    assert!(steps.iter().all(|s| s.kind.reversible()));
    assert_eq!(
        steps[2].to_string(),
        "UpdateSigningCertificate CERTON Inactive (user cy; IAM records no use of it \
         (--include-unmonitored))"
    );
}

#[test]
fn the_caller_s_own_user_is_never_selected() {
    let mut h = user("admin");
    h.arn = rules().caller_arn;
    h.access_keys = vec![key("AKIAMINE", "Active", 900, Some(400))];
    h.login_profile = true;
    h.login_profile_created = ago(900);
    let everything = Rules {
        console: true,
        include_unmonitored: true,
        ..rules()
    };
    assert!(select(&h, &everything).is_empty());
}

#[test]
fn the_caller_s_own_user_read_again_without_its_arn_is_never_planned() {
    use crate::users::verdict::tests::{detail, row};
    let verdict = crate::users::verdict::Rules {
        now: DateTime::from_secs(NOW),
        stale_days: 90,
        caller_arn: rules().caller_arn,
    };
    let audited = |name: &str| {
        let mut r = row(name, 900);
        r.access_keys[0].active = true;
        crate::users::verdict::judge(detail(name), Some(r), Vec::new(), &verdict)
    };
    let audit = Finding::Read(vec![audited("admin"), audited("bo")]);
    assert_eq!(
        candidates(&audit, &rules()),
        ["bo"],
        "the audit knows the caller"
    );
    // A fresh read of credentials alone (no GetUser) carries the name but no ARN.
    let fresh = |name: &str| Holdings {
        user_name: name.into(),
        access_keys: vec![key(&format!("AKIA{name}"), "Active", 900, Some(400))],
        ..Holdings::default()
    };
    assert_eq!(
        select(&fresh("admin"), &rules()).len(),
        1,
        "no ARN to judge by"
    );
    let read = BTreeMap::from([("admin".into(), fresh("admin")), ("bo".into(), fresh("bo"))]);
    let e = entry(&account(), &audit, &Ok(read), &rules());
    assert_eq!(ids(&e.steps), [(Kind::AccessKey, "AKIAbo")]);
    let no_caller = Rules {
        caller_arn: String::new(),
        ..rules()
    };
    assert!(!no_caller.is_caller(""), "an empty ARN is nobody's");
}

#[test]
fn a_date_that_cannot_be_read_selects_nothing() {
    let mut h = user("di");
    h.access_keys = vec![Key {
        id: "AKIADATE".into(),
        status: "Active".into(),
        created: "yesterday".into(),
        last_used: String::new(),
    }];
    assert!(select(&h, &rules()).is_empty());
}

fn account() -> Account {
    Account {
        id: "222222222222".into(),
        name: "prod".into(),
        email: "p@example.com".into(),
        state: "ACTIVE".into(),
        ou_path: String::new(),
        ou_ids: String::new(),
    }
}

#[test]
fn the_plan_entry_is_unknown_clean_or_the_unused_credentials() {
    let err = Error::new(
        "GetUser",
        "AccessDenied",
        "no",
        crate::call::ErrorKind::AccessDenied,
    );
    let read = Finding::Read(Vec::new());
    let e = entry(
        &account(),
        &Finding::Unreadable(err.clone()),
        &Ok(BTreeMap::new()),
        &rules(),
    );
    assert_eq!(
        (e.verdict, e.disposition),
        ("unknown", Disposition::Unknown)
    );
    assert!(e
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("could not be read")));
    let e = entry(&account(), &read, &Err(err), &rules());
    assert_eq!(e.disposition, Disposition::Unknown);
    assert!(e
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("credentials could not")));
    let e = entry(&account(), &read, &Ok(BTreeMap::new()), &rules());
    assert_eq!(
        (e.verdict, e.disposition),
        ("clean", Disposition::AlreadyClean)
    );
    let mut h = user("ana");
    h.access_keys = vec![key("AKIAOLD", "Active", 400, Some(100))];
    let e = entry(
        &account(),
        &read,
        &Ok(BTreeMap::from([("ana".into(), h)])),
        &rules(),
    );
    assert_eq!((e.verdict, e.disposition), ("unused", Disposition::Change));
    assert_eq!(e.steps.len(), 1);
}

#[test]
fn a_user_whose_activity_is_unknown_makes_the_account_unknown() {
    let detail = crate::users::model::UserDetail {
        name: "eve".into(),
        arn: "arn:aws:iam::222222222222:user/eve".into(),
        created: None,
        groups: Vec::new(),
        attached_policies: Vec::new(),
        inline_policies: Vec::new(),
    };
    let verdict = crate::users::verdict::Rules {
        now: DateTime::from_secs(NOW),
        stale_days: 90,
        caller_arn: rules().caller_arn,
    };
    // Not in the credential report: its activity cannot be established.
    let u = crate::users::verdict::judge(detail, None, Vec::new(), &verdict);
    assert_eq!(u.verdict, Verdict::Unknown);
    let e = entry(
        &account(),
        &Finding::Read(vec![u]),
        &Ok(BTreeMap::new()),
        &rules(),
    );
    assert_eq!(e.disposition, Disposition::Unknown);
    let reason = e.reason.unwrap_or_default();
    assert!(
        reason.starts_with("eve: not in the credential report"),
        "{reason}"
    );
}

#[test]
fn each_kind_reads_and_writes_as_its_report_word() {
    for kind in [
        Kind::AccessKey,
        Kind::Password,
        Kind::SshPublicKey,
        Kind::ServiceSpecificCredential,
        Kind::SigningCertificate,
    ] {
        let json = serde_json::to_value(kind).unwrap_or_default();
        assert_eq!(json, kind.word(), "{kind:?}");
        let back: Option<Kind> = serde_json::from_value(json).ok();
        assert_eq!(back, Some(kind));
    }
}

#[test]
fn the_plan_reads_only_the_kinds_the_flags_can_select() {
    let mut r = rules();
    assert_eq!(r.kinds(), [Kind::AccessKey]);
    r.console = true;
    assert_eq!(r.kinds(), [Kind::AccessKey, Kind::Password]);
    r.console = false;
    r.include_unmonitored = true;
    assert_eq!(
        r.kinds(),
        [
            Kind::AccessKey,
            Kind::SshPublicKey,
            Kind::ServiceSpecificCredential,
            Kind::SigningCertificate
        ]
    );
}
