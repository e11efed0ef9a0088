//! Retries at the AWS edge, through the real binary: only request-rate errors are waited out, a
//! quota fails its account after one call, server errors get exactly the attempts allowed, IAM
//! listings follow every `Marker`, and a signal ends a throttled retry loop at once.

use crate::support::cli::{finish, report, reports, rootsweep, rootsweep_env, spawn, Csv};
use crate::support::scenario::{eligible, org, ENABLED};
use crate::support::sim::Sim;
use std::time::{Duration, Instant};

const STUCK: &str = "222222220001";
const OTHERS: [&str; 2] = ["222222220002", "222222220003"];

fn three_eligible(organization_extra: &str, faults: &str) -> String {
    let organization = format!("{ENABLED}\n{organization_extra}");
    org(
        &organization,
        &format!(
            "{}{}{}\n{faults}",
            eligible(STUCK),
            eligible(OTHERS[0]),
            eligible(OTHERS[1])
        ),
    )
}

/// Calls the simulator answered for one account and operation.
fn calls(sim: &Sim, account: &str, operation: &str) -> Vec<serde_json::Value> {
    sim.calls()
        .into_iter()
        .filter(|c| c["account"] == account && c["operation"] == operation)
        .collect()
}

/// Waits until the simulator has answered `count` calls of `operation` for `account`.
fn wait_for_calls(sim: &Sim, account: &str, operation: &str, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while calls(sim, account, operation).len() < count {
        assert!(
            Instant::now() < deadline,
            "fewer than {count} {operation} calls for {account} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn sigterm(pid: u32) {
    let pid = libc::pid_t::try_from(pid).expect("pid fits");
    // SAFETY: kill(2) with a child's pid and a valid signal number has no memory effects.
    let rc = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(rc, 0, "kill failed");
}

#[test]
fn a_quota_answer_fails_its_account_after_one_call_and_the_run_goes_on() {
    let sim = Sim::start_toml(&three_eligible(
        "",
        &format!(
            "[[faults]]\naccount = \"{STUCK}\"\noperation = \"DeleteLoginProfile\"\ncode = \"LimitExceeded\"\nstatus = 409\nmessage = \"Cannot exceed quota for LoginProfiles\"\n"
        ),
    ));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--yes"]);
    run.expect_code(4);
    let sent = calls(&sim, STUCK, "DeleteLoginProfile");
    assert_eq!(sent.len(), 1, "a quota is not retried: {sent:?}");
    assert_eq!(sent[0]["status"], 409);
    let csv = Csv::read(&report(dir.path(), "delete-", ".csv"));
    let stuck = csv.account(STUCK);
    assert_eq!(stuck["outcome"], "failed");
    assert!(
        stuck["error"].contains("DeleteLoginProfile: LimitExceeded: Cannot exceed quota"),
        "{}",
        stuck["error"]
    );
    assert!(sim.root(STUCK)["login_profile"].is_object(), "unchanged");
    for id in OTHERS {
        assert_eq!(csv.account(id)["outcome"], "deleted", "{id}");
    }
}

#[test]
fn a_persistent_server_error_is_tried_exactly_the_allowed_attempts() {
    let sim = Sim::start_toml(&three_eligible(
        "",
        &format!("[[faults]]\naccount = \"{STUCK}\"\noperation = \"ListMFADevices\"\ncode = \"ServiceFailure\"\n"),
    ));
    let dir = reports();
    let run = rootsweep_env(&sim, dir.path(), &["audit"], &[("AWS_MAX_ATTEMPTS", "4")]);
    run.expect_code(4);
    // One retry loop only: the SDK's own retries would multiply these.
    assert_eq!(calls(&sim, STUCK, "ListMFADevices").len(), 4);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    let stuck = csv.account(STUCK);
    assert_eq!(stuck["verdict"], "unknown");
    assert!(
        stuck["error"].starts_with("ListMFADevices: ServiceFailure"),
        "{}",
        stuck["error"]
    );
}

#[test]
fn an_iam_listing_follows_every_marker_to_the_last_page() {
    // One item per IAM page (the simulator's `iam_page_size`), three devices: three pages.
    let sim = Sim::start_toml(&org(
        &format!("{ENABLED}\niam_page_size = 1"),
        r#"[[accounts]]
id = "222222220009"
name = "three-devices"
email = "three@example.com"
[accounts.root]
mfa = [{ kind = "virtual", name = "a" }, { kind = "virtual", name = "b" }, { kind = "virtual", name = "c" }]
"#,
    ));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit"]).expect_code(0);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    let row = csv.account("222222220009");
    assert_eq!(row["mfa_devices"], "3", "{row:?}");
    assert_eq!(row["verdict"], "eligible");
    assert_eq!(calls(&sim, "222222220009", "ListMFADevices").len(), 3);
}

#[test]
fn sigterm_ends_a_throttled_delete_at_once_and_reports_the_account() {
    let sim = Sim::start_toml(&three_eligible(
        "",
        &format!(
            "[[faults]]\naccount = \"{STUCK}\"\noperation = \"DeleteLoginProfile\"\ncode = \"Throttling\"\nmessage = \"Rate exceeded\"\n"
        ),
    ));
    let dir = reports();
    let child = spawn(&sim, dir.path(), &["delete", "--yes"]);
    // Well inside the throttled retry loop (its budget is 300 s).
    wait_for_calls(&sim, STUCK, "DeleteLoginProfile", 5);
    std::thread::sleep(Duration::from_secs(1));
    let signalled = Instant::now();
    sigterm(child.id());
    let run = finish(child);
    let took = signalled.elapsed();
    run.expect_code(143);
    assert!(took < Duration::from_secs(10), "exit took {took:?}");

    let csv = Csv::read(&report(dir.path(), "delete-", ".csv"));
    let stuck = csv.account(STUCK);
    assert_eq!(stuck["outcome"], "interrupted", "{stuck:?}");
    assert_eq!(stuck["login_profile_deleted"], "no");
    assert!(
        stuck["error"].contains("DeleteLoginProfile: Interrupted: the run was interrupted"),
        "{}",
        stuck["error"]
    );
    assert!(sim.root(STUCK)["login_profile"].is_object(), "unchanged");
    for id in OTHERS {
        assert_eq!(csv.account(id)["outcome"], "deleted", "{id}");
    }
}

#[test]
fn sigterm_ends_a_throttled_audit_read_at_once_and_reports_the_account() {
    let sim = Sim::start_toml(&three_eligible(
        "",
        &format!(
            "[[faults]]\naccount = \"{STUCK}\"\noperation = \"ListMFADevices\"\ncode = \"Throttling\"\n"
        ),
    ));
    let dir = reports();
    let child = spawn(&sim, dir.path(), &["audit"]);
    wait_for_calls(&sim, STUCK, "ListMFADevices", 5);
    let signalled = Instant::now();
    sigterm(child.id());
    let run = finish(child);
    let took = signalled.elapsed();
    run.expect_code(143);
    assert!(took < Duration::from_secs(10), "exit took {took:?}");

    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    let stuck = csv.account(STUCK);
    assert_eq!(stuck["verdict"], "unknown", "{stuck:?}");
    assert_eq!(stuck["mfa_devices"], "unknown");
    assert!(
        stuck["error"].contains("ListMFADevices: Interrupted"),
        "{}",
        stuck["error"]
    );
    assert_eq!(sim.mutating_calls().len(), 0);
}
