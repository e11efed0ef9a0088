//! Runs a users change job (`users deactivate`, `users reactivate`) on a generated case: its
//! organization of accounts, a fault plan drawn for the reads and the status changes, the
//! case's write fault scaled to the job's writes, a dry run or a confirmed run on the paused
//! clock with the fault wrapper in front of the fake. Then what every such run must show: no
//! change outside the confirmed plan or after a signal, no report complete after a signal, an
//! exit of 130 after SIGINT, an end soon after it; and which outcomes the soak reached.

use super::generate::{Case, CODES, MANAGEMENT};
use super::users_credentials::{complete, target, Key};
use super::users_faulty::{Fault, Faulty, Made, Plan, Seen};
use super::Writes;
use crate::cancel::Cancel;
use crate::root::fake::Fake as Directory;
use crate::run::confirm::{Answer, Confirm};
use crate::run::{Mode, Output};
use crate::users::fake::Fake;
use rand::rngs::SmallRng;
use rand::Rng;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

/// Confirms at once, marking the start of the change stage for the fault wrapper.
pub(super) struct Confirming(pub Faulty);

impl Confirm for Confirming {
    async fn ask(&self, _count: usize, _what: &str) -> Answer {
        self.0.confirmed();
        Answer::Yes
    }
}

/// The management account, then every ACTIVE member of `case`.
pub(super) fn accounts(case: &Case) -> Vec<String> {
    let members = case
        .accounts
        .iter()
        .filter(|(id, s, _)| id != MANAGEMENT && s == "ACTIVE")
        .map(|(id, _, _)| id.clone());
    std::iter::once(MANAGEMENT.to_string())
        .chain(members)
        .collect()
}

/// A fault plan over about `reads` calls of the read stage and `changes` of the change stage:
/// errors of every class and signals on reads; on changes also a change made whose answer is
/// lost, made and then failing, answered and never taking effect.
pub(super) fn faults(rng: &mut SmallRng, reads: usize, changes: usize) -> Plan {
    let mut faults = Plan::default();
    if rng.gen_bool(0.3) {
        for _ in 0..rng.gen_range(1..=2) {
            let fault = match rng.gen_range(0..5) {
                0 => Fault::Signal,
                _ => Fault::Error(CODES[rng.gen_range(0..CODES.len())]),
            };
            faults.read.push((rng.gen_range(1..=reads), fault));
        }
    }
    if rng.gen_bool(0.6) {
        for _ in 0..rng.gen_range(1..=3) {
            let code = CODES[rng.gen_range(0..CODES.len())];
            let fault = match rng.gen_range(0..20) {
                0..=7 => Fault::Error(code),
                8..=11 => Fault::AppliedThenFailed(code),
                12..=15 => Fault::AppliedThenLost,
                16 | 17 => Fault::Ignored,
                _ => Fault::Signal,
            };
            faults.change.push((rng.gen_range(1..=changes), fault));
        }
    }
    faults
}

/// One run's setting: its report folder, its cancellation, the fault wrapper.
pub(super) struct Drive {
    pub dir: tempfile::TempDir,
    pub cancel: Cancel,
    pub faulty: Faulty,
    /// The undo record's path (the one written, or the one read back).
    pub record: PathBuf,
}

/// What a run left besides its files and the world.
pub(super) struct Ran {
    pub exit: u8,
    pub writes: Writes,
    pub seen: Seen,
    /// The plan's entries as the run printed them, when it did.
    pub plan: Option<Vec<Value>>,
    /// Virtual time from the signal to the end, if signalled.
    pub after_signal: Option<Duration>,
}

impl Drive {
    /// `fake` behind `faults`, the undo record named `record` in a new report folder.
    pub fn new(fake: &Fake, faults: &Plan, record: &str) -> Drive {
        let dir = tempfile::tempdir().expect("tempdir");
        let cancel = Cancel::default();
        let record = dir.path().join(record);
        let faulty = Faulty::new(fake.clone(), faults.clone(), cancel.clone(), record.clone());
        Drive {
            dir,
            cancel,
            faulty,
            record,
        }
    }

    /// The users audit over the fault wrapper, the read stage of every users change job.
    pub fn users(&self) -> crate::users::Job<Faulty> {
        let rules = crate::users::verdict::tests::rules();
        crate::users::Job::new(self.faulty.clone(), MANAGEMENT, rules, self.cancel.clone())
    }

    /// Runs `job` over `directory`'s accounts (`named` ones only, when given) with `case`'s
    /// concurrency, `--skip-blocked` and write fault — its k-th write of about `writes` —
    /// confirmed at once unless `dry_run`; else the promise it broke.
    pub async fn run<J: crate::run::job::Change>(
        &self,
        case: &Case,
        writes: usize,
        job: &J,
        directory: &Directory,
        dry_run: bool,
        named: Vec<String>,
    ) -> Result<Ran, String> {
        let case = &Case {
            writes: case.writes.map(|(k, on)| {
                let drawn = 2 * case.accounts.len() + 6;
                (1 + (k - 1) * writes / drawn, on)
            }),
            ..case.clone()
        };
        let mut env = crate::root::tests::env(self.dir.path(), &self.cancel, Output::Json);
        env.config.concurrency = case.concurrency;
        env.config.accounts = named;
        let skip_blocked = case.skip_blocked;
        let mode = match dry_run {
            true => Mode::Plan { skip_blocked },
            false => Mode::Change { skip_blocked },
        };
        let confirm = Confirming(self.faulty.clone());
        let mut out = Vec::new();
        let run = crate::run::run(job, directory, &env, mode, &confirm, "x", &mut out);
        let (exit, writes) = super::exit_of(case, run).await?;
        let seen = self.faulty.seen();
        let doc: Value = serde_json::from_slice(&out).unwrap_or(Value::Null);
        Ok(Ran {
            exit,
            writes,
            after_signal: seen.signalled_at.map(|at| at.elapsed()),
            seen,
            plan: doc["plan"]["entries"].as_array().cloned(),
        })
    }
}

/// Every mutating call with the credential it targets; a call that targets none, made in a
/// dry run or before the confirmation, not a step of the printed plan (`steps`, when it was
/// printed), or begun after the signal, is broken.
pub(super) fn calls<'a>(
    made: &'a [Made],
    dry_run: bool,
    steps: Option<&BTreeSet<&Key>>,
    broken: &mut Vec<String>,
) -> Vec<(&'a Made, Key)> {
    let mut targeted = Vec::new();
    for m in made {
        let Some(key) = target(&m.account, &m.call) else {
            broken.push(format!("plan: {} is no credential's status change", m.call));
            continue;
        };
        if dry_run || !m.confirmed {
            broken.push(format!(
                "plan: {key:?} changed without a confirmed change run"
            ));
        }
        if steps.is_some_and(|s| !s.contains(&key)) {
            broken.push(format!("plan: {key:?} changed, not a step of the plan"));
        }
        if m.after_signal {
            broken.push(format!("ends: {key:?} changed after the signal"));
        }
        targeted.push((m, key));
    }
    targeted
}

/// After a signal: none of `reports` — (stem, signalled before it was written) — complete,
/// exit 130 (unless a write failed), an end within 30 s; and the exit a failed write gives.
pub(super) fn ends(
    ran: &Ran,
    reports: &[(&str, bool)],
    dir: &std::path::Path,
    broken: &mut Vec<String>,
) {
    for (stem, signalled) in reports {
        if *signalled && complete(dir, stem) {
            broken.push(format!(
                "complete: the {stem} report is complete after a signal"
            ));
        }
    }
    if ran.seen.signalled && !ran.writes.any() && ran.exit != 130 {
        broken.push(format!("exit: {} after SIGINT", ran.exit));
    }
    let stems: Vec<&str> = reports.iter().map(|(stem, _)| *stem).collect();
    ran.writes.exit(&stems, ran.exit, broken);
    if let Some(took) = ran.after_signal.filter(|t| *t > Duration::from_secs(30)) {
        broken.push(format!("ends: {took:?} after the signal"));
    }
}

thread_local! {
    /// Per outcome (and a few events), the cases of this thread's soak that reached it.
    static REACHED: std::cell::RefCell<BTreeMap<String, usize>> = Default::default();
}

/// Runs `job`'s soak (see [`super::soak_each`]); over the default 256 cases or more, each of
/// `words` must have been reached by at least 3 of them.
pub(super) fn soak(
    job: &str,
    changes: &str,
    words: &[&str],
    check: impl Fn(&Case) -> (Vec<String>, usize),
) {
    REACHED.with_borrow_mut(BTreeMap::clear);
    super::soak_each(job, Some(changes), check);
    let reached = REACHED.with_borrow(Clone::clone);
    if super::seeds().len() >= 256 {
        for what in words {
            let n = reached.get(*what).copied().unwrap_or(0);
            assert!(n >= 3, "{job}: {n} cases reach {what}: {reached:?}");
        }
    }
}

/// A case with nothing of its own: one account at a time, no write fault.
pub(super) fn plain_case() -> Case {
    Case {
        seed: 0,
        accounts: Vec::new(),
        concurrency: 1,
        faults: Vec::new(),
        skip_blocked: false,
        named: Vec::new(),
        writes: None,
    }
}

/// At most 8 broken promises of one case, and how many more.
pub(super) fn cap(mut broken: Vec<String>) -> Vec<String> {
    if broken.len() > 8 {
        let more = broken.len() - 8;
        broken.truncate(8);
        broken.push(format!("and {more} more"));
    }
    broken
}

/// Counts what one case reached: each outcome of its change report's `rows`, each of the
/// `events` that happened, its exit code.
pub(super) fn reached(rows: &[Value], events: &[(bool, &str)], exit: u8) {
    let mut what: BTreeSet<String> = rows
        .iter()
        .map(|r| r["outcome"].as_str().unwrap_or("").to_string())
        .collect();
    what.extend(events.iter().filter(|e| e.0).map(|e| e.1.to_string()));
    what.insert(format!("exit {exit}"));
    REACHED.with_borrow_mut(|r| {
        for w in what {
            *r.entry(w).or_default() += 1;
        }
    });
}
