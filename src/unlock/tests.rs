//! The unlock job through every stage of the pipeline, over an in-memory fake of the unlock
//! sessions (the accounts come from the root job's fake): the policy saved before removal, a
//! dry run, per-resource outcomes, and the k-th call failing at every position of a run.

use super::api::{Current, Kind, PolicySession, PolicySessions};
use super::evidence::Evidence;
use super::Job;
use crate::call::{classify, Error};
use crate::cancel::Cancel;
use crate::exit::Exit;
use crate::root::fake::{Fake, Root};
use crate::root::tests::env;
use crate::run::confirm::{Answer, Confirm};
use crate::run::{Finished, Mode, Output};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const A: &str = "222222222222";
const DENY_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;

/// Each bucket's policy by (account, name): `None` for a bucket without a policy.
type Policies = HashMap<(String, String), Option<String>>;

/// An in-memory S3 of the unlock sessions, failing one chosen call.
#[derive(Clone, Default)]
struct Buckets {
    state: Arc<Mutex<Policies>>,
    calls: Arc<Mutex<Vec<String>>>,
    count: Arc<AtomicUsize>,
    /// The call number (1-based, sessions included) that fails, 0 for none.
    fail_at: usize,
}

impl Buckets {
    fn with(self, account: &str, bucket: &str, policy: Option<&str>) -> Self {
        self.state
            .lock()
            .expect("lock")
            .insert((account.into(), bucket.into()), policy.map(String::from));
        self
    }

    fn policy(&self, account: &str, bucket: &str) -> Option<Option<String>> {
        self.state
            .lock()
            .expect("lock")
            .get(&(account.to_string(), bucket.to_string()))
            .cloned()
    }

    fn removals(&self) -> usize {
        self.calls
            .lock()
            .expect("lock")
            .iter()
            .filter(|c| c.as_str() == "DeleteBucketPolicy")
            .count()
    }

    fn call(&self, op: &'static str) -> Result<(), Error> {
        self.calls.lock().expect("lock").push(op.to_string());
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        if n == self.fail_at {
            Err(Error::new(
                op,
                "InternalError",
                "injected",
                classify("InternalError"),
            ))
        } else {
            Ok(())
        }
    }
}

struct Session {
    buckets: Buckets,
    account: String,
}

impl PolicySession for Session {
    async fn read_policy(&self, bucket: &str) -> Result<Current, Error> {
        self.buckets.call("GetBucketPolicy")?;
        Ok(match self.buckets.policy(&self.account, bucket) {
            None => Current::NoResource,
            Some(None) => Current::NoPolicy,
            Some(Some(p)) => Current::Policy(p),
        })
    }
    async fn remove_policy(&self, bucket: &str) -> Result<(), Error> {
        self.buckets.call("DeleteBucketPolicy")?;
        if let Some(p) = self
            .buckets
            .state
            .lock()
            .expect("lock")
            .get_mut(&(self.account.clone(), bucket.to_string()))
        {
            *p = None;
        }
        Ok(())
    }
}

impl PolicySessions for Buckets {
    const KIND: Kind = Kind::S3;
    type Session = Session;
    async fn open(&self, account_id: &str) -> Result<Session, Error> {
        self.call("AssumeRoot")?;
        Ok(Session {
            buckets: self.clone(),
            account: account_id.into(),
        })
    }
}

struct Yes;

impl Confirm for Yes {
    async fn ask(&self, _count: usize, _what: &str) -> Answer {
        Answer::Yes
    }
}

struct Run {
    finished: Finished,
    stdout: String,
    dir: tempfile::TempDir,
}

impl Run {
    fn file(&self, prefix: &str) -> Option<Value> {
        let path = std::fs::read_dir(self.dir.path())
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".json"))
            })?;
        Some(serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json"))
    }

    fn rows(&self) -> Vec<Value> {
        self.file("unlock-result-").expect("result report")["resources"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

async fn run(buckets: Buckets, names: &[&str], mode: Mode) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let cancel = Cancel::default();
    let fake = Fake::default().account(A, Root::default());
    let resources =
        BTreeMap::from([(A.to_string(), names.iter().map(|n| n.to_string()).collect())]);
    let evidence = Evidence::new(
        dir.path().join("unlock-20261125T000000.000Z.json"),
        "arn:aws:iam::111111111111:user/admin".into(),
        Kind::S3.task_policy(),
    );
    let job = Job::new(buckets, resources, evidence, cancel.clone());
    let skip_blocked = "";
    let mut out = Vec::new();
    let finished = crate::run::run(
        &job,
        &fake,
        &env(dir.path(), &cancel, Output::Json),
        mode,
        &Yes,
        skip_blocked,
        &mut out,
    )
    .await
    .expect("pipeline");
    Run {
        finished,
        stdout: String::from_utf8(out).expect("utf8"),
        dir,
    }
}

const CHANGE: Mode = Mode::Change {
    skip_blocked: false,
};

fn org() -> Buckets {
    Buckets::default()
        .with(A, "locked", Some(DENY_ALL))
        .with(A, "open", None)
}

#[tokio::test]
async fn the_policy_is_saved_then_removed_and_each_resource_has_its_outcome() {
    let buckets = org();
    let run = run(buckets.clone(), &["locked", "open", "gone"], CHANGE).await;
    assert_eq!(run.finished.exit, Exit::Success);
    assert_eq!(buckets.policy(A, "locked"), Some(None));
    let saved = run.file("unlock-2").expect("evidence");
    assert_eq!(saved["caller"], "arn:aws:iam::111111111111:user/admin");
    assert_eq!(saved["policies"][0]["account_id"], A);
    assert_eq!(saved["policies"][0]["resource"], "locked");
    assert_eq!(saved["policies"][0]["policy"], DENY_ALL);
    let outcomes: Vec<(String, String)> = run
        .rows()
        .iter()
        .map(|r| {
            (
                r["resource"].as_str().unwrap_or_default().to_string(),
                r["outcome"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("locked".to_string(), "unlocked".to_string()),
            ("open".to_string(), "no-policy".to_string()),
            ("gone".to_string(), "not-found".to_string())
        ]
    );
}

#[tokio::test]
async fn a_dry_run_shows_the_policy_and_removes_nothing() {
    let buckets = org();
    let run = run(
        buckets.clone(),
        &["locked"],
        Mode::Plan {
            skip_blocked: false,
        },
    )
    .await;
    assert_eq!(run.finished.exit, Exit::Success);
    assert_eq!(buckets.removals(), 0);
    assert_eq!(buckets.policy(A, "locked"), Some(Some(DENY_ALL.into())));
    let doc: Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(doc["plan"]["entries"][0]["steps"][0]["policy"], DENY_ALL);
    assert!(run.file("unlock-2").is_none(), "nothing saved in a dry run");
}

#[tokio::test]
async fn a_policy_changed_after_the_plan_is_left_alone() {
    let buckets = org();
    // Replace the policy between the read and the change: the confirmation runs in between.
    struct EditThenYes(Buckets);
    impl Confirm for EditThenYes {
        async fn ask(&self, _count: usize, _what: &str) -> Answer {
            let _ = self.0.clone().with(A, "locked", Some("{\"other\":1}"));
            Answer::Yes
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let cancel = Cancel::default();
    let fake = Fake::default().account(A, Root::default());
    let job = Job::new(
        buckets.clone(),
        BTreeMap::from([(A.to_string(), vec!["locked".to_string()])]),
        Evidence::new(
            dir.path().join("unlock-x.json"),
            "c".into(),
            "S3UnlockBucketPolicy",
        ),
        cancel.clone(),
    );
    let skip_blocked = "";
    let mut out = Vec::new();
    let finished = crate::run::run(
        &job,
        &fake,
        &env(dir.path(), &cancel, Output::Json),
        CHANGE,
        &EditThenYes(buckets.clone()),
        skip_blocked,
        &mut out,
    )
    .await
    .expect("pipeline");
    assert_eq!(finished.exit, Exit::Partial);
    assert_eq!(buckets.removals(), 0);
    assert_eq!(
        buckets.policy(A, "locked"),
        Some(Some("{\"other\":1}".into()))
    );
}

#[tokio::test]
async fn the_kth_call_failing_never_removes_an_unsaved_policy_nor_reports_unlocked() {
    // A full run: AssumeRoot, GetBucketPolicy (read); AssumeRoot, GetBucketPolicy,
    // DeleteBucketPolicy (change); AssumeRoot, GetBucketPolicy (verify).
    for k in 1..=7 {
        let buckets = Buckets {
            fail_at: k,
            ..org()
        };
        let run = run(buckets.clone(), &["locked"], CHANGE).await;
        let removed = buckets.policy(A, "locked") == Some(None);
        if k <= 2 {
            assert_eq!(run.finished.exit, Exit::Refused, "k={k}");
            assert!(!removed, "k={k}");
            continue;
        }
        assert_eq!(run.finished.exit, Exit::Partial, "k={k}");
        let row = &run.rows()[0];
        assert_eq!(row["outcome"], "failed", "k={k}: {row}");
        assert_eq!(
            row["policy_removed"],
            if removed { "yes" } else { "no" },
            "k={k}"
        );
        if removed {
            let saved = run.file("unlock-2").expect("evidence before removal");
            assert_eq!(saved["policies"][0]["policy"], DENY_ALL, "k={k}");
        }
        if k == 5 {
            // The removal itself failed: named by its call and bucket, not the whole policy.
            let error = row["error"].as_str().expect("error");
            assert!(error.starts_with("DeleteBucketPolicy locked: "), "{error}");
            assert!(!error.contains(DENY_ALL), "{error}");
        }
    }
}
