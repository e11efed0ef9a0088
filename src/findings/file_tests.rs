//! Tests of the findings file: what it holds, and what a failed write does.

use super::*;

#[test]
fn the_findings_file_is_built_from_the_report_beside_it_and_names_its_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = serde_json::json!({
        "organization": "o-abc", "partition": "aws", "region": "us-east-1",
        "started": "2026-12-03T07:41:12.798637Z", "rootsweep_version": "0.1.0",
        "accounts": [
            { "account_id": "222222222201", "verdict": "clean", "login_profile": "absent",
              "mfa_devices": "0", "access_keys": "0" },
            { "account_id": "111111111111", "verdict": "skipped" },
        ],
    });
    let report = dir.path().join("audit-X.json");
    std::fs::write(&report, doc.to_string()).expect("write");
    let (path, counts) = write(dir.path(), Command::Audit, "X", None)
        .expect("written")
        .expect("a report");
    assert_eq!(path, dir.path().join("findings-X.ocsf.json"));
    assert_eq!((counts.failed, counts.unknown, counts.passed), (0, 0, 4));
    let text = std::fs::read_to_string(&path).expect("read");
    let back: Vec<Value> = serde_json::from_str(&text).expect("json");
    assert_eq!(back.len(), 4);
    // One finding per line, between the array's brackets.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!((lines.len(), lines[0], lines[5]), (6, "[", "]"));
    assert!(lines[1..5]
        .iter()
        .all(|l| l.starts_with("{\"class_uid\":2004")));
    assert_eq!(back[0]["time"], 1_796_283_672_798_i64);
    assert!(write(dir.path(), Command::Guardrails, "X", None)
        .expect("no error")
        .is_none());
}

#[test]
fn a_findings_file_that_cannot_be_written_ends_the_run_with_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = serde_json::json!({ "accounts": [
        { "account_id": "222222222201", "verdict": "clean", "login_profile": "absent",
          "mfa_devices": "0", "access_keys": "0" },
    ]});
    std::fs::write(dir.path().join("audit-X.json"), doc.to_string()).expect("write");
    // A directory where the file would go: it cannot be replaced.
    std::fs::create_dir(dir.path().join("findings-X.ocsf.json")).expect("dir");
    let exit = announce(dir.path(), Command::Audit, "X", None);
    assert_eq!(exit, Exit::Fatal);
    // No report at all (the run stopped before its read stage) is no findings, not an error.
    assert_eq!(
        announce(dir.path(), Command::Guardrails, "X", None),
        Exit::Success
    );
    // A report that is not JSON is an error.
    std::fs::write(dir.path().join("guardrails-X.json"), "{").expect("write");
    assert_eq!(
        announce(dir.path(), Command::Guardrails, "X", None),
        Exit::Fatal
    );
}

#[test]
fn a_report_that_cannot_be_read_is_a_read_error_and_bad_json_a_parse_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("none.json");
    assert!(matches!(read_json::<Value>(&missing), Ok(None)));
    // A directory opens but does not read.
    let folder = dir.path().join("folder.json");
    std::fs::create_dir(&folder).expect("dir");
    assert!(matches!(read_json::<Value>(&folder), Err(Error::Read(p, _)) if p == folder));
    let cut = dir.path().join("cut.json");
    std::fs::write(&cut, "{\"rows\": [").expect("write");
    assert!(matches!(read_json::<Value>(&cut), Err(Error::Parse(p, _)) if p == cut));
    let whole = dir.path().join("whole.json");
    std::fs::write(&whole, "{\"rows\": [1]}").expect("write");
    let read = read_json::<Value>(&whole).expect("reads");
    assert_eq!(read, Some(serde_json::json!({"rows": [1]})));
}
