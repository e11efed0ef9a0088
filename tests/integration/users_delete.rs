//! `rootsweep users delete` end to end against `sim serve`'s users scenario: every dependent kind
//! removed in order and the stale users gone, virtual MFA devices deleted and hardware ones only
//! deactivated, the restore record, a DeleteConflict reported with what remained, the caller's own
//! user never deleted, a dry run and a re-run that make no mutating call, no `--yes` without a
//! terminal, and a malformed users file refused with its line.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::shipped;
use crate::support::sim::Sim;
use serde_json::Value;
use std::collections::HashMap;

const HEADER: &str = "account_id,account_name,user_name,outcome,steps_done,error";
/// The accounts whose role opens without an external id are the ones changed here.
const EXCLUDE: &str = "222222222203,222222222205";

fn users_with(extra: &str) -> String {
    let text = std::fs::read_to_string(shipped("users.toml")).expect("users scenario");
    format!("{text}\n{extra}\n")
}

fn user_row<'a>(csv: &'a Csv, account: &str, user: &str) -> &'a HashMap<String, String> {
    let rows: Vec<_> = csv
        .rows
        .iter()
        .filter(|r| r["account_id"] == account && r["user_name"] == user)
        .collect();
    assert_eq!(rows.len(), 1, "rows for {account}/{user}: {:?}", csv.rows);
    rows[0]
}

fn users_of(sim: &Sim, account: &str) -> Vec<String> {
    let mut names: Vec<String> = sim.state()["accounts"][account]["users"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}

fn delete_stale(sim: &Sim, dir: &std::path::Path, extra: &[&str]) -> crate::support::cli::Run {
    let mut args = vec![
        "users",
        "delete",
        "--stale-days",
        "90",
        "--exclude",
        EXCLUDE,
    ];
    args.extend_from_slice(extra);
    rootsweep(sim, dir, &args)
}

#[test]
fn users_delete_removes_every_dependent_in_order_and_only_the_stale_users() {
    let sim = Sim::start(shipped("users.toml"));
    let dir = reports();
    let run = delete_stale(&sim, dir.path(), &["--yes"]);
    run.expect_code(0);

    // The stale users are gone; active, new and the caller's own user remain.
    // git-user holds an active SSH key (unverifiable); rekeyed's key is a day old (active).
    assert_eq!(
        users_of(&sim, "222222222202"),
        ["git-user", "newbie", "rekeyed"]
    );
    assert_eq!(users_of(&sim, "222222222201"), ["alice", "ci-bot"]);
    // signer's signing certificate is active: unverifiable, never selected by age.
    assert_eq!(users_of(&sim, "111111111111"), ["admin", "signer"]);

    let csv = Csv::read(&report(dir.path(), "users-delete-", ".csv"));
    assert_eq!(csv.header, HEADER);
    let old = user_row(&csv, "222222222202", "olduser");
    assert_eq!(old["outcome"], "deleted");
    let ops: Vec<&str> = old["steps_done"]
        .split(';')
        .map(|s| s.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(
        ops,
        [
            "DeleteLoginProfile",
            "DeleteAccessKey",
            "DeleteSigningCertificate",
            "DeleteSSHPublicKey",
            "DeleteServiceSpecificCredential",
            "DeactivateMFADevice",
            "DeleteVirtualMFADevice",
            "DeactivateMFADevice",
            "DeleteUserPolicy",
            "DetachUserPolicy",
            "RemoveUserFromGroup",
            "DeleteUser",
        ]
    );
    // The formula-named user is written as a text cell.
    assert_eq!(
        user_row(&csv, "222222222201", "'=cmd+1")["outcome"],
        "deleted"
    );
    assert_eq!(
        user_row(&csv, "111111111111", "breakglass")["outcome"],
        "deleted"
    );

    // Only the virtual device was deleted; none is left unassigned.
    let deleted_virtual: Vec<Value> = sim
        .calls()
        .into_iter()
        .filter(|c| c["operation"] == "DeleteVirtualMFADevice")
        .collect();
    assert_eq!(deleted_virtual.len(), 1);
    assert_eq!(deleted_virtual[0]["status"], 200);
    assert_eq!(
        sim.state()["accounts"]["222222222202"]["unassigned_virtual_mfa"],
        serde_json::json!([])
    );

    // The restore record holds every attachment and inline document, and no secret.
    let path = report(dir.path(), "users-deleted-", ".json");
    let text = std::fs::read_to_string(&path).expect("restore record");
    assert!(!text.contains(sim.secret()));
    let record: Value = serde_json::from_str(&text).expect("JSON");
    let users = record["users"].as_array().expect("users");
    let olduser = users
        .iter()
        .find(|u| u["user_name"] == "olduser")
        .expect("olduser recorded");
    assert_eq!(olduser["account_id"], "222222222202");
    assert_eq!(olduser["groups"], serde_json::json!(["developers"]));
    assert_eq!(
        olduser["attached_policies"],
        serde_json::json!(["arn:aws:iam::222222222202:policy/deploy"])
    );
    assert_eq!(olduser["inline_policies"][0]["name"], "legacy");
    assert_eq!(
        olduser["inline_policies"][0]["document"],
        r#"{"Version":"2012-10-17","Statement":[]}"#
    );
    assert_eq!(olduser["mfa_devices"].as_array().map(Vec::len), Some(2));
    assert_eq!(olduser["access_keys"].as_array().map(Vec::len), Some(1));
    assert_eq!(olduser["login_profile"], true);
    for dir_file in std::fs::read_dir(dir.path()).expect("reports") {
        let text = std::fs::read_to_string(dir_file.expect("entry").path()).unwrap_or_default();
        assert!(!text.contains(sim.secret()), "a report holds the secret");
    }

    // A re-run, by staleness or by the same list, makes no mutating call.
    let before = sim.non_read_calls().len();
    let again = reports();
    delete_stale(&sim, again.path(), &["--yes"]).expect_code(0);
    let list = again.path().join("users.csv");
    std::fs::write(&list, "account_id,user_name\n222222222202,olduser\n").expect("list");
    rootsweep(
        &sim,
        again.path(),
        &[
            "users",
            "delete",
            "--users-file",
            list.to_str().expect("utf8"),
            "--yes",
        ],
    )
    .expect_code(0);
    assert_eq!(
        sim.non_read_calls().len(),
        before,
        "a re-run changed something"
    );
}

#[test]
fn a_dry_run_makes_no_mutating_call_and_writes_no_restore_record() {
    let sim = Sim::start(shipped("users.toml"));
    let dir = reports();
    let run = delete_stale(&sim, dir.path(), &["--dry-run"]);
    run.expect_code(0);
    assert!(
        sim.non_read_calls().is_empty(),
        "{:?}",
        sim.non_read_calls()
    );
    assert!(
        run.stdout.contains("delete IAM user olduser"),
        "{}",
        run.stdout
    );
    assert!(std::fs::read_dir(dir.path()).expect("reports").all(|e| !e
        .expect("entry")
        .file_name()
        .to_string_lossy()
        .starts_with("users-deleted-")));
}

#[test]
fn without_yes_and_no_terminal_it_exits_2_and_changes_nothing() {
    let sim = Sim::start(shipped("users.toml"));
    let dir = reports();
    let run = delete_stale(&sim, dir.path(), &[]);
    run.expect_code(2);
    assert!(run.stderr.contains("re-run with --yes"), "{}", run.stderr);
    assert!(sim.non_read_calls().is_empty());
}

#[test]
fn a_delete_conflict_is_reported_with_what_remained() {
    // The signing certificate's deletion is answered NoSuchEntity (as if already gone) while it
    // stays: DeleteUser then refuses, naming it.
    let sim = Sim::start_toml(&users_with(
        r#"[[faults]]
account = "222222222202"
operation = "DeleteSigningCertificate"
action = "error"
code = "NoSuchEntity"
status = 404
"#,
    ));
    let dir = reports();
    delete_stale(&sim, dir.path(), &["--yes"]).expect_code(4);
    let csv = Csv::read(&report(dir.path(), "users-delete-", ".csv"));
    let old = user_row(&csv, "222222222202", "olduser");
    assert_eq!(old["outcome"], "failed");
    assert!(
        old["error"].starts_with("DeleteUser: DeleteUser: DeleteConflict")
            && old["error"].contains("signing certificates"),
        "{}",
        old["error"]
    );
    assert!(users_of(&sim, "222222222202").contains(&"olduser".to_string()));
    assert_eq!(
        user_row(&csv, "222222222202", "keyold")["outcome"],
        "deleted"
    );
}

#[test]
fn the_callers_own_user_is_never_deleted_even_when_listed_with_force_active() {
    let sim = Sim::start(shipped("users.toml"));
    let dir = reports();
    let list = dir.path().join("users.csv");
    std::fs::write(
        &list,
        "account_id,user_name,verdict\n111111111111,admin,active\n222222222201,alice,active\n",
    )
    .expect("list");
    let file = list.to_str().expect("utf8");
    // Without --force-active the active rows are refused before any AWS call, naming the line.
    let refused = rootsweep(
        &sim,
        dir.path(),
        &["users", "delete", "--users-file", file, "--yes"],
    );
    refused.expect_code(2);
    assert!(
        refused
            .stderr
            .contains(&format!("{file}:2: admin in 111111111111 is \"active\"")),
        "{}",
        refused.stderr
    );
    assert!(sim.calls().is_empty());

    rootsweep(
        &sim,
        dir.path(),
        &[
            "users",
            "delete",
            "--users-file",
            file,
            "--force-active",
            "--yes",
        ],
    )
    .expect_code(0);
    assert_eq!(
        users_of(&sim, "111111111111"),
        ["admin", "breakglass", "signer"]
    );
    assert!(!users_of(&sim, "222222222201").contains(&"alice".to_string()));
    let csv = Csv::read(&report(dir.path(), "users-delete-", ".csv"));
    assert_eq!(
        user_row(&csv, "111111111111", "")["error"],
        "admin: the caller's own IAM user is never deleted"
    );
}

#[test]
fn a_malformed_users_file_is_one_line_naming_file_and_line() {
    let sim = Sim::start(shipped("users.toml"));
    let dir = reports();
    let list = dir.path().join("bad.csv");
    std::fs::write(&list, "account_id,user_name\n12345,bob\n").expect("list");
    let file = list.to_str().expect("utf8");
    let run = rootsweep(
        &sim,
        dir.path(),
        &["users", "delete", "--users-file", file, "--yes"],
    );
    run.expect_code(2);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].contains(&format!(
            "{file}:2: account_id \"12345\" is not a 12-digit account id"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn sigint_mid_users_delete_leaves_every_planned_user_reported_once_and_the_truth_in_each_row() {
    let sim = Sim::start_toml(
        r#"[organization]
id = "o-u5s1g2n3a4"
management_account = "111111111111"
trusted_access = ["iam.amazonaws.com"]
iam_features = ["RootCredentialsManagement", "RootSessions"]
report_generation_polls = 0

[[callers]]
access_key_id = "AKIAMANAGEMENT000001"
secret_access_key = "signals-management-secret-not-verified-01"
account = "111111111111"
user = "admin"

[generate]
count = 60
seed = 17
suspended = 0.0
users_per_account = 3
users_stale = 1.0

[latency]
iam = 15
sts = 15
"#,
    );
    let dir = reports();
    let child = crate::support::cli::spawn(
        &sim,
        dir.path(),
        &[
            "users",
            "delete",
            "--stale-days",
            "90",
            "--yes",
            "--concurrency",
            "4",
        ],
    );
    crate::signals::wait_for_rows(dir.path(), "users-delete-", 6);
    crate::signals::signal(child.id(), "INT");
    crate::support::cli::finish(child).expect_code(130);

    let audit = Csv::read(&report(dir.path(), "users-audit-", ".csv"));
    let planned: std::collections::BTreeSet<(String, String)> = audit
        .rows
        .iter()
        .filter(|r| r["verdict"] == "stale")
        .map(|r| (r["account_id"].clone(), r["user_name"].clone()))
        .collect();
    let csv = Csv::read(&report(dir.path(), "users-delete-", ".csv"));
    let mut reported = std::collections::BTreeSet::new();
    for row in csv.rows.iter().filter(|r| !r["user_name"].is_empty()) {
        let key = (row["account_id"].clone(), row["user_name"].clone());
        assert!(reported.insert(key.clone()), "reported twice: {key:?}");
        let exists = !sim.state()["accounts"][&key.0]["users"][&key.1].is_null();
        match row["outcome"].as_str() {
            "deleted" => assert!(!exists, "{key:?} reported deleted but exists"),
            "not-started" => assert!(exists, "{key:?} not started but gone"),
            "interrupted" => {}
            other => panic!("{key:?}: unexpected outcome {other}"),
        }
    }
    assert_eq!(reported, planned, "every planned user has exactly one row");
    assert!(csv.rows.iter().any(|r| r["outcome"] == "not-started"));
}

#[test]
fn a_user_who_signed_in_since_the_audit_is_skipped_active_and_untouched() {
    // The first GetUser in users-dev (keyold's re-check) lets olduser sign in first.
    let sim = Sim::start_toml(&users_with(
        r#"[[faults]]
account = "222222222202"
operation = "GetUser"
action = "sign-in"
times = 1
"#,
    ));
    let dir = reports();
    // A planned deletion left undone is never a success: exit 4, and the reason on screen.
    let run = delete_stale(&sim, dir.path(), &["--yes"]);
    run.expect_code(4);
    assert!(run.stdout.contains("olduser: used at "), "{}", run.stdout);
    let csv = Csv::read(&report(dir.path(), "users-delete-", ".csv"));
    let old = user_row(&csv, "222222222202", "olduser");
    assert_eq!(old["outcome"], "skipped-active");
    assert_eq!(old["steps_done"], "");
    assert!(old["error"].contains("after the audit"), "{}", old["error"]);
    assert_eq!(
        user_row(&csv, "222222222202", "keyold")["outcome"],
        "deleted"
    );
    let olduser = &sim.state()["accounts"]["222222222202"]["users"]["olduser"];
    assert!(
        olduser["password"].is_object(),
        "olduser untouched: {olduser}"
    );
    assert_eq!(olduser["groups"], serde_json::json!(["developers"]));
}
