//! The findings file `findings-<UTC>.ocsf.json` beside a command's reports: built from the JSON
//! report the run has just written (so every finding comes from a report row), replaced whole
//! and durably (a temporary file, synced, renamed), never through an existing link. Beside it,
//! when an earlier findings file of the same command is given or found, `findings-<UTC>.since.json`
//! with what changed.

use super::event::Run;
use super::since::{self, Changes, Seen};
use super::Finding;
use crate::exit::Exit;
use crate::report::file;
use aws_smithy_types::date_time::{DateTime, Format};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use super::command::Command;

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

/// A report document as the findings read it: its run information and its rows (under
/// `accounts`, `users` or `tasks`), every other part skipped unparsed, so a large report is
/// never held as a JSON tree.
#[derive(Debug, Default, Deserialize)]
#[serde(default, bound = "R: Deserialize<'de> + Default")]
struct Report<R> {
    organization: String,
    partition: String,
    region: String,
    started: String,
    rootsweep_version: String,
    #[serde(alias = "accounts", alias = "users", alias = "tasks")]
    rows: Vec<R>,
}

/// A change report as the findings read it: its rows (under `accounts`, `detaches`, `users` or
/// `credentials`), kept as JSON objects for [`super::settle`].
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ChangeReport {
    #[serde(
        alias = "accounts",
        alias = "detaches",
        alias = "users",
        alias = "credentials"
    )]
    rows: Vec<Value>,
}

impl<R> Report<R> {
    /// The run information: what every finding shares.
    fn run(&self, command: Command) -> Run {
        let time_ms = DateTime::from_str(&self.started, Format::DateTime)
            .ok()
            .and_then(|t| t.to_millis().ok())
            .unwrap_or_default();
        Run {
            organization: self.organization.clone(),
            partition: self.partition.clone(),
            region: self.region.clone(),
            time_ms,
            version: self.rootsweep_version.clone(),
            command: command.name().to_string(),
        }
    }
}

/// A report's rows, read as the command's findings module reads them.
enum Rows {
    Audit(Vec<super::root::Row>),
    Users(Vec<super::users::Row>),
    Guardrails(Vec<super::guardrails::Row>),
}

/// The JSON document at `path`, read as `T`; `None` when there is no such file. Parsed as it is
/// read: the file's text (a report of 10,000 accounts is tens of MB) is never held whole.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, Error> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::Read(path.to_path_buf(), e)),
    };
    let reader = std::io::BufReader::with_capacity(1 << 16, file);
    serde_json::from_reader(reader).map(Some).map_err(|e| {
        if e.is_io() {
            Error::Read(path.to_path_buf(), std::io::Error::from(e))
        } else {
            Error::Parse(path.to_path_buf(), e)
        }
    })
}

/// What the findings of one run are made of: the run, its rows, and the accounts it did not
/// read (in the organization, skipped).
struct Read {
    run: Run,
    rows: Rows,
    unread: BTreeSet<String>,
}

/// The skipped accounts of `rows`.
fn unread<'a>(rows: impl Iterator<Item = (&'a str, &'a str)>) -> BTreeSet<String> {
    rows.filter(|(_, verdict)| *verdict == "skipped")
        .map(|(account, _)| account.to_string())
        .collect()
}

impl Rows {
    /// The rows of the command's report of `run_id` in `dir`, for a change command in the state
    /// its change report (when the run got that far) leaves; `None` when the run wrote no
    /// report (it stopped before its read stage).
    fn read(dir: &Path, command: Command, run_id: &str) -> Result<Option<Read>, Error> {
        let path = |stem: &str| dir.join(format!("{stem}-{run_id}.json"));
        let changes = match command.change() {
            Some((stem, _)) => read_json::<ChangeReport>(&path(stem))?
                .map(|c| c.rows)
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let report = path(command.report().0);
        Ok(match command.audit() {
            Command::Audit => read_json::<Report<super::root::Row>>(&report)?.map(|mut r| {
                let skipped = unread(r.rows.iter().map(|r| (&*r.account_id, &*r.verdict)));
                super::settle::root(&mut r.rows, &changes);
                (r.run(command), Rows::Audit(r.rows), skipped)
            }),
            Command::Guardrails => read_json::<Report<super::guardrails::Row>>(&report)?.map(|r| {
                let skipped = unread(r.rows.iter().map(|r| (&*r.account_id, &*r.verdict)));
                (r.run(command), Rows::Guardrails(r.rows), skipped)
            }),
            _ => read_json::<Report<super::users::Row>>(&report)?.map(|mut r| {
                let skipped = unread(r.rows.iter().map(|r| (&*r.account_id, &*r.verdict)));
                super::settle::users(command, &mut r.rows, &changes);
                (r.run(command), Rows::Users(r.rows), skipped)
            }),
        }
        .map(|(run, rows, unread)| Read { run, rows, unread }))
    }
}

impl Rows {
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
                .flat_map(|r| super::root::findings(run, std::slice::from_ref(r)))
                .try_for_each(emit),
            Rows::Users(rows) => rows
                .iter()
                .flat_map(|r| super::users::findings(run, std::slice::from_ref(r)))
                .try_for_each(emit),
            Rows::Guardrails(rows) => super::guardrails::findings(run, rows)
                .into_iter()
                .try_for_each(emit),
        }
    }
}

/// The findings of the command's report of `run_id` in `dir` (for a change command, of the
/// state its change report leaves), all in memory: for tests of what the file holds.
#[cfg(test)]
pub fn build(dir: &Path, command: Command, run_id: &str) -> Result<Vec<Finding>, Error> {
    let Some(read) = Rows::read(dir, command, run_id)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let _ = read.rows.each(&read.run, &mut |f| {
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
        if let Some(seen) = keep.as_deref_mut() {
            seen.push(f.seen());
        }
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        serde_json::to_writer(&mut *out, &f).map_err(std::io::Error::other)
    })?;
    out.write_all(b"\n]\n")
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
    let Some(Read { run, rows, unread }) = Rows::read(dir, command, run_id)? else {
        return Ok(None);
    };
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
/// were written. A findings file the run should have written and did not ends the run with
/// exit 1, as a report that could not be written does.
pub fn announce(dir: &Path, command: Command, run_id: &str, since: Option<&Path>) -> Exit {
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
            Exit::Success
        }
        Ok(None) => Exit::Success,
        Err(e) => {
            eprintln!("rootsweep: error: the findings file was not written: {e}");
            Exit::Fatal
        }
    }
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
