//! Every path of the changing commands tells the truth: a change whose answer was lost and whose
//! retry found it made, refused credentials mid-change, a failed session under `--skip-blocked`,
//! a planned change left undone by the re-check, and named accounts that cannot be processed.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::{eligible, org, ENABLED};
use crate::support::sim::Sim;
use serde_json::Value;

const A: &str = "222222220001";
const B: &str = "222222220002";

fn json(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("report")).expect("json")
}

/// A fault rule: `op`'s first call in `account` is made and then its connection is reset.
fn made_then_reset(account: &str, op: &str) -> String {
    format!(
        "[[faults]]\naccount = \"{account}\"\noperation = \"{op}\"\naction = \"apply-then-reset\"\ntimes = 1\n"
    )
}

fn calls(sim: &Sim, op: &str) -> Vec<Value> {
    sim.calls()
        .into_iter()
        .filter(|c| c["operation"] == op)
        .collect()
}

#[test]
fn a_deletion_whose_answer_was_lost_is_reported_made_on_retry_and_verified() {
    let faults = format!(
        "{}{}",
        made_then_reset(A, "DeleteLoginProfile"),
        made_then_reset(A, "DeactivateMFADevice")
    );
    let sim = Sim::start_toml(&org(ENABLED, &format!("{}\n{faults}", eligible(A))));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["delete", "--yes"]).expect_code(0);
    // Each change reached the world once, then was asked again and answered NoSuchEntity.
    let deletes = calls(&sim, "DeleteLoginProfile");
    assert_eq!(deletes.len(), 2, "{deletes:?}");
    assert_eq!(deletes[0]["error"], "ConnectionReset");
    assert_eq!(deletes[1]["error"], "NoSuchEntity");
    assert_eq!(calls(&sim, "DeactivateMFADevice").len(), 2);
    assert_eq!(sim.root(A)["login_profile"], Value::Null);

    let csv = Csv::read(&report(dir.path(), "delete-", ".csv"));
    let row = csv.account(A);
    assert_eq!(row["outcome"], "deleted");
    assert_eq!(row["login_profile_deleted"], "yes");
    assert_eq!(row["mfa_deactivated"], "1");
    assert_eq!(row["verified"], "yes");
    assert!(
        row["error"].contains("confirmed on retry"),
        "{}",
        row["error"]
    );
    assert!(!row["error"].contains("someone else"), "{}", row["error"]);
}

#[test]
fn a_login_profile_whose_creation_answer_was_lost_is_recovered_not_already_recoverable() {
    let rest = format!(
        "[[accounts]]\nid = \"{A}\"\nname = \"no-password\"\nemail = \"np@example.com\"\n\n{}",
        made_then_reset(A, "CreateLoginProfile")
    );
    let sim = Sim::start_toml(&org(ENABLED, &rest));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["recover", "--accounts", A, "--yes"]).expect_code(0);
    let creates = calls(&sim, "CreateLoginProfile");
    assert_eq!(creates.len(), 2, "{creates:?}");
    assert_eq!(creates[1]["error"], "EntityAlreadyExists");
    let csv = Csv::read(&report(dir.path(), "recover-2", ".csv"));
    let row = csv.account(A);
    assert_eq!(row["outcome"], "recovered");
    assert_eq!(row["login_profile_created"], "yes");
    assert_eq!(row["verified"], "yes");
    assert!(
        row["error"].contains("confirmed on retry"),
        "{}",
        row["error"]
    );
}

#[test]
fn credentials_refused_mid_change_leave_the_delete_report_incomplete() {
    let ids: Vec<String> = (1..=12).map(|i| format!("2222222200{i:02}")).collect();
    let accounts: String = ids.iter().map(|id| eligible(id)).collect();
    // The audit's 12 AssumeRoots pass, then the change stage's 9th is refused.
    let fault = "[[faults]]\ncaller = \"AKIAMANAGEMENT000001\"\noperation = \"AssumeRoot\"\ncode = \"ExpiredToken\"\nafter = 20\n";
    let sim = Sim::start_toml(&org(ENABLED, &format!("{accounts}\n{fault}")));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--yes", "--concurrency", "1"]);
    run.expect_code(1);
    let doc = json(&report(dir.path(), "delete-", ".json"));
    assert_eq!(doc["complete"], false, "{doc}");
    let why = doc["incomplete_reason"].as_str().unwrap_or_default();
    assert!(why.contains("credentials were refused"), "{why}");
    let csv = Csv::read(&report(dir.path(), "delete-", ".csv"));
    assert_eq!(csv.rows.len(), 12);
    let not_started = csv
        .rows
        .iter()
        .filter(|r| r["outcome"] == "not-started")
        .count();
    assert!(not_started >= 3, "{:?}", csv.rows);
}

#[test]
fn a_bucket_of_an_account_whose_session_failed_has_its_row_in_the_unlock_result() {
    let buckets = |id: &str, bucket: &str| {
        format!(
            "[[accounts]]\nid = \"{id}\"\nname = \"acct-{id}\"\nemail = \"{id}@example.com\"\nbuckets = [{{ name = \"{bucket}\", policy = '{{\"Statement\":[]}}' }}]\n"
        )
    };
    let fault = format!(
        "[[faults]]\naccount = \"{B}\"\noperation = \"AssumeRoot\"\ncode = \"AccessDenied\"\nstatus = 403\n"
    );
    let rest = format!(
        "{}{}\n{fault}",
        buckets(A, "bucket-a"),
        buckets(B, "bucket-b")
    );
    let sim = Sim::start_toml(&org(ENABLED, &rest));
    let dir = reports();
    let list = dir.path().join("buckets.csv");
    std::fs::write(
        &list,
        format!("account_id,resource\n{A},bucket-a\n{B},bucket-b\n"),
    )
    .expect("write list");
    let list = list.to_string_lossy().into_owned();
    let run = rootsweep(
        &sim,
        dir.path(),
        &["unlock", "s3", "--file", &list, "--yes", "--skip-blocked"],
    );
    run.expect_code(4);
    let csv = Csv::read(&report(dir.path(), "unlock-result-", ".csv"));
    let resources: Vec<&str> = csv.rows.iter().map(|r| r["resource"].as_str()).collect();
    assert_eq!(resources.len(), 2, "{resources:?}");
    let failed = csv
        .rows
        .iter()
        .find(|r| r["resource"] == "bucket-b")
        .expect("a row for the bucket whose session failed");
    assert_eq!(failed["account_id"], B);
    assert_eq!(failed["outcome"], "skipped-unknown");
    assert_eq!(failed["policy_removed"], "n/a");
    assert!(failed["error"].contains("AccessDenied"), "{failed:?}");
    let doc = json(&report(dir.path(), "unlock-result-", ".json"));
    let rows = doc["resources"].as_array().expect("resources");
    assert_eq!(rows.len(), 2, "{doc}");
    assert!(rows.iter().any(|r| r["resource"] == "bucket-b"));
}

#[test]
fn the_management_account_named_for_a_root_task_is_a_usage_error_before_any_session() {
    let sim = Sim::start_toml(&org(ENABLED, &eligible(A)));
    let dir = reports();
    for args in [
        &[
            "unlock",
            "s3",
            "--account",
            "111111111111",
            "--bucket",
            "some-bucket",
            "--yes",
        ][..],
        &["recover", "--accounts", "111111111111", "--yes"][..],
        &[
            "delete",
            "--accounts",
            &format!("111111111111,{A}"),
            "--yes",
        ][..],
    ] {
        let run = rootsweep(&sim, dir.path(), args);
        run.expect_code(2);
        assert!(
            run.stderr
                .contains("`111111111111` is the organization's management account"),
            "{args:?}: {}",
            run.stderr
        );
        let errors: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.starts_with("rootsweep: error"))
            .collect();
        assert_eq!(errors.len(), 1, "one line: {}", run.stderr);
    }
    assert!(calls(&sim, "AssumeRoot").is_empty());
    assert!(
        sim.non_read_calls().is_empty(),
        "{:?}",
        sim.non_read_calls()
    );
}

#[test]
fn a_named_suspended_account_is_never_a_success() {
    let suspended = format!(
        "[[accounts]]\nid = \"{B}\"\nname = \"closed\"\nemail = \"closed@example.com\"\nstate = \"SUSPENDED\"\n"
    );
    let sim = Sim::start_toml(&org(ENABLED, &format!("{}{suspended}", eligible(A))));
    let dir = reports();
    let accounts = format!("{A},{B}");
    for args in [
        &["recover", "--accounts", B, "--yes"][..],
        &["delete", "--accounts", &accounts, "--yes"][..],
        &["audit", "--accounts", B][..],
    ] {
        let run = rootsweep(&sim, dir.path(), args);
        run.expect_code(4);
        assert!(
            run.stderr.contains(&format!(
                "{B} (closed) was named but not processed: account state is SUSPENDED, not ACTIVE"
            )),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(calls(&sim, "AssumeRoot").iter().all(|c| c["account"] != B));
}
