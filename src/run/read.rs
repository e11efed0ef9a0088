//! The read stage: targets resolved, enumerated accounts streamed into the bounded fan-out
//! (each selected account read by the job, the rest skipped with their reason, every row recorded
//! the moment its account finishes), then the stage's reports, its terminal text and what it says
//! about the exit code.

use super::directory::{Directory, Feed};
use super::document::Document;
use super::emit::{finish_run, settle};
use super::enumerate::{self, Resolved, SelectError};
use super::fanout::fan_out;
use super::job::{Finding, Job, Read, Row};
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
    let resolved = enumerate::resolve(
        dir,
        &env.config,
        &env.management_account,
        spec.reads_management_account,
    )
    .await
    .map_err(|e| match e {
        SelectError::Target(t) => anyhow::Error::from(UsageError(t.into())),
        SelectError::Call(c) => anyhow::Error::from(c).context("cannot resolve the targets"),
    })?;
    let read_csv = env.report_path(spec.read, "csv");
    let mut recorder: Recorder<_, J::Row> =
        Recorder::create(read_csv).context("cannot create the report")?;
    let stage = read_all(job, dir, env, &resolved, &mut recorder).await;
    let halted = dir.halted();
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
            halted
                .as_ref()
                .map(|e| format!("the management credentials were refused: {e}"))
        });
    let counts = recorder.counts().clone();
    let doc = Document::new(
        &finish_run(&env.run, incomplete.clone()),
        &counts,
        spec.rows,
        recorder.rows(),
    );
    let read_json = env.report_path(spec.read, "json");
    let mut exits = vec![settle(&recorder, &read_json, &doc)];
    exits.extend(
        stage
            .reads
            .iter()
            .filter(|r| r.finding.as_ref().is_ok_and(|f| f.judge().unknown))
            .map(|_| Exit::Partial),
    );
    if stage.enumeration_failure.is_some() || halted.is_some() {
        exits.push(Exit::Fatal);
    }
    exits.extend(env.cancel.exit());
    if let Some(why) = &stage.enumeration_failure {
        eprintln!("rootsweep: {}", crate::report::table::escape(why));
    }
    if let Some(cause) = &halted {
        eprintln!(
            "rootsweep: error: the management credentials were refused ({cause}); accounts after that were not read"
        );
    }
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
    /// Set when enumeration failed part-way: only the accounts listed before it were read.
    pub enumeration_failure: Option<String>,
}

/// The accounts the enumeration feeds, as a stream: each one counted into the progress total;
/// a failed enumeration ends the stream and is kept in `failure`.
fn enumerated<'a>(
    rx: tokio::sync::mpsc::Receiver<Feed>,
    failure: &'a RefCell<Option<crate::call::Error>>,
    progress: &'a Progress,
) -> impl futures::Stream<Item = crate::model::Account> + 'a {
    futures::stream::unfold(rx, move |mut rx| async move {
        match rx.recv().await {
            Some(Feed::Account(a)) => {
                progress.add_total(1);
                Some((a, rx))
            }
            Some(Feed::Failed(e)) => {
                *failure.borrow_mut() = Some(e);
                progress.total_known();
                None
            }
            None => {
                progress.total_known();
                None
            }
        }
    })
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
    let failure = RefCell::new(None);
    let accounts = enumerated(enumerate::spawn(dir.clone(), resolved), &failure, &progress);

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
                Err(_) => "skipped",
            };
            progress.finish_one(&read.account.id, verdict);
            reads.push(read);
        },
    )
    .await;
    progress.finish();
    Reads {
        reads,
        enumeration_failure: failure.into_inner().map(|e| {
            format!("enumeration failed, the report lists only the accounts listed before it: {e}")
        }),
    }
}
