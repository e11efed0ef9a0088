//! The findings checker catches what it must: a findings file with one finding removed, and one
//! that passes an account the change report says still needs attention.

use super::check;
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

/// The findings of `doc` as `audit-X.json` (and `change` as `delete-X.json`) in a report folder.
fn findings(command: Command, doc: &Value, change: Option<&Value>) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("audit-X.json"), doc.to_string()).expect("report");
    if let Some(change) = change {
        std::fs::write(dir.path().join("delete-X.json"), change.to_string()).expect("change");
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
