//! `rootsweep audit` end to end: pagination, verdicts, MFA kinds, failures as unknown, the
//! exact CSV, the JSON report, and proof from the simulator that nothing was changed.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::{demo_with, shipped};
use crate::support::sim::Sim;

const HEADER: &str = "account_id,account_name,account_email,ou_path,ou_ids,state,verdict,login_profile,login_profile_created,password_last_used,mfa_devices,mfa_serials,access_keys,access_keys_active,access_key_last_used,signing_certificates,error";

/// The demo organization plus 20 generated clean accounts: 34 accounts, more than one page.
fn paged_demo() -> Sim {
    Sim::start_toml(&demo_with(
        "[generate]\ncount = 20\nseed = 3\nlogin_profile = 0.0\nmfa_virtual = 0.0\nmfa_hardware = 0.0\nmfa_fido = 0.0\naccess_keys = 0.0\nsigning_certificates = 0.0\nsuspended = 0.0\n",
    ))
}

#[test]
fn audit_reports_every_account_across_pages_with_the_exact_csv() {
    let sim = paged_demo();
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit"]);
    run.expect_code(4); // two accounts are unknown

    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(csv.header, HEADER);
    let state = sim.state();
    let ids = state["accounts"].as_object().expect("accounts").len();
    assert!(ids > 20, "the scenario must need more than one page");
    assert_eq!(
        csv.rows.len(),
        ids,
        "one row per account of the organization"
    );
    // The organization has OUs: after ListAccounts' first page it is walked instead.
    let list_pages = sim
        .calls()
        .iter()
        .filter(|c| c["operation"] == "ListAccounts" || c["operation"] == "ListAccountsForParent")
        .count();
    assert!(list_pages >= 2, "account pages followed: {list_pages}");

    let verdict = |id: &str| csv.account(id)["verdict"].clone();
    assert_eq!(verdict("222222222201"), "eligible");
    assert_eq!(verdict("222222222206"), "clean");
    assert_eq!(verdict("222222222207"), "blocked");
    assert_eq!(verdict("222222222208"), "blocked");
    assert_eq!(verdict("222222222212"), "unknown");
    assert_eq!(verdict("222222222213"), "unknown");
    assert_eq!(verdict("111111111111"), "skipped");
    assert_eq!(verdict("222222222209"), "skipped");

    let password = csv.account("222222222201");
    assert_eq!(password["login_profile"], "present");
    assert_eq!(password["login_profile_created"], "2021-03-04T05:06:07Z");
    assert_eq!(password["password_last_used"], "2024-01-02T03:04:05Z");
    assert_eq!(password["mfa_devices"], "0");
    assert_eq!(password["state"], "ACTIVE");
    assert_eq!(password["ou_path"], "Root/Prod");
    assert_eq!(password["ou_ids"], "r-a1b2/ou-a1b2-prod0001");
    assert_eq!(password["error"], "");

    let key = csv.account("222222222207");
    assert_eq!(key["access_keys"], "1");
    assert_eq!(key["access_keys_active"], "1");
    assert_eq!(key["access_key_last_used"], "2024-10-01T12:00:00Z");
    assert_eq!(csv.account("222222222208")["signing_certificates"], "1");

    assert_eq!(
        csv.account("111111111111")["error"],
        "skipped: management account is never targeted"
    );
    assert_eq!(
        csv.account("222222222209")["error"],
        "skipped: account state is SUSPENDED, not ACTIVE"
    );
    assert_eq!(csv.account("222222222211")["state"], "CLOSED");
}

#[test]
fn every_kind_of_mfa_device_is_listed_by_serial() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit"]).expect_code(4);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(
        csv.account("222222222202")["mfa_serials"],
        "arn:aws:iam::222222222202:mfa/root-phone"
    );
    assert_eq!(csv.account("222222222203")["mfa_serials"], "GAHT12345678");
    assert_eq!(
        csv.account("222222222204")["mfa_serials"],
        "arn:aws:iam::222222222204:u2f/root/yubi"
    );
    for id in ["222222222202", "222222222203", "222222222204"] {
        assert_eq!(csv.account(id)["mfa_devices"], "1");
        assert_eq!(csv.account(id)["verdict"], "eligible");
    }
}

#[test]
fn failed_check_is_unknown_not_absent_and_a_refused_session_is_unknown() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit", "--max-attempts", "2"]).expect_code(4);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    let flaky = csv.account("222222222212");
    assert_eq!(flaky["mfa_devices"], "unknown");
    assert_eq!(flaky["mfa_serials"], "unknown");
    assert_eq!(flaky["login_profile"], "present");
    assert!(
        flaky["error"].starts_with("ListMFADevices: ServiceFailure: "),
        "{}",
        flaky["error"]
    );
    let denied = csv.account("222222222213");
    assert_eq!(denied["verdict"], "unknown");
    assert_eq!(denied["login_profile"], "unknown");
    assert!(denied["error"].starts_with("AssumeRoot: AccessDenied: "));
    // The Control Tower OU: AWS's denial, then the control that the evaluation names.
    let ct = csv.account("222222222215");
    assert_eq!(ct["verdict"], "unknown");
    assert!(
        ct["error"].contains("service_control_policy/p-ctroot0001 [guardrails: iam:")
            && ct["error"].contains(
                "is denied by p-ctroot0001 (aws-guardrails-RestrictRoot) attached to \
             ou-a1b2-ctrl0001, Sid GRRESTRICTROOTUSER; AWS's message names the same policy]"
            ),
        "{}",
        ct["error"]
    );
}

#[test]
fn audit_makes_no_mutating_call_and_uses_only_the_audit_task_policy() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit"]).expect_code(4);
    assert_eq!(sim.mutating_calls(), Vec::<serde_json::Value>::new());
    let calls = sim.calls();
    let assumes: Vec<_> = calls
        .iter()
        .filter(|c| c["operation"] == "AssumeRoot")
        .collect();
    assert!(!assumes.is_empty());
    assert!(assumes
        .iter()
        .all(|c| c["task_policy"] == "IAMAuditRootUserCredentials"));
    let targets: Vec<&str> = assumes
        .iter()
        .filter_map(|c| c["account"].as_str())
        .collect();
    assert!(
        !targets.contains(&"111111111111"),
        "management account targeted"
    );
    assert!(
        !targets.contains(&"222222222209"),
        "suspended account targeted"
    );
}

#[test]
fn json_report_carries_the_same_rows_and_a_summary() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit"]).expect_code(4);
    let path = report(dir.path(), "audit-", ".json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("json")).expect("valid json");
    assert_eq!(json["organization"], "o-a1b2c3d4e5");
    assert_eq!(json["caller"], "arn:aws:iam::111111111111:user/admin");
    assert_eq!(json["counts"]["eligible"], 5);
    assert_eq!(json["counts"]["blocked"], 2);
    // The flaky MFA listing, the denied AssumeRoot, and the Control Tower OU's account.
    assert_eq!(json["counts"]["unknown"], 3);
    assert_eq!(json["complete"], true);
    assert_eq!(json["rootsweep_version"], env!("CARGO_PKG_VERSION"));
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(
        json["accounts"].as_array().map(Vec::len),
        Some(csv.rows.len())
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for p in [path, report(dir.path(), "audit-", ".csv")] {
            let mode = std::fs::metadata(&p).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", p.display());
        }
    }
}

#[test]
fn output_json_prints_the_report_on_stdout() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit", "--output", "json"]);
    run.expect_code(4);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(json["counts"]["clean"], 1);
}

#[test]
fn text_output_shows_accounts_needing_attention_and_counts() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit"]);
    run.expect_code(4);
    assert!(
        run.stdout.contains("Accounts that need attention"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("legacy-access-key"));
    assert!(
        !run.stdout.contains("222222222206"),
        "clean accounts need no attention"
    );
    assert!(
        run.stderr.contains("API calls"),
        "timing line: {}",
        run.stderr
    );
}
