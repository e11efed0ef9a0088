//! The fault matrix: throttling, refused sessions, server failures, dropped connections, hung
//! calls, malformed responses, expiring management credentials and a failing enumeration. In
//! every case each account appears in the report exactly once with a definite outcome, transient
//! faults are retried away, and nothing outside the eligible set changes.

use crate::support::cli::{report, reports, rootsweep, rootsweep_env, Csv};
use crate::support::scenario::{eligible, org, ENABLED};
use crate::support::sim::Sim;
use std::collections::HashMap;

/// `count` generated accounts, all eligible (login profile and a virtual MFA device).
fn generated(count: usize) -> String {
    format!(
        "[generate]\ncount = {count}\nseed = 5\nlogin_profile = 1.0\nmfa_virtual = 1.0\nmfa_hardware = 0.0\nmfa_fido = 0.0\naccess_keys = 0.0\nsigning_certificates = 0.0\nsuspended = 0.0\n"
    )
}

fn three_eligible(faults: &str) -> String {
    org(
        ENABLED,
        &format!(
            "{}{}{}\n{faults}",
            eligible("222222220001"),
            eligible("222222220002"),
            eligible("222222220003")
        ),
    )
}

/// Every account of the organization appears exactly once.
fn assert_each_account_once(sim: &Sim, csv: &Csv) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for row in &csv.rows {
        *seen.entry(row["account_id"].as_str()).or_insert(0) += 1;
    }
    assert!(seen.values().all(|n| *n == 1), "duplicates: {seen:?}");
    let state = sim.state();
    let all = state["accounts"].as_object().expect("accounts");
    for id in all.keys() {
        assert!(
            seen.contains_key(id.as_str()),
            "{id} missing from the report"
        );
    }
}

#[test]
fn throttling_on_30_percent_of_all_calls_fails_no_account_in_audit_and_delete() {
    let sim = Sim::start_toml(&org(
        ENABLED,
        &format!(
            "{}\n[[throttle]]\nservice = \"sts\"\nprobability = 0.3\n\n[[throttle]]\nservice = \"iam\"\nprobability = 0.3\n\n[[throttle]]\nservice = \"organizations\"\nprobability = 0.3\n",
            generated(300)
        ),
    ));
    let dir = reports();
    // The default attempts (10), as an operator would run it.
    let run = rootsweep_env(
        &sim,
        dir.path(),
        &["delete", "--yes", "--concurrency", "32"],
        &[("AWS_MAX_ATTEMPTS", "10")],
    );
    run.expect_code(0);
    let throttled = sim
        .calls()
        .iter()
        .filter(|c| c["error"] == "Throttling" || c["error"] == "TooManyRequestsException")
        .count();
    assert!(throttled > 300, "the simulator throttled: {throttled}");
    let audit = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_each_account_once(&sim, &audit);
    assert!(audit
        .rows
        .iter()
        .all(|r| r["verdict"] == "eligible" || r["verdict"] == "skipped"));
    let delete = Csv::read(&report(dir.path(), "delete-", ".csv"));
    assert_eq!(delete.rows.len(), 300);
    assert!(delete
        .rows
        .iter()
        .all(|r| r["outcome"] == "deleted" && r["verified"] == "yes"));
}

#[test]
fn refused_sessions_are_unknown_with_their_codes_and_never_touched() {
    let sim = Sim::start_toml(&three_eligible(
        r#"[[faults]]
account = "222222220001"
operation = "AssumeRoot"
code = "AccessDenied"

[[faults]]
account = "222222220002"
operation = "AssumeRoot"
code = "RegionDisabledException"
"#,
    ));
    let dir = reports();
    // The refused accounts are unknown: the run is not a success (exit 4).
    rootsweep(&sim, dir.path(), &["delete", "--yes", "--skip-blocked"]).expect_code(4);
    let audit = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_each_account_once(&sim, &audit);
    for (id, code) in [
        ("222222220001", "AccessDenied"),
        ("222222220002", "RegionDisabledException"),
    ] {
        let row = audit.account(id);
        assert_eq!(row["verdict"], "unknown");
        assert!(
            row["error"].starts_with(&format!("AssumeRoot: {code}")),
            "{}",
            row["error"]
        );
    }
    let touched: Vec<_> = sim
        .mutating_calls()
        .iter()
        .filter_map(|c| c["account"].as_str().map(str::to_string))
        .collect();
    assert!(touched.iter().all(|a| a == "222222220003"), "{touched:?}");
    let delete = Csv::read(&report(dir.path(), "delete-", ".csv"));
    assert_eq!(delete.account("222222220001")["outcome"], "skipped-unknown");
    assert_eq!(delete.account("222222220002")["outcome"], "skipped-unknown");
    assert_eq!(delete.account("222222220003")["outcome"], "deleted");
}

#[test]
fn an_expired_caller_token_on_assume_root_stops_the_run_before_any_change() {
    // ExpiredTokenException from AssumeRoot is about the caller's own credentials, so it
    // concerns every account: the run stops using them and changes nothing.
    let sim = Sim::start_toml(&three_eligible(
        r#"[[faults]]
operation = "AssumeRoot"
code = "ExpiredTokenException"
"#,
    ));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--yes", "--skip-blocked"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("management credentials were refused"),
        "{}",
        run.stderr
    );
    let audit = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_each_account_once(&sim, &audit);
    for id in ["222222220001", "222222220002", "222222220003"] {
        let row = audit.account(id);
        assert_eq!(row["verdict"], "unknown");
        assert!(
            row["error"].starts_with("AssumeRoot: ExpiredTokenException"),
            "{}",
            row["error"]
        );
    }
    assert!(sim.mutating_calls().is_empty());
}

#[test]
fn transient_server_failures_and_dropped_connections_are_retried_away() {
    let sim = Sim::start_toml(&three_eligible(
        r#"[[faults]]
account = "222222220001"
operation = "ListMFADevices"
code = "ServiceFailure"
times = 1

[[faults]]
account = "222222220002"
operation = "GetLoginProfile"
action = "reset"
times = 1

[[faults]]
operation = "ListAccounts"
action = "reset"
times = 1
"#,
    ));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit"]).expect_code(0);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_each_account_once(&sim, &csv);
    for id in ["222222220001", "222222220002", "222222220003"] {
        assert_eq!(
            csv.account(id)["verdict"],
            "eligible",
            "{:?}",
            csv.account(id)
        );
    }
    let faulted = sim
        .calls()
        .iter()
        .filter(|c| c["error"] == "ServiceFailure" || c["status"] == 0)
        .count();
    assert_eq!(faulted, 3);
}

#[test]
fn a_call_that_never_answers_times_out_into_an_error_for_that_account_only() {
    let sim = Sim::start_toml(&three_eligible(
        r#"[[faults]]
account = "222222220002"
operation = "ListAccessKeys"
action = "hang"
"#,
    ));
    let dir = reports();
    let run = rootsweep(
        &sim,
        dir.path(),
        &["audit", "--call-timeout", "1", "--max-attempts", "2"],
    );
    run.expect_code(4);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_each_account_once(&sim, &csv);
    let hung = csv.account("222222220002");
    assert_eq!(hung["verdict"], "unknown");
    assert_eq!(hung["access_keys"], "unknown");
    assert!(
        hung["error"].starts_with("ListAccessKeys: Timeout"),
        "{}",
        hung["error"]
    );
    assert_eq!(csv.account("222222220001")["verdict"], "eligible");
}

#[test]
fn malformed_responses_are_an_error_for_that_account_not_a_crash() {
    let sim = Sim::start_toml(&three_eligible(
        r#"[[faults]]
account = "222222220003"
operation = "ListMFADevices"
action = "truncate"
"#,
    ));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit"]);
    run.expect_code(4);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_each_account_once(&sim, &csv);
    let bad = csv.account("222222220003");
    assert_eq!(bad["verdict"], "unknown");
    assert_eq!(bad["mfa_devices"], "unknown");
    assert!(
        bad["error"].starts_with("ListMFADevices: "),
        "{}",
        bad["error"]
    );
    assert_eq!(csv.account("222222220001")["verdict"], "eligible");
}

#[test]
fn a_truncated_accounts_page_stops_the_run_before_any_change() {
    let sim = Sim::start_toml(&org(
        ENABLED,
        &format!(
            "{}\n[[faults]]\noperation = \"ListAccounts\"\naction = \"truncate\"\nafter = 1\n",
            generated(45)
        ),
    ));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--yes"]);
    run.expect_code(1);
    assert!(run.stderr.contains("enumeration failed"), "{}", run.stderr);
    assert!(sim.mutating_calls().is_empty());
}

#[test]
fn enumeration_failing_halfway_stops_cleanly_and_reports_only_what_was_audited() {
    let sim = Sim::start_toml(&org(
        ENABLED,
        &format!(
            "{}\n[[faults]]\noperation = \"ListAccounts\"\ncode = \"ServiceException\"\nstatus = 500\nafter = 1\n",
            generated(45)
        ),
    ));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--yes"]);
    run.expect_code(1);
    assert!(run.stderr.contains("enumeration failed"), "{}", run.stderr);
    assert!(
        sim.mutating_calls().is_empty(),
        "no change after a failed enumeration"
    );
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(
        csv.rows.len(),
        20,
        "only the first page was listed and audited"
    );
    let audited_accounts: std::collections::BTreeSet<String> = sim
        .calls()
        .iter()
        .filter(|c| c["operation"] == "AssumeRoot")
        .filter_map(|c| c["account"].as_str().map(str::to_string))
        .collect();
    for row in csv
        .rows
        .iter()
        .filter(|r| r["verdict"] == "clean" || r["verdict"] == "eligible")
    {
        assert!(
            audited_accounts.contains(&row["account_id"]),
            "{} reported without an audit",
            row["account_id"]
        );
    }
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(report(dir.path(), "audit-", ".json")).expect("json"),
    )
    .expect("valid");
    assert_eq!(json["complete"], false);
    assert!(!std::fs::read_dir(dir.path()).expect("dir").any(|e| e
        .expect("entry")
        .file_name()
        .to_string_lossy()
        .starts_with("delete-")));
}

#[test]
fn expiring_management_credentials_end_remaining_accounts_with_that_reason() {
    let sim = Sim::start_toml(&org(
        ENABLED,
        &format!(
            "{}\n[[faults]]\ncaller = \"AKIAMANAGEMENT000001\"\ncode = \"ExpiredToken\"\nafter = 40\n",
            generated(60)
        ),
    ));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit", "--concurrency", "4"]);
    run.expect_code(1);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_each_account_once(&sim, &csv);
    let expired: Vec<_> = csv
        .rows
        .iter()
        .filter(|r| r["error"].contains("ExpiredToken"))
        .collect();
    assert!(!expired.is_empty());
    assert!(expired.iter().all(|r| r["verdict"] == "unknown"));
    // Once the credentials were refused, rootsweep stopped asking: at most the calls in flight.
    let refused = sim
        .calls()
        .iter()
        .filter(|c| c["error"] == "ExpiredToken")
        .count();
    assert!(
        refused <= 4 * 3,
        "kept calling with expired credentials: {refused}"
    );
    assert!(run.stderr.contains("credentials"), "{}", run.stderr);
}
