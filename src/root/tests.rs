//! The root job through every stage of the pipeline, over the in-memory fake: each stage with
//! each failure (the k-th call fails, a signal mid-wait, a report that cannot be written),
//! without HTTP.

use super::fake::{Failing, Fake, Root};
use super::plan::Scope;
use super::Job;
use crate::cancel::Cancel;
use crate::exit::Exit;
use crate::report::json::RunInfo;
use crate::root::api::Sessions;
use crate::run::confirm::{Answer, Confirm};
use crate::run::Output;
use crate::run::{Env, Finished, Mode};
use serde_json::Value;
use std::cell::Cell;

const A: &str = "222222222222";
const B: &str = "333333333333";
const C: &str = "444444444444";

fn eligible() -> Root {
    Root {
        login_profile: true,
        mfa: vec!["GAHT1".into()],
        ..Root::default()
    }
}

fn org() -> Fake {
    Fake::default()
        .account(A, eligible())
        .account(B, eligible())
        .account(
            C,
            Root {
                mfa: vec!["arn:aws:iam::444444444444:mfa/x".into()],
                ..Root::default()
            },
        )
}

/// A confirmation that answers `answer`, after running `before` (e.g. a change made between
/// the plan and the apply, or a signal at the prompt).
struct Scripted<F: Fn()> {
    answer: Answer,
    before: F,
    asked: Cell<usize>,
}

impl<F: Fn()> Confirm for Scripted<F> {
    async fn ask(&self, count: usize, _what: &str) -> Answer {
        self.asked.set(count);
        (self.before)();
        self.answer
    }
}

fn yes() -> Scripted<impl Fn()> {
    Scripted {
        answer: Answer::Yes,
        before: || {},
        asked: Cell::new(0),
    }
}

struct Run {
    finished: Finished,
    stdout: String,
    dir: tempfile::TempDir,
}

impl Run {
    fn report(&self, stem: &str) -> Value {
        let path = std::fs::read_dir(self.dir.path())
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(stem) && n.ends_with(".json"))
            })
            .expect("json report");
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
    }

    fn outcome(&self, id: &str) -> String {
        let report = self.report("delete-");
        report["accounts"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["account_id"] == id))
            .map(|r| r["outcome"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    }
}

/// The run environment of a pipeline test: reports in `dir`, concurrency 2, management
/// account 111111111111 and its `admin` user as the caller.
pub(crate) fn env(dir: &std::path::Path, cancel: &Cancel, output: Output) -> Env {
    Env {
        config: crate::run::Settings {
            concurrency: 2,
            report_dir: dir.to_path_buf(),
            ..Default::default()
        },
        cancel: cancel.clone(),
        output,
        run: RunInfo {
            run_id: "20261125T000000.000Z".into(),
            rootsweep_version: "test",
            caller: "arn:aws:iam::111111111111:user/admin".into(),
            organization: "o-test".into(),
            partition: "aws".into(),
            region: "us-east-1".into(),
            started: String::new(),
            ended: String::new(),
            complete: false,
            incomplete_reason: None,
        },
        management_account: "111111111111".into(),
    }
}

async fn run_with<S: Sessions>(
    sessions: S,
    dir_of: &Fake,
    mode: Mode,
    scope: Scope,
    confirm: &impl Confirm,
    cancel: &Cancel,
    output: Output,
) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let job = Job::new(sessions, scope, cancel.clone());
    let skip_blocked = "rootsweep delete --skip-blocked";
    let mut out = Vec::new();
    let finished = crate::run::run(
        &job,
        dir_of,
        &env(dir.path(), cancel, output),
        mode,
        confirm,
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

/// A confirmed change run over `fake` whose k-th call answers `code`.
async fn change_failing_at(fake: &Fake, k: usize, code: &'static str) -> Run {
    run_with(
        Failing::new(fake.clone(), k, code),
        fake,
        CHANGE,
        Scope::ALL,
        &yes(),
        &Cancel::default(),
        Output::Text,
    )
    .await
}

#[tokio::test]
async fn every_planned_step_is_applied_and_verified() {
    let fake = org();
    let run = run_with(
        fake.clone(),
        &fake,
        CHANGE,
        Scope::ALL,
        &yes(),
        &Cancel::default(),
        Output::Text,
    )
    .await;
    assert_eq!(run.finished.exit, Exit::Success);
    assert_eq!(run.finished.accounts, 3);
    for id in [A, B, C] {
        assert_eq!(fake.root(id), Root::default(), "{id}");
        assert_eq!(run.outcome(id), "deleted");
    }
}

#[tokio::test]
async fn read_stage_kth_call_failing_makes_only_that_account_unknown_and_changes_nothing() {
    let fake = org();
    // Call 2 is the first check of the first account's audit session.
    let failing = Failing::new(fake.clone(), 2, "ServiceFailure");
    let run = run_with(
        failing,
        &fake,
        Mode::Read,
        Scope::ALL,
        &yes(),
        &Cancel::default(),
        Output::Json,
    )
    .await;
    assert_eq!(run.finished.exit, Exit::Partial);
    let doc: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(doc["counts"]["unknown"], 1);
    assert_eq!(doc["counts"]["eligible"], 2);
    assert!(fake.mutating_calls().is_empty());
}

#[tokio::test]
async fn a_dry_run_prints_one_document_with_the_plan_and_changes_nothing() {
    let fake = org();
    let run = run_with(
        fake.clone(),
        &fake,
        Mode::Plan {
            skip_blocked: false,
        },
        Scope::ALL,
        &yes(),
        &Cancel::default(),
        Output::Json,
    )
    .await;
    let doc: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(doc["plan"]["entries"].as_array().map(Vec::len), Some(3));
    assert_eq!(doc["counts"]["eligible"], 3);
    assert!(fake.mutating_calls().is_empty());
    assert_eq!(run.finished.exit, Exit::Success);
}

#[tokio::test]
async fn change_stage_kth_mutating_call_failing_fails_that_account_only_with_exit_4() {
    let fake = org();
    let probe = run_with(
        fake.clone(),
        &fake,
        Mode::Read,
        Scope::ALL,
        &yes(),
        &Cancel::default(),
        Output::Text,
    )
    .await;
    drop(probe);
    // The read stage makes 6 calls per account (AssumeRoot + 5 checks; no keys), 18 in all;
    // the first delete session's AssumeRoot is 19, its 4 re-checks 20-23, its first change 24.
    let run = change_failing_at(&fake, 24, "LimitExceeded").await;
    assert_eq!(run.finished.exit, Exit::Partial);
    let report = run.report("delete-");
    assert_eq!(report["counts"]["failed"], 1, "{report}");
    assert_eq!(report["counts"]["deleted"], 2, "{report}");
    let failed = report["accounts"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["outcome"] == "failed"))
        .cloned()
        .expect("failed row");
    assert!(
        failed["error"]
            .as_str()
            .is_some_and(|e| e.contains("LimitExceeded")),
        "{failed}"
    );
}

#[tokio::test]
async fn only_login_profile_reports_an_mfa_only_account_as_nothing_in_scope() {
    let fake = org();
    let scope = Scope {
        login_profile: true,
        mfa: false,
    };
    let run = run_with(
        fake.clone(),
        &fake,
        CHANGE,
        scope,
        &yes(),
        &Cancel::default(),
        Output::Text,
    )
    .await;
    assert_eq!(run.outcome(C), "nothing-in-scope");
    // The plan's header names what this run may change: the narrowed scope, not the job's whole.
    assert!(
        run.stdout.contains("Plan (login-profile): "),
        "{}",
        run.stdout
    );
    assert_eq!(fake.root(C).mfa.len(), 1, "out of scope: untouched");
    assert_eq!(run.outcome(A), "deleted");
    assert_eq!(fake.root(A).mfa, vec!["GAHT1".to_string()]);
    let report = run.report("delete-");
    let row = report["accounts"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["account_id"] == C))
        .cloned()
        .expect("row");
    assert_eq!(row["verified"], "n/a");
}

#[tokio::test]
async fn a_device_added_after_the_plan_leaves_the_account_untouched_as_changed_since_plan() {
    let fake = org();
    let sneaky = Scripted {
        answer: Answer::Yes,
        before: || fake.edit(A, |r| r.mfa.push("GAHT-NEW".into())),
        asked: Cell::new(0),
    };
    let run = run_with(
        fake.clone(),
        &fake,
        CHANGE,
        Scope::ALL,
        &sneaky,
        &Cancel::default(),
        Output::Text,
    )
    .await;
    assert_eq!(sneaky.asked.get(), 3);
    assert_eq!(run.outcome(A), "changed-since-plan");
    assert!(fake.root(A).login_profile, "nothing changed there");
    assert_eq!(fake.root(A).mfa.len(), 2);
    assert_eq!(run.outcome(B), "deleted");
    assert_eq!(run.finished.exit, Exit::Partial);
}

#[tokio::test]
async fn not_confirming_or_a_signal_at_the_prompt_changes_nothing() {
    for (answer, expected) in [(Answer::No, Exit::Usage), (Answer::NoTerminal, Exit::Usage)] {
        let fake = org();
        let confirm = Scripted {
            answer,
            before: || {},
            asked: Cell::new(0),
        };
        let cancel = Cancel::default();
        let run = run_with(
            fake.clone(),
            &fake,
            CHANGE,
            Scope::ALL,
            &confirm,
            &cancel,
            Output::Text,
        )
        .await;
        assert_eq!(run.finished.exit, expected);
        assert!(fake.mutating_calls().is_empty());
    }
    let fake = org();
    let cancel = Cancel::default();
    let confirm = Scripted {
        answer: Answer::Cancelled,
        before: || cancel.cancel(false),
        asked: Cell::new(0),
    };
    let run = run_with(
        fake.clone(),
        &fake,
        CHANGE,
        Scope::ALL,
        &confirm,
        &cancel,
        Output::Text,
    )
    .await;
    assert_eq!(run.finished.exit, Exit::Interrupted);
    assert!(fake.mutating_calls().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_signal_during_a_busy_backoff_interrupts_the_account_and_starts_no_other() {
    let fake = org();
    let cancel = Cancel::default();
    // Every call from the first delete session's first change on answers "busy": the account
    // waits in backoff; a signal arrives during the wait.
    let failing = Failing::from(fake.clone(), 24, "EntityTemporarilyUnmodifiable");
    let signal = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        signal.cancel(true);
    });
    let run = run_with(
        failing,
        &fake,
        Mode::Change {
            skip_blocked: false,
        },
        Scope::ALL,
        &yes(),
        &cancel,
        Output::Text,
    )
    .await;
    assert_eq!(run.finished.exit, Exit::Terminated);
    let report = run.report("delete-");
    let outcomes: Vec<&str> = report["accounts"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|r| r["outcome"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(outcomes.len(), 3, "every account reported: {report}");
    assert!(outcomes.contains(&"interrupted"), "{outcomes:?}");
    assert!(!outcomes.contains(&"deleted"), "{outcomes:?}");
    assert_eq!(report["complete"], false);
}

#[tokio::test]
async fn a_change_report_that_cannot_be_created_stops_before_any_change() {
    let fake = org();
    let dir = tempfile::tempdir().expect("tempdir");
    // The change report's name is taken already: it must not be written through.
    std::fs::write(dir.path().join("delete-20261125T000000.000Z.csv"), "x").expect("plant");
    let cancel = Cancel::default();
    let job = Job::new(fake.clone(), Scope::ALL, cancel.clone());
    let skip_blocked = "";
    let result = crate::run::run(
        &job,
        &fake,
        &env(dir.path(), &cancel, Output::Text),
        CHANGE,
        &yes(),
        skip_blocked,
        &mut Vec::new(),
    )
    .await;
    let err = result.expect_err("no report, no change");
    assert!(
        format!("{err:#}").contains("nothing was changed"),
        "{err:#}"
    );
    assert!(fake.mutating_calls().is_empty());
}

use crate::run::record::tests::Full;

#[tokio::test]
async fn change_stage_write_failing_starts_no_further_account() {
    let fake = Fake::default();
    for i in 0..10 {
        fake.clone()
            .account(&format!("2222222200{i:02}"), eligible());
    }
    let cancel = Cancel::default();
    let dir = tempfile::tempdir().expect("tempdir");
    let env = env(dir.path(), &cancel, Output::Text);
    let job = Job::new(fake.clone(), Scope::ALL, cancel.clone());
    let accounts = crate::run::enumerate::list_all(&fake)
        .await
        .expect("accounts");
    let reads: Vec<crate::run::job::Read<super::model::Finding>> = {
        let mut reads = Vec::new();
        for account in accounts {
            let finding = crate::run::job::Job::read(&job, &account).await;
            reads.push(crate::run::job::Read {
                account,
                finding: Ok(finding),
            });
        }
        reads
    };
    let plan = crate::run::plan_of(&job, &reads);
    assert_eq!(plan.to_change().count(), 10);
    // Room for the header and about two rows.
    let mut recorder = crate::run::record::Recorder::<_, super::rows::Delete>::new(
        "delete.csv".into(),
        Full { room: 200 },
    )
    .expect("header fits");
    let results = crate::run::change::run(&job, &fake, &env, &plan, &reads, &mut recorder).await;
    assert!(recorder.failure().is_some());
    assert_eq!(results.len(), 10, "every account is still in the record");
    let deleted = results
        .iter()
        .filter(|r| r.outcome == crate::run::job::Outcome::Done)
        .count();
    let not_started = results
        .iter()
        .filter(|r| r.outcome == crate::run::job::Outcome::NotStarted)
        .count();
    // Two in flight at most when the write failed (concurrency 2), then nothing new started.
    assert!(deleted <= 5, "{deleted} deleted after the failure");
    assert_eq!(deleted + not_started, 10);
    let changed: std::collections::BTreeSet<_> = fake
        .mutating_calls()
        .into_iter()
        .filter_map(|(_, a)| a)
        .collect();
    assert_eq!(
        changed.len(),
        deleted,
        "no account changed beyond those recorded"
    );
}

#[tokio::test(start_paused = true)]
async fn a_signal_during_the_read_stage_starts_no_new_account_and_reports_every_one() {
    let fake = Fake::default();
    for i in 0..8 {
        fake.clone()
            .account(&format!("2222222200{i:02}"), eligible());
    }
    let fake = fake.with_latency(std::time::Duration::from_millis(100));
    let cancel = Cancel::default();
    let signal = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        signal.cancel(false);
    });
    let run = run_with(
        fake.clone(),
        &fake,
        Mode::Read,
        Scope::ALL,
        &yes(),
        &cancel,
        Output::Json,
    )
    .await;
    assert_eq!(run.finished.exit, Exit::Interrupted);
    let doc: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(doc["accounts"].as_array().map(Vec::len), Some(8));
    assert_eq!(doc["complete"], false);
    let skipped = doc["counts"]["skipped"].as_u64().unwrap_or(0);
    assert!(
        skipped >= 4,
        "accounts after the signal were not read: {doc}"
    );
    let assumed = fake
        .calls()
        .iter()
        .filter(|(op, _)| op == "AssumeRoot")
        .count() as u64;
    assert_eq!(assumed + skipped, 8, "no account read after the signal");
}

#[tokio::test]
async fn read_stage_write_failing_starts_no_further_account() {
    let fake = Fake::default();
    for i in 0..12 {
        fake.clone()
            .account(&format!("2222222200{i:02}"), eligible());
    }
    let cancel = Cancel::default();
    let dir = tempfile::tempdir().expect("tempdir");
    let env = env(dir.path(), &cancel, Output::Text);
    let job = Job::new(fake.clone(), Scope::ALL, cancel.clone());
    let resolved =
        crate::run::enumerate::resolve(&fake, &env.config, &env.management_account, false)
            .await
            .expect("targets");
    // Room for the header and about one row.
    let mut recorder = crate::run::record::Recorder::<_, super::rows::Audit>::new(
        "audit.csv".into(),
        Full { room: 400 },
    )
    .expect("header fits");
    let stage = crate::run::read::read_all(&job, &fake, &env, &resolved, &mut recorder).await;
    assert!(recorder.failure().is_some());
    assert_eq!(
        stage.reads.len(),
        12,
        "every account is still in the record"
    );
    let read = stage.reads.iter().filter(|r| r.finding.is_ok()).count();
    assert!(read <= 4, "{read} accounts read after the write failed");
    let sessions = fake
        .calls()
        .iter()
        .filter(|(op, _)| op == "AssumeRoot")
        .count();
    assert_eq!(sessions, read, "no session opened beyond those recorded");
    assert!(stage.reads.iter().any(|r| matches!(
        &r.finding,
        Err(crate::model::SkipReason::Stopped(why)) if why.contains("could not be written")
    )));
}

#[tokio::test]
async fn a_step_whose_credential_vanished_after_the_recheck_is_not_a_failure_of_that_step() {
    let fake = Fake::default().account(A, eligible());
    // The read stage makes 6 calls (AssumeRoot + 5 checks); the delete session's AssumeRoot is
    // 7, its re-checks 8-11, DeleteLoginProfile 12: it answers NoSuchEntity (gone meanwhile).
    let run = change_failing_at(&fake, 12, "NoSuchEntity").await;
    let report = run.report("delete-");
    let row = &report["accounts"][0];
    // The step is skipped, the MFA step runs, and the verification (which still sees the login
    // profile the injected answer kept in place) is what reports the problem.
    assert_eq!(row["outcome"], "failed", "{row}");
    assert_eq!(
        row["error"], "verify: the login profile is still present",
        "{row}"
    );
    assert_eq!(row["mfa_deactivated"], "1");
    assert_eq!(row["login_profile_deleted"], "no");
}

#[tokio::test]
async fn a_device_left_assigned_or_a_verification_that_errors_is_a_failure_never_deleted() {
    // Call 13 is the delete session's DeactivateMFADevice: it answers NoSuchEntity while the
    // device stays, so the verification must find it.
    let fake = Fake::default().account(A, eligible());
    let run = change_failing_at(&fake, 13, "NoSuchEntity").await;
    let report = run.report("delete-");
    let row = &report["accounts"][0];
    assert_eq!(row["outcome"], "failed", "{row}");
    assert_eq!(
        row["error"], "verify: 1 MFA device(s) still assigned",
        "{row}"
    );
    assert_eq!(row["verified"], "no");

    // Call 14 is the verification session's AssumeRoot.
    let fake = Fake::default().account(A, eligible());
    let run = change_failing_at(&fake, 14, "AccessDenied").await;
    let report = run.report("delete-");
    let row = &report["accounts"][0];
    assert_eq!(row["outcome"], "failed", "{row}");
    assert_eq!(
        row["error"], "verify: AssumeRoot: AccessDenied: injected",
        "{row}"
    );
    assert_eq!(row["verified"], "no");
    assert_eq!(fake.root(A), Root::default(), "the change itself was made");
    assert_eq!(run.finished.exit, Exit::Partial);
}

#[tokio::test]
async fn a_signing_certificate_added_after_the_plan_leaves_the_account_untouched() {
    let fake = org();
    let sneaky = Scripted {
        answer: Answer::Yes,
        before: || fake.edit(B, |r| r.certs.push("CERT-NEW".into())),
        asked: Cell::new(0),
    };
    let run = run_with(
        fake.clone(),
        &fake,
        CHANGE,
        Scope::ALL,
        &sneaky,
        &Cancel::default(),
        Output::Text,
    )
    .await;
    assert_eq!(run.outcome(B), "changed-since-plan");
    assert!(fake.root(B).login_profile, "nothing changed there");
    let report = run.report("delete-");
    let row = report["accounts"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["account_id"] == B))
        .cloned()
        .expect("row");
    assert!(
        row["error"]
            .as_str()
            .is_some_and(|e| e.contains("0 access key(s) and 1 signing certificate(s)")),
        "{row}"
    );
}

#[tokio::test]
async fn accounts_refused_up_front_are_blocked_plan_entries_with_why_others_skipped_are_not() {
    let fake = Fake::default();
    let cancel = Cancel::default();
    let job = Job::new(fake.clone(), Scope::ALL, cancel.clone());
    let account = |id: &str| crate::model::Account {
        id: id.into(),
        name: format!("n{id}"),
        email: String::new(),
        state: "ACTIVE".into(),
        ou_path: String::new(),
        ou_ids: String::new(),
    };
    use crate::model::SkipReason;
    let read = |id: &str, why: SkipReason| crate::run::job::Read::<super::model::Finding> {
        account: account(id),
        finding: Err(why),
    };
    let reads = vec![
        read(
            "333333333333",
            SkipReason::Refused("denied by p-1; fix: x".into()),
        ),
        read("222222222222", SkipReason::NotSelected),
        read(
            "222222222221",
            SkipReason::Refused("no SCP allows it".into()),
        ),
    ];
    let plan = crate::run::plan_of(&job, &reads);
    let entries: Vec<(&str, &str, Option<&str>)> = plan
        .entries
        .iter()
        .map(|e| (e.account_id.as_str(), e.verdict, e.reason.as_deref()))
        .collect();
    assert_eq!(
        entries,
        [
            ("222222222221", "blocked", Some("no SCP allows it")),
            ("333333333333", "blocked", Some("denied by p-1; fix: x")),
        ]
    );
    assert!(plan
        .entries
        .iter()
        .all(|e| e.disposition == crate::run::job::Disposition::Blocked && e.steps.is_empty()));
    assert_eq!(plan.entries[0].account_name, "n222222222221");
    assert_eq!(plan.refused().count(), 2);
}
