//! `rootsweep recover` end to end: a login profile created without a password under
//! `IAMCreateRootUserPassword`, idempotence, a dry run with no mutating call, explicit account
//! ids only, and a later `audit` that sees the login profile.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::{eligible, org, ENABLED};
use crate::support::sim::Sim;
use serde_json::Value;

const WITHOUT: &str = "222222220001";
const WITH: &str = "222222220002";

/// One account whose root user has no login profile, one with a login profile and MFA.
fn scenario() -> String {
    let rest = format!(
        "[[accounts]]\nid = \"{WITHOUT}\"\nname = \"no-password\"\nemail = \"np@example.com\"\n\n{}",
        eligible(WITH)
    );
    org(ENABLED, &rest)
}

fn ops(sim: &Sim, op: &str) -> Vec<Value> {
    sim.calls()
        .into_iter()
        .filter(|c| c["operation"] == op)
        .collect()
}

#[test]
fn recover_creates_a_login_profile_without_a_password_and_a_later_audit_sees_it() {
    let sim = Sim::start_toml(&scenario());
    assert_eq!(sim.root(WITHOUT)["login_profile"], Value::Null);
    let dir = reports();
    let accounts = format!("{WITHOUT},{WITH}");
    rootsweep(
        &sim,
        dir.path(),
        &["recover", "--accounts", &accounts, "--yes"],
    )
    .expect_code(0);
    assert!(sim.root(WITHOUT)["login_profile"].is_object());
    let creates = ops(&sim, "CreateLoginProfile");
    assert_eq!(creates.len(), 1, "{creates:?}");
    assert_eq!(creates[0]["account"], WITHOUT);
    assert_eq!(creates[0]["task_policy"], "IAMCreateRootUserPassword");
    assert_eq!(creates[0]["status"], 200);
    // Every root session of the run was under the password-creation task policy.
    for call in ops(&sim, "AssumeRoot") {
        assert_eq!(call["task_policy"], "IAMCreateRootUserPassword", "{call}");
    }
    let csv = Csv::read(&report(dir.path(), "recover-2", ".csv"));
    assert_eq!(
        csv.header,
        "account_id,account_name,outcome,login_profile_created,verified,error"
    );
    assert_eq!(csv.account(WITHOUT)["outcome"], "recovered");
    assert_eq!(csv.account(WITHOUT)["verified"], "yes");
    assert_eq!(csv.account(WITH)["outcome"], "already-recoverable");
    let check = Csv::read(&report(dir.path(), "recover-check-", ".csv"));
    assert_eq!(check.account(WITHOUT)["verdict"], "recoverable");
    assert_eq!(check.account(WITH)["verdict"], "already-recoverable");

    let later = reports();
    rootsweep(&sim, later.path(), &["audit", "--accounts", WITHOUT]).expect_code(0);
    let audit = Csv::read(&report(later.path(), "audit-", ".csv"));
    assert_eq!(audit.account(WITHOUT)["login_profile"], "present");
    assert_eq!(audit.account(WITHOUT)["verdict"], "eligible");
}

#[test]
fn recover_on_an_account_that_has_a_login_profile_changes_nothing() {
    let sim = Sim::start_toml(&scenario());
    let before = sim.root(WITH)["login_profile"].clone();
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["recover", "--accounts", WITH, "--yes"]);
    run.expect_code(0);
    assert!(
        sim.non_read_calls().is_empty(),
        "{:?}",
        sim.non_read_calls()
    );
    assert_eq!(sim.root(WITH)["login_profile"], before);
    assert!(run.stderr.contains("nothing to recover"), "{}", run.stderr);
}

#[test]
fn recover_dry_run_shows_the_plan_and_makes_no_mutating_call() {
    let sim = Sim::start_toml(&scenario());
    let dir = reports();
    let run = rootsweep(
        &sim,
        dir.path(),
        &[
            "recover",
            "--accounts",
            WITHOUT,
            "--dry-run",
            "--output",
            "json",
        ],
    );
    run.expect_code(0);
    assert!(
        sim.non_read_calls().is_empty(),
        "{:?}",
        sim.non_read_calls()
    );
    assert_eq!(sim.root(WITHOUT)["login_profile"], Value::Null);
    let doc: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(
        doc["plan"]["entries"][0]["steps"],
        serde_json::json!(["CreateLoginProfile"])
    );
}

#[test]
fn recover_needs_explicit_account_ids() {
    let sim = Sim::start_toml(&scenario());
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["recover", "--yes"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--accounts"), "{}", run.stderr);
    assert!(sim.calls().is_empty());
}

#[test]
fn create_login_profile_is_denied_under_the_audit_task_policy() {
    let sim = Sim::start_toml(&scenario());
    let audit = sim.assume_root(WITHOUT, "IAMAuditRootUserCredentials");
    let (status, body) = sim.query(&audit, "2010-05-08", "CreateLoginProfile", &[]);
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");
    let create = sim.assume_root(WITHOUT, "IAMCreateRootUserPassword");
    let (status, body) = sim.query(&create, "2010-05-08", "CreateLoginProfile", &[]);
    assert_eq!(status, 200, "{body}");
    let (status, body) = sim.query(&create, "2010-05-08", "CreateLoginProfile", &[]);
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("<Code>EntityAlreadyExists</Code>"), "{body}");
    let (status, _) = sim.query(&create, "2010-05-08", "DeleteLoginProfile", &[]);
    assert_eq!(status, 403);
}
