//! The recover job through every stage of the pipeline, over the in-memory fake: recovery,
//! idempotence, a dry run, and the k-th call failing at every position of a run.

use super::api::PasswordSessions;
use super::Job;
use crate::cancel::Cancel;
use crate::exit::Exit;
use crate::root::fake::{Failing, Fake, Root};
use crate::root::tests::env;
use crate::run::confirm::{Answer, Confirm};
use crate::run::{Finished, Mode, Output};
use serde_json::Value;

const A: &str = "222222222222";
const B: &str = "333333333333";

/// A without a login profile, B with one.
fn org() -> Fake {
    Fake::default().account(A, Root::default()).account(
        B,
        Root {
            login_profile: true,
            ..Root::default()
        },
    )
}

struct Yes;

impl Confirm for Yes {
    async fn ask(&self, _count: usize, _what: &str) -> Answer {
        Answer::Yes
    }
}

const CHANGE: Mode = Mode::Change {
    skip_blocked: false,
};

struct Run {
    finished: Finished,
    stdout: String,
    dir: tempfile::TempDir,
}

impl Run {
    /// The JSON report whose file name starts with `stem`.
    fn report(&self, stem: &str) -> Value {
        let path = std::fs::read_dir(self.dir.path())
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(stem) && n.ends_with(".json"))
            })
            .unwrap_or_else(|| panic!("no {stem} report"));
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
    }

    fn row(&self, id: &str) -> Value {
        self.report("recover-2")["accounts"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["account_id"] == id).cloned())
            .unwrap_or_else(|| panic!("no row for {id}"))
    }
}

async fn run_with<S: PasswordSessions>(sessions: S, fake: &Fake, mode: Mode) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let cancel = Cancel::default();
    let job = Job::new(sessions, cancel.clone());
    let skip_blocked = "rootsweep recover --skip-blocked";
    let mut out = Vec::new();
    let finished = crate::run::run(
        &job,
        fake,
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

#[tokio::test]
async fn an_account_without_a_login_profile_gets_one_verified_and_one_with_it_is_untouched() {
    let fake = org();
    let run = run_with(fake.clone(), &fake, CHANGE).await;
    assert_eq!(run.finished.exit, Exit::Success);
    assert!(fake.root(A).login_profile);
    assert_eq!(run.row(A)["outcome"], "recovered");
    assert_eq!(run.row(A)["verified"], "yes");
    assert_eq!(run.row(A)["login_profile_created"], "yes");
    assert_eq!(run.row(B)["outcome"], "already-recoverable");
    assert_eq!(run.row(B)["login_profile_created"], "n/a");
    let creates: Vec<_> = fake
        .mutating_calls()
        .into_iter()
        .map(|(op, account)| (op, account.unwrap_or_default()))
        .collect();
    assert_eq!(creates, [("CreateLoginProfile".to_string(), A.to_string())]);
    let check = run.report("recover-check-");
    assert_eq!(check["counts"]["recoverable"], 1);
    assert_eq!(check["counts"]["already-recoverable"], 1);
}

#[tokio::test]
async fn a_second_run_finds_nothing_to_recover_and_makes_no_call_that_changes_anything() {
    let fake = org();
    drop(run_with(fake.clone(), &fake, CHANGE).await);
    let before = fake.mutating_calls().len();
    let again = run_with(fake.clone(), &fake, CHANGE).await;
    assert_eq!(again.finished.exit, Exit::Success);
    assert_eq!(fake.mutating_calls().len(), before);
    assert_eq!(
        again.report("recover-check-")["counts"]["already-recoverable"],
        2
    );
}

#[tokio::test]
async fn a_dry_run_shows_the_create_in_the_plan_and_changes_nothing() {
    let fake = org();
    let run = run_with(
        fake.clone(),
        &fake,
        Mode::Plan {
            skip_blocked: false,
        },
    )
    .await;
    assert_eq!(run.finished.exit, Exit::Success);
    let doc: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    let entries = doc["plan"]["entries"].as_array().expect("entries");
    let a = entries
        .iter()
        .find(|e| e["account_id"] == A)
        .expect("entry for A");
    assert_eq!(a["steps"], serde_json::json!(["CreateLoginProfile"]));
    assert!(fake.mutating_calls().is_empty());
    assert!(!fake.root(A).login_profile);
}

#[tokio::test]
async fn a_re_check_that_finds_a_login_profile_changes_nothing() {
    let fake = org();
    // Between the plan and the change, someone creates the login profile.
    let sessions = fake.clone();
    let dir = tempfile::tempdir().expect("tempdir");
    let cancel = Cancel::default();
    let job = Job::new(sessions, cancel.clone());
    let env = env(dir.path(), &cancel, Output::Json);
    struct EditThenYes(Fake);
    impl Confirm for EditThenYes {
        async fn ask(&self, _count: usize, _what: &str) -> Answer {
            self.0.edit(A, |r| r.login_profile = true);
            Answer::Yes
        }
    }
    let skip_blocked = "";
    let mut out = Vec::new();
    let finished = crate::run::run(
        &job,
        &fake,
        &env,
        CHANGE,
        &EditThenYes(fake.clone()),
        skip_blocked,
        &mut out,
    )
    .await
    .expect("pipeline");
    assert_eq!(finished.exit, Exit::Success);
    assert!(fake.mutating_calls().is_empty());
    let doc: Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(doc["counts"]["already-recoverable"], 2, "{doc}");
}

#[tokio::test]
async fn the_kth_call_failing_is_never_reported_as_recovered() {
    // Calls of a full run: A and B each AssumeRoot + GetLoginProfile (4); then for A:
    // AssumeRoot, GetLoginProfile, CreateLoginProfile, AssumeRoot, GetLoginProfile (5).
    for k in 1..=9 {
        let fake = org();
        let run = run_with(
            Failing::new(fake.clone(), k, "ServiceFailure"),
            &fake,
            CHANGE,
        )
        .await;
        if k <= 4 {
            // A failed check: unknown, the plan refuses the run, nothing is changed.
            assert_eq!(run.finished.exit, Exit::Refused, "k={k}");
            assert!(fake.mutating_calls().is_empty(), "k={k}");
            let check = run.report("recover-check-");
            assert_eq!(check["counts"]["unknown"], 1, "k={k}");
        } else {
            assert_eq!(run.finished.exit, Exit::Partial, "k={k}");
            let row = run.row(A);
            assert_eq!(row["outcome"], "failed", "k={k}");
            assert!(
                row["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("ServiceFailure")),
                "k={k}: {row}"
            );
            let created = fake.root(A).login_profile;
            assert_eq!(
                row["login_profile_created"],
                if created { "yes" } else { "no" },
                "k={k}"
            );
            assert_eq!(row["verified"], if created { "no" } else { "n/a" }, "k={k}");
        }
    }
}
