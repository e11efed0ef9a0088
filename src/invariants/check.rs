//! The checker: what must hold after every run, written from the README's promises (complete,
//! true, exactly the plan, safe, honest exit, ends), over what a run left — its reports, the
//! world before and after, what the fault wrapper saw, its exit code. Pure: each invariant is
//! shown to fail by a unit test that breaks it once.

use super::faulty::Seen;
use crate::root::fake::Root;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// The job of a generated run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// `audit`.
    Audit,
    /// `delete` (every scope).
    Delete,
    /// `recover`, over the named accounts.
    Recover,
}

/// One report as written: its JSON rows, whether it says it is complete, its CSV rows.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The JSON document's rows.
    pub rows: Vec<Value>,
    /// The JSON document's `complete`.
    pub complete: bool,
    /// The JSON document's `incomplete_reason` (empty when none).
    pub incomplete_reason: String,
    /// The CSV rows, by column.
    pub csv: Vec<BTreeMap<String, String>>,
    /// The JSON document's plan entries (change reports only).
    pub plan: Vec<Value>,
    /// The JSON file was written (and read back as a document).
    pub json_written: bool,
    /// A write fault hit the JSON file (it was not written).
    pub json_failed: bool,
    /// A write fault hit the CSV file (not created, or rows missing from some row on).
    pub csv_failed: bool,
}

/// Everything a run left.
#[derive(Debug, Clone)]
pub struct Observed {
    /// The job.
    pub job: Job,
    /// Whether the run was asked to change (a confirmed change mode).
    pub changing: bool,
    /// The accounts of the organization: id, state, root user before the run.
    pub accounts: Vec<(String, String, Root)>,
    /// The accounts named on the command line (empty: all).
    pub named: Vec<String>,
    /// The read stage's report.
    pub read: Report,
    /// The change stage's report, when one was written.
    pub change: Option<Report>,
    /// Every root user after the run.
    pub after: BTreeMap<String, Root>,
    /// What the fault wrapper saw.
    pub seen: Seen,
    /// The exit code.
    pub exit: u8,
    /// Virtual time from the signal (if any) to the end of the run.
    pub after_signal: Option<Duration>,
    /// A report write failed.
    pub write_failed: bool,
}

/// Verdicts and outcomes that are never a success.
pub(super) const NOT_DONE: [&str; 6] = [
    "unknown",
    "failed",
    "interrupted",
    "not-started",
    "changed-since-plan",
    "skipped-unknown",
];

/// The management account (never a target of these jobs).
const MANAGEMENT: &str = super::generate::MANAGEMENT;

/// Every invariant that does not hold, each as one line.
pub fn check(o: &Observed) -> Vec<String> {
    let mut broken = Vec::new();
    complete(o, &mut broken);
    truthful(o, &mut broken);
    exactly_the_plan(o, &mut broken);
    safe(o, &mut broken);
    honest_exit(o, &mut broken);
    ends(o, &mut broken);
    broken
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["account_id"].as_str().unwrap_or("").to_string())
        .collect()
}

fn word<'a>(row: &'a Value, key: &str) -> &'a str {
    row[key].as_str().unwrap_or("")
}

/// 1. Every targeted account exactly once in every report, CSV and JSON alike; `complete` only
///    when nothing stopped the run.
fn complete(o: &Observed, broken: &mut Vec<String>) {
    let targeted: BTreeSet<&str> = o
        .accounts
        .iter()
        .map(|(id, _, _)| id.as_str())
        .filter(|id| o.named.is_empty() || o.named.iter().any(|n| n == id))
        .collect();
    let mut reports = vec![("read", &o.read)];
    if let Some(change) = &o.change {
        reports.push(("change", change));
    }
    for (name, report) in reports {
        let csv: Vec<String> = report.csv.iter().map(|r| r["account_id"].clone()).collect();
        if report.csv_failed && report.json_failed {
            // The record went to stderr, the last resort; only the exit code is seen here.
            continue;
        }
        if report.csv_failed && report.csv.is_empty() && !report.json_written {
            // The CSV could not be created: the stage ended before it began.
            if name == "change" && !o.seen.made.is_empty() {
                broken.push("recorded: changes made with no change report".into());
            }
            continue;
        }
        // The JSON holds every row; when it could not be written, the CSV does.
        let seen = if report.json_failed {
            csv.clone()
        } else {
            ids(&report.rows)
        };
        let unique: BTreeSet<&str> = seen.iter().map(String::as_str).collect();
        if unique.len() != seen.len() {
            broken.push(format!("complete: an account twice in the {name} report"));
        }
        if report.csv_failed {
            // Rows are written in order until the write that failed.
            if !seen.starts_with(&csv) {
                broken.push(format!(
                    "complete: the {name} CSV is not the JSON's first rows"
                ));
            }
            if report.complete {
                broken.push(format!(
                    "complete: the {name} report is complete, its CSV was not written"
                ));
            }
        } else if csv != seen {
            broken.push(format!("complete: the {name} CSV and JSON disagree"));
        }
        let stopped = if name == "read" {
            o.seen.signalled_reading
        } else {
            o.seen.signalled
        };
        if report.complete && stopped {
            broken.push(format!(
                "complete: the {name} report is complete after a signal"
            ));
        }
        let expected: BTreeSet<&str> = if name == "read" {
            match listing_cut(report, stopped, unique.len()) {
                // The accounts the listing had found are the targets the run knows of.
                Some(Ok(())) => unique.clone(),
                Some(Err(why)) => {
                    broken.push(why);
                    targeted.clone()
                }
                None => targeted.clone(),
            }
        } else if report.json_failed {
            // The plan is in the JSON alone: the CSV must hold each account changed.
            o.seen.made.iter().map(|(_, a)| a.as_str()).collect()
        } else {
            report
                .plan
                .iter()
                .filter_map(|e| e["account_id"].as_str())
                .collect()
        };
        for id in expected.difference(&unique) {
            broken.push(format!("complete: {id} missing from the {name} report"));
        }
    }
}

/// The read report's account listing, cut short by a signal: `None` when the listing was not
/// cut; else whether the cut is honest — the report incomplete, a signal came, and it names as
/// many accounts found as it lists (`listed`).
fn listing_cut(report: &Report, signalled: bool, listed: usize) -> Option<Result<(), String>> {
    const CUT: &str = "the listing was interrupted: the report lists only the ";
    let at = report.incomplete_reason.find(CUT)?;
    let said = report.incomplete_reason[at + CUT.len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse::<usize>().ok());
    Some(if report.complete || !signalled {
        Err(
            "complete: the listing was cut short with no signal, or the report says complete"
                .into(),
        )
    } else if said != Some(listed) {
        Err(format!(
            "complete: the cut listing says {said:?} accounts found, the report lists {listed}"
        ))
    } else {
        Ok(())
    })
}

fn nothing_to_do(job: Job, root: &Root) -> bool {
    match job {
        Job::Recover => root.login_profile,
        _ => !root.login_profile && root.mfa.is_empty(),
    }
}

/// 2. Done only when the final world shows it; already-clean only when this run changed nothing
///    there and nothing is left; an account one of whose reads failed is unknown.
fn truthful(o: &Observed, broken: &mut Vec<String>) {
    for row in &o.read.rows {
        let id = word(row, "account_id");
        let verdict = word(row, "verdict");
        if o.seen.reads_failed.contains(id) && verdict != "unknown" && verdict != "skipped" {
            broken.push(format!("true: {id} had a read fail and is {verdict}"));
        }
    }
    let Some(change) = &o.change else { return };
    for row in &change.rows {
        let id = word(row, "account_id");
        let after = o.after.get(id).cloned().unwrap_or_default();
        let made_here = o.seen.made.iter().any(|(_, a)| a == id);
        match word(row, "outcome") {
            "deleted" | "recovered" if !nothing_to_do(o.job, &after) => broken.push(format!(
                "true: {id} reported done, the world says otherwise"
            )),
            "already-clean" | "already-recoverable"
                if made_here || !nothing_to_do(o.job, &after) =>
            {
                broken.push(format!(
                    "true: {id} reported already done, but this run changed it or it is not"
                ))
            }
            _ => {}
        }
    }
}

/// 3. The changes the world received are steps of the confirmed plan; none without a confirmed
///    change.
fn exactly_the_plan(o: &Observed, broken: &mut Vec<String>) {
    if !o.changing && !o.seen.made.is_empty() {
        broken.push(format!(
            "plan: {} change(s) in a run that changes nothing",
            o.seen.made.len()
        ));
        return;
    }
    let steps: Vec<String> = o
        .change
        .iter()
        .flat_map(|c| c.plan.iter())
        .flat_map(|e| {
            let id = word(e, "account_id").to_string();
            e["steps"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |s| format!("{id} {s}"))
        })
        .collect();
    for (op, account) in &o.seen.made {
        let planned = steps
            .iter()
            .any(|s| s.starts_with(account.as_str()) && step_matches(s, op));
        if !planned {
            broken.push(format!("plan: {op} in {account} is not a step of the plan"));
        }
    }
}

/// Whether a plan step (as its JSON text) is the operation `op`.
fn step_matches(step: &str, op: &str) -> bool {
    let key = match op {
        "DeleteLoginProfile" => "DeleteLoginProfile",
        "DeactivateMFADevice" => "DeactivateMfaDevice",
        "CreateLoginProfile" => "CreateLoginProfile",
        other => other,
    };
    step.contains(key)
}

/// 4. No root credential removed while the root user holds keys or certificates; never the
///    management account.
fn safe(o: &Observed, broken: &mut Vec<String>) {
    for (op, account) in &o.seen.unsafe_changes {
        broken.push(format!(
            "safe: {op} in {account} while it held keys or certificates"
        ));
    }
    if o.seen.made.iter().any(|(_, a)| a == MANAGEMENT) {
        broken.push("safe: a change in the management account".into());
    }
}

/// 6. Never 0 while anything is unknown, failed, not started or stopped; 0 only when complete.
fn honest_exit(o: &Observed, broken: &mut Vec<String>) {
    let reports = std::iter::once(&o.read).chain(o.change.iter());
    let not_done = reports.clone().flat_map(|r| r.rows.iter()).any(|row| {
        let word = if o.change.is_some() && row.get("outcome").is_some() {
            word(row, "outcome")
        } else {
            word(row, "verdict")
        };
        NOT_DONE.contains(&word)
    });
    let named_skipped = o.read.rows.iter().any(|row| {
        let id = word(row, "account_id");
        word(row, "verdict") == "skipped" && o.named.iter().any(|n| n == id)
    });
    if o.exit == 0 && (not_done || named_skipped || o.seen.signalled) {
        broken.push("exit: 0 although something is not done".into());
    }
    if o.exit == 0 && reports.clone().any(|r| !r.complete) {
        broken.push("exit: 0 with an incomplete report".into());
    }
    if o.seen.signalled && ![130, 1].contains(&o.exit) {
        broken.push(format!("exit: {} after SIGINT", o.exit));
    }
    let report_failed = reports.clone().any(|r| r.csv_failed || r.json_failed);
    if report_failed && o.exit != 1 {
        broken.push(format!("exit: {} after a report write failed", o.exit));
    }
    if o.write_failed && o.exit == 0 {
        broken.push("exit: 0 after a write failed".into());
    }
    if ![0, 1, 2, 3, 4, 130, 143].contains(&o.exit) {
        broken.push(format!("exit: {} is not documented", o.exit));
    }
}

/// 7. After a signal the run ends within a bounded (virtual) time.
fn ends(o: &Observed, broken: &mut Vec<String>) {
    if let Some(took) = o.after_signal {
        if took > Duration::from_secs(30) {
            broken.push(format!("ends: {took:?} after the signal"));
        }
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
