//! Interruptions: the first SIGINT/SIGTERM starts no new accounts and ends every wait and read
//! at once; every account is still written exactly once, in-flight ones as `interrupted`.

use crate::support::cli::{finish, report, reports, spawn, Csv};
use crate::support::scenario::{org, ENABLED};
use crate::support::sim::Sim;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

fn many_eligible(count: usize, latency_ms: u32) -> String {
    org(
        ENABLED,
        &format!(
            "[generate]\ncount = {count}\nseed = 11\nlogin_profile = 1.0\nmfa_virtual = 1.0\nmfa_hardware = 0.0\nmfa_fido = 0.0\naccess_keys = 0.0\nsigning_certificates = 0.0\nsuspended = 0.0\n\n[latency]\nsts = {latency_ms}\niam = {latency_ms}\n"
        ),
    )
}

pub(crate) fn signal(pid: u32, name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

/// Waits until the CSV with this prefix has at least `rows` data rows.
pub(crate) fn wait_for_rows(dir: &Path, prefix: &str, rows: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = std::fs::read_dir(dir)
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".csv"))
            })
            .any(|p| {
                std::fs::read_to_string(p)
                    .map(|t| t.lines().count() > rows)
                    .unwrap_or(false)
            });
        if done {
            return;
        }
        assert!(Instant::now() < deadline, "no {prefix} rows within 60 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn ids_once(csv: &Csv) -> BTreeSet<String> {
    let mut seen = HashMap::new();
    for row in &csv.rows {
        *seen.entry(row["account_id"].clone()).or_insert(0) += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "accounts reported twice: {twice:?}");
    seen.into_keys().collect()
}

#[test]
fn sigint_mid_delete_stops_at_once_and_reports_every_account_once() {
    interrupted_delete("INT", 130);
}

#[test]
fn sigterm_mid_delete_stops_at_once_and_reports_every_account_once() {
    interrupted_delete("TERM", 143);
}

fn interrupted_delete(name: &str, code: i32) {
    let sim = Sim::start_toml(&many_eligible(200, 20));
    let dir = reports();
    let child = spawn(&sim, dir.path(), &["delete", "--yes", "--concurrency", "8"]);
    wait_for_rows(dir.path(), "delete-", 20);
    signal(child.id(), name);
    let run = finish(child);
    run.expect_code(code);

    let csv = Csv::read(&report(dir.path(), "delete-", ".csv"));
    let ids = ids_once(&csv);
    assert_eq!(ids.len(), 200, "every targeted account appears");
    let outcome = |id: &str| csv.account(id)["outcome"].clone();
    let not_started = csv
        .rows
        .iter()
        .filter(|r| r["outcome"] == "not-started")
        .count();
    assert!(not_started > 0, "the interrupt came mid-run");
    for row in &csv.rows {
        match row["outcome"].as_str() {
            "deleted" => assert_eq!(row["verified"], "yes", "{row:?}"),
            // In flight when the signal came: what was done is recorded, nothing claimed verified.
            "interrupted" => assert_ne!(row["verified"], "yes", "{row:?}"),
            "not-started" => {}
            other => panic!("unexpected outcome {other}: {row:?}"),
        }
    }
    // Every account the simulator saw a change in is reported as deleted (verified) or as
    // interrupted, and every not-started account is untouched.
    let touched: BTreeSet<String> = sim
        .mutating_calls()
        .iter()
        .filter_map(|c| c["account"].as_str().map(str::to_string))
        .collect();
    for id in &touched {
        assert!(
            ["deleted", "interrupted"].contains(&outcome(id).as_str()),
            "{id} was changed but reported {}",
            outcome(id)
        );
    }
    let state = sim.state();
    for row in csv.rows.iter().filter(|r| r["outcome"] == "not-started") {
        let root = &state["accounts"][&row["account_id"]]["root"];
        assert!(
            root["login_profile"].is_object(),
            "{} was touched",
            row["account_id"]
        );
    }
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(report(dir.path(), "delete-", ".json")).expect("json"),
    )
    .expect("valid");
    assert_eq!(json["complete"], false);
}

#[test]
fn sigterm_mid_audit_exits_143_with_every_account_reported_once() {
    interrupted_audit("TERM", 143);
}

#[test]
fn sigint_mid_audit_exits_130_with_every_account_reported_once() {
    interrupted_audit("INT", 130);
}

fn interrupted_audit(name: &str, code: i32) {
    let sim = Sim::start_toml(&many_eligible(120, 30));
    let dir = reports();
    let child = spawn(&sim, dir.path(), &["audit", "--concurrency", "4"]);
    wait_for_rows(dir.path(), "audit-", 10);
    signal(child.id(), name);
    let run = finish(child);
    run.expect_code(code);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(
        ids_once(&csv).len(),
        121,
        "120 members and the management account"
    );
    let interrupted = csv
        .rows
        .iter()
        .filter(|r| r["error"] == "skipped: not audited: the run was interrupted")
        .count();
    assert!(interrupted > 0);
    assert!(csv
        .rows
        .iter()
        .all(|r| r["verdict"] != "clean" || r["error"].is_empty()));
    assert_eq!(sim.mutating_calls().len(), 0);
}

#[test]
fn sigkill_mid_delete_then_a_rerun_reports_the_truth_and_changes_nothing_twice() {
    let sim = Sim::start_toml(&many_eligible(60, 20));
    let first = reports();
    let child = spawn(
        &sim,
        first.path(),
        &["delete", "--yes", "--concurrency", "4"],
    );
    wait_for_rows(first.path(), "delete-", 5);
    signal(child.id(), "KILL");
    let killed = finish(child);
    assert_eq!(killed.code, -1, "killed by the signal");
    let changed_before: BTreeSet<String> = sim
        .mutating_calls()
        .iter()
        .filter_map(|c| c["account"].as_str().map(str::to_string))
        .collect();
    assert!(!changed_before.is_empty() && changed_before.len() < 60);

    let second = reports();
    let run = crate::support::cli::rootsweep(&sim, second.path(), &["delete", "--yes"]);
    run.expect_code(0);
    let csv = Csv::read(&report(second.path(), "delete-", ".csv"));
    assert_eq!(ids_once(&csv).len(), 60);
    let state = sim.state();
    for row in &csv.rows {
        let id = &row["account_id"];
        let root = &state["accounts"][id]["root"];
        assert!(root["login_profile"].is_null(), "{id} still has a password");
        assert_eq!(
            root["mfa_devices"].as_array().map(Vec::len),
            Some(0),
            "{id}"
        );
        // Accounts fully cleaned before the kill are already clean; a half-done one is finished.
        let expected = if changed_before.contains(id) {
            ["already-clean", "deleted"]
        } else {
            ["deleted", "deleted"]
        };
        assert!(expected.contains(&row["outcome"].as_str()), "{id}: {row:?}");
    }
    // Nothing was changed twice: one successful change per credential.
    let mut successes: HashMap<(String, String), usize> = HashMap::new();
    for c in sim.mutating_calls().iter().filter(|c| c["status"] == 200) {
        let key = (
            c["account"].as_str().unwrap_or("").to_string(),
            c["operation"].as_str().unwrap_or("").to_string(),
        );
        *successes.entry(key).or_insert(0) += 1;
    }
    assert!(successes.values().all(|n| *n == 1), "{successes:?}");
}

/// A flat organization of `count` members whose ListAccounts pages take `page_ms` each.
fn slow_listing(count: usize, page_ms: u32) -> String {
    org(
        ENABLED,
        &format!("[generate]\ncount = {count}\nseed = 3\n\n[latency]\nListAccounts = {page_ms}\n"),
    )
}

#[test]
fn sigint_during_a_slow_listing_stops_it_at_once_and_exits_130() {
    // A page on the wire outlasts the read grace: the call given up for the signal is the
    // interruption, never "enumeration failed" (exit 1).
    interrupted_listing(201, 2600, "INT", 130);
}

#[test]
fn sigterm_during_a_slow_listing_fetches_no_further_page_and_exits_143() {
    // Pages shorter than the read grace: no further page is asked for after the signal (all
    // 20 of them would take 30 s).
    interrupted_listing(400, 1500, "TERM", 143);
}

fn interrupted_listing(count: usize, page_ms: u32, name: &str, code: i32) {
    let sim = Sim::start_toml(&slow_listing(count, page_ms));
    let dir = reports();
    let child = spawn(&sim, dir.path(), &["audit", "--concurrency", "8"]);
    wait_for_rows(dir.path(), "audit-", 20);
    let pages_before = sim
        .calls()
        .iter()
        .filter(|c| c["operation"] == "ListAccounts")
        .count();
    let signalled = Instant::now();
    signal(child.id(), name);
    let run = finish(child);
    let took = signalled.elapsed();
    run.expect_code(code);
    assert!(
        took < Duration::from_secs(5),
        "exit {took:?} after the signal"
    );
    let pages_after = sim
        .calls()
        .iter()
        .filter(|c| c["operation"] == "ListAccounts")
        .count();
    assert!(
        pages_after <= pages_before + 1,
        "{pages_before} pages asked for before the signal, {pages_after} in all"
    );
    assert!(
        run.stdout
            .contains("INCOMPLETE: interrupted: the listing was interrupted"),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains("enumeration failed"), "{}", run.stderr);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    let found = ids_once(&csv).len();
    assert!(
        found >= 20 && found < count + 1,
        "{found} accounts in the report"
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(report(dir.path(), "audit-", ".json")).expect("json"),
    )
    .expect("valid");
    assert_eq!(json["complete"], false, "{json}");
    let reason = json["incomplete_reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(&format!("the report lists only the {found} accounts found")),
        "{reason}"
    );
}
