//! What must always hold, checked on generated organizations and fault plans: each case is
//! drawn from a seed ([`generate`]), run through a job's traits against the in-memory world
//! with the fault plan in front of it ([`faulty`]) on tokio's paused clock, and what the run
//! left is checked against the README's promises ([`check`]).
//!
//! `cargo test invariant` runs 256 cases per job; `ROOTSWEEP_INVARIANT_CASES=N` runs N (the
//! soak), `ROOTSWEEP_INVARIANT_SEED=S` replays one. A failing case names its seed.

pub mod check;
pub mod faulty;
mod findings;
pub mod generate;
mod unlock;
mod users;
mod users_change;
mod users_credentials;
mod users_deactivate;
mod users_faulty;
mod users_reactivate;
mod users_reactivate_judge;
mod users_tidy;
mod users_wire;
mod wire;

use crate::cancel::Cancel;
use crate::root::plan::Scope;
use crate::run::confirm::{Answer, Confirm};
use crate::run::{Mode, Output};
use check::{Job, Observed, Report};
use faulty::Faulty;
use generate::Case;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The seeds to run: one replayed, or the first N.
fn seeds() -> Vec<u64> {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    match env("ROOTSWEEP_INVARIANT_SEED") {
        Some(seed) => vec![seed],
        None => (0..env("ROOTSWEEP_INVARIANT_CASES").unwrap_or(256)).collect(),
    }
}

/// Confirms at once, marking the start of the change stage for the fault wrapper.
struct Confirming(Faulty);

impl Confirm for Confirming {
    async fn ask(&self, _count: usize, _what: &str) -> Answer {
        self.0.confirmed();
        Answer::Yes
    }
}

const RUN_ID: &str = "20261125T000000.000Z";

/// One report as written (`None` when the stage wrote neither file and none failed), and
/// which of its files a write fault hit (`failed`: the files whose write failed).
fn report(dir: &Path, stem: &str, writes: &Writes) -> Option<Report> {
    let (json, csv) = (
        format!("{stem}-{RUN_ID}.json"),
        format!("{stem}-{RUN_ID}.csv"),
    );
    let lost = writes.lost(stem);
    let doc: Option<Value> = std::fs::read_to_string(dir.join(&json))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    let text = std::fs::read_to_string(dir.join(&csv)).ok();
    if doc.is_none() && text.is_none() && !lost.json && !lost.csv {
        return None;
    }
    let json_written = doc.is_some();
    let doc = doc.unwrap_or(Value::Null);
    Some(Report {
        json_written,
        rows: doc["accounts"].as_array().cloned().unwrap_or_default(),
        complete: doc["complete"].as_bool().unwrap_or(false),
        incomplete_reason: doc["incomplete_reason"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        csv: parse_csv(&text.unwrap_or_default()),
        plan: doc["plan"]["entries"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
        json_failed: lost.json,
        csv_failed: lost.csv,
    })
}

/// A change report whose JSON file was lost takes its plan from the document the run printed
/// (`--output json`): that is where the confirmed plan was recorded.
fn planned_on_stdout(mut report: Report, out: &[u8]) -> Report {
    if report.json_failed {
        let doc: Value = serde_json::from_slice(out).unwrap_or(Value::Null);
        report.plan = doc["plan"]["entries"]
            .as_array()
            .cloned()
            .unwrap_or_default();
    }
    report
}

/// Runs `job` on `case`; what it left.
fn run(job: Job, case: &Case) -> Observed {
    paused(async {
        let fake = case.world();
        let cancel = Cancel::default();
        let faulty = Faulty::new(fake.clone(), case.faults.clone(), cancel.clone());
        let dir = tempfile::tempdir().expect("tempdir");
        let mut env = crate::root::tests::env(dir.path(), &cancel, Output::Json);
        env.config.concurrency = case.concurrency;
        let named = if job == Job::Recover {
            case.named.clone()
        } else {
            Vec::new()
        };
        env.config.accounts = named.clone();
        let mode = match job {
            Job::Audit => Mode::Read,
            _ => Mode::Change {
                skip_blocked: case.skip_blocked,
            },
        };
        let confirm = Confirming(faulty.clone());
        let mut out = Vec::new();
        Writes::arm(case);
        let limit = std::time::Duration::from_secs(24 * 3600);
        let finished = match job {
            Job::Audit | Job::Delete => {
                let j = crate::root::Job::new(faulty.clone(), Scope::ALL, cancel.clone());
                let run = crate::run::run(&j, &fake, &env, mode, &confirm, "x", &mut out);
                tokio::time::timeout(limit, run).await
            }
            Job::Recover => {
                let j = crate::recover::Job::new(faulty.clone(), cancel.clone());
                let run = crate::run::run(&j, &fake, &env, mode, &confirm, "x", &mut out);
                tokio::time::timeout(limit, run).await
            }
        };
        let writes = Writes::taken();
        let exit = match finished {
            Ok(Ok(f)) => f.exit.code(),
            // A report that cannot be created ends the run with an error (exit 1).
            Ok(Err(_)) if writes.any() => 1,
            Ok(Err(e)) => panic!("seed {}: the pipeline failed: {e:#}", case.seed),
            Err(_) => panic!("seed {}: the run never ended", case.seed),
        };
        let seen = faulty.seen();
        let (read, change) = match job {
            Job::Audit => ("audit", None),
            Job::Delete => ("audit", Some("delete")),
            Job::Recover => ("recover-check", Some("recover")),
        };
        let after: BTreeMap<String, _> = case
            .accounts
            .iter()
            .map(|(id, _, _)| (id.clone(), fake.root(id)))
            .collect();
        Observed {
            job,
            changing: change.is_some(),
            accounts: case.accounts.clone(),
            named,
            read: report(dir.path(), read, &writes).unwrap_or_default(),
            change: change
                .and_then(|stem| report(dir.path(), stem, &writes))
                .map(|r| planned_on_stdout(r, &out)),
            write_failed: writes.any(),
            after,
            after_signal: seen.signalled_at.map(|at| at.elapsed()),
            seen,
            exit,
        }
    })
}

thread_local! {
    /// Cases of this thread's soak in which a write failed.
    static FAILED_WRITES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The write faults a run met: the files whose write failed, in order.
#[derive(Debug, Default)]
pub(super) struct Writes(Vec<std::path::PathBuf>);

/// Which files of one report a write fault hit.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Lost {
    json: bool,
    csv: bool,
}

impl Writes {
    /// Arms `case`'s write fault on this thread (the run's, on the paused runtime).
    pub(super) fn arm(case: &Case) {
        crate::report::file::fail::arm(case.writes);
    }

    /// What failed since [`Writes::arm`]; disarms.
    pub(super) fn taken() -> Writes {
        let failed = crate::report::file::fail::failed();
        crate::report::file::fail::arm(None);
        if !failed.is_empty() {
            FAILED_WRITES.set(FAILED_WRITES.get() + 1);
        }
        Writes(failed)
    }

    /// Whether any write failed.
    pub(super) fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// Which of report `stem`'s files failed.
    pub(super) fn lost(&self, stem: &str) -> Lost {
        let hit = |ext: &str| {
            let name = format!("{stem}-{RUN_ID}.{ext}");
            self.0.iter().any(|f| f.file_name() == Some(name.as_ref()))
        };
        Lost {
            json: hit("json"),
            csv: hit("csv"),
        }
    }

    /// The keys report `stem` holds: its JSON's, or its CSV's when the JSON was lost; `None`
    /// when both were (the record went to stderr, not seen here). The CSV equals the JSON, or
    /// is its first rows when a CSV write failed.
    pub(super) fn held<K: PartialEq>(
        &self,
        stem: &str,
        json: Vec<K>,
        csv: Vec<K>,
        broken: &mut Vec<String>,
    ) -> Option<Vec<K>> {
        let lost = self.lost(stem);
        match (lost.json, lost.csv) {
            (true, true) => None,
            (true, false) => Some(csv),
            (false, true) => {
                if !json.starts_with(&csv) {
                    broken.push(format!(
                        "complete: the {stem} CSV is not the JSON's first rows"
                    ));
                }
                Some(json)
            }
            (false, false) => {
                if csv != json {
                    broken.push(format!("complete: the {stem} CSV and JSON disagree"));
                }
                Some(json)
            }
        }
    }

    /// Exit 1 after a write of one of the `reports` failed; never 0 after any failed write.
    pub(super) fn exit(&self, reports: &[&str], exit: u8, broken: &mut Vec<String>) {
        let report = reports.iter().any(|stem| {
            let lost = self.lost(stem);
            lost.json || lost.csv
        });
        if report && exit != 1 {
            broken.push(format!("exit: {exit} after a report write failed"));
        }
        if self.any() && exit == 0 {
            broken.push("exit: 0 after a write failed".into());
        }
    }
}

/// Runs `run` on a current-thread runtime whose clock is paused (virtual time).
fn paused<T>(run: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("runtime")
        .block_on(run)
}

/// Runs `run` with `case`'s write fault armed, given a virtual day to end: its exit code (1
/// for a pipeline error after a failed write, as `main` maps it) and the writes that failed;
/// else the promise it broke (a run that never ends stays one, write fault or not).
async fn exit_of(
    case: &Case,
    run: impl std::future::Future<Output = anyhow::Result<crate::run::Finished>>,
) -> Result<(u8, Writes), String> {
    Writes::arm(case);
    let ended = tokio::time::timeout(std::time::Duration::from_secs(24 * 3600), run).await;
    let writes = Writes::taken();
    match ended {
        Ok(Ok(f)) => Ok((f.exit.code(), writes)),
        Ok(Err(_)) if writes.any() => Ok((1, writes)),
        Ok(Err(e)) => Err(format!("pipeline: {e:#}")),
        Err(_) => Err("ends: the run never ended".into()),
    }
}

/// Whether a row's outcome (or, lacking one, its verdict) is one of `words`.
fn any_of<'a>(rows: impl IntoIterator<Item = &'a Value>, words: &[&str]) -> bool {
    rows.into_iter().any(|r| {
        let w = r["outcome"]
            .as_str()
            .or(r["verdict"].as_str())
            .unwrap_or("");
        words.contains(&w)
    })
}

/// Runs every seed through `check` (the promises it broke, and how much it changed); panics
/// naming each failing seed. Over the default 256 cases, when `changes` says what a change is,
/// at least a quarter of the cases must have made one.
fn soak_each(job: &str, changes: Option<&str>, check: impl Fn(&Case) -> (Vec<String>, usize)) {
    let seeds = seeds();
    let mut failures = Vec::new();
    let mut changing = 0;
    FAILED_WRITES.set(0);
    for &seed in &seeds {
        let (broken, changed) = check(&Case::of(seed));
        changing += usize::from(changed > 0);
        if !broken.is_empty() {
            failures.push(format!(
                "{job} seed {seed} (replay: ROOTSWEEP_INVARIANT_SEED={seed}): {}",
                broken.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if let Some(what) = changes.filter(|_| seeds.len() >= 256) {
        assert!(changing >= seeds.len() / 4, "{changing} cases {what}");
    }
    if seeds.len() >= 256 {
        let failed = FAILED_WRITES.get();
        assert!(failed >= 10, "{job}: {failed} cases with a failed write");
    }
}

/// Runs every seed of `job`; panics naming each failing seed and what broke. Over the default
/// 256 cases it also proves the cases reach what they must: runs that change something, runs
/// ending in each exit code the job can give, signals.
fn soak(job: Job) {
    let seeds = seeds();
    let mut failures = Vec::new();
    let mut exits = std::collections::BTreeSet::new();
    let (mut changed, mut signalled, mut write_failed) = (0, 0, 0);
    for &seed in &seeds {
        let case = Case::of(seed);
        let observed = run(job, &case);
        exits.insert(observed.exit);
        changed += usize::from(!observed.seen.made.is_empty());
        signalled += usize::from(observed.seen.signalled);
        write_failed += usize::from(observed.write_failed);
        let broken = check::check(&observed);
        if !broken.is_empty() {
            failures.push(format!(
                "{job:?} seed {seed} (replay: ROOTSWEEP_INVARIANT_SEED={seed}): {}",
                broken.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if seeds.len() >= 256 {
        let expected: &[u8] = match job {
            Job::Audit => &[0, 4, 130],
            Job::Delete => &[0, 3, 4, 130],
            Job::Recover => &[0, 4, 130],
        };
        for code in expected {
            assert!(
                exits.contains(code),
                "{job:?}: no case exits {code}: {exits:?}"
            );
        }
        assert!(signalled >= 3, "{job:?}: {signalled} signalled cases");
        assert!(write_failed >= 10, "{job:?}: {write_failed} failed writes");
        if job != Job::Audit {
            assert!(
                changed >= seeds.len() / 4,
                "{job:?}: {changed} changing cases"
            );
        }
    }
}

/// The rows of a CSV file (quoted cells with commas, quotes and newlines included).
pub fn parse_csv(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut records = Vec::new();
    let (mut record, mut cell, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut cell)),
            ('\n', false) => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            ('\r', false) => {}
            (c, _) => cell.push(c),
        }
    }
    if !cell.is_empty() || !record.is_empty() {
        record.push(cell);
        records.push(record);
    }
    let mut rows = records.into_iter();
    let Some(header) = rows.next() else {
        return Vec::new();
    };
    rows.map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}

#[test]
fn invariant_audit() {
    soak(Job::Audit);
}

#[test]
fn invariant_delete() {
    soak(Job::Delete);
}

#[test]
fn invariant_recover() {
    soak(Job::Recover);
}

#[test]
fn the_write_checks_catch_a_disagreeing_pair_and_a_dishonest_exit() {
    let failed = |names: &[&str]| {
        Writes(
            names
                .iter()
                .map(|n| std::path::PathBuf::from(format!("/r/{n}-{RUN_ID}.csv")))
                .collect(),
        )
    };
    let mut broken = Vec::new();
    let none = Writes::default();
    assert_eq!(
        none.held("a", vec![1, 2], vec![1, 2], &mut broken),
        Some(vec![1, 2])
    );
    assert!(broken.is_empty());
    none.held("a", vec![1, 2], vec![1], &mut broken);
    assert_eq!(broken, ["complete: the a CSV and JSON disagree"]);
    // A CSV that failed may stop early, never differ.
    let csv = failed(&["a"]);
    broken.clear();
    assert_eq!(
        csv.held("a", vec![1, 2], vec![1], &mut broken),
        Some(vec![1, 2])
    );
    assert!(broken.is_empty());
    csv.held("a", vec![1, 2], vec![2], &mut broken);
    assert_eq!(broken, ["complete: the a CSV is not the JSON's first rows"]);
    // A lost JSON is read from the CSV; both lost, nothing is seen.
    let json = Writes(vec![format!("/r/a-{RUN_ID}.json").into()]);
    assert_eq!(
        json.held("a", Vec::<u8>::new(), vec![3], &mut broken),
        Some(vec![3])
    );
    let both = Writes(json.0.iter().chain(csv.0.iter()).cloned().collect());
    assert_eq!(both.held("a", vec![1], vec![2], &mut broken), None);
    // Exit 1 after a report write failed; never 0 after any failed write.
    broken.clear();
    csv.exit(&["a"], 1, &mut broken);
    failed(&["record"]).exit(&["a"], 4, &mut broken);
    assert!(broken.is_empty(), "{broken:?}");
    csv.exit(&["a"], 4, &mut broken);
    failed(&["record"]).exit(&["a"], 0, &mut broken);
    assert_eq!(
        broken,
        [
            "exit: 4 after a report write failed",
            "exit: 0 after a write failed"
        ]
    );
}

#[test]
fn csv_cells_with_commas_quotes_and_newlines_are_read_whole() {
    let rows = parse_csv("a,b\n\"x,1\",\"say \"\"hi\"\"\nthen\"\n2,\n");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["a"], "x,1");
    assert_eq!(rows[0]["b"], "say \"hi\"\nthen");
    assert_eq!(rows[1]["a"], "2");
    assert_eq!(rows[1]["b"], "");
    assert!(parse_csv("").is_empty());
}
