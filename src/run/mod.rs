//! The pipeline every command runs through: targets → enumerate → read → plan → (dry run |
//! confirm) → apply the plan → verify → report → exit. Generic over a [`job::Job`], which supplies
//! only what is its own; confirmation, cancellation, progress, report files, the one stdout
//! document and the exit decision live here, once. The pipeline never names a job.

pub mod change;
pub mod confirm;
pub mod directory;
pub mod document;
pub mod enumerate;
pub mod fanout;
pub mod job;
pub mod present;
pub mod progress;
pub mod read;
pub mod record;
pub mod settle;
pub mod walk;

use crate::cancel::Cancel;
use crate::exit::{Exit, UsageError};
use crate::report::json::{count, RunInfo};
use crate::report::{file, rfc3339_system};
use anyhow::Context;
use confirm::{Answer, Confirm};
use directory::Directory;
use document::Document;
use enumerate::SelectError;
use job::{Change, Job, Outcome, Plan, Read};
use record::Recorder;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Text for the prompt and the plan: what the change does, and the command line that would
/// change only the eligible accounts.
pub struct Wording {
    /// Completes "Type N to …", e.g. "delete root credentials in N account(s)".
    pub confirm: String,
    /// The same command with `--skip-blocked`.
    pub skip_blocked_command: String,
}

/// Everything the read stage leaves for the stages after it.
struct ReadStage<F> {
    /// Every account, in completion order.
    reads: Vec<Read<F>>,
    /// Read rows per verdict.
    counts: BTreeMap<String, usize>,
    /// Why the read stage is incomplete, if it is.
    incomplete: Option<String>,
    /// The read stage's JSON document.
    doc: Document,
    /// What the read stage says about the exit code.
    exits: Vec<Exit>,
    /// The read stage's terminal text: attention table, counts, report paths.
    text: String,
}

/// Resolves the targets, reads every account (recording each row as it finishes), writes the
/// read stage's reports and judges what it found.
async fn read_stage<J, D>(job: &J, dir: &D, env: &Env) -> anyhow::Result<ReadStage<J::Finding>>
where
    J: Job,
    D: Directory,
{
    // Targets.
    let resolved = enumerate::resolve(
        dir,
        &env.config,
        &env.management_account,
        J::READS_MANAGEMENT_ACCOUNT,
    )
    .await
    .map_err(|e| match e {
        SelectError::Target(t) => anyhow::Error::from(UsageError(t.into())),
        SelectError::Call(c) => anyhow::Error::from(c).context("cannot resolve the targets"),
    })?;

    // Read.
    let read_csv = env.report_path(J::READ, "csv");
    let mut recorder: Recorder<_, J::ReadRow> =
        Recorder::create(read_csv).context("cannot create the report")?;
    let stage = read::run(job, dir, env, &resolved, &mut recorder).await;
    let reads = stage.reads;
    let incomplete = stage
        .enumeration_failure
        .clone()
        .or_else(|| recorder.failure().map(|e| format!("the report could not be written: {e}")))
        .or_else(|| {
            env.cancel.is_cancelled().then(|| {
                "interrupted: accounts marked 'not audited: the run was interrupted' were not audited"
                    .to_string()
            })
        })
        .or_else(|| {
            job.halted()
                .map(|e| format!("the management credentials were refused: {e}"))
        });
    let counts = recorder.counts().clone();
    let read_run = finish_run(&env.run, incomplete.clone());
    let doc = Document::new(&read_run, &counts, J::ROWS, recorder.rows());
    let read_json = env.report_path(J::READ, "json");
    let mut exits = vec![settle(&recorder, &read_json, &doc)];
    exits.extend(
        reads
            .iter()
            .filter(|r| r.finding.as_ref().is_ok_and(|f| job.judge(f).unknown))
            .map(|_| Exit::Partial),
    );
    if stage.enumeration_failure.is_some() || job.halted().is_some() {
        exits.push(Exit::Fatal);
    }
    exits.extend(env.cancel.exit());
    if let Some(why) = &stage.enumeration_failure {
        eprintln!("rootsweep: {}", crate::report::table::escape(why));
    }
    if let Some(cause) = job.halted() {
        eprintln!(
            "rootsweep: error: the management credentials were refused ({cause}); accounts after that were not read"
        );
    }
    let rows = reads.iter().flat_map(|r| job.attention(r)).collect();
    let mut text = present::attention(job.attention_header(), rows);
    text.push_str(&present::counts("verdict", J::ROWS, &counts, J::VERDICTS));
    let skips: Vec<(String, String, String)> = reads
        .iter()
        .filter_map(|r| {
            let why = r.finding.as_ref().err()?;
            Some((
                r.account.id.clone(),
                r.account.name.clone(),
                why.to_string(),
            ))
        })
        .collect();
    text.push_str(&present::skipped(&skips));
    if let Some(why) = &incomplete {
        text.push_str(&format!("INCOMPLETE: {why}\n"));
    }
    text.push_str(&format!(
        "Reports: {} and {}\n",
        recorder.path().display(),
        read_json.display()
    ));
    Ok(ReadStage {
        reads,
        counts,
        incomplete,
        doc,
        exits,
        text,
    })
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
    let stage = read_stage(job, dir, env).await?;
    emit(env, out, &stage.doc, stage.text)?;
    Ok(finished(stage.exits, stage.reads.len()))
}

/// Runs `job` through every stage `mode` asks for, writing the stdout document to `out`.
pub async fn run<J, D, C>(
    job: &J,
    dir: &D,
    env: &Env,
    mode: Mode,
    confirm: &C,
    wording: &Wording,
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
    let ReadStage {
        reads,
        counts: read_counts,
        incomplete,
        doc: read_doc,
        mut exits,
        text: read_text,
    } = read_stage(job, dir, env).await?;

    // Plan.
    let plan = plan_of(job, &reads);
    let plan_doc = read_doc.clone().with("plan", &plan);
    let plan_text = |text: String| -> String {
        let plan_text = present::plan(&plan, skip_blocked, &wording.skip_blocked_command);
        format!("{text}{plan_text}")
    };
    if mode == (Mode::Plan { skip_blocked }) {
        emit(env, out, &plan_doc, plan_text(read_text.clone()))?;
        eprintln!("rootsweep: dry run: nothing was changed");
        return Ok(finished(exits, reads.len()));
    }
    if incomplete.is_some() {
        emit(env, out, &read_doc, read_text)?;
        eprintln!("rootsweep: the read stage did not complete; nothing was changed");
        return Ok(finished(exits, reads.len()));
    }
    let refused = plan.refused().count();
    if refused > 0 && !skip_blocked {
        emit(env, out, &plan_doc, plan_text(read_text.clone()))?;
        eprintln!(
            "rootsweep: refusing to change anything: {refused} account(s) are blocked or unknown. \
             Resolve them first, or pass --skip-blocked to change only the others:"
        );
        for e in plan.refused() {
            eprintln!("  {}", present::line(e));
        }
        exits.push(Exit::Refused);
        return Ok(finished(exits, reads.len()));
    }

    // Confirm.
    let changing = plan.to_change().count();
    if changing == 0 {
        eprintln!(
            "rootsweep: nothing to {}: no account has anything in scope to change",
            J::CHANGE
        );
    } else {
        if env.output == Output::Text {
            write!(out, "{}", plan_text(String::new()))?;
            out.flush()?;
        }
        let stop = match confirm.ask(changing, &wording.confirm).await {
            Answer::Yes => None,
            Answer::No => {
                eprintln!("rootsweep: not confirmed; nothing was changed");
                Some(Exit::Usage)
            }
            Answer::NoTerminal => {
                eprintln!(
                    "rootsweep: refusing: no terminal to confirm on; re-run with --yes to change {changing} account(s)"
                );
                Some(Exit::Usage)
            }
            Answer::Cancelled => {
                eprintln!("rootsweep: cancelled at the prompt; nothing was changed");
                Some(env.cancel.exit().unwrap_or(Exit::Interrupted))
            }
        };
        if let Some(exit) = stop {
            if env.output == Output::Json {
                out.write_all(plan_doc.render().as_bytes())?;
            }
            exits.push(exit);
            return Ok(finished(exits, reads.len()));
        }
    }

    // Apply, verify, record.
    let change_csv = env.report_path(J::CHANGE, "csv");
    let mut recorder: Recorder<_, J::ChangeRow> =
        Recorder::create(change_csv).context("cannot create the report; nothing was changed")?;
    let outcomes = change::run(job, env, &plan, &mut recorder).await;
    let labels: Vec<&str> = Outcome::ALL.iter().map(|o| J::label(*o)).collect();
    let counts = count(outcomes.iter().map(|o| J::label(o.outcome)));
    let incomplete = recorder
        .failure()
        .map(|e| format!("the report could not be written: {e}"))
        .or_else(|| {
            env.cancel
                .is_cancelled()
                .then(|| "interrupted: accounts marked not-started were not touched".to_string())
        });
    let run = finish_run(&env.run, incomplete);
    let doc = Document::new(&run, &counts, J::CHANGE_ROWS, recorder.rows())
        .with("audit_counts", &read_counts)
        .with("plan", &plan);
    let json = env.report_path(J::CHANGE, "json");
    exits.push(settle(&recorder, &json, &doc));
    exits.extend(outcomes.iter().map(|o| o.outcome.exit()));
    exits.extend(env.cancel.exit());
    if let Some(cause) = job.halted() {
        eprintln!(
            "rootsweep: error: the management credentials were refused ({cause}); later accounts were not started"
        );
        exits.push(Exit::Fatal);
    }
    let mut text = present::counts("outcome", "accounts", &counts, &labels);
    let attention: Vec<Vec<String>> = outcomes
        .iter()
        .filter(|o| {
            !o.error.is_empty() && o.outcome.exit() != Exit::Success
                || matches!(o.outcome, Outcome::Interrupted)
        })
        .map(|o| {
            vec![
                o.account_id.clone(),
                o.account_name.clone(),
                J::label(o.outcome).to_string(),
                o.error.clone(),
            ]
        })
        .collect();
    if !attention.is_empty() {
        text.push_str(&format!(
            "{}\n",
            crate::report::table::render(&["account", "name", "outcome", "error"], attention)
        ));
    }
    text.push_str(&format!(
        "Reports: {} and {}\n",
        recorder.path().display(),
        json.display()
    ));
    emit(env, out, &doc, text)?;
    Ok(finished(exits, outcomes.len()))
}

fn finished(exits: Vec<Exit>, accounts: usize) -> Finished {
    Finished {
        exit: Exit::merge(exits),
        accounts,
    }
}

/// Pure: the plan for every account that was read, in account id order.
pub fn plan_of<J: Change>(job: &J, reads: &[Read<J::Finding>]) -> Plan<J::Step> {
    let mut entries: Vec<_> = reads
        .iter()
        .filter_map(|r| r.finding.as_ref().ok().map(|f| job.plan(&r.account, f)))
        .collect();
    entries.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Plan {
        scope: job.scope(),
        entries,
    }
}

fn finish_run(run: &RunInfo, incomplete: Option<String>) -> RunInfo {
    RunInfo {
        ended: rfc3339_system(std::time::SystemTime::now()),
        complete: incomplete.is_none(),
        incomplete_reason: incomplete,
        ..run.clone()
    }
}

/// Prints the run's result: the document (json) or the text (text). One document per run.
fn emit(env: &Env, out: &mut dyn Write, doc: &Document, text: String) -> std::io::Result<()> {
    match env.output {
        Output::Json => doc.write_to(out)?,
        Output::Text => out.write_all(text.as_bytes())?,
    }
    out.flush()
}

/// Writes a stage's JSON report and says where the record of the stage is when a report could
/// not be written: the JSON when the CSV failed, stderr when both did. A failed write is fatal.
fn settle<W: Write, R: Serialize + Default>(
    recorder: &Recorder<W, R>,
    json: &Path,
    doc: &Document,
) -> Exit {
    let written = file::create(json)
        .map_err(anyhow::Error::from)
        .and_then(|f| {
            let mut out = std::io::BufWriter::new(f);
            doc.write_to(&mut out)?;
            out.flush()?;
            Ok(())
        });
    match (recorder.failure(), written) {
        (None, Ok(())) => Exit::Success,
        (Some(e), Ok(())) => {
            eprintln!(
                "rootsweep: error: writing {} failed ({e}); no further account was started. \
                 The complete record of this run is in {}",
                recorder.path().display(),
                json.display()
            );
            Exit::Fatal
        }
        (None, Err(e)) => {
            eprintln!(
                "rootsweep: error: writing {} failed ({e:#}); {} holds every row",
                json.display(),
                recorder.path().display()
            );
            Exit::Fatal
        }
        (Some(csv), Err(e)) => {
            eprintln!(
                "rootsweep: error: writing {} failed ({csv}) and so did {} ({e:#}); \
                 no further account was started. The record of this run follows:",
                recorder.path().display(),
                json.display()
            );
            eprint!("{}", doc.render());
            Exit::Fatal
        }
    }
}
