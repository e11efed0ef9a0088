use super::*;
use crate::users::holdings::{Key, PublicKey};

const AT: &str = "2026-11-01T00:00:00Z";

fn recorded(kind: &str, id: &str) -> Recorded {
    Recorded {
        account_id: "222222222201".into(),
        user_name: "ana".into(),
        credential_type: serde_json::from_value(serde_json::json!(kind)).expect("a kind"),
        credential_id: id.into(),
        previous_status: "Active".into(),
        last_used: "2026-01-01T00:00:00Z".into(),
        reversible: kind != "password",
        recorded_at: AT.into(),
    }
}

fn record(credentials: Vec<Recorded>) -> String {
    serde_json::json!({
        "caller": "arn:aws:iam::111111111111:user/admin",
        "started": AT,
        "credentials": credentials,
    })
    .to_string()
}

fn holdings(key_status: &str, key_used: &str) -> Holdings {
    Holdings {
        user_name: "ana".into(),
        access_keys: vec![Key {
            id: "AKIAOLD".into(),
            status: key_status.into(),
            created: "2025-01-01T00:00:00Z".into(),
            last_used: key_used.into(),
        }],
        ssh_public_keys: vec![PublicKey {
            id: "APKAOFF".into(),
            status: "Inactive".into(),
            ..PublicKey::default()
        }],
        ..Holdings::default()
    }
}

fn account() -> Account {
    Account {
        id: "222222222201".into(),
        name: "prod".into(),
        email: "p@example.com".into(),
        state: "ACTIVE".into(),
        ou_path: String::new(),
        ou_ids: String::new(),
    }
}

#[test]
fn a_record_reads_back_and_a_damaged_one_is_one_line_naming_the_file() {
    let text = record(vec![
        recorded("access-key", "AKIAOLD"),
        recorded("password", ""),
    ]);
    let r = parse("u.json", &text).expect("valid");
    assert_eq!(
        (r.credentials.len(), r.caller.as_str()),
        (2, "arn:aws:iam::111111111111:user/admin")
    );
    let bad = |c: Recorded| {
        parse("u.json", &record(vec![c]))
            .expect_err("refused")
            .to_string()
    };
    let token = record(vec![recorded("access-key", "AKIAOLD")]).replace("access-key", "token");
    let why = parse("u.json", &token).expect_err("refused").to_string();
    assert!(
        why.starts_with(
            "u.json: not an undo record of `users deactivate` (unknown variant `token`"
        ),
        "{why}"
    );
    let mut account = recorded("access-key", "AKIAOLD");
    account.account_id = "12".into();
    assert!(bad(account).contains("not 12 digits"));
    assert!(bad(recorded("access-key", "")).contains("credential_id are needed"));
    let mut user = recorded("access-key", "AKIAOLD");
    user.user_name.clear();
    assert!(bad(user).contains("user_name"));
    let mut when = recorded("access-key", "AKIAOLD");
    when.recorded_at = "yesterday".into();
    assert!(bad(when).contains("is not a time"));
    let mut flag = recorded("password", "");
    flag.reversible = true;
    assert!(bad(flag).contains("never reversible"));
    let mut flag = recorded("access-key", "AKIAOLD");
    flag.reversible = false;
    assert!(bad(flag).contains("never irreversible"));
    assert!(parse("u.json", "[]")
        .expect_err("not a record")
        .to_string()
        .starts_with("u.json: not an undo record"));
    assert!(!parse("u.json", &text)
        .expect("valid")
        .credentials
        .is_empty());
}

#[test]
fn only_names_an_account_a_user_or_one_credential_and_must_name_something() {
    let text = record(vec![
        recorded("access-key", "AKIAOLD"),
        recorded("ssh-public-key", "APKAOFF"),
    ]);
    let r = parse("u.json", &text).expect("valid");
    let pick = |specs: &[&str]| {
        let only: Vec<Only> = specs
            .iter()
            .map(|s| Only::parse(s).expect("valid"))
            .collect();
        let shown: Vec<String> = specs.iter().map(|s| s.to_string()).collect();
        select("u.json", &r, &only, &shown).map(|v| v.len())
    };
    assert_eq!(pick(&[]), Ok(2));
    assert_eq!(pick(&["222222222201"]), Ok(2));
    assert_eq!(
        pick(&["222222222201/ANA"]),
        Ok(2),
        "user names match regardless of case"
    );
    assert_eq!(pick(&["222222222201/ana/APKAOFF"]), Ok(1));
    let none = pick(&["222222222201/ana/AKIAOLD", "222222222202"]).expect_err("names nothing");
    assert_eq!(
        none.to_string(),
        "u.json: --only 222222222202 names no credential of this record; see its `credentials`"
    );
    assert!(pick(&["222222222201/bob"]).is_err());
    for bad in [
        "",
        "2222",
        "222222222201/",
        "222222222201/ana/",
        "222222222201/a/b/c",
    ] {
        assert!(Only::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn a_credential_changed_since_the_record_is_refused() {
    let ok = holdings("Inactive", "2026-01-01T00:00:00Z");
    assert_eq!(refusal(Kind::AccessKey, "AKIAOLD", AT, Some(&ok)), Ok(()));
    assert_eq!(
        refusal(Kind::SshPublicKey, "APKAOFF", AT, Some(&ok)),
        Ok(())
    );
    let why = |r: Result<(), String>| r.expect_err("refused");
    assert!(why(refusal(Kind::AccessKey, "AKIAOLD", AT, None)).contains("user no longer exists"));
    assert!(why(refusal(Kind::AccessKey, "AKIAGONE", AT, Some(&ok)))
        .contains("credential no longer exists"));
    let on = holdings("Active", "2026-01-01T00:00:00Z");
    assert!(why(refusal(Kind::AccessKey, "AKIAOLD", AT, Some(&on))).starts_with("already Active"));
    // Inactive now, but used after the record: switched on and off again by someone.
    let again = holdings("Inactive", "2026-11-15T00:00:00Z");
    assert!(why(refusal(Kind::AccessKey, "AKIAOLD", AT, Some(&again))).contains("after the record"));
    // Used at the very moment of the record: not after it.
    let same = holdings("Inactive", AT);
    assert_eq!(refusal(Kind::AccessKey, "AKIAOLD", AT, Some(&same)), Ok(()));
}

#[test]
fn the_plan_reactivates_what_is_as_the_record_left_it_and_marks_the_rest() {
    let found = |key_status: &str, wanted: Vec<Recorded>| Found {
        wanted,
        holdings: Ok([("ana".to_string(), holdings(key_status, ""))].into()),
    };
    let all = vec![
        recorded("access-key", "AKIAOLD"),
        recorded("ssh-public-key", "APKAOFF"),
        recorded("password", ""),
    ];
    let e = entry(&account(), &found("Inactive", all.clone()));
    assert_eq!(
        (e.verdict, e.disposition),
        ("inactive", Disposition::Change)
    );
    assert_eq!(e.steps.len(), 2, "never a password");
    assert!(e.steps.iter().all(|s| s.refused.is_none()));
    assert_eq!(
        e.steps[0].call(),
        Some(Call::UpdateAccessKey {
            user: "ana".into(),
            id: "AKIAOLD".into(),
            active: true
        })
    );
    assert!(
        e.steps[0]
            .to_string()
            .starts_with("UpdateAccessKey AKIAOLD Active (user ana"),
        "{}",
        e.steps[0]
    );

    let mixed = entry(&account(), &found("Active", all.clone()));
    assert_eq!(mixed.disposition, Disposition::Change);
    assert!(mixed.steps[0].refused.is_some());
    assert!(mixed.steps[0]
        .to_string()
        .starts_with("REFUSED, no call: access-key AKIAOLD"));
    assert!(mixed.steps[1].refused.is_none());

    let refused = entry(&account(), &found("Active", vec![all[0].clone()]));
    assert_eq!(
        (refused.verdict, refused.disposition),
        ("refused", Disposition::Blocked)
    );
    assert!(refused
        .reason
        .as_deref()
        .is_some_and(|r| r.starts_with("ana access-key AKIAOLD: already Active")));

    let passwords = entry(&account(), &found("Active", vec![all[2].clone()]));
    assert_eq!(
        (passwords.verdict, passwords.disposition),
        ("clean", Disposition::AlreadyClean)
    );

    let unread = Found {
        wanted: all,
        holdings: Err(crate::call::Error::new(
            "GetUser",
            "AccessDenied",
            "no",
            crate::call::ErrorKind::AccessDenied,
        )),
    };
    let u = entry(&account(), &unread);
    assert_eq!(
        (u.verdict, u.disposition),
        ("unknown", Disposition::Unknown)
    );
    assert!(u.steps.is_empty());
    assert!(judged(&unread).is_err());
}
