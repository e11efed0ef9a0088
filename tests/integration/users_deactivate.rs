//! `rootsweep users deactivate` and `users reactivate` end to end against `sim serve`'s users
//! scenario: exactly the unused credentials set `Inactive` (the caller's own key never), a dry
//! run that makes no mutating call, a re-run that changes nothing, an undo record that is valid
//! JSON, and a reactivation that sets exactly those back and refuses one changed since.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::shipped;
use crate::support::sim::Sim;
use serde_json::Value;

const EXCLUDE: &str = "222222222203,222222222205";

fn operations(calls: &[Value]) -> Vec<String> {
    calls
        .iter()
        .map(|c| c["operation"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn users_deactivate_sets_exactly_the_unused_keys_inactive_and_reactivate_undoes_it() {
    let sim = Sim::start(shipped("users.toml"));
    let dry = reports();
    let run = rootsweep(
        &sim,
        dry.path(),
        &["users", "deactivate", "--dry-run", "--exclude", EXCLUDE],
    );
    run.expect_code(0);
    assert!(
        run.stdout.contains(
            "UpdateAccessKey AKIA2222222222020005 Inactive (user keyold; last used 120 days ago)"
        ),
        "{}",
        run.stdout
    );
    assert!(
        sim.non_read_calls().is_empty(),
        "{:?}",
        sim.non_read_calls()
    );

    let dir = reports();
    rootsweep(
        &sim,
        dir.path(),
        &["users", "deactivate", "--yes", "--exclude", EXCLUDE],
    )
    .expect_code(0);
    let changed: Vec<Value> = sim.non_read_calls();
    assert_eq!(
        operations(&changed),
        ["UpdateAccessKey", "UpdateAccessKey"],
        "only the two unused keys: {changed:?}"
    );
    let state = sim.state();
    let keys = |account: &str, user: &str| {
        state["accounts"][account]["users"][user]["access_keys"].clone()
    };
    assert!(keys("222222222202", "keyold")
        .to_string()
        .contains("Inactive"));
    assert!(keys("222222222202", "olduser")
        .to_string()
        .contains("Inactive"));
    // The caller's own key signs the run: untouched.
    assert!(!keys("111111111111", "admin")
        .to_string()
        .contains("Inactive"));
    let csv = Csv::read(&report(dir.path(), "users-deactivate-", ".csv"));
    assert_eq!(
        csv.header,
        "account_id,account_name,user_name,credential_type,credential_id,last_used,age_days,outcome,verified,error"
    );
    let done: Vec<_> = csv
        .rows
        .iter()
        .filter(|r| r["outcome"] == "deactivated")
        .collect();
    assert_eq!(done.len(), 2);
    assert!(done.iter().all(|r| r["verified"] == "yes"));
    let undo = report(dir.path(), "users-deactivated-", ".json");
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(&undo).expect("undo")).expect("valid JSON");
    assert_eq!(record["credentials"].as_array().map(Vec::len), Some(2));
    assert_eq!(record["caller"], "arn:aws:iam::111111111111:user/admin");

    // A re-run changes nothing.
    let calls = sim.non_read_calls().len();
    let again = reports();
    rootsweep(
        &sim,
        again.path(),
        &["users", "deactivate", "--yes", "--exclude", EXCLUDE],
    )
    .expect_code(0);
    assert_eq!(sim.non_read_calls().len(), calls);

    // Reactivation: a dry run calls nothing; then exactly the record's credentials come back.
    let from = undo.to_str().expect("path");
    let back = reports();
    rootsweep(
        &sim,
        back.path(),
        &["users", "reactivate", "--from", from, "--dry-run"],
    )
    .expect_code(0);
    assert_eq!(sim.non_read_calls().len(), calls);
    rootsweep(
        &sim,
        back.path(),
        &[
            "users",
            "reactivate",
            "--from",
            from,
            "--only",
            "222222222202/keyold",
            "--yes",
        ],
    )
    .expect_code(0);
    let after: Vec<Value> = sim.non_read_calls()[calls..].to_vec();
    assert_eq!(operations(&after), ["UpdateAccessKey"], "{after:?}");
    let state = sim.state();
    let keyold = state["accounts"]["222222222202"]["users"]["keyold"]["access_keys"].to_string();
    assert!(!keyold.contains("Inactive"), "{keyold}");
    // The whole record now: keyold changed since (already Active) is refused, olduser comes
    // back; the account is not all refused, so the run goes on, and ends 4 (a refusal).
    let whole = reports();
    rootsweep(
        &sim,
        whole.path(),
        &["users", "reactivate", "--from", from, "--yes"],
    )
    .expect_code(4);
    let csv = Csv::read(&report(whole.path(), "users-reactivate-2", ".csv"));
    let outcome = |user: &str| {
        csv.rows
            .iter()
            .find(|r| r["user_name"] == user)
            .map(|r| r["outcome"].clone())
            .unwrap_or_default()
    };
    assert_eq!(outcome("keyold"), "refused");
    assert_eq!(outcome("olduser"), "reactivated");
    let state = sim.state();
    let olduser = state["accounts"]["222222222202"]["users"]["olduser"]["access_keys"].to_string();
    assert!(!olduser.contains("Inactive"), "{olduser}");
}
