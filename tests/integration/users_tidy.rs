//! `rootsweep users tidy` end to end against `sim serve`'s users scenario: exactly the redundant
//! direct policies detached (state before and after: every membership, every group policy and
//! every other direct policy unchanged), a dry run that prints each call and makes no mutating
//! call, and a re-run that detaches nothing.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::shipped;
use crate::support::sim::Sim;
use serde_json::Value;

const EXCLUDE: &str = "222222222203,222222222205";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

fn accounts(sim: &Sim) -> Value {
    sim.state()["accounts"].clone()
}

#[test]
fn users_tidy_detaches_only_the_redundant_direct_policies() {
    let sim = Sim::start(shipped("users.toml"));
    let before = accounts(&sim);
    let dir = reports();
    rootsweep(
        &sim,
        dir.path(),
        &["users", "tidy", "--yes", "--exclude", EXCLUDE],
    )
    .expect_code(0);
    let after = accounts(&sim);

    // The redundant ones are gone, and only them.
    let expected: &[(&str, &str, &[&str])] = &[
        ("222222222201", "alice", &[READ]),
        ("222222222201", "=cmd+1", &[]),
        ("222222222202", "olduser", &[]),
        ("111111111111", "admin", &[ADMIN]),
        ("111111111111", "breakglass", &[ADMIN]),
    ];
    for (account, user, policies) in expected {
        assert_eq!(
            after[account]["users"][user]["attached_policies"],
            serde_json::json!(policies),
            "{account}/{user}"
        );
    }
    // Nothing else changed: memberships, group policies, inline policies, credentials.
    for (id, account) in before.as_object().expect("accounts") {
        for (name, user) in account["users"].as_object().into_iter().flatten() {
            let now = &after[id]["users"][name];
            for field in [
                "groups",
                "inline_policies",
                "access_keys",
                "mfa_devices",
                "password",
            ] {
                assert_eq!(now[field], user[field], "{id}/{name} {field}");
            }
        }
        assert_eq!(after[id]["groups"], account["groups"], "{id} groups");
    }
    let detaches: Vec<Value> = sim
        .non_read_calls()
        .into_iter()
        .filter(|c| c["operation"] != "DetachUserPolicy")
        .collect();
    assert!(detaches.is_empty(), "only DetachUserPolicy: {detaches:?}");

    let csv = Csv::read(&report(dir.path(), "users-tidy-", ".csv"));
    assert_eq!(
        csv.header,
        "account_id,account_name,user_name,policy_arn,group,outcome,error"
    );
    let alice: Vec<_> = csv
        .rows
        .iter()
        .filter(|r| r["user_name"] == "alice")
        .collect();
    assert_eq!(alice.len(), 1);
    assert_eq!(alice[0]["policy_arn"], ADMIN);
    assert_eq!(alice[0]["group"], "admins");
    assert_eq!(alice[0]["outcome"], "detached");

    // A re-run finds nothing redundant and makes no mutating call.
    let calls = sim.non_read_calls().len();
    let again = reports();
    rootsweep(
        &sim,
        again.path(),
        &["users", "tidy", "--yes", "--exclude", EXCLUDE],
    )
    .expect_code(0);
    assert_eq!(sim.non_read_calls().len(), calls);
}

#[test]
fn a_tidy_dry_run_prints_each_call_and_makes_no_mutating_call() {
    let sim = Sim::start(shipped("users.toml"));
    let dir = reports();
    let run = rootsweep(
        &sim,
        dir.path(),
        &["users", "tidy", "--dry-run", "--exclude", EXCLUDE],
    );
    run.expect_code(0);
    assert!(
        run.stdout
            .contains(&format!("DetachUserPolicy alice {ADMIN}")),
        "{}",
        run.stdout
    );
    assert!(
        sim.non_read_calls().is_empty(),
        "{:?}",
        sim.non_read_calls()
    );
}

#[test]
fn a_tidy_without_yes_and_no_terminal_exits_2_and_changes_nothing() {
    let sim = Sim::start(shipped("users.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["users", "tidy", "--exclude", EXCLUDE]);
    run.expect_code(2);
    assert!(run.stderr.contains("re-run with --yes"), "{}", run.stderr);
    assert!(
        sim.non_read_calls().is_empty(),
        "{:?}",
        sim.non_read_calls()
    );
}
