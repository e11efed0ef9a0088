//! The findings checker catches what it must: a findings file with one finding removed, and one
//! that passes an account the change report says still needs attention.

use super::{check, check_users};
use crate::findings::file::{build, Command};
use serde_json::{json, Value};

/// An audit report: a clean account, an eligible one (a password, a virtual MFA device) and a
/// skipped one, each row with its `compliance` as the JSON report writes it.
fn audit() -> Value {
    let mut rows = vec![
        json!({ "account_id": "222222222201", "verdict": "clean", "login_profile": "absent",
                "mfa_devices": "0", "access_keys": "0", "signing_certificates": "0" }),
        json!({ "account_id": "222222222202", "verdict": "eligible", "login_profile": "present",
                "mfa_devices": "1", "mfa_serials": "arn:aws:iam::222222222202:mfa/root",
                "access_keys": "0", "signing_certificates": "0" }),
        json!({ "account_id": "222222222203", "verdict": "skipped" }),
    ];
    for row in &mut rows {
        let proven = crate::findings::proof::audit(&*row);
        row["compliance"] = serde_json::to_value(proven).expect("json");
    }
    json!({ "organization": "o-abc", "partition": "aws", "accounts": rows })
}

/// The findings of `doc` as the command's audit report of run `X` (and `change` as its change
/// report) in a report folder.
fn findings(command: Command, doc: &Value, change: Option<&Value>) -> Vec<Value> {
    let (audit, changed) = match command {
        Command::UsersAudit | Command::UsersDelete => ("users-audit", "users-delete"),
        _ => ("audit", "delete"),
    };
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(format!("{audit}-X.json")), doc.to_string()).expect("report");
    if let Some(change) = change {
        let path = dir.path().join(format!("{changed}-X.json"));
        std::fs::write(path, change.to_string()).expect("change");
    }
    let built = build(dir.path(), command, "X").expect("findings");
    serde_json::to_value(built)
        .expect("json")
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn rows(doc: &Value) -> Vec<Value> {
    doc["accounts"].as_array().cloned().unwrap_or_default()
}

#[test]
fn invariant_audit_findings_checker_catches_a_finding_removed_from_the_file() {
    let doc = audit();
    let mut all = findings(Command::Audit, &doc, None);
    assert_eq!(check(&rows(&doc), None, &all), Vec::<String>::new());
    let failed = all
        .iter()
        .position(|f| f["status_code"] == "FAIL")
        .expect("the eligible account fails a control");
    all.remove(failed);
    let broken = check(&rows(&doc), None, &all);
    assert!(
        broken
            .iter()
            .any(|b| b.contains("222222222202") && b.contains("findings")),
        "{broken:?}"
    );
}

#[test]
fn invariant_delete_findings_checker_catches_a_pass_where_the_delete_left_work() {
    let doc = audit();
    let done = json!({ "accounts": [
        { "account_id": "222222222201", "outcome": "already-clean", "verified": "n/a" },
        { "account_id": "222222222202", "outcome": "deleted", "verified": "yes",
          "login_profile_deleted": "yes", "mfa_deactivated": "1" },
    ]});
    let after = findings(Command::Delete, &doc, Some(&done));
    assert!(
        after.iter().all(|f| f["status_code"] == "PASS"),
        "{after:?}"
    );
    let changes = rows(&done);
    assert_eq!(
        check(&rows(&doc), Some(&changes), &after),
        Vec::<String>::new()
    );
    // The same findings against a report where the delete failed: the checker objects.
    let failed = json!({ "accounts": [
        { "account_id": "222222222201", "outcome": "already-clean", "verified": "n/a" },
        { "account_id": "222222222202", "outcome": "failed", "verified": "n/a" },
    ]});
    let broken = check(&rows(&doc), Some(&rows(&failed)), &after);
    assert!(
        broken
            .iter()
            .any(|b| b.contains("222222222202 needs attention")),
        "{broken:?}"
    );
    // And the findings built from that report hold.
    let honest = findings(Command::Delete, &doc, Some(&failed));
    assert_eq!(
        check(&rows(&doc), Some(&rows(&failed)), &honest),
        Vec::<String>::new()
    );
}

/// A users audit report: a user with a password and no MFA (failing), a clean one, and an
/// account that could not be read (unknown), each row with its `compliance`.
fn users_audit() -> Value {
    let user = |name: &str, verdict: &str, controls: Value| {
        json!({ "account_id": "222222222202", "user_name": name, "verdict": verdict,
                "user_arn": format!("arn:aws:iam::222222222202:user/{name}"),
                "password_enabled": "yes", "mfa_active": "no", "controls": controls })
    };
    let mut rows = vec![
        user(
            "alice",
            "stale",
            json!([{ "id": "IAM.5", "credential": "password", "status": "failed",
                     "detail": "a password and no MFA" }]),
        ),
        user("bob", "in-use", json!([])),
        json!({ "account_id": "222222222203", "verdict": "unknown", "error": "AccessDenied" }),
    ];
    for row in &mut rows {
        let proven = crate::findings::proof::users(&*row);
        row["compliance"] = serde_json::to_value(proven).expect("json");
    }
    json!({ "organization": "o-abc", "partition": "aws", "users": rows })
}

fn users(doc: &Value) -> Vec<Value> {
    doc["users"].as_array().cloned().unwrap_or_default()
}

#[test]
fn invariant_users_audit_findings_checker_catches_a_missing_or_passed_unknown_finding() {
    let doc = users_audit();
    let all = findings(Command::UsersAudit, &doc, None);
    assert!(all.iter().any(|f| f["status_code"] == "FAIL"), "{all:?}");
    assert_eq!(check_users(&users(&doc), None, &all), Vec::<String>::new());
    // A finding removed: its row lists one control more than the file holds.
    let mut fewer = all.clone();
    let failed = fewer
        .iter()
        .position(|f| f["status_code"] == "FAIL")
        .expect("alice fails");
    fewer.remove(failed);
    let broken = check_users(&users(&doc), None, &fewer);
    assert!(
        broken.iter().any(|b| b.contains("222222222202/alice")),
        "{broken:?}"
    );
    // The unreadable account's findings all passed: the checker objects.
    let mut passed = all.clone();
    for f in passed.iter_mut().filter(|f| f["status_code"] == "UNKNOWN") {
        f["status_code"] = "PASS".into();
    }
    let broken = check_users(&users(&doc), None, &passed);
    assert!(
        broken
            .iter()
            .any(|b| b.contains("222222222203/ is unknown (AccessDenied)")),
        "{broken:?}"
    );
}

#[test]
fn invariant_users_delete_findings_checker_catches_a_deleted_user_still_failing() {
    let doc = users_audit();
    let done = json!({ "users": [
        { "account_id": "222222222202", "user_name": "alice", "outcome": "deleted",
          "steps_done": ["DeleteLoginProfile", "DeleteUser"] },
    ]});
    let after = findings(Command::UsersDelete, &doc, Some(&done));
    let changes = users(&done);
    assert_eq!(
        check_users(&users(&doc), Some(&changes), &after),
        Vec::<String>::new()
    );
    // The audit's findings (alice still failing) against the report that says she was deleted.
    let before = findings(Command::UsersAudit, &doc, None);
    let broken = check_users(&users(&doc), Some(&changes), &before);
    assert!(
        broken.iter().any(|b| b.contains("alice was deleted")),
        "{broken:?}"
    );
    // Partly changed and not proven: a pass is objected to; the honest findings hold.
    let partly = json!({ "users": [
        { "account_id": "222222222202", "user_name": "bob", "outcome": "failed",
          "steps_done": ["DeleteLoginProfile"] },
    ]});
    let broken = check_users(&users(&doc), Some(&users(&partly)), &before);
    assert!(
        broken.iter().any(|b| b.contains("bob was partly changed")),
        "{broken:?}"
    );
    let honest = findings(Command::UsersDelete, &doc, Some(&partly));
    assert_eq!(
        check_users(&users(&doc), Some(&users(&partly)), &honest),
        Vec::<String>::new()
    );
}
