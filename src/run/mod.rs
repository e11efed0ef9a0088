//! The pipeline every command runs through: targets → enumerate → read → plan → (dry run |
//! confirm) → apply the plan → verify → report → exit. Generic over a [`job::Job`], which supplies
//! only what is its own; confirmation, cancellation, progress, report files, the one stdout
//! document and the exit decision live here, once. The pipeline never names a job.

pub mod apply;
pub mod busy;
pub mod change;
pub mod confirm;
pub mod directory;
pub mod document;
pub mod emit;
pub mod enumerate;
pub mod fanout;
pub mod gate;
pub mod guard;
pub mod items;
pub mod job;
mod listing;
pub mod outcome;
pub mod plan;
pub mod present;
pub mod progress;
pub mod read;
pub mod record;
pub mod settle;
pub mod walk;

#[cfg(test)]
mod apply_tests;

use crate::cancel::Cancel;
use crate::exit::Exit;
use crate::model::SkipReason;
use crate::report::json::RunInfo;
use confirm::Confirm;
use directory::Directory;
use emit::emit;
use job::{Change, Disposition, Entry, Job, Plan, Read};
use std::io::Write;
use std::path::PathBuf;

/// Output format on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Output {
    /// Readable tables.
    #[default]
    Text,
    /// The JSON report (audit, delete) or check list (preflight).
    Json,
}

/// The settings the pipeline uses (the rest of the configuration is the AWS edge's).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Accounts in flight at once.
    pub concurrency: usize,
    /// Report folder.
    pub report_dir: PathBuf,
    /// Account ids to target; empty = all.
    pub accounts: Vec<String>,
    /// OU subtrees to target; empty = all.
    pub ous: Vec<String>,
    /// Account ids never targeted.
    pub exclude: Vec<String>,
    /// A check that may refuse a selected account before it is read (see [`guard`]).
    pub guard: Option<guard::Guard>,
}

/// What one run shares across its stages.
pub struct Env {
    /// Targets, concurrency, report folder.
    pub config: Settings,
    /// Interruption.
    pub cancel: Cancel,
    /// Output format on stdout.
    pub output: Output,
    /// Run information for the reports (`ended` and `complete` are filled in per stage).
    pub run: RunInfo,
    /// The organization's management account (skipped unless the job reads it).
    pub management_account: String,
}

impl Env {
    /// Progress lines are suppressed when stdout carries JSON.
    fn quiet(&self) -> bool {
        self.output == Output::Json
    }

    fn report_path(&self, stem: &str, ext: &str) -> PathBuf {
        self.config
            .report_dir
            .join(format!("{stem}-{}.{ext}", self.run.run_id))
    }
}

/// How far a run goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Read and report (e.g. `audit`).
    Read,
    /// Read, plan, show the plan; change nothing (`--dry-run`).
    Plan {
        /// `--skip-blocked`: the plan says what a change run with it would do.
        skip_blocked: bool,
    },
    /// Read, plan, confirm, apply, verify.
    Change {
        /// `--skip-blocked`: proceed with the changeable accounts when others are refused.
        skip_blocked: bool,
    },
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished {
    /// The exit code.
    pub exit: Exit,
    /// Accounts in the last stage's report.
    pub accounts: usize,
}

/// Runs a read-only job: targets, the read stage, its reports and the stdout document.
pub async fn read<J, D>(
    job: &J,
    dir: &D,
    env: &Env,
    out: &mut dyn Write,
) -> anyhow::Result<Finished>
where
    J: Job,
    D: Directory,
{
    let stage = read::stage(job, dir, env).await?;
    emit(env, out, &stage.doc, stage.text)?;
    Ok(finished(stage.exits, stage.reads.len()))
}

/// Runs `job` through every stage `mode` asks for, writing the stdout document to `out`;
/// `skip_blocked_command` is the command line that would change only the changeable accounts.
pub async fn run<J, D, C>(
    job: &J,
    dir: &D,
    env: &Env,
    mode: Mode,
    confirm: &C,
    skip_blocked_command: &str,
    out: &mut dyn Write,
) -> anyhow::Result<Finished>
where
    J: Change,
    D: Directory,
    C: Confirm,
{
    let skip_blocked = match mode {
        Mode::Read => return read(job, dir, env, out).await,
        Mode::Plan { skip_blocked } | Mode::Change { skip_blocked } => skip_blocked,
    };
    let read = read::stage(job, dir, env).await?;
    let plan = plan_of(job, &read.reads);
    let gate = gate::Gate {
        env,
        plan: &plan,
        read: &read,
        skip_blocked,
        skip_blocked_command,
        spec: &J::SPEC,
    };
    let dry_run = mode == Mode::Plan { skip_blocked };
    if let Some(exits) = gate.pass(dry_run, confirm, out).await? {
        return Ok(finished(exits, read.reads.len()));
    }
    let change = change::stage(job, dir, env, &plan, &read.reads, &read.counts).await?;
    emit(env, out, &change.doc, change.text)?;
    let exits = read.exits.into_iter().chain(change.exits);
    Ok(finished(exits, change.accounts))
}

fn finished(exits: impl IntoIterator<Item = Exit>, accounts: usize) -> Finished {
    Finished {
        exit: Exit::merge(exits),
        accounts,
    }
}

/// Pure: the plan for every account that was read, and every account refused up front (blocked,
/// with why), in account id order.
pub fn plan_of<J: Change>(job: &J, reads: &[Read<J::Finding>]) -> Plan<J::Step> {
    let mut entries: Vec<_> = reads
        .iter()
        .filter_map(|r| match &r.finding {
            Ok(f) => Some(job.plan(&r.account, f)),
            Err(SkipReason::Refused(why)) => Some(Entry {
                account_id: r.account.id.clone(),
                account_name: r.account.name.clone(),
                verdict: SkipReason::Refused(String::new()).verdict(),
                disposition: Disposition::Blocked,
                steps: Vec::new(),
                reason: Some(why.clone()),
            }),
            Err(_) => None,
        })
        .collect();
    entries.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Plan {
        scope: job.scope(),
        entries,
    }
}
