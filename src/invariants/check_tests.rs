//! Each invariant shown to fail: a run's observations, broken one way at a time, and the checker
//! naming exactly that invariant.

use super::*;
use serde_json::json;

const A: &str = "222222222222";

fn eligible() -> Root {
    Root {
        login_profile: true,
        mfa: vec!["GAHT1".into()],
        ..Root::default()
    }
}

fn report(rows: Vec<Value>, plan: Vec<Value>) -> Report {
    let csv = rows
        .iter()
        .map(|r| {
            r.as_object()
                .expect("row")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .collect();
    Report {
        rows,
        complete: true,
        csv,
        plan,
        json_written: true,
        ..Report::default()
    }
}

/// A clean delete of one eligible account: every invariant holds.
fn good() -> Observed {
    Observed {
        job: Job::Delete,
        changing: true,
        accounts: vec![(A.into(), "ACTIVE".into(), eligible())],
        named: Vec::new(),
        read: report(
            vec![json!({"account_id": A, "verdict": "eligible"})],
            Vec::new(),
        ),
        change: Some(report(
            vec![json!({"account_id": A, "outcome": "deleted"})],
            vec![
                json!({"account_id": A, "steps": ["DeleteLoginProfile", {"DeactivateMfaDevice": "GAHT1"}]}),
            ],
        )),
        after: [(A.to_string(), Root::default())].into(),
        seen: Seen {
            made: vec![
                ("DeleteLoginProfile".into(), A.into()),
                ("DeactivateMFADevice".into(), A.into()),
            ],
            ..Seen::default()
        },
        exit: 0,
        after_signal: None,
        write_failed: false,
    }
}

/// `good()` whose change report lost its CSV from the first row on (exit 1, incomplete).
fn csv_lost() -> Observed {
    let mut o = good();
    o.write_failed = true;
    o.exit = 1;
    let change = o.change.as_mut().expect("change");
    change.csv.clear();
    change.csv_failed = true;
    change.complete = false;
    o
}

fn broken_by(change: impl FnOnce(&mut Observed)) -> Vec<String> {
    let mut o = good();
    change(&mut o);
    check(&o)
}

fn assert_only(broken: Vec<String>, invariant: &str) {
    assert!(!broken.is_empty(), "nothing caught, expected {invariant}");
    assert!(
        broken.iter().all(|b| b.starts_with(invariant)),
        "{invariant}: {broken:?}"
    );
}

#[test]
fn a_good_run_breaks_nothing() {
    assert_eq!(check(&good()), Vec::<String>::new());
}

#[test]
fn complete_catches_a_missing_a_doubled_and_a_disagreeing_row_and_a_false_complete() {
    assert_only(broken_by(|o| o.read.rows.clear()), "complete");
    assert_only(
        broken_by(|o| {
            let row = o.read.rows[0].clone();
            o.read.rows.push(row);
        }),
        "complete",
    );
    assert_only(broken_by(|o| o.read.csv.clear()), "complete");
    let broken = broken_by(|o| {
        o.seen.signalled = true;
        o.exit = 130;
    });
    assert!(
        broken
            .iter()
            .any(|b| b.contains("change report is complete")),
        "{broken:?}"
    );
    assert!(
        !broken.iter().any(|b| b.contains("read report is complete")),
        "{broken:?}"
    );
    let broken = broken_by(|o| {
        o.seen.signalled = true;
        o.seen.signalled_reading = true;
        o.exit = 130;
    });
    assert!(
        broken.iter().any(|b| b.contains("read report is complete")),
        "{broken:?}"
    );
    assert_only(
        broken_by(|o| {
            if let Some(c) = o.change.as_mut() {
                c.rows.clear();
                c.csv.clear();
            }
        }),
        "complete",
    );
}

#[test]
fn true_catches_done_that_the_world_denies_and_a_failed_read_called_clean() {
    assert_only(
        broken_by(|o| o.after = [(A.to_string(), eligible())].into()),
        "true",
    );
    assert_only(
        broken_by(|o| {
            o.seen.reads_failed.insert(A.into());
        }),
        "true",
    );
    assert_only(
        broken_by(|o| {
            if let Some(c) = o.change.as_mut() {
                c.rows[0]["outcome"] = json!("already-clean");
            }
        }),
        "true",
    );
}

#[test]
fn the_plan_catches_a_change_it_did_not_show_and_any_change_in_a_read_only_run() {
    assert_only(
        broken_by(|o| {
            if let Some(c) = o.change.as_mut() {
                c.plan[0]["steps"] = json!(["DeleteLoginProfile"]);
            }
        }),
        "plan",
    );
    assert_only(broken_by(|o| o.changing = false), "plan");
}

#[test]
fn safe_catches_a_change_beside_root_keys_and_in_the_management_account() {
    assert_only(
        broken_by(|o| o.seen.unsafe_changes = vec![("DeleteLoginProfile".into(), A.into())]),
        "safe",
    );
    let broken = broken_by(|o| {
        o.seen
            .made
            .push(("DeleteLoginProfile".into(), MANAGEMENT.into()))
    });
    assert!(broken.iter().any(|b| b.starts_with("safe")), "{broken:?}");
}

#[test]
fn exit_catches_0_over_unknown_incomplete_signalled_or_a_skipped_named_account() {
    assert_only(
        broken_by(|o| o.read.rows[0]["verdict"] = json!("unknown")),
        "exit",
    );
    assert_only(
        broken_by(|o| {
            if let Some(c) = o.change.as_mut() {
                c.complete = false;
            }
        }),
        "exit",
    );
    assert_only(
        broken_by(|o| {
            o.named = vec![A.into()];
            o.read.rows[0]["verdict"] = json!("skipped");
            o.read.csv[0].insert("verdict".into(), "skipped".into());
        }),
        "exit",
    );
    assert_only(broken_by(|o| o.exit = 5), "exit");
    let broken = broken_by(|o| {
        o.seen.signalled = true;
        o.read.complete = false;
        if let Some(c) = o.change.as_mut() {
            c.complete = false;
        }
    });
    assert!(broken.iter().all(|b| b.starts_with("exit")), "{broken:?}");
    assert!(!broken.is_empty());
}

#[test]
fn ends_catches_a_run_that_outlives_its_signal() {
    assert_only(
        broken_by(|o| o.after_signal = Some(Duration::from_secs(31))),
        "ends",
    );
    assert_eq!(
        check(&Observed {
            after_signal: Some(Duration::from_secs(29)),
            ..good()
        }),
        Vec::<String>::new()
    );
}

#[test]
fn a_lost_report_write_is_held_to_the_other_file_and_exit_1() {
    assert_eq!(check(&csv_lost()), Vec::<String>::new());
    // Any exit but 1 after a report write failed.
    for exit in [0, 4, 130] {
        let mut o = csv_lost();
        o.exit = exit;
        assert_only(check(&o), "exit");
    }
    // The JSON claims completeness although the CSV was not written.
    let mut o = csv_lost();
    o.change.as_mut().expect("change").complete = true;
    assert_only(check(&o), "complete");
    // The CSV holds a row the JSON does not begin with.
    let mut o = csv_lost();
    o.change.as_mut().expect("change").csv =
        vec![[("account_id".to_string(), "999999999999".to_string())].into()];
    assert_only(check(&o), "complete");
    // The JSON was lost: the CSV must then hold every account changed.
    let mut o = good();
    o.write_failed = true;
    o.exit = 1;
    let change = o.change.as_mut().expect("change");
    change.json_failed = true;
    change.json_written = false;
    change.rows.clear();
    assert_eq!(check(&o), Vec::<String>::new());
    o.change.as_mut().expect("change").csv.clear();
    assert_only(check(&o), "complete");
}

#[test]
fn a_change_report_never_created_allows_no_change() {
    let mut o = csv_lost();
    let change = o.change.as_mut().expect("change");
    change.rows.clear();
    change.json_written = false;
    assert_only(check(&o), "recorded");
    o.seen.made.clear();
    o.after = [(A.to_string(), eligible())].into();
    assert_eq!(check(&o), Vec::<String>::new());
}

#[test]
fn any_failed_write_forbids_exit_0() {
    assert_only(broken_by(|o| o.write_failed = true), "exit");
}

#[test]
fn a_listing_cut_by_a_signal_is_held_to_the_accounts_it_says_it_found() {
    // An audit interrupted while the organization was listed: one account of two was found.
    let cut = |said: usize, signalled: bool| {
        let mut o = good();
        o.job = Job::Audit;
        o.changing = false;
        o.change = None;
        o.seen.made.clear();
        o.after = [
            (A.to_string(), eligible()),
            ("222222222299".into(), eligible()),
        ]
        .into();
        o.accounts
            .push(("222222222299".into(), "ACTIVE".into(), eligible()));
        o.read.complete = false;
        o.read.incomplete_reason = format!(
            "interrupted: the listing was interrupted: the report lists only the {said} accounts found before the signal"
        );
        o.seen.signalled = signalled;
        o.seen.signalled_reading = signalled;
        o.exit = 130;
        check(&o)
    };
    assert_eq!(cut(1, true), Vec::<String>::new());
    // The reason miscounts what the report lists.
    assert_only(cut(2, true), "complete");
    // A listing cut short with no signal.
    assert!(
        cut(1, false)
            .iter()
            .any(|b| b.contains("cut short with no signal")),
        "{:?}",
        cut(1, false)
    );
}
