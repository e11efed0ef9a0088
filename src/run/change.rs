//! The change stage: every entry of the confirmed plan, with bounded concurrency. Entries with
//! steps are applied by the job exactly as planned; the others get the outcome the plan already
//! decided. Each row is recorded before the next account starts; a failed write, a signal or
//! refused credentials start no further account.

use super::fanout::fan_out;
use super::job::{Applied, Change, Disposition, Entry, Outcome, Plan};
use super::progress::Progress;
use super::record::Recorder;
use super::Env;
use std::cell::Cell;
use std::io::Write;

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
pub async fn run<J, W>(
    job: &J,
    env: &Env,
    plan: &Plan<J::Step>,
    recorder: &mut Recorder<W, J::ChangeRow>,
) -> Vec<Summary>
where
    J: Change,
    W: Write,
{
    let progress = Progress::new(J::CHANGE, env.quiet());
    progress.add_total(plan.entries.len() as u64);
    progress.total_known();
    let write_failed = Cell::new(false);
    let mut outcomes = Vec::new();
    fan_out(
        futures::stream::iter(plan.entries.iter()),
        env.config.concurrency,
        || env.cancel.is_cancelled() || write_failed.get(),
        |entry| async move { (entry, decide(job, entry).await) },
        |entry| {
            let why = if env.cancel.is_cancelled() {
                "the run was interrupted before this account started"
            } else {
                "the report could not be written, so no further account was started"
            };
            (entry, untouched_or(entry, Outcome::NotStarted, why))
        },
        |(entry, applied): Done<'_, J>| {
            for row in job.change_rows(entry, &applied) {
                recorder.record(row);
            }
            write_failed.set(recorder.failure().is_some());
            progress.finish_one(&entry.account_id, J::label(applied.outcome));
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
async fn decide<J: Change>(job: &J, entry: &Entry<J::Step>) -> Applied<J::Step, J::Detail> {
    if let Some(decided) = planned(entry) {
        return decided;
    }
    match job.halted() {
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
