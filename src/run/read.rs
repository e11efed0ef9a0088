//! The read stage: enumerated accounts stream into the bounded fan-out; each selected account is
//! read by the job, the rest are skipped with their reason, and every row is recorded the moment
//! its account finishes.

use super::directory::{Directory, Feed};
use super::enumerate::{self, Resolved};
use super::fanout::fan_out;
use super::job::{Job, Read};
use super::progress::Progress;
use super::record::Recorder;
use super::Env;
use crate::call::CallError;
use crate::model::{Account, SkipReason};
use futures::Stream;
use std::cell::{Cell, RefCell};
use std::io::Write;
use tokio::sync::mpsc;

/// What the read stage produced.
pub struct ReadStage<F> {
    /// Every account of the organization, in completion order.
    pub reads: Vec<Read<F>>,
    /// Set when enumeration failed part-way: only the accounts listed before it were read.
    pub enumeration_failure: Option<String>,
}

/// Reads every account the enumeration yields, recording each row as it finishes.
pub async fn run<J, D, W>(
    job: &J,
    dir: &D,
    env: &Env,
    resolved: &Resolved,
    recorder: &mut Recorder<W, J::ReadRow>,
) -> ReadStage<J::Finding>
where
    J: Job,
    D: Directory,
    W: Write,
{
    let progress = Progress::new(J::READ, env.quiet());
    let failure = RefCell::new(None);
    let rx = enumerate::spawn(dir.clone(), resolved);
    let accounts = accounts(rx, &failure, &progress);
    let selector = &resolved.selector;
    let write_failed = Cell::new(false);
    let mut reads = Vec::new();
    fan_out(
        accounts,
        env.config.concurrency,
        || env.cancel.is_cancelled() || write_failed.get(),
        |account| async move {
            let finding = match selector.decide(&account) {
                Err(reason) => Err(reason),
                Ok(()) => Ok(job.read(&account).await),
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
            for row in job.read_rows(&read) {
                let verdict = job.verdict(&row).to_string();
                recorder.record_counted(row, &verdict);
            }
            write_failed.set(recorder.failure().is_some());
            let verdict = match &read.finding {
                Ok(f) => job.judge(f).verdict,
                Err(_) => "skipped",
            };
            progress.finish_one(&read.account.id, verdict);
            reads.push(read);
        },
    )
    .await;
    progress.finish();
    ReadStage {
        reads,
        enumeration_failure: failure.into_inner().map(|e| {
            format!("enumeration failed, the report lists only the accounts listed before it: {e}")
        }),
    }
}

/// The enumerated accounts as a stream, each counted into the progress total as it comes; a
/// failed listing ends the stream and is kept in `failure`.
fn accounts<'a>(
    rx: mpsc::Receiver<Feed>,
    failure: &'a RefCell<Option<CallError>>,
    progress: &'a Progress,
) -> impl Stream<Item = Account> + 'a {
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
