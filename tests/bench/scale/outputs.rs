//! What a finished run left behind: failed accounts from its CSV reports, its timing line from
//! stderr, and a summary of the simulator's call log.

use crate::case::Command;
use crate::sim::Call;
use anyhow::{bail, Context};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Accounts the run failed: audit and users-audit rows with verdict `unknown` (a users audit
/// writes one row with an empty user name per unknown account; `users deactivate` writes the
/// same report of its read stage); delete rows with outcome `failed` or `not-started`.
pub fn failed_accounts(report_dir: &Path, command: Command) -> anyhow::Result<usize> {
    let (prefix, column, failed): (&str, &str, &[&str]) = match command {
        Command::Audit => ("audit-", "verdict", &["unknown"]),
        Command::Delete => ("delete-", "outcome", &["failed", "not-started"]),
        Command::UsersAudit | Command::UsersDeactivate => ("users-audit-", "verdict", &["unknown"]),
    };
    let count = rows(report_dir, prefix, &[column])?
        .iter()
        .filter(|r| failed.contains(&r[0].as_str()))
        .count();
    Ok(count)
}

/// Credentials a `users deactivate` run changed and proved (`users-deactivate-*.csv` rows with
/// outcome `deactivated` and verified `yes`), and its other credential rows by outcome.
pub fn deactivated(report_dir: &Path) -> anyhow::Result<(usize, BTreeMap<String, usize>)> {
    let (mut done, mut others) = (0, BTreeMap::new());
    let columns = ["credential_type", "outcome", "verified"];
    for row in rows(report_dir, "users-deactivate-", &columns)? {
        if row[1] == "deactivated" && row[2] == "yes" {
            done += 1;
        } else if !row[0].is_empty() {
            *others.entry(format!("{} {}", row[1], row[2])).or_default() += 1;
        }
    }
    Ok((done, others))
}

/// The values of `columns` in every row of the one `<prefix>*.csv` report in `report_dir`.
fn rows(report_dir: &Path, prefix: &str, columns: &[&str]) -> anyhow::Result<Vec<Vec<String>>> {
    let path = report(report_dir, prefix)?;
    let mut reader =
        csv::Reader::from_path(&path).with_context(|| format!("opening {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("reading the header of {}", path.display()))?
        .clone();
    let indexes = columns
        .iter()
        .map(|column| {
            headers
                .iter()
                .position(|h| h == *column)
                .with_context(|| format!("{} has no `{column}` column", path.display()))
        })
        .collect::<anyhow::Result<Vec<usize>>>()?;
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("reading {}", path.display()))?;
        let values = indexes
            .iter()
            .map(|&i| record.get(i).unwrap_or("").to_string());
        out.push(values.collect());
    }
    Ok(out)
}

/// The one CSV report named `<prefix>*.csv` in `dir`.
fn report(dir: &Path, prefix: &str) -> anyhow::Result<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry.context("listing the report folder")?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with(prefix) && name.ends_with(".csv") {
            found.push(path);
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => bail!("no {prefix}*.csv report in {}", dir.display()),
        n => bail!("{n} {prefix}*.csv reports in {}", dir.display()),
    }
}

/// rootsweep's closing line on stderr (`rootsweep: audit: ...` / `rootsweep: delete: ...`).
pub fn timing_line(stderr: &str, command: Command) -> Option<String> {
    let start = format!("rootsweep: {}:", command.name());
    stderr
        .lines()
        .find(|l| l.starts_with(&start))
        .map(str::to_string)
}

/// The simulator's call log, summarised.
#[derive(Debug, Default)]
pub struct CallSummary {
    /// Entries in the log.
    pub total: usize,
    /// Successful AssumeRoot calls.
    pub assume_root_ok: usize,
    /// When the first and the last successful AssumeRoot were answered (ms since the simulator
    /// started).
    pub assume_root_span_ms: Option<(u64, u64)>,
    /// Calls per (operation, status or error code).
    pub by_outcome: BTreeMap<(String, String), usize>,
}

impl CallSummary {
    /// Summarises a call log.
    pub fn of(calls: &[Call]) -> CallSummary {
        let mut summary = CallSummary {
            total: calls.len(),
            ..CallSummary::default()
        };
        for call in calls {
            if call.operation == "AssumeRoot" && call.status == 200 {
                summary.assume_root_ok += 1;
                let (first, last) = summary
                    .assume_root_span_ms
                    .unwrap_or((call.at_ms, call.at_ms));
                summary.assume_root_span_ms = Some((first.min(call.at_ms), last.max(call.at_ms)));
            }
            let outcome = match &call.error {
                Some(code) => format!("{} {code}", call.status),
                None => call.status.to_string(),
            };
            *summary
                .by_outcome
                .entry((call.operation.clone(), outcome))
                .or_default() += 1;
        }
        summary
    }

    /// Calls of `operation`, whatever they answered.
    pub fn count(&self, operation: &str) -> usize {
        self.by_outcome
            .iter()
            .filter(|((op, _), _)| op == operation)
            .map(|(_, n)| n)
            .sum()
    }

    /// Calls per operation, most first, as `operation n` items.
    pub fn by_operation(&self) -> String {
        let mut ops: BTreeMap<&str, usize> = BTreeMap::new();
        for ((op, _), n) in &self.by_outcome {
            *ops.entry(op.as_str()).or_default() += n;
        }
        let mut ops: Vec<(&str, usize)> = ops.into_iter().collect();
        ops.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let items: Vec<String> = ops.iter().map(|(op, n)| format!("{op} {n}")).collect();
        items.join(", ")
    }

    /// Calls that did not answer 200, as `operation status code × n` items.
    pub fn errors(&self) -> String {
        let items: Vec<String> = self
            .by_outcome
            .iter()
            .filter(|((_, outcome), _)| outcome != "200")
            .map(|((op, outcome), n)| format!("{op} {outcome} x{n}"))
            .collect();
        if items.is_empty() {
            "none".into()
        } else {
            items.join(", ")
        }
    }
}
