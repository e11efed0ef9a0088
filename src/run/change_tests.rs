//! The change stage's pure parts: the attention table (which accounts it names, and with what)
//! and the outcome an entry's plan decides.

use super::{attention, planned, untouched_or, Summary};
use crate::run::job::{Applied, Disposition, Entry, Outcome, Verified};

fn summary(id: &str, outcome: Outcome, error: &str) -> Summary {
    Summary {
        account_id: id.into(),
        account_name: format!("name-{id}"),
        outcome,
        error: error.into(),
    }
}

/// The label a job gives an outcome; distinct from the outcome's own name, so a test sees it.
fn label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Failed => "label-failed",
        Outcome::Interrupted => "label-interrupted",
        Outcome::Skipped => "label-skipped",
        _ => "label-other",
    }
}

/// The data lines of a rendered table that name `id`.
fn lines_naming<'t>(table: &'t str, id: &str) -> Vec<&'t str> {
    table.lines().filter(|l| l.contains(id)).collect()
}

/// `table` names `id` on exactly one line, and that line holds every one of `cells`.
fn assert_named(table: &str, id: &str, cells: &[&str]) {
    let lines = lines_naming(table, id);
    assert_eq!(lines.len(), 1, "{id}: {table}");
    for cell in cells {
        assert!(lines[0].contains(cell), "{cell} missing: {table}");
    }
}

#[test]
fn no_account_needing_attention_gives_no_table_at_all() {
    let outcomes = [
        summary("111111111111", Outcome::Done, ""),
        summary("222222222222", Outcome::AlreadyClean, ""),
        // Refused at plan time and skipped on request: its reason is in the report, not here.
        summary(
            "333333333333",
            Outcome::SkippedBlocked,
            "root access keys remain",
        ),
        summary("444444444444", Outcome::NotStarted, "the run stopped first"),
    ];
    assert_eq!(attention(&outcomes, label), "");
    assert_eq!(attention(&[], label), "");
}

#[test]
fn a_failed_or_skipped_account_is_named_with_its_label_and_its_error() {
    let outcomes = [
        summary("111111111111", Outcome::Done, ""),
        summary(
            "222222222222",
            Outcome::Failed,
            "DeleteLoginProfile: AccessDenied",
        ),
        summary("333333333333", Outcome::Skipped, "key used since the audit"),
    ];
    let table = attention(&outcomes, label);
    assert!(table.ends_with('\n'), "{table}");
    for header in ["account", "name", "outcome", "error"] {
        assert!(table.contains(header), "{table}");
    }
    assert!(lines_naming(&table, "111111111111").is_empty(), "{table}");
    assert_named(
        &table,
        "222222222222",
        &[
            "name-222222222222",
            "label-failed",
            "DeleteLoginProfile: AccessDenied",
        ],
    );
    assert_named(
        &table,
        "333333333333",
        &["label-skipped", "key used since the audit"],
    );
}

#[test]
fn an_interrupted_account_is_named_even_without_an_error() {
    let outcomes = [summary("555555555555", Outcome::Interrupted, "")];
    let table = attention(&outcomes, label);
    assert_named(&table, "555555555555", &["label-interrupted"]);
}

fn entry(disposition: Disposition, reason: Option<&str>) -> Entry<u8> {
    Entry {
        account_id: "777777777777".into(),
        account_name: "seven".into(),
        verdict: "v",
        disposition,
        steps: if disposition == Disposition::Change {
            vec![1, 2]
        } else {
            vec![]
        },
        reason: reason.map(str::to_string),
    }
}

#[test]
fn an_entry_without_steps_keeps_the_outcome_and_reason_its_plan_decided() {
    let cases = [
        (Disposition::AlreadyClean, Outcome::AlreadyClean),
        (Disposition::NothingInScope, Outcome::NothingInScope),
        (Disposition::Blocked, Outcome::SkippedBlocked),
        (Disposition::Unknown, Outcome::SkippedUnknown),
    ];
    for (disposition, outcome) in cases {
        let decided: Applied<u8> =
            planned(&entry(disposition, Some("why the plan said so"))).expect("decided");
        assert_eq!(decided.outcome, outcome, "{disposition:?}");
        assert_eq!(decided.error, "why the plan said so", "{disposition:?}");
        assert!(decided.done.is_empty());
        assert_eq!(decided.verified, Verified::NotApplicable);
        // A stop before the account keeps that outcome too: nothing was planned to change.
        let kept: Applied<u8> =
            untouched_or(&entry(disposition, None), Outcome::NotStarted, "stop");
        assert_eq!((kept.outcome, kept.error.as_str()), (outcome, ""));
    }
}

#[test]
fn an_entry_with_steps_is_decided_by_its_apply_or_by_the_stop_that_kept_it_from_starting() {
    let change = entry(Disposition::Change, None);
    assert!(planned::<u8, ()>(&change).is_none());
    let stopped: Applied<u8> = untouched_or(&change, Outcome::NotStarted, "the run stopped first");
    assert_eq!(stopped.outcome, Outcome::NotStarted);
    assert_eq!(stopped.error, "the run stopped first");
    assert!(stopped.done.is_empty());
}
