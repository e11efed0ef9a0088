//! Holds a run's findings file to its reports, for `audit` and `delete`: every finding matches
//! a report row (an audited account's row whose `compliance` lists the finding's uid — with the
//! same status, for the audit's own state), every row's `compliance` has its finding, and every
//! row needing attention (a verdict other than `clean`; a change outcome other than done or
//! already clean) has a failed or unknown finding, while a clean or settled one has only passed
//! findings. Judged from the report's words, not from the findings code.

use serde_json::Value;
use std::collections::BTreeMap;

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

/// A finding's account, uid and status code.
fn parts(f: &Value) -> (&str, &str, &str) {
    (
        f["cloud"]["account"]["uid"].as_str().unwrap_or_default(),
        f["finding_info"]["uid"].as_str().unwrap_or_default(),
        f["status_code"].as_str().unwrap_or_default(),
    )
}

/// The status code a `compliance` entry's status is written as in the findings file.
fn code(status: &str) -> &'static str {
    match status {
        "passed" => "PASS",
        "failed" => "FAIL",
        _ => "UNKNOWN",
    }
}

/// What one run's findings break. `audit` is the rows of `audit-*.json`; `change`, when the
/// run wrote one, the rows of `delete-*.json` (the findings are then the final state's).
pub(super) fn check(audit: &[Value], change: Option<&[Value]>, findings: &[Value]) -> Vec<String> {
    let mut broken = Vec::new();
    let mut by_account: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for f in findings {
        let (account, uid, status) = parts(f);
        by_account.entry(account).or_default().push(status);
        let row = audit
            .iter()
            .find(|r| text(r, "account_id") == account && text(r, "verdict") != "skipped");
        let Some(row) = row else {
            broken.push(format!("finding {uid} matches no audited row"));
            continue;
        };
        let listed = row["compliance"].as_array().into_iter().flatten();
        match listed.into_iter().find(|c| text(c, "finding_uid") == uid) {
            None => broken.push(format!("finding {uid} is not in its row's compliance")),
            Some(c) if change.is_none() && code(text(c, "status")) != status => broken.push(
                format!("finding {uid} is {status}, its row's compliance says otherwise"),
            ),
            Some(_) => {}
        }
    }
    for row in audit {
        let uids = row["compliance"].as_array().map_or(0, Vec::len);
        let account = text(row, "account_id");
        let found = by_account.get(account).map_or(0, Vec::len);
        if uids != found {
            broken.push(format!(
                "account {account}: {uids} controls in its row, {found} findings"
            ));
        }
    }
    let attention: Vec<(&str, bool)> = match change {
        None => audit
            .iter()
            .filter(|r| text(r, "verdict") != "skipped")
            .map(|r| (text(r, "account_id"), text(r, "verdict") != "clean"))
            .collect(),
        Some(rows) => rows
            .iter()
            .map(|r| {
                let settled = matches!(text(r, "outcome"), "deleted" | "already-clean");
                (text(r, "account_id"), !settled)
            })
            .collect(),
    };
    for (account, needs) in attention {
        let statuses = by_account.get(account).cloned().unwrap_or_default();
        let open = statuses.iter().any(|s| *s != "PASS");
        if needs && !open {
            broken.push(format!(
                "account {account} needs attention and has no failed or unknown finding"
            ));
        }
        if !needs && (open || statuses.is_empty()) {
            broken.push(format!(
                "account {account} needs no attention and its findings are {statuses:?}"
            ));
        }
    }
    broken
}

/// The findings file of `run_id` in `dir` (written from the reports there) checked against the
/// reports; `None` when the run wrote no audit report.
pub(super) fn of_run(dir: &std::path::Path, change: bool, run_id: &str) -> Option<Vec<String>> {
    use crate::findings::file::{write, Command};
    let command = if change {
        Command::Delete
    } else {
        Command::Audit
    };
    let read = |name: String| -> Option<Value> {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).ok()?).ok()
    };
    let audit = read(format!("audit-{run_id}.json"))?;
    if let Err(e) = write(dir, command, run_id, None) {
        return Some(vec![format!("the findings file was not written: {e}")]);
    }
    let Some(findings) = read(format!("findings-{run_id}.ocsf.json")) else {
        return Some(vec!["no findings file beside the audit report".into()]);
    };
    let changed = change
        .then(|| read(format!("delete-{run_id}.json")))
        .flatten()
        .map(|d| d["accounts"].as_array().cloned().unwrap_or_default());
    let rows = audit["accounts"].as_array().cloned().unwrap_or_default();
    let findings = findings.as_array().cloned().unwrap_or_default();
    Some(check(&rows, changed.as_deref(), &findings))
}

#[cfg(test)]
#[path = "findings_tests.rs"]
mod tests;
