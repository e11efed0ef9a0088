//! Target filters: ids, files, OUs, exclusions; unknown ids and OUs are errors before any
//! AssumeRoot call.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::shipped;
use crate::support::sim::Sim;

fn assume_root_calls(sim: &Sim) -> usize {
    sim.calls()
        .iter()
        .filter(|c| c["operation"] == "AssumeRoot")
        .count()
}

fn audited(csv: &Csv) -> Vec<String> {
    let mut ids: Vec<String> = csv
        .rows
        .iter()
        .filter(|r| r["verdict"] != "skipped")
        .map(|r| r["account_id"].clone())
        .collect();
    ids.sort();
    ids
}

#[test]
fn accounts_filter_audits_only_those_and_lists_the_rest_as_not_selected() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    rootsweep(
        &sim,
        dir.path(),
        &["audit", "--accounts", "222222222201,222222222202"],
    )
    .expect_code(0);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(audited(&csv), vec!["222222222201", "222222222202"]);
    assert_eq!(
        csv.account("222222222206")["error"],
        "skipped: not selected by the target filters"
    );
    assert_eq!(assume_root_calls(&sim), 2);
}

#[test]
fn an_id_not_in_the_organization_is_an_error_before_any_assume_root() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(
        &sim,
        dir.path(),
        &["audit", "--accounts", "222222222201,999999999999"],
    );
    run.expect_code(2);
    assert!(run.stderr.contains("999999999999"), "{}", run.stderr);
    assert_eq!(assume_root_calls(&sim), 0);
}

#[test]
fn a_malformed_id_is_an_error_before_any_aws_call() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit", "--accounts", "12345"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("`12345` is not a 12-digit AWS account id"),
        "{}",
        run.stderr
    );
    assert!(sim.calls().is_empty());
}

#[test]
fn an_unknown_ou_is_an_error_before_any_assume_root() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit", "--ou", "ou-a1b2-nothere1"]);
    run.expect_code(2);
    assert!(run.stderr.contains("ou-a1b2-nothere1"), "{}", run.stderr);
    assert_eq!(assume_root_calls(&sim), 0);
}

#[test]
fn ou_filter_covers_the_whole_subtree_and_exclude_wins() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    rootsweep(
        &sim,
        dir.path(),
        &[
            "audit",
            "--ou",
            "ou-a1b2-prod0001",
            "--exclude",
            "222222222203",
        ],
    )
    .expect_code(4);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    // Prod holds 201, 202, 203, 207; its child OU Dev holds 204, 205, 212.
    assert_eq!(
        audited(&csv),
        vec![
            "222222222201",
            "222222222202",
            "222222222204",
            "222222222205",
            "222222222207",
            "222222222212"
        ]
    );
    assert_eq!(csv.account("222222222204")["ou_path"], "Root/Prod/Dev");
    assert_eq!(
        csv.account("222222222204")["ou_ids"],
        "r-a1b2/ou-a1b2-prod0001/ou-a1b2-dev00001"
    );
}

#[test]
fn accounts_file_is_read_with_comments_and_an_empty_file_is_an_error() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let list = dir.path().join("ids.txt");
    std::fs::write(&list, "# eligible ones\n222222222201\n222222222205 # dev\n").expect("write");
    rootsweep(
        &sim,
        dir.path(),
        &["audit", "--accounts-file", list.to_str().expect("utf8")],
    )
    .expect_code(0);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(audited(&csv), vec!["222222222201", "222222222205"]);

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "# nothing yet\n").expect("write");
    let calls_before = sim.calls().len();
    let run = rootsweep(
        &sim,
        dir.path(),
        &["audit", "--accounts-file", empty.to_str().expect("utf8")],
    );
    run.expect_code(2);
    assert!(
        run.stderr.contains("lists no account ids"),
        "{}",
        run.stderr
    );
    assert_eq!(
        sim.calls().len(),
        calls_before,
        "no AWS call for a bad accounts file"
    );
}
