//! The read stage: targets resolved, enumerated accounts streamed into the bounded fan-out
//! (each selected account read by the job, the rest skipped with their reason, every row recorded
//! the moment its account finishes), then the stage's reports, its terminal text and what it says
//! about the exit code.

use super::directory::Directory;
use super::document::Document;
use super::emit::{finish_run, settle};
use super::enumerate::{self, Resolved, SelectError};
use super::fanout::fan_out;
use super::job::{Finding, Job, Read, Row};
use super::listing::{enumerated, listing_outcome};
use super::present;
use super::progress::Progress;
use super::record::Recorder;
use super::Env;
use crate::exit::{Exit, UsageError};
use crate::model::SkipReason;
use anyhow::Context;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io::Write;

/// Everything the read stage leaves for the stages after it.
pub struct Stage<F> {
    /// Every account, in completion order.
    pub reads: Vec<Read<F>>,
    /// Read rows per verdict.
    pub counts: BTreeMap<String, usize>,
    /// Why the read stage is incomplete, if it is.
    pub incomplete: Option<String>,
    /// The read stage's JSON document.
    pub doc: Document,
    /// What the read stage says about the exit code.
    pub exits: Vec<Exit>,
    /// The read stage's terminal text: attention table, counts, report paths.
    pub text: String,
}

/// Resolves the targets, reads every account (recording each row as it finishes), writes the
/// read stage's reports and judges what it found.
pub async fn stage<J, D>(job: &J, dir: &D, env: &Env) -> anyhow::Result<Stage<J::Finding>>
where
    J: Job,
    D: Directory,
{
    let spec = J::SPEC;
    let resolved = targets(dir, env, spec.reads_management_account).await?;
    let read_csv = env.report_path(spec.read, "csv");
    let mut recorder: Recorder<_, J::Row> =
        Recorder::create(read_csv).context("cannot create the report")?;
    let stage = read_all(job, dir, env, &resolved, &mut recorder).await;
    let halted = dir.halted();
    let write_failure = recorder.failure().map(|e| e.to_string());
    let incomplete = why_incomplete(&stage, write_failure, env, halted.as_deref());
    let counts = recorder.counts().clone();
    let doc = Document::new(
        &finish_run(&env.run, incomplete.clone()),
        &counts,
        spec.rows,
        recorder.take_rows(),
    );
    let read_json = env.report_path(spec.read, "json");
    let mut exits = vec![settle(&recorder, &read_json, &doc)];
    exits.extend(judged(&stage, &resolved, env, halted.as_deref()));
    let mut text = text(job, &stage.reads, &counts, incomplete.as_deref());
    text.push_str(&format!(
        "Reports: {} and {}\n",
        recorder.path().display(),
        read_json.display()
    ));
    Ok(Stage {
        reads: stage.reads,
        counts,
        incomplete,
        doc,
        exits,
        text,
    })
}

/// The targets resolved for a job that reads the management account only when
/// `reads_management`; naming the management account otherwise is a usage error.
async fn targets<D: Directory>(
    dir: &D,
    env: &Env,
    reads_management: bool,
) -> anyhow::Result<Resolved> {
    let resolved = enumerate::resolve(dir, &env.config, &env.management_account, reads_management)
        .await
        .map_err(|e| match e {
            SelectError::Target(t) => anyhow::Error::from(UsageError(t.into())),
            SelectError::Call(c) => anyhow::Error::from(c).context("cannot resolve the targets"),
        })?;
    if let Some(named) = resolved.selector.named_management() {
        return Err(UsageError(named.into()).into());
    }
    Ok(resolved)
}

/// Why the read stage is incomplete, the first reason that holds: the enumeration failed, the
/// report could not be written (`write_failure`), a signal stopped the listing or the reads, or
/// the management credentials were refused (`halted`).
fn why_incomplete<F>(
    stage: &Reads<F>,
    write_failure: Option<String>,
    env: &Env,
    halted: Option<&str>,
) -> Option<String> {
    stage
        .enumeration_failure
        .clone()
        .or_else(|| write_failure.map(|e| format!("the report could not be written: {e}")))
        .or_else(|| {
            stage
                .listing_interrupted
                .as_ref()
                .map(|why| format!("interrupted: {why}"))
        })
        .or_else(|| {
            env.cancel.is_cancelled().then(|| {
                "interrupted: accounts marked 'not audited: the run was interrupted' were not audited"
                    .to_string()
            })
        })
        .or_else(|| halted.map(|e| format!("the management credentials were refused: {e}")))
}

/// What the reads say about the exit code beyond the report's own: an unknown account or a named
/// one not processed is partial, a failed enumeration or refused management credentials
/// (`halted`) fatal, a signal its own; each named-but-skipped account and each fatal cause is
/// said on stderr.
fn judged<F: Finding>(
    stage: &Reads<F>,
    resolved: &Resolved,
    env: &Env,
    halted: Option<&str>,
) -> Vec<Exit> {
    let mut exits: Vec<Exit> = stage
        .reads
        .iter()
        .filter(|r| r.finding.as_ref().is_ok_and(|f| f.judge().unknown))
        .map(|_| Exit::Partial)
        .collect();
    for read in &stage.reads {
        if let Err(why) = &read.finding {
            if resolved.selector.named_but_skipped(&read.account.id, why) {
                eprintln!(
                    "rootsweep: {} ({}) was named but not processed: {why}",
                    read.account.id,
                    crate::report::table::escape(&read.account.name)
                );
                exits.push(Exit::Partial);
            }
        }
    }
    if stage.enumeration_failure.is_some() || halted.is_some() {
        exits.push(Exit::Fatal);
    }
    exits.extend(env.cancel.exit());
    if let Some(why) = &stage.enumeration_failure {
        eprintln!("rootsweep: {}", crate::report::table::escape(why));
    }
    if let Some(cause) = halted {
        eprintln!(
            "rootsweep: error: the management credentials were refused ({cause}); accounts after that were not read"
        );
    }
    exits
}

/// The read stage's terminal text before the report paths: attention table, counts, skips.
fn text<J: Job>(
    job: &J,
    reads: &[Read<J::Finding>],
    counts: &BTreeMap<String, usize>,
    incomplete: Option<&str>,
) -> String {
    let spec = J::SPEC;
    let rows = reads.iter().flat_map(|r| job.attention(r)).collect();
    let mut text = present::attention(spec.attention, rows);
    text.push_str(&present::counts(
        "verdict",
        spec.rows,
        counts,
        spec.verdicts,
    ));
    let skips: Vec<(String, String, String)> = reads
        .iter()
        .filter_map(|r| {
            let why = r.finding.as_ref().err()?;
            // Refused up front: the plan lists it as blocked, with its fix.
            if matches!(why, SkipReason::Refused(_)) {
                return None;
            }
            Some((
                r.account.id.clone(),
                r.account.name.clone(),
                why.to_string(),
            ))
        })
        .collect();
    text.push_str(&present::skipped(&skips));
    if let Some(why) = incomplete {
        text.push_str(&format!("INCOMPLETE: {why}\n"));
    }
    text
}

/// What the fan-out of reads produced.
pub struct Reads<F> {
    /// Every account of the organization, in completion order.
    pub reads: Vec<Read<F>>,
    /// Set when enumeration failed part-way (or its task stopped without saying the listing
    /// was complete): only the accounts listed before it were read.
    pub enumeration_failure: Option<String>,
    /// Set when a signal stopped the listing: only the accounts found before it were read.
    pub listing_interrupted: Option<String>,
}

/// Reads every account the enumeration yields, recording each row as it finishes.
pub async fn read_all<J, D, W>(
    job: &J,
    dir: &D,
    env: &Env,
    resolved: &Resolved,
    recorder: &mut Recorder<W, J::Row>,
) -> Reads<J::Finding>
where
    J: Job,
    D: Directory,
    W: Write,
{
    let progress = Progress::new(J::SPEC.read, env.quiet());
    let end = RefCell::new(None);
    let enumeration = enumerate::spawn(dir.clone(), resolved, env.cancel.clone());
    let accounts = enumerated(enumeration.feed, &end, &progress);

    let selector = &resolved.selector;
    let write_failed = Cell::new(false);
    let mut reads = Vec::new();
    fan_out(
        accounts,
        env.config.concurrency,
        || env.cancel.is_cancelled() || write_failed.get(),
        |account| async move {
            let refused = match (selector.decide(&account), &env.config.guard) {
                (Err(reason), _) => Some(reason),
                (Ok(()), Some(guard)) => guard.refuse(&account).await.map(SkipReason::Refused),
                (Ok(()), None) => None,
            };
            let finding = match refused {
                Some(reason) => Err(reason),
                None => Ok(job.read(&account).await),
            };
            Read { account, finding }
        },
        |account| {
            let reason = selector.decide(&account).err().unwrap_or_else(|| {
                if env.cancel.is_cancelled() {
                    SkipReason::Interrupted
                } else {
                    SkipReason::Stopped("the report could not be written".into())
                }
            });
            Read {
                account,
                finding: Err(reason),
            }
        },
        |read: Read<J::Finding>| {
            for row in job.rows(&read) {
                let verdict = row.verdict().to_string();
                recorder.record_counted(row, &verdict);
            }
            write_failed.set(recorder.failure().is_some());
            let verdict = match &read.finding {
                Ok(f) => f.judge().verdict,
                Err(why) => why.verdict(),
            };
            progress.finish_one(&read.account.id, verdict);
            reads.push(read);
        },
    )
    .await;
    progress.finish();
    let end = end.into_inner();
    // The task is awaited only when its feed closed without a word: then it has ended.
    let task = match end {
        None => Some(enumeration.task.await),
        Some(_) => None,
    };
    let (enumeration_failure, listing_interrupted) = listing_outcome(end, task, reads.len());
    Reads {
        reads,
        enumeration_failure,
        listing_interrupted,
    }
}
