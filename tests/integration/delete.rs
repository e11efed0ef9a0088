//! `rootsweep delete` end to end: refusal rules, confirmation, re-checks, retries, verification
//! and the evidence, each proven from the simulator's state and call log.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::{eligible, org, shipped, ENABLED};
use crate::support::sim::Sim;
use serde_json::Value;

fn clean_org(extra: &str) -> String {
    let accounts: String = ["222222220001", "222222220002", "222222220003"]
        .iter()
        .map(|id| eligible(id))
        .collect();
    org(ENABLED, &format!("{accounts}\n{extra}"))
}

fn ops(sim: &Sim, op: &str) -> Vec<Value> {
    sim.calls()
        .into_iter()
        .filter(|c| c["operation"] == op)
        .collect()
}

#[test]
fn clean_organization_loses_every_login_profile_and_mfa_device_and_is_verified() {
    let sim = Sim::start_toml(&clean_org(
        r#"[[accounts]]
id = "222222220004"
name = "hardware-and-fido"
email = "hw@example.com"
[accounts.root]
login_profile = { created = "2020-01-01T00:00:00Z" }
mfa = [{ kind = "hardware", serial = "GAHT00000001" }, { kind = "fido", name = "key" }]
"#,
    ));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--yes"]);
    run.expect_code(0);
    let state = sim.state();
    for (id, account) in state["accounts"].as_object().expect("accounts") {
        if id == "111111111111" {
            continue;
        }
        assert_eq!(account["root"]["login_profile"], Value::Null, "{id}");
        assert_eq!(
            account["root"]["mfa_devices"],
            serde_json::json!([]),
            "{id}"
        );
    }
    let csv = Csv::read(&report(dir.path(), "delete-", ".csv"));
    assert_eq!(
        csv.header,
        "account_id,account_name,outcome,login_profile_deleted,mfa_deactivated,verified,error"
    );
    assert_eq!(csv.rows.len(), 4);
    for row in &csv.rows {
        assert_eq!(row["outcome"], "deleted", "{row:?}");
        assert_eq!(row["verified"], "yes");
        assert_eq!(row["login_profile_deleted"], "yes");
    }
    assert_eq!(csv.account("222222220004")["mfa_deactivated"], "2");
    assert!(
        ops(&sim, "DeleteVirtualMFADevice").is_empty(),
        "not allowed by the task policy"
    );
    assert!(ops(&sim, "DeleteAccessKey").is_empty());
    let delete_sessions = ops(&sim, "AssumeRoot")
        .iter()
        .filter(|c| c["task_policy"] == "IAMDeleteRootUserCredentials")
        .count();
    assert_eq!(delete_sessions, 4);
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(report(dir.path(), "delete-", ".json")).expect("json"),
    )
    .expect("valid");
    assert_eq!(json["counts"]["deleted"], 4);
}

#[test]
fn virtual_device_object_stays_in_the_account_after_deactivation() {
    let sim = Sim::start_toml(&clean_org(""));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["delete", "--yes"]).expect_code(0);
    let root = sim.root("222222220001");
    assert_eq!(root["mfa_devices"], serde_json::json!([]));
    assert_eq!(
        root["unassigned_virtual_mfa"],
        serde_json::json!(["arn:aws:iam::222222220001:mfa/root"])
    );
}

#[test]
fn a_blocked_account_refuses_the_whole_run_with_zero_mutating_calls() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--yes"]);
    run.expect_code(3);
    assert!(run.stderr.contains("222222222207"), "{}", run.stderr);
    assert!(run.stderr.contains("--skip-blocked"));
    assert_eq!(sim.mutating_calls(), Vec::<Value>::new());
}

#[test]
fn skip_blocked_changes_only_eligible_accounts_and_never_blocked_or_unknown_ones() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    // Unknown accounts were left alone: the organization is not known to be clean (exit 4).
    rootsweep(&sim, dir.path(), &["delete", "--yes", "--skip-blocked"]).expect_code(4);
    let touched: std::collections::BTreeSet<String> = sim
        .mutating_calls()
        .iter()
        .filter_map(|c| c["account"].as_str().map(str::to_string))
        .collect();
    let expected: std::collections::BTreeSet<String> = [
        "222222222201",
        "222222222202",
        "222222222203",
        "222222222204",
        "222222222205",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(touched, expected);
    // Blocked and unknown accounts keep everything, and no delete session was even opened.
    assert!(sim.root("222222222207")["login_profile"].is_object());
    assert!(sim.root("222222222212")["login_profile"].is_object());
    let delete_targets: Vec<String> = ops(&sim, "AssumeRoot")
        .iter()
        .filter(|c| c["task_policy"] == "IAMDeleteRootUserCredentials")
        .filter_map(|c| c["account"].as_str().map(str::to_string))
        .collect();
    for never in [
        "222222222207",
        "222222222208",
        "222222222212",
        "222222222213",
    ] {
        assert!(
            !delete_targets.iter().any(|t| t == never),
            "{never} got a delete session"
        );
    }
    let csv = Csv::read(&report(dir.path(), "delete-", ".csv"));
    assert_eq!(csv.account("222222222207")["outcome"], "skipped-blocked");
    assert_eq!(csv.account("222222222212")["outcome"], "skipped-unknown");
    assert_eq!(csv.account("222222222213")["outcome"], "skipped-unknown");
    assert_eq!(csv.account("222222222206")["outcome"], "already-clean");
    assert_eq!(csv.account("222222222201")["outcome"], "deleted");
}

#[test]
fn without_a_terminal_or_yes_the_delete_is_refused_before_any_change() {
    let sim = Sim::start_toml(&clean_org(""));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert_eq!(sim.mutating_calls(), Vec::<Value>::new());
    assert!(ops(&sim, "AssumeRoot")
        .iter()
        .all(|c| c["task_policy"] == "IAMAuditRootUserCredentials"));
}

#[test]
fn dry_run_shows_every_call_and_makes_no_mutating_call() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--dry-run"]);
    run.expect_code(4);
    assert!(
        run.stdout.contains("delete login profile"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("deactivate MFA device arn:aws:iam::222222222204:u2f/root/yubi"));
    assert!(run.stdout.contains("deactivate MFA device GAHT12345678"));
    assert!(run
        .stdout
        .contains("222222222207 (legacy-access-key): blocked"));
    assert_eq!(sim.mutating_calls(), Vec::<Value>::new());
    assert!(ops(&sim, "AssumeRoot")
        .iter()
        .all(|c| c["task_policy"] == "IAMAuditRootUserCredentials"));
}

#[test]
fn a_dry_run_with_blocked_accounts_says_the_delete_would_be_refused_and_shows_the_skip_blocked_command(
) {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let dry = rootsweep(
        &sim,
        dir.path(),
        &["delete", "--dry-run", "--concurrency", "4"],
    );
    dry.expect_code(4);
    assert!(
        dry.stdout.contains(
            "With these flags the change would be REFUSED (exit 3): nothing would change while accounts are blocked or unknown."
        ),
        "{}",
        dry.stdout
    );
    let hint = format!(
        "\n  rootsweep delete --concurrency 4 --report-dir {} --skip-blocked\n",
        dir.path().display()
    );
    assert!(dry.stdout.contains(&hint), "{hint:?} in\n{}", dry.stdout);
    // What the plan says is what happens: the same flags are refused...
    let real = rootsweep(&sim, dir.path(), &["delete", "--yes", "--concurrency", "4"]);
    real.expect_code(3);
    assert_eq!(sim.mutating_calls(), Vec::<Value>::new());
    // ...and the hinted command changes the eligible accounts.
    rootsweep(
        &sim,
        dir.path(),
        &["delete", "--yes", "--concurrency", "4", "--skip-blocked"],
    )
    .expect_code(4);
    assert!(!sim.mutating_calls().is_empty());
}

#[test]
fn a_key_that_appears_after_the_audit_leaves_the_account_untouched() {
    let sim = Sim::start_toml(&clean_org(
        r#"[[faults]]
account = "222222220002"
operation = "AssumeRoot"
action = "add-access-key"
after = 1
times = 1
"#,
    ));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--yes"]);
    run.expect_code(4);
    let csv = Csv::read(&report(dir.path(), "delete-", ".csv"));
    let row = csv.account("222222220002");
    assert_eq!(row["outcome"], "changed-since-plan");
    // Planned, and not deleted: the one rule of every job's report (reports/README.md).
    assert_eq!(row["login_profile_deleted"], "no");
    assert!(
        row["error"]
            .contains("1 access key(s) and 0 signing certificate(s) not in the confirmed plan"),
        "{}",
        row["error"]
    );
    assert!(sim.root("222222220002")["login_profile"].is_object());
    assert_eq!(
        sim.root("222222220002")["mfa_devices"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert!(sim
        .mutating_calls()
        .iter()
        .all(|c| c["account"] != "222222220002"));
    assert_eq!(csv.account("222222220001")["outcome"], "deleted");
}

#[test]
fn entity_temporarily_unmodifiable_is_retried_then_deleted() {
    let sim = Sim::start_toml(&clean_org(
        r#"[[faults]]
account = "222222220001"
operation = "DeleteLoginProfile"
action = "error"
code = "EntityTemporarilyUnmodifiable"
times = 1
"#,
    ));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["delete", "--yes"]).expect_code(0);
    let csv = Csv::read(&report(dir.path(), "delete-", ".csv"));
    assert_eq!(csv.account("222222220001")["outcome"], "deleted");
    let attempts: Vec<Value> = ops(&sim, "DeleteLoginProfile")
        .into_iter()
        .filter(|c| c["account"] == "222222220001")
        .collect();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0]["error"], "EntityTemporarilyUnmodifiable");
    assert_eq!(attempts[0]["status"], 409);
}

#[test]
fn a_deactivation_that_keeps_failing_fails_that_account_only() {
    let sim = Sim::start_toml(&clean_org(
        r#"[[faults]]
account = "222222220003"
operation = "DeactivateMFADevice"
action = "error"
code = "AccessDenied"
message = "Simulated explicit deny"
"#,
    ));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["delete", "--yes"]).expect_code(4);
    let csv = Csv::read(&report(dir.path(), "delete-", ".csv"));
    let row = csv.account("222222220003");
    assert_eq!(row["outcome"], "failed");
    assert_eq!(row["verified"], "no");
    assert!(
        row["error"].starts_with(
            "deactivate MFA device arn:aws:iam::222222220003:mfa/root: DeactivateMFADevice: AccessDenied"
        ),
        "{}",
        row["error"]
    );
    assert_eq!(csv.account("222222220001")["outcome"], "deleted");
    assert_eq!(csv.account("222222220002")["outcome"], "deleted");
}

#[test]
fn only_login_profile_leaves_mfa_in_place() {
    let sim = Sim::start_toml(&clean_org(""));
    let dir = reports();
    rootsweep(
        &sim,
        dir.path(),
        &["delete", "--yes", "--only", "login-profile"],
    )
    .expect_code(0);
    assert!(ops(&sim, "DeactivateMFADevice").is_empty());
    let root = sim.root("222222220001");
    assert_eq!(root["login_profile"], Value::Null);
    assert_eq!(root["mfa_devices"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_second_run_changes_nothing_and_reports_already_clean() {
    let sim = Sim::start_toml(&clean_org(""));
    let first = reports();
    rootsweep(&sim, first.path(), &["delete", "--yes"]).expect_code(0);
    let mutating_after_first = sim.mutating_calls().len();
    let second = reports();
    let run = rootsweep(&sim, second.path(), &["delete", "--yes"]);
    run.expect_code(0);
    assert!(run.stderr.contains("nothing to delete"), "{}", run.stderr);
    assert_eq!(sim.mutating_calls().len(), mutating_after_first);
    let csv = Csv::read(&report(second.path(), "delete-", ".csv"));
    assert_eq!(csv.rows.len(), 3);
    assert!(csv.rows.iter().all(|r| r["outcome"] == "already-clean"));
}

/// Runs `rootsweep delete` on a pseudo-terminal (util-linux `script`), typing `answer`.
fn delete_on_a_terminal(sim: &Sim, reports: &std::path::Path, answer: &str) -> (i32, String) {
    use std::io::Write;
    let inner = format!(
        "{} delete --report-dir {}",
        env!("CARGO_BIN_EXE_rootsweep"),
        reports.display()
    );
    // The hermetic environment of the other tests, with `script` as the program.
    let cmd = crate::support::cli::command(sim, &[]);
    let mut script = std::process::Command::new("script");
    script
        .args(["-qec", &inner, "/dev/null"])
        .env_clear()
        .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .env("TERM", "dumb")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = script
        .spawn()
        .expect("util-linux `script` runs rootsweep on a pty");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{answer}\n").as_bytes())
        .expect("type the answer");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn on_a_terminal_typing_the_account_count_confirms_and_anything_else_cancels() {
    let sim = Sim::start_toml(&clean_org(""));
    let wrong = reports();
    let (code, screen) = delete_on_a_terminal(&sim, wrong.path(), "yes");
    assert!(screen.contains("Type 3 to delete"), "{screen}");
    assert_eq!(code, 2, "{screen}");
    assert_eq!(sim.mutating_calls(), Vec::<Value>::new());

    let right = reports();
    let (code, screen) = delete_on_a_terminal(&sim, right.path(), "3");
    assert_eq!(code, 0, "{screen}");
    let csv = Csv::read(&report(right.path(), "delete-", ".csv"));
    assert!(csv.rows.iter().all(|r| r["outcome"] == "deleted"));
}
