//! The change stage: every entry of the confirmed plan, with bounded concurrency, the longest
//! first (`Plan::start_order`). Entries with steps are applied by the job exactly as planned;
//! the others get the outcome the plan already decided. Each row is recorded before the next
//! account starts; a failed write, a signal or refused credentials start no further account.
//! Then the stage's reports, its terminal text and what it says about the exit code.

use super::directory::Directory;
use super::document::Document;
use super::emit::{finish_run, settle};
use super::fanout::fan_out;
use super::job::{Applied, Change, Disposition, Entry, Outcome, Plan, Read};
use super::progress::Progress;
use super::record::Recorder;
use super::Env;
use crate::exit::Exit;
use crate::report::json::count;
use anyhow::Context;
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// What the change stage leaves: its document and text, and what it says about the exit code.
pub struct Stage {
    /// The change report's JSON document (also the stdout document with `--output json`).
    pub doc: Document,
    /// The terminal text: outcome counts, the accounts that need attention, report paths.
    pub text: String,
    /// What the stage says about the exit code.
    pub exits: Vec<Exit>,
    /// Accounts in the change report.
    pub accounts: usize,
}

/// Applies the confirmed `plan`, records every account's rows, writes the change reports.
pub async fn stage<J, D>(
    job: &J,
    dir: &D,
    env: &Env,
    plan: &Plan<J::Step>,
    reads: &[Read<J::Finding>],
    read_counts: &BTreeMap<String, usize>,
) -> anyhow::Result<Stage>
where
    J: Change,
    D: Directory,
{
    let spec = J::SPEC;
    let change_csv = env.report_path(spec.change, "csv");
    let mut recorder: Recorder<_, J::ChangeRow> =
        Recorder::create(change_csv).context("cannot create the report; nothing was changed")?;
    let outcomes = run(job, dir, env, plan, reads, &mut recorder).await;
    let labels: Vec<&str> = Outcome::ALL.iter().map(|o| spec.label(*o)).collect();
    let counts = count(outcomes.iter().map(|o| spec.label(o.outcome)));
    let incomplete = recorder
        .failure()
        .map(|e| format!("the report could not be written: {e}"))
        .or_else(|| {
            env.cancel
                .is_cancelled()
                .then(|| "interrupted: accounts marked not-started were not touched".to_string())
        })
        .or_else(|| {
            dir.halted().map(|cause| {
                format!(
                    "the management credentials were refused ({cause}): accounts marked not-started were not touched"
                )
            })
        });
    let doc = Document::new(
        &finish_run(&env.run, incomplete),
        &counts,
        spec.change_rows,
        recorder.take_rows(),
    )
    .with("audit_counts", read_counts)
    .with("plan", plan);
    let json = env.report_path(spec.change, "json");
    let mut exits = vec![settle(&recorder, &json, &doc)];
    exits.extend(outcomes.iter().map(|o| o.outcome.exit()));
    exits.extend(env.cancel.exit());
    if let Some(cause) = dir.halted() {
        eprintln!(
            "rootsweep: error: the management credentials were refused ({cause}); later accounts were not started"
        );
        exits.push(Exit::Fatal);
    }
    let mut text = super::present::counts("outcome", "accounts", &counts, &labels);
    text.push_str(&attention(&outcomes, |o| spec.label(o)));
    text.push_str(&format!(
        "Reports: {} and {}\n",
        recorder.path().display(),
        json.display()
    ));
    Ok(Stage {
        doc,
        text,
        exits,
        accounts: outcomes.len(),
    })
}

/// The accounts whose outcome needs attention (a planned change not made, or interrupted), as
/// a table; empty when none does.
fn attention(outcomes: &[Summary], label: impl Fn(Outcome) -> &'static str) -> String {
    let rows: Vec<Vec<String>> = outcomes
        .iter()
        .filter(|o| {
            !o.error.is_empty() && o.outcome.exit() != Exit::Success
                || matches!(o.outcome, Outcome::Interrupted)
        })
        .map(|o| {
            vec![
                o.account_id.clone(),
                o.account_name.clone(),
                label(o.outcome).to_string(),
                o.error.clone(),
            ]
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    format!(
        "{}\n",
        crate::report::table::render(&["account", "name", "outcome", "error"], rows)
    )
}

/// One account's result, as the terminal summary needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Account id.
    pub account_id: String,
    /// Account name.
    pub account_name: String,
    /// The outcome.
    pub outcome: Outcome,
    /// The failed step and error, or why the account was not changed.
    pub error: String,
}

/// One entry and what the change stage did to it.
type Done<'p, J> = (
    &'p Entry<<J as Change>::Step>,
    Applied<<J as Change>::Step, <J as Change>::Detail>,
);

/// Applies `plan`; returns each entry's result in completion order.
pub async fn run<J, D, W>(
    job: &J,
    dir: &D,
    env: &Env,
    plan: &Plan<J::Step>,
    reads: &[Read<J::Finding>],
    recorder: &mut Recorder<W, J::ChangeRow>,
) -> Vec<Summary>
where
    J: Change,
    D: Directory,
    W: Write,
{
    let findings: HashMap<&str, &J::Finding> = reads
        .iter()
        .filter_map(|r| Some((r.account.id.as_str(), r.finding.as_ref().ok()?)))
        .collect();
    let progress = Progress::new(J::SPEC.change, env.quiet());
    progress.add_total(plan.entries.len() as u64);
    progress.total_known();
    let write_failed = Cell::new(false);
    let mut outcomes = Vec::new();
    fan_out(
        futures::stream::iter(plan.start_order()),
        env.config.concurrency,
        || env.cancel.is_cancelled() || write_failed.get(),
        |entry| async move { (entry, decide(job, dir, entry).await) },
        |entry| {
            let why = if env.cancel.is_cancelled() {
                "the run was interrupted before this account started"
            } else {
                "the report could not be written, so no further account was started"
            };
            (entry, untouched_or(entry, Outcome::NotStarted, why))
        },
        |(entry, applied): Done<'_, J>| {
            // Every entry has its rows, also one whose read failed (no finding).
            let finding = findings.get(entry.account_id.as_str()).copied();
            for row in job.change_rows(finding, entry, &applied) {
                recorder.record(row);
            }
            write_failed.set(recorder.failure().is_some());
            progress.finish_one(&entry.account_id, J::SPEC.label(applied.outcome));
            outcomes.push(Summary {
                account_id: entry.account_id.clone(),
                account_name: entry.account_name.clone(),
                outcome: applied.outcome,
                error: applied.error,
            });
        },
    )
    .await;
    progress.finish();
    outcomes
}

/// What happens to one entry: its steps applied, or the outcome its plan already decided.
async fn decide<J: Change, D: Directory>(
    job: &J,
    dir: &D,
    entry: &Entry<J::Step>,
) -> Applied<J::Step, J::Detail> {
    if let Some(decided) = planned(entry) {
        return decided;
    }
    match dir.halted() {
        Some(cause) => Applied::untouched(
            Outcome::NotStarted,
            format!("not started: the management credentials were refused ({cause})"),
        ),
        None => job.apply(entry).await,
    }
}

/// An entry never going to change keeps its planned outcome; the rest were not started.
fn untouched_or<S, D: Default>(entry: &Entry<S>, outcome: Outcome, why: &str) -> Applied<S, D> {
    planned(entry).unwrap_or_else(|| Applied::untouched(outcome, why))
}

/// The outcome the plan itself decided, for an entry with no steps to apply.
fn planned<S, D: Default>(entry: &Entry<S>) -> Option<Applied<S, D>> {
    let outcome = match entry.disposition {
        Disposition::Change => return None,
        Disposition::AlreadyClean => Outcome::AlreadyClean,
        Disposition::NothingInScope => Outcome::NothingInScope,
        Disposition::Blocked => Outcome::SkippedBlocked,
        Disposition::Unknown => Outcome::SkippedUnknown,
    };
    Some(Applied::untouched(
        outcome,
        entry.reason.clone().unwrap_or_default(),
    ))
}

#[cfg(test)]
#[path = "change_tests.rs"]
mod tests;
