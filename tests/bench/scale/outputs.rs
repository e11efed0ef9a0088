//! What a finished run left behind: failed accounts from its CSV reports, its timing line from
//! stderr, and a summary of the simulator's call log.

use crate::case::Command;
use crate::sim::Call;
use anyhow::{bail, Context};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Accounts the run failed: audit and users-audit rows with verdict `unknown` (a users audit
/// writes one row with an empty user name per unknown account); delete rows with outcome `failed`
/// or `not-started`.
pub fn failed_accounts(report_dir: &Path, command: Command) -> anyhow::Result<usize> {
    let (prefix, column, failed): (&str, &str, &[&str]) = match command {
        Command::Audit => ("audit-", "verdict", &["unknown"]),
        Command::Delete => ("delete-", "outcome", &["failed", "not-started"]),
        Command::UsersAudit => ("users-audit-", "verdict", &["unknown"]),
    };
    let path = report(report_dir, prefix)?;
    let mut reader =
        csv::Reader::from_path(&path).with_context(|| format!("opening {}", path.display()))?;
    let index = reader
        .headers()
        .with_context(|| format!("reading the header of {}", path.display()))?
        .iter()
        .position(|h| h == column)
        .with_context(|| format!("{} has no `{column}` column", path.display()))?;
    let mut count = 0;
    for record in reader.records() {
        let record = record.with_context(|| format!("reading {}", path.display()))?;
        if record.get(index).is_some_and(|v| failed.contains(&v)) {
            count += 1;
        }
    }
    Ok(count)
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
