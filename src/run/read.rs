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
    if let Some(named) = resolved.selector.named_management() {
        return Err(UsageError(named.into()).into());
    }
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

/// How the enumeration's feed ended.
#[derive(Debug)]
enum End {
    /// The enumeration said every account was sent.
    Complete,
    /// A listing call failed.
    Failed(crate::call::Error),
    /// A signal stopped the listing.
    Interrupted,
}

/// The accounts the enumeration feeds, as a stream: each one counted into the progress total;
/// how the feed ended is kept in `end` (left `None` when it closed without a word).
fn enumerated<'a>(
    rx: tokio::sync::mpsc::Receiver<Feed>,
    end: &'a RefCell<Option<End>>,
    progress: &'a Progress,
) -> impl futures::Stream<Item = crate::model::Account> + 'a {
    futures::stream::unfold(rx, move |mut rx| async move {
        let last = match rx.recv().await {
            Some(Feed::Account(a)) => {
                progress.add_total(1);
                return Some((a, rx));
            }
            Some(Feed::Failed(e)) => Some(End::Failed(e)),
            Some(Feed::Interrupted) => Some(End::Interrupted),
            Some(Feed::Complete) => Some(End::Complete),
            None => None,
        };
        *end.borrow_mut() = last;
        progress.total_known();
        None
    })
}

/// What the end of the listing means for the run: `(failure, interruption)`, both `None` only
/// for a listing that said it was complete. A feed closed without a word is a failure, named by
/// the task's panic when it panicked; a call given up because of the signal is an interruption.
fn listing_outcome(
    end: Option<End>,
    task: Option<Result<(), tokio::task::JoinError>>,
    found: usize,
) -> (Option<String>, Option<String>) {
    let interrupted = || {
        Some(format!(
            "the listing was interrupted: the report lists only the {found} accounts found before the signal"
        ))
    };
    match end {
        Some(End::Complete) => (None, None),
        Some(End::Interrupted) => (None, interrupted()),
        Some(End::Failed(e)) if e.kind == crate::call::ErrorKind::Interrupted => {
            (None, interrupted())
        }
        Some(End::Failed(e)) => (
            Some(format!(
                "enumeration failed, the report lists only the accounts listed before it: {e}"
            )),
            None,
        ),
        None => {
            let why = match task {
                Some(Err(e)) if e.is_panic() => {
                    let panic = e.into_panic();
                    let text = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "no message".to_string());
                    format!("the enumeration panicked ({text})")
                }
                _ => "the enumeration stopped without saying the listing was complete".to_string(),
            };
            let why = format!("{why}: the report lists only the accounts listed before it");
            (Some(why), None)
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{Error, ErrorKind};

    #[test]
    fn only_a_listing_that_said_so_is_complete() {
        assert_eq!(listing_outcome(Some(End::Complete), None, 3), (None, None));
        let (failure, _) = listing_outcome(None, Some(Ok(())), 3);
        assert_eq!(
            failure.as_deref(),
            Some("the enumeration stopped without saying the listing was complete: the report lists only the accounts listed before it")
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_panicked_enumeration_is_a_failure_named_by_its_panic() {
        let joined = tokio::spawn(async { panic!("walk bug") }).await;
        let (failure, interrupted) = listing_outcome(None, Some(joined), 3);
        assert_eq!(interrupted, None);
        let failure = failure.expect("a failure");
        assert!(
            failure.starts_with("the enumeration panicked (walk bug)"),
            "{failure}"
        );
    }

    #[test]
    fn an_interrupted_listing_is_an_interruption_never_a_failure() {
        let said = "the listing was interrupted: the report lists only the 40 accounts found before the signal";
        let cancelled = Error::interrupted("ListAccounts", None);
        for end in [End::Interrupted, End::Failed(cancelled)] {
            let (failure, interrupted) = listing_outcome(Some(end), None, 40);
            assert_eq!((failure, interrupted.as_deref()), (None, Some(said)));
        }
        let denied = Error::new(
            "ListAccounts",
            "AccessDenied",
            "no",
            ErrorKind::AccessDenied,
        );
        let (failure, interrupted) = listing_outcome(Some(End::Failed(denied)), None, 40);
        assert!(failure.is_some_and(|f| f.starts_with("enumeration failed")));
        assert_eq!(interrupted, None);
    }
}
