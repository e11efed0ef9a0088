//! Holds a run's findings file to its reports, for `audit` and `delete`: every finding matches
//! a report row (an audited account's row whose `compliance` lists the finding's uid — with the
//! same status, for the audit's own state), every row's `compliance` has its finding, and every
//! row needing attention (a verdict other than `clean`; a change outcome other than done or
//! already clean) has a failed or unknown finding, while a clean or settled one has only passed
//! findings. Judged from the report's words, not from the findings code.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

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

/// What one `users audit` or `users delete` run's findings break. `users` is the rows of
/// `users-audit-*.json`; `change`, when the run wrote one, the rows of `users-delete-*.json`
/// (the findings are then the final state's). Every finding is listed in exactly one row's
/// `compliance` (with the same status, for the audit's own state) and every listed uid has its
/// finding; a row the audit could not judge (`unknown`, the attention list's) has an unknown
/// finding; a user the run deleted passes every control, one it partly changed passes none.
pub(super) fn check_users(
    users: &[Value],
    change: Option<&[Value]>,
    findings: &[Value],
) -> Vec<String> {
    let mut broken = Vec::new();
    let mut listed: HashMap<&str, (usize, &str)> = HashMap::new();
    for (i, row) in users.iter().enumerate() {
        for c in row["compliance"].as_array().into_iter().flatten() {
            let uid = text(c, "finding_uid");
            if listed.insert(uid, (i, text(c, "status"))).is_some() {
                broken.push(format!("{uid} is listed by two users rows"));
            }
        }
    }
    let mut per_row: Vec<Vec<&str>> = vec![Vec::new(); users.len()];
    for f in findings {
        let (account, uid, status) = parts(f);
        let Some(&(i, listed_as)) = listed.get(uid) else {
            broken.push(format!("finding {uid} matches no users row"));
            continue;
        };
        if text(&users[i], "account_id") != account {
            broken.push(format!(
                "finding {uid} is of account {account}, its row is not"
            ));
        }
        if change.is_none() && code(listed_as) != status {
            broken.push(format!(
                "finding {uid} is {status}, its row's compliance says otherwise"
            ));
        }
        per_row[i].push(status);
    }
    for (row, found) in users.iter().zip(&per_row) {
        let who = format!("{}/{}", text(row, "account_id"), text(row, "user_name"));
        let uids = row["compliance"].as_array().map_or(0, Vec::len);
        if uids != found.len() {
            broken.push(format!(
                "{who}: {uids} controls in its row, {} findings",
                found.len()
            ));
        }
        let unjudged = text(row, "verdict") == "unknown";
        if change.is_none() && unjudged && !found.contains(&"UNKNOWN") {
            broken.push(format!(
                "{who} is unknown ({}) and has no unknown finding: {found:?}",
                text(row, "error")
            ));
        }
    }
    for r in change.unwrap_or_default() {
        let who = (text(r, "account_id"), text(r, "user_name"));
        let found: Vec<&str> = users
            .iter()
            .zip(&per_row)
            .filter(|(u, _)| (text(u, "account_id"), text(u, "user_name")) == who)
            .flat_map(|(_, f)| f.iter().copied())
            .collect();
        let partly = r["steps_done"].as_array().is_some_and(|s| !s.is_empty());
        match text(r, "outcome") {
            "deleted" if found.is_empty() || found.iter().any(|s| *s != "PASS") => {
                broken.push(format!(
                    "{}/{} was deleted and its findings are {found:?}",
                    who.0, who.1
                ))
            }
            "failed" | "interrupted" | "changed-since-plan"
                if partly && found.contains(&"PASS") =>
            {
                broken.push(format!(
                    "{}/{} was partly changed, not proven, and passes {found:?}",
                    who.0, who.1
                ))
            }
            _ => {}
        }
    }
    broken
}

/// A findings checker: the audit's rows, the change report's rows, the findings.
type Checker = fn(&[Value], Option<&[Value]>, &[Value]) -> Vec<String>;

/// The findings file of `command`'s run `run_id` in `dir` (written from the reports there, as the
/// command writes it) checked against the reports; `None` when the run wrote no audit report.
/// `command` is `audit`, `delete`, `users audit` or `users delete`.
pub(super) fn of_run(
    dir: &std::path::Path,
    command: crate::findings::file::Command,
    run_id: &str,
) -> Option<Vec<String>> {
    use crate::findings::file::{write, Command};
    let (audit, key, change, check): (&str, &str, Option<(&str, &str)>, Checker) = match command {
        Command::Audit => ("audit", "accounts", None, check),
        Command::Delete => ("audit", "accounts", Some(("delete", "accounts")), check),
        Command::UsersAudit => ("users-audit", "users", None, check_users),
        Command::UsersDelete => (
            "users-audit",
            "users",
            Some(("users-delete", "users")),
            check_users,
        ),
        other => return Some(vec![format!("{} findings are not held here", other.name())]),
    };
    let read = |name: String| -> Option<Value> {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).ok()?).ok()
    };
    let report = read(format!("{audit}-{run_id}.json"))?;
    if let Err(e) = write(dir, command, run_id, None) {
        return Some(vec![format!("the findings file was not written: {e}")]);
    }
    let Some(findings) = read(format!("findings-{run_id}.ocsf.json")) else {
        return Some(vec![format!("no findings file beside the {audit} report")]);
    };
    let changed = change
        .and_then(|(stem, k)| Some((read(format!("{stem}-{run_id}.json"))?, k)))
        .map(|(d, k)| d[k].as_array().cloned().unwrap_or_default());
    let rows = report[key].as_array().cloned().unwrap_or_default();
    let findings = findings.as_array().cloned().unwrap_or_default();
    Some(check(&rows, changed.as_deref(), &findings))
}

#[cfg(test)]
#[path = "findings_tests.rs"]
mod tests;
