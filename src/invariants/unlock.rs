//! `unlock s3` and `unlock sqs` on generated cases: buckets or queues with and without policies
//! (and named ones that do not exist) in generated accounts, the fault plan at the unlock
//! sessions, and the invariants per named resource — each exactly once in the check and the
//! result (CSV and JSON alike), unlocked only when the final state has no policy, a removal only
//! of a planned resource, and the policy in the evidence file before its removal.

use super::generate::{Case, Fault};
use super::{parse_csv, Writes, RUN_ID};
use crate::call::{classify, Error};
use crate::cancel::Cancel;
use crate::run::{Mode, Output};
use crate::unlock::api::{Current, Kind, PolicySession, PolicySessions};
use crate::unlock::evidence::Evidence;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

type Key = (String, String);

/// The world of resources (`None`: no policy) and what the fault wrapper saw.
#[derive(Default)]
struct State {
    buckets: BTreeMap<Key, Option<String>>,
    removed: Vec<Key>,
    unsaved: Vec<Key>,
    /// Reads that failed before the confirmation: (account, bucket; none for the session).
    reads_failed: BTreeSet<(String, Option<String>)>,
}

/// The resources of one kind: buckets, or queues with `SQS`.
#[derive(Clone)]
struct Buckets<const SQS: bool> {
    state: Arc<Mutex<State>>,
    faults: Arc<Vec<(usize, Fault)>>,
    calls: Arc<AtomicUsize>,
    evidence: PathBuf,
    cancel: Cancel,
    confirmed: Confirmed,
}

/// Whether the confirmation was given (shared with [`Confirming`]'s wrapper).
type Confirmed = Arc<std::sync::atomic::AtomicBool>;

impl<const SQS: bool> Buckets<SQS> {
    /// The kind's read and removal, as the service names them.
    const CALLS: (&'static str, &'static str) = if SQS {
        ("GetQueueAttributes", "SetQueueAttributes")
    } else {
        ("GetBucketPolicy", "DeleteBucketPolicy")
    };

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one call and applies its fault. A change whose answer is lost is simply made: S3
    /// answers a repeated DeleteBucketPolicy with 204, SQS a repeated SetQueueAttributes with
    /// 200, so the retry succeeds.
    fn gate(&self, op: &'static str, account: &str, bucket: Option<&str>) -> Result<(), Error> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        for (_, fault) in self.faults.iter().filter(|(at, _)| *at == n) {
            match fault {
                Fault::Error(code) => {
                    if !self.confirmed.load(Ordering::SeqCst) {
                        let failed = (account.to_string(), bucket.map(str::to_string));
                        self.lock().reads_failed.insert(failed);
                    }
                    return Err(Error::new(op, code, "injected", classify(code)));
                }
                Fault::AppliedThenLost | Fault::KeyAppears => {}
                Fault::Signal => self.cancel.cancel(false),
            }
        }
        Ok(())
    }
}

struct Session<const SQS: bool> {
    buckets: Buckets<SQS>,
    account: String,
}

impl<const SQS: bool> PolicySession for Session<SQS> {
    async fn read_policy(&self, bucket: &str) -> Result<Current, Error> {
        let (read, _) = Buckets::<SQS>::CALLS;
        self.buckets.gate(read, &self.account, Some(bucket))?;
        let key = (self.account.clone(), bucket.to_string());
        Ok(match self.buckets.lock().buckets.get(&key) {
            None => Current::NoResource,
            Some(None) => Current::NoPolicy,
            Some(Some(p)) => Current::Policy(p.clone()),
        })
    }

    async fn remove_policy(&self, bucket: &str) -> Result<(), Error> {
        let (_, remove) = Buckets::<SQS>::CALLS;
        self.buckets.gate(remove, &self.account, Some(bucket))?;
        let saved = std::fs::read_to_string(&self.buckets.evidence).unwrap_or_default();
        let key = (self.account.clone(), bucket.to_string());
        let mut state = self.buckets.lock();
        let recorded = serde_json::from_str::<Value>(&saved).is_ok_and(|doc| {
            doc["policies"].as_array().into_iter().flatten().any(|p| {
                p["account_id"] == key.0.as_str()
                    && p["resource"] == bucket
                    && state.buckets.get(&key).cloned().flatten().as_deref() == p["policy"].as_str()
            })
        });
        if !recorded {
            state.unsaved.push(key.clone());
        }
        state.removed.push(key.clone());
        if let Some(p) = state.buckets.get_mut(&key) {
            *p = None;
        }
        Ok(())
    }
}

impl<const SQS: bool> PolicySessions for Buckets<SQS> {
    const KIND: Kind = if SQS { Kind::Sqs } else { Kind::S3 };
    type Session = Session<SQS>;
    async fn open(&self, account_id: &str) -> Result<Session<SQS>, Error> {
        self.gate("AssumeRoot", account_id, None)?;
        Ok(Session {
            buckets: self.clone(),
            account: account_id.into(),
        })
    }
}

/// The buckets (or queue URLs) of a case's accounts and the names the run is given (some of
/// them missing).
fn buckets(
    case: &Case,
    sqs: bool,
) -> (BTreeMap<Key, Option<String>>, BTreeMap<String, Vec<String>>) {
    let mut rng = SmallRng::seed_from_u64(case.seed ^ 0x5eed);
    let mut world = BTreeMap::new();
    let mut named: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let name = |id: &str, n: &str| match sqs {
        true => format!("https://sqs.eu-west-1.amazonaws.com/{id}/{n}"),
        false => n.to_string(),
    };
    for (id, _, _) in &case.accounts {
        for b in 0..rng.gen_range(0..=3) {
            let name = name(id, &format!("resource-{b}"));
            let policy = rng
                .gen_bool(0.6)
                .then(|| format!(r#"{{"Statement":[{{"Sid":"Deny{b}","Effect":"Deny"}}]}}"#));
            world.insert((id.clone(), name.clone()), policy);
            if rng.gen_bool(0.7) {
                named.entry(id.clone()).or_default().push(name);
            }
        }
        if rng.gen_bool(0.1) {
            named
                .entry(id.clone())
                .or_default()
                .push(name(id, "no-such-resource"));
        }
    }
    // The management account is never named (a usage error before any call).
    named.remove(super::generate::MANAGEMENT);
    (world, named)
}

fn rows(dir: &std::path::Path, stem: &str) -> (Vec<Value>, Vec<BTreeMap<String, String>>, bool) {
    let doc: Value = std::fs::read_to_string(dir.join(format!("{stem}-{RUN_ID}.json")))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    let csv = std::fs::read_to_string(dir.join(format!("{stem}-{RUN_ID}.csv"))).unwrap_or_default();
    (
        doc["resources"].as_array().cloned().unwrap_or_default(),
        parse_csv(&csv),
        doc["complete"].as_bool().unwrap_or(false),
    )
}

/// Runs `unlock s3` (or `unlock sqs`) on `case`; every invariant that does not hold, and how
/// many policies it removed.
fn check<const SQS: bool>(case: &Case) -> (Vec<String>, usize) {
    super::paused(async {
        let dir = tempfile::tempdir().expect("tempdir");
        let cancel = Cancel::default();
        let (world, named) = buckets(case, SQS);
        let evidence_path = dir.path().join(format!("unlock-{RUN_ID}.json"));
        let confirmed = Confirmed::default();
        let buckets = Buckets::<SQS> {
            state: Arc::new(Mutex::new(State {
                buckets: world,
                ..State::default()
            })),
            faults: Arc::new(case.faults.clone()),
            calls: Arc::default(),
            evidence: evidence_path.clone(),
            cancel: cancel.clone(),
            confirmed: confirmed.clone(),
        };
        let evidence = Evidence::new(
            evidence_path,
            "arn:aws:iam::111111111111:user/admin".into(),
            Buckets::<SQS>::KIND.task_policy(),
        );
        let job = crate::unlock::Job::new(buckets.clone(), named.clone(), evidence, cancel.clone());
        let mut env = crate::root::tests::env(dir.path(), &cancel, Output::Json);
        env.config.concurrency = case.concurrency;
        env.config.accounts = named.keys().cloned().collect();
        let confirm = ConfirmAndMark(confirmed);
        let mode = Mode::Change {
            skip_blocked: case.skip_blocked,
        };
        let mut out = Vec::new();
        let fake = case.world();
        let run = crate::run::run(&job, &fake, &env, mode, &confirm, "x", &mut out);
        let (exit, writes) = match super::exit_of(case, run).await {
            Ok(ended) => ended,
            Err(why) => return (vec![why], 0),
        };
        let state = buckets.lock();
        let broken = judge(
            case,
            dir.path(),
            &state,
            &named,
            exit,
            cancel.is_cancelled(),
            &writes,
        );
        (broken, state.removed.len())
    })
}

/// Confirms at once, marking the start of the change stage for the fault wrapper.
struct ConfirmAndMark(Confirmed);

impl crate::run::confirm::Confirm for ConfirmAndMark {
    async fn ask(&self, _count: usize, _what: &str) -> crate::run::confirm::Answer {
        self.0.store(true, Ordering::SeqCst);
        crate::run::confirm::Answer::Yes
    }
}

fn judge(
    case: &Case,
    dir: &std::path::Path,
    state: &State,
    named: &BTreeMap<String, Vec<String>>,
    exit: u8,
    signalled: bool,
    writes: &Writes,
) -> Vec<String> {
    let mut broken = Vec::new();
    let active: BTreeSet<&str> = case
        .accounts
        .iter()
        .filter(|(_, s, _)| s == "ACTIVE")
        .map(|(id, _, _)| id.as_str())
        .collect();
    let expected: BTreeSet<Key> = named
        .iter()
        .filter(|(id, _)| active.contains(id.as_str()))
        .flat_map(|(id, rs)| rs.iter().map(move |r| (id.clone(), r.clone())))
        .collect();
    let key = |r: &Value| {
        (
            r["account_id"].as_str().unwrap_or("").to_string(),
            r["resource"].as_str().unwrap_or("").to_string(),
        )
    };
    let (check, check_csv, check_complete) = rows(dir, "unlock-check");
    let (result, result_csv, result_complete) = rows(dir, "unlock-result");
    for (name, json, csv) in [
        ("check", &check, &check_csv),
        ("result", &result, &result_csv),
    ] {
        let csv_keys: Vec<Key> = csv
            .iter()
            .map(|r| (r["account_id"].clone(), r["resource"].clone()))
            .collect();
        let stem = format!("unlock-{name}");
        let lost = writes.lost(&stem);
        let held = writes.held(&stem, json.iter().map(key).collect(), csv_keys, &mut broken);
        let Some(keys) = held.filter(|k| !(k.is_empty() && lost.csv && !lost.json)) else {
            // Lost both ways (stderr has it), or never created (the stage did not begin).
            if name == "result" && !state.removed.is_empty() && lost.csv && !lost.json {
                broken.push("recorded: policies removed with no unlock-result report".into());
            }
            continue;
        };
        let unique: BTreeSet<Key> = keys.iter().cloned().collect();
        if unique.len() != keys.len() {
            broken.push(format!("complete: a resource twice in the {name} report"));
        }
        let written = name == "check" || !keys.is_empty();
        for missing in expected.difference(&unique).filter(|_| written) {
            if name == "check" || exit != 3 {
                broken.push(format!(
                    "complete: {missing:?} missing from the {name} report"
                ));
            }
        }
    }
    let result_lost = writes.lost("unlock-result");
    let result_begun =
        !result.is_empty() || !result_csv.is_empty() || result_lost.json || result_lost.csv;
    if signalled && (check_complete && !result_begun || result_complete) {
        broken.push("complete: a report is complete after a signal".into());
    }
    for row in &result {
        let k = key(row);
        if row["outcome"] == "unlocked" && state.buckets.get(&k).cloned().flatten().is_some() {
            broken.push(format!("true: {k:?} unlocked, but it has a policy"));
        }
    }
    for row in &check {
        let k = key(row);
        let verdict = row["verdict"].as_str().unwrap_or("");
        let failed = state.reads_failed.contains(&(k.0.clone(), None))
            || state
                .reads_failed
                .contains(&(k.0.clone(), Some(k.1.clone())));
        if failed && !["unknown", "skipped"].contains(&verdict) {
            broken.push(format!("true: {k:?} had a read fail and is {verdict}"));
        }
    }
    for k in &state.removed {
        if !expected.contains(k) {
            broken.push(format!("plan: a removal of {k:?}, which was not named"));
        }
    }
    for k in &state.unsaved {
        broken.push(format!(
            "recorded: {k:?} removed before its policy was saved"
        ));
    }
    let undone = super::any_of(result.iter().chain(check.iter()), &super::check::NOT_DONE);
    if exit == 0 && (undone || signalled) {
        broken.push("exit: 0 although something is not done".into());
    }
    writes.exit(&["unlock-check", "unlock-result"], exit, &mut broken);
    broken
}

/// Every generated case of one kind; `job` names it in a failure.
fn soak<const SQS: bool>(job: &str) {
    super::soak_each(job, Some("removed a policy"), check::<SQS>);
}

#[test]
fn invariant_unlock() {
    soak::<false>("unlock_s3");
}

#[test]
fn invariant_unlock_sqs() {
    soak::<true>("unlock_sqs");
}
