//! The findings file `findings-<UTC>.ocsf.json` beside a command's reports: built from the JSON
//! report the run has just written (so every finding comes from a report row), replaced whole
//! and durably (a temporary file, synced, renamed), never through an existing link. Beside it,
//! when an earlier findings file of the same command is given or found, `findings-<UTC>.since.json`
//! with what changed.

use super::event::Run;
use super::since::{self, Changes, Seen};
use super::Finding;
use crate::report::file;
use aws_smithy_types::date_time::{DateTime, Format};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The commands that write a findings file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `rootsweep audit`.
    Audit,
    /// `rootsweep delete`: the audit's findings with what the run changed.
    Delete,
    /// `rootsweep users audit`.
    UsersAudit,
    /// `rootsweep users tidy`.
    UsersTidy,
    /// `rootsweep users delete`.
    UsersDelete,
    /// `rootsweep users deactivate`.
    UsersDeactivate,
    /// `rootsweep guardrails`.
    Guardrails,
}

/// Every command that writes a findings file.
const ALL: [Command; 7] = [
    Command::Audit,
    Command::Delete,
    Command::UsersAudit,
    Command::UsersTidy,
    Command::UsersDelete,
    Command::UsersDeactivate,
    Command::Guardrails,
];

impl Command {
    /// The command as typed.
    pub fn name(self) -> &'static str {
        match self {
            Command::Audit => "audit",
            Command::Delete => "delete",
            Command::UsersAudit => "users audit",
            Command::UsersTidy => "users tidy",
            Command::UsersDelete => "users delete",
            Command::UsersDeactivate => "users deactivate",
            Command::Guardrails => "guardrails",
        }
    }

    /// The command whose findings (and uids) this one's are: its read stage's.
    fn audit(self) -> Command {
        match self {
            Command::Audit | Command::Delete => Command::Audit,
            Command::Guardrails => Command::Guardrails,
            _ => Command::UsersAudit,
        }
    }

    /// The names of the commands whose findings files this one compares with by default. A
    /// read-only command compares with its own last run (the last whole picture); a change
    /// command with the last of any command with the same uids, typically the audit it follows
    /// (`audit` then `delete`; `users audit` then `users deactivate`).
    pub fn family(self) -> Vec<&'static str> {
        if self.change().is_none() {
            return vec![self.name()];
        }
        ALL.iter()
            .filter(|c| c.audit() == self.audit())
            .map(|c| c.name())
            .collect()
    }

    /// The name of the read stage's JSON report before its timestamp, and the key of its rows.
    fn report(self) -> (&'static str, &'static str) {
        match self.audit() {
            Command::Audit => ("audit", "accounts"),
            Command::Guardrails => ("guardrails", "tasks"),
            _ => ("users-audit", "users"),
        }
    }

    /// The change report's name and rows key (none for a read-only command).
    fn change(self) -> Option<(&'static str, &'static str)> {
        match self {
            Command::Delete => Some(("delete", "accounts")),
            Command::UsersTidy => Some(("users-tidy", "detaches")),
            Command::UsersDelete => Some(("users-delete", "users")),
            Command::UsersDeactivate => Some(("users-deactivate", "credentials")),
            _ => None,
        }
    }
}

/// Why the findings file was not written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The report could not be read.
    #[error("{0}: {1}")]
    Read(PathBuf, std::io::Error),
    /// The report is not the JSON the findings read.
    #[error("{0}: {1}")]
    Parse(PathBuf, serde_json::Error),
    /// The findings file could not be written.
    #[error("{0}: {1}")]
    Write(PathBuf, std::io::Error),
}

/// What a findings file holds, by status, and what changed since the earlier one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// The changes since the earlier findings file, when there is one.
    pub since: Option<Changes>,
    /// Failed controls.
    pub failed: usize,
    /// Controls that could not be judged.
    pub unknown: usize,
    /// Passed controls.
    pub passed: usize,
}

/// The run information of a report: what every finding shares.
fn run_of(command: Command, doc: &Value) -> Run {
    let text = |k: &str| doc[k].as_str().unwrap_or_default().to_string();
    let time_ms = DateTime::from_str(&text("started"), Format::DateTime)
        .ok()
        .and_then(|t| t.to_millis().ok())
        .unwrap_or_default();
    Run {
        organization: text("organization"),
        partition: text("partition"),
        region: text("region"),
        time_ms,
        version: text("rootsweep_version"),
        command: command.name().to_string(),
    }
}

/// A report's rows, read as the command's findings module reads them.
enum Rows {
    Audit(Vec<super::root::Row>),
    Users(Vec<super::users::Row>),
    Guardrails(Vec<super::guardrails::Row>),
}

impl Rows {
    /// The rows of `doc` (taken out of it, not copied); for a change command, in the state its
    /// change report (`change`, when the run got that far) leaves.
    fn of(
        command: Command,
        doc: &mut Value,
        change: Option<&mut Value>,
    ) -> Result<Rows, serde_json::Error> {
        let take = |doc: &mut Value, key: &str| {
            doc.get_mut(key)
                .map(Value::take)
                .unwrap_or(Value::Array(Vec::new()))
        };
        let list = take(doc, command.report().1);
        let changes: Vec<Value> = match (change, command.change()) {
            (Some(c), Some((_, k))) => serde_json::from_value(take(c, k))?,
            _ => Vec::new(),
        };
        Ok(match command.audit() {
            Command::Audit => {
                let mut rows: Vec<super::root::Row> = serde_json::from_value(list)?;
                super::settle::root(&mut rows, &changes);
                Rows::Audit(rows)
            }
            Command::Guardrails => Rows::Guardrails(serde_json::from_value(list)?),
            _ => {
                let mut rows: Vec<super::users::Row> = serde_json::from_value(list)?;
                super::settle::users(command, &mut rows, &changes);
                Rows::Users(rows)
            }
        })
    }

    /// Each finding, handed to `emit` as soon as it is made: an account's or a user's findings
    /// depend on its row alone (a guardrails account's on its rows), so none is held longer.
    fn each(
        &self,
        run: &Run,
        emit: &mut dyn FnMut(Finding) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        match self {
            Rows::Audit(rows) => rows
                .iter()
                .map(|r| super::root::findings(run, std::slice::from_ref(r)))
                .try_for_each(|fs| fs.into_iter().try_for_each(&mut *emit)),
            Rows::Users(rows) => rows
                .iter()
                .map(|r| super::users::findings(run, std::slice::from_ref(r)))
                .try_for_each(|fs| fs.into_iter().try_for_each(&mut *emit)),
            Rows::Guardrails(rows) => super::guardrails::findings(run, rows)
                .into_iter()
                .try_for_each(&mut *emit),
        }
    }
}

/// The findings of one report document (`audit-*.json`, `users-audit-*.json`,
/// `guardrails-*.json`); for a change command, of the state its change report (`change`, when
/// the run got that far) leaves.
pub fn build(
    command: Command,
    doc: &Value,
    change: Option<&Value>,
) -> Result<Vec<Finding>, serde_json::Error> {
    let run = run_of(command, doc);
    let rows = Rows::of(command, &mut doc.clone(), change.cloned().as_mut())?;
    let mut out = Vec::new();
    let _ = rows.each(&run, &mut |f| {
        out.push(f);
        Ok(())
    });
    Ok(out)
}

/// The findings file's text, streamed: a JSON array with one finding per line (compact), so a
/// large organization's file is written as it is made and each finding is one `grep` line.
/// Counts the findings by status, and keeps what `since` needs of each when `keep`.
fn stream(
    out: &mut dyn std::io::Write,
    rows: &Rows,
    run: &Run,
    counts: &mut Counts,
    keep: Option<&mut Vec<Seen>>,
) -> std::io::Result<()> {
    let mut keep = keep;
    let mut first = true;
    out.write_all(b"[")?;
    rows.each(run, &mut |f| {
        match f.status_code() {
            "FAIL" => counts.failed += 1,
            "PASS" => counts.passed += 1,
            _ => counts.unknown += 1,
        }
        let line = serde_json::to_vec(&f).map_err(std::io::Error::other)?;
        if let Some(seen) = keep.as_deref_mut() {
            seen.push(serde_json::from_slice(&line).map_err(std::io::Error::other)?);
        }
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        out.write_all(&line)
    })?;
    out.write_all(b"\n]\n")
}

/// The accounts a report lists as skipped (in the organization, not read by this run).
fn skipped<'a>(doc: &'a Value, key: &str) -> Vec<&'a str> {
    doc[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["verdict"] == "skipped")
        .filter_map(|r| r["account_id"].as_str())
        .collect()
}

/// A report document of `dir`; `None` when the run did not write it.
fn read_doc(dir: &Path, stem: &str, run_id: &str) -> Result<Option<Value>, Error> {
    let report = dir.join(format!("{stem}-{run_id}.json"));
    let text = match std::fs::read_to_string(&report) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::Read(report, e)),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| Error::Parse(report, e))
}

/// Writes `findings-<run_id>.ocsf.json` in `dir` from the command's report of `run_id`, and the
/// changes since `since` (by default the newest earlier findings file of the command in `dir`);
/// `None` when the run wrote no report (it stopped before its read stage).
pub fn write(
    dir: &Path,
    command: Command,
    run_id: &str,
    since: Option<&Path>,
) -> Result<Option<(PathBuf, Counts)>, Error> {
    let stem = command.report().0;
    let report = dir.join(format!("{stem}-{run_id}.json"));
    let parse = |e| Error::Parse(report.clone(), e);
    let Some(mut doc) = read_doc(dir, stem, run_id)? else {
        return Ok(None);
    };
    let mut change = match command.change() {
        Some((stem, _)) => read_doc(dir, stem, run_id)?,
        None => None,
    };
    let run = run_of(command, &doc);
    // An account this run did not read (not targeted, excluded) is neither resolved nor gone:
    // its earlier findings are left out of the comparison.
    let unread: BTreeSet<String> = skipped(&doc, command.report().1)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let rows = Rows::of(command, &mut doc, change.as_mut()).map_err(parse)?;
    drop((doc, change));
    let before = match since {
        Some(p) => Some((
            p.to_path_buf(),
            since::read(p).map_err(|e| Error::Read(p.into(), e))?,
        )),
        None => since::previous(dir, &command.family(), run_id),
    };
    let path = dir.join(format!("findings-{run_id}.ocsf.json"));
    let mut counts = Counts::default();
    let mut now = Vec::new();
    let keep = before.is_some().then_some(&mut now);
    file::replace_with(&path, |out| stream(out, &rows, &run, &mut counts, keep))
        .map_err(|e| Error::Write(path.clone(), e))?;
    if let Some((earlier, mut before)) = before {
        before.retain(|f| !unread.contains(&f.account));
        let changes = since::compare(&earlier.display().to_string(), &before, &now);
        let lists = dir.join(format!("findings-{run_id}.since.json"));
        let mut text = serde_json::to_vec_pretty(&changes)
            .map_err(|e| Error::Write(lists.clone(), std::io::Error::other(e)))?;
        text.push(b'\n');
        file::replace(&lists, &text).map_err(|e| Error::Write(lists.clone(), e))?;
        counts.since = Some(changes);
    }
    Ok(Some((path, counts)))
}

/// [`write`], then one line on stderr: where the findings are and how they stand, or why none
/// were written (the run's exit code is the reports', unchanged).
pub fn announce(dir: &Path, command: Command, run_id: &str, since: Option<&Path>) {
    match write(dir, command, run_id, since) {
        Ok(Some((path, c))) => {
            eprintln!(
                "rootsweep: findings (OCSF): {}: {} failed, {} unknown, {} passed",
                path.display(),
                c.failed,
                c.unknown,
                c.passed
            );
            if let Some(changes) = &c.since {
                eprintln!("rootsweep: {}", since::line(changes));
            }
        }
        Ok(None) => {}
        Err(e) => eprintln!("rootsweep: warning: the findings file was not written: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_findings_file_is_built_from_the_report_beside_it_and_names_its_counts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let doc = serde_json::json!({
            "organization": "o-abc", "partition": "aws", "region": "us-east-1",
            "started": "2026-12-03T07:41:12.798637Z", "rootsweep_version": "0.1.0",
            "accounts": [
                { "account_id": "222222222201", "verdict": "clean", "login_profile": "absent",
                  "mfa_devices": "0", "access_keys": "0" },
                { "account_id": "111111111111", "verdict": "skipped" },
            ],
        });
        let report = dir.path().join("audit-X.json");
        std::fs::write(&report, doc.to_string()).expect("write");
        let (path, counts) = write(dir.path(), Command::Audit, "X", None)
            .expect("written")
            .expect("a report");
        assert_eq!(path, dir.path().join("findings-X.ocsf.json"));
        assert_eq!((counts.failed, counts.unknown, counts.passed), (0, 0, 4));
        let text = std::fs::read_to_string(&path).expect("read");
        let back: Vec<Value> = serde_json::from_str(&text).expect("json");
        assert_eq!(back.len(), 4);
        // One finding per line, between the array's brackets.
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!((lines.len(), lines[0], lines[5]), (6, "[", "]"));
        assert!(lines[1..5]
            .iter()
            .all(|l| l.starts_with("{\"class_uid\":2004")));
        assert_eq!(back[0]["time"], 1_796_283_672_798_i64);
        assert!(write(dir.path(), Command::Guardrails, "X", None)
            .expect("no error")
            .is_none());
    }
}
