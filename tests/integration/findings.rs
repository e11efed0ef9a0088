//! The OCSF findings files of `audit`, `guardrails` and `users audit` end to end: each loads
//! into an independent OCSF implementation (py-ocsf-models' DetectionFinding, via
//! `support/validate_ocsf.py`) with no error and no attribute dropped, every finding carries its
//! control ids, the findings match the report's rows, and their uids are the same in a second run.

use crate::support::cli::{report, reports, rootsweep};
use crate::support::scenario::shipped;
use crate::support::sim::Sim;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

const VALIDATOR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/integration/support/validate_ocsf.py"
);

/// Whether py-ocsf-models is importable; without it the test fails, unless
/// `ROOTSWEEP_SKIP_OCSF=1` says to skip the independent check.
fn validator_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import py_ocsf_models"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return true;
    }
    if std::env::var("ROOTSWEEP_SKIP_OCSF").as_deref() == Ok("1") {
        eprintln!(
            "skipping the independent check: py-ocsf-models not found and ROOTSWEEP_SKIP_OCSF=1"
        );
        return false;
    }
    panic!("py-ocsf-models is required for this test: `python3 -m pip install py-ocsf-models` (or set ROOTSWEEP_SKIP_OCSF=1)");
}

/// Runs the independent validator over `file`; panics with its output on any error.
fn validate(file: &Path) {
    if !validator_available() {
        return;
    }
    let out = Command::new("python3")
        .arg(VALIDATOR)
        .arg(file)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("findings valid"), "{stdout}");
}

/// Runs `args` with reports in a new folder; returns the findings and the JSON report.
fn run(sim: &Sim, args: &[&str], prefix: &str) -> (Vec<Value>, Value) {
    let dir = reports();
    let run = rootsweep(sim, dir.path(), args);
    assert!(
        run.stderr.contains("rootsweep: findings (OCSF): "),
        "{}",
        run.stderr
    );
    let file = report(dir.path(), "findings-", ".ocsf.json");
    validate(&file);
    let text = std::fs::read_to_string(&file).expect("findings file");
    let findings: Vec<Value> = serde_json::from_str(&text).expect("a JSON array");
    let doc = std::fs::read_to_string(report(dir.path(), prefix, ".json")).expect("report");
    (findings, serde_json::from_str(&doc).expect("report JSON"))
}

/// Every finding names its control in the standards and is a Detection Finding.
fn assert_control_ids(findings: &[Value]) {
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(f["class_uid"], 2004, "{f}");
        assert_eq!(f["type_uid"], 200401, "{f}");
        let c = &f["unmapped"]["compliance"];
        assert!(c["control"].as_str().is_some_and(|s| !s.is_empty()), "{f}");
        let reqs = c["requirements"].as_array().expect("requirements");
        assert!(!reqs.is_empty(), "{f}");
        assert!(!c["standards"].as_array().expect("standards").is_empty());
    }
}

/// The last (newest) of the files named `prefix*ext` in `dir`.
fn newest(dir: &Path, prefix: &str, ext: &str) -> std::path::PathBuf {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with(prefix) && name.ends_with(ext)
        })
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| panic!("no {prefix}*{ext}"))
}

/// uid → status code.
fn by_uid(findings: &[Value]) -> BTreeMap<String, String> {
    let map: BTreeMap<String, String> = findings
        .iter()
        .map(|f| {
            let uid = f["finding_info"]["uid"].as_str().expect("uid").to_string();
            (uid, f["status_code"].as_str().expect("code").to_string())
        })
        .collect();
    assert_eq!(map.len(), findings.len(), "uids are unique");
    map
}

#[test]
fn audit_findings_pass_the_independent_check_match_the_rows_and_keep_their_uids() {
    let sim = Sim::start(shipped("demo.toml"));
    let (first, doc) = run(&sim, &["audit"], "audit-");
    assert_control_ids(&first);
    let codes = by_uid(&first);
    for row in doc["accounts"].as_array().expect("accounts") {
        let id = row["account_id"].as_str().expect("id");
        let of = |control: &str| codes.get(&format!("rootsweep:{control}:{id}:root"));
        let expected = match row["verdict"].as_str().expect("verdict") {
            "skipped" => None,
            "clean" => Some("PASS"),
            "unknown" => Some("UNKNOWN"),
            _ => Some("FAIL"),
        };
        assert_eq!(of("CIS-2.1.1").map(String::as_str), expected, "{row}");
        let keys = codes.get(&format!("rootsweep:IAM.4:{id}:root:access_keys"));
        match row["access_keys"].as_str().expect("keys") {
            "" => assert_eq!(keys, None, "{row}"),
            "0" => assert_eq!(keys.map(String::as_str), Some("PASS"), "{row}"),
            "unknown" => assert_eq!(keys.map(String::as_str), Some("UNKNOWN"), "{row}"),
            _ => assert_eq!(keys.map(String::as_str), Some("FAIL"), "{row}"),
        }
    }
    // Nothing changed in between: the same findings, the same uids, the same statuses.
    let (second, _) = run(&sim, &["audit"], "audit-");
    assert_eq!(by_uid(&second), codes);
}

#[test]
fn guardrails_findings_pass_the_independent_check_one_per_member_account() {
    let sim = Sim::start(shipped("demo.toml"));
    let (findings, doc) = run(&sim, &["guardrails"], "guardrails-");
    assert_control_ids(&findings);
    let codes = by_uid(&findings);
    let mut members = BTreeSet::new();
    for row in doc["tasks"].as_array().expect("tasks") {
        let verdict = row["verdict"].as_str().expect("verdict");
        if !matches!(verdict, "not-subject" | "skipped") {
            let id = row["account_id"].as_str().expect("id");
            let want = match row["long_term_root_guardrail"].as_str().expect("g") {
                "yes" => "PASS",
                "no" => "FAIL",
                _ => "UNKNOWN",
            };
            let uid = format!("rootsweep:CIS-2.1.2:{id}:root");
            assert_eq!(codes.get(&uid).map(String::as_str), Some(want), "{row}");
            members.insert(id.to_string());
        }
    }
    assert_eq!(members.len(), findings.len());
    let (again, _) = run(&sim, &["guardrails"], "guardrails-");
    assert_eq!(by_uid(&again), codes);
}

#[test]
fn users_audit_findings_pass_the_independent_check_and_fail_what_the_report_lists() {
    let sim = Sim::start(shipped("users.toml"));
    let (findings, doc) = run(&sim, &["users", "audit"], "users-audit-");
    assert_control_ids(&findings);
    let codes = by_uid(&findings);
    let mut passed = 0;
    for row in doc["users"].as_array().expect("users") {
        let (account, user) = (row["account_id"].as_str(), row["user_name"].as_str());
        let (Some(account), Some(user)) = (account, user) else {
            panic!("{row}")
        };
        for c in row["controls"].as_array().expect("controls") {
            let mut uid = format!(
                "rootsweep:{}:{account}:{user}",
                c["id"].as_str().expect("id")
            );
            if let Some(cred) = c["credential"].as_str().filter(|s| !s.is_empty()) {
                uid = format!("{uid}:{cred}");
            }
            let want = if c["status"] == "unknown" {
                "UNKNOWN"
            } else {
                "FAIL"
            };
            assert_eq!(codes.get(&uid).map(String::as_str), Some(want), "{uid}");
        }
        if !user.is_empty() {
            let uid = format!("rootsweep:IAM.2:{account}:{user}");
            assert!(codes.contains_key(&uid), "{uid}");
            passed += usize::from(codes[&uid] == "PASS");
        }
    }
    assert!(
        passed > 0,
        "some user receives permissions only through groups"
    );
    let (again, _) = run(&sim, &["users", "audit"], "users-audit-");
    assert_eq!(by_uid(&again), codes);
}

#[test]
fn a_second_audit_after_a_delete_names_what_was_resolved_and_the_account_that_joined() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit", "--exclude", "222222222206"]);
    // 222222222201 has a root password and no MFA: IAM.9, IAM.6 and CIS 2.1.1 fail.
    let delete = rootsweep(
        &sim,
        dir.path(),
        &["delete", "--yes", "--accounts", "222222222201"],
    );
    delete.expect_code(0);
    // The delete's own findings (its final state) against the audit: the accounts it did not
    // read are neither resolved nor gone.
    assert!(
        delete
            .stderr
            .lines()
            .any(|l| l.starts_with("rootsweep: since ")
                && l.ends_with(": 0 new, 0 still open, 3 resolved")),
        "{}",
        delete.stderr
    );
    let again = rootsweep(&sim, dir.path(), &["audit"]);
    let line = again
        .stderr
        .lines()
        .find(|l| l.starts_with("rootsweep: since "))
        .unwrap_or_else(|| panic!("no since line: {}", again.stderr));
    assert!(
        line.ends_with(": 0 new, 10 still open, 3 resolved, 1 account joined (222222222206)"),
        "{line}"
    );
    let lists = newest(dir.path(), "findings-", ".since.json");
    let changes: Value =
        serde_json::from_str(&std::fs::read_to_string(lists).expect("since file")).expect("json");
    let resolved: BTreeSet<&str> = changes["resolved"]
        .as_array()
        .expect("resolved")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let want: BTreeSet<&str> = [
        "rootsweep:IAM.9:222222222201:root:mfa",
        "rootsweep:IAM.6:222222222201:root:mfa",
        "rootsweep:CIS-2.1.1:222222222201:root",
    ]
    .into();
    assert_eq!(resolved, want);
    assert_eq!(
        changes["accounts_joined"],
        serde_json::json!(["222222222206"])
    );
    assert_eq!(changes["accounts_left"], serde_json::json!([]));
}

#[test]
fn users_deactivate_findings_resolve_the_deactivated_keys_and_name_their_ids() {
    let sim = Sim::start(shipped("users.toml"));
    let dir = reports();
    let exclude = ["--exclude", "222222222203,222222222205"];
    rootsweep(
        &sim,
        dir.path(),
        &[&["users", "audit"][..], &exclude].concat(),
    );
    let run = rootsweep(
        &sim,
        dir.path(),
        &[&["users", "deactivate", "--yes"][..], &exclude].concat(),
    );
    run.expect_code(0);
    assert!(run.stderr.contains("rootsweep: since "), "{}", run.stderr);
    let lists = newest(dir.path(), "findings-", ".since.json");
    let changes: Value =
        serde_json::from_str(&std::fs::read_to_string(lists).expect("since")).expect("json");
    let resolved: Vec<&str> = changes["resolved"]
        .as_array()
        .expect("resolved")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let keyold = resolved
        .iter()
        .find(|u| u.starts_with("rootsweep:IAM.22:222222222202:keyold:access_key_"))
        .unwrap_or_else(|| panic!("{resolved:?}"));
    assert!(
        changes["new"].as_array().expect("new").is_empty(),
        "{changes}"
    );
    let last = newest(dir.path(), "findings-", ".ocsf.json");
    validate(&last);
    let findings: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&last).expect("read")).expect("json");
    let key = findings
        .iter()
        .find(|f| f["finding_info"]["uid"] == *keyold)
        .expect("the key's finding");
    assert_eq!(key["status_code"], "PASS");
    assert_eq!(
        key["metadata"]["product"]["feature"]["name"],
        "users deactivate"
    );
    assert!(key["cloud"]["org"]["ou_name"]
        .as_str()
        .is_some_and(|p| p.starts_with("Root")));
    assert_eq!(
        key["resources"][2]["data"]["credential_id"],
        "AKIA2222222222020005"
    );
    // The users audit's JSON rows say what they prove; its CSV has no new column.
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(newest(dir.path(), "users-audit-", ".json")).expect("report"),
    )
    .expect("json");
    let row = doc["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|r| r["user_name"] == "keyold")
        .expect("keyold's row");
    assert!(row["compliance"][0]["finding_uid"].is_string(), "{row}");
    let csv = std::fs::read_to_string(newest(dir.path(), "users-audit-", ".csv")).expect("csv");
    assert!(!csv
        .lines()
        .next()
        .unwrap_or_default()
        .contains("compliance"));
}
