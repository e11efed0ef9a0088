//! `users tidy` through every stage of the pipeline over the in-memory fake: only redundant
//! direct policies detached (never a membership or another direct policy), a detach skipped when
//! the group no longer grants the policy, a failing call reported, a dry run changing nothing;
//! then its pieces alone: each outcome's word, the detaches folded into the account's outcome,
//! and the re-check's fresh read of the user's groups.

use super::*;
use crate::cancel::Cancel;
use crate::exit::Exit;
use crate::root::tests::env;
use crate::run::confirm::{Answer, Confirm};
use crate::run::job::Verified;
use crate::run::{Finished, Mode, Output};
use crate::users::fake::{Fake, User};
use crate::users::verdict::tests::rules;
use crate::users::{Job, Tidy};
use serde_json::Value;

const MANAGEMENT: &str = "111111111111";
const MEMBER: &str = "222222222222";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

struct Yes;

impl Confirm for Yes {
    async fn ask(&self, _count: usize, _what: &str) -> Answer {
        Answer::Yes
    }
}

/// alice: ADMIN directly and through `admins` (redundant), READ directly only; bob: ADMIN
/// directly, in no group.
fn org() -> Fake {
    Fake::default()
        .caller(MANAGEMENT)
        .account(MEMBER, true)
        .group(MEMBER, "admins", &[ADMIN])
        .user(
            MEMBER,
            User {
                name: "alice".into(),
                created_days_ago: 100,
                password: Some(Some(1)),
                groups: vec!["admins".into()],
                policies: vec![ADMIN.into(), READ.into()],
                ..User::default()
            },
        )
        .user(
            MEMBER,
            User {
                name: "bob".into(),
                created_days_ago: 100,
                password: Some(Some(1)),
                policies: vec![ADMIN.into()],
                ..User::default()
            },
        )
}

async fn run(fake: &Fake, mode: Mode) -> (Finished, Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cancel = Cancel::default();
    let job = Tidy::new(Job::new(fake.clone(), MANAGEMENT, rules(), cancel.clone()));
    let skip_blocked = "rootsweep users tidy --skip-blocked";
    let mut out = Vec::new();
    let finished = crate::run::run(
        &job,
        &fake.directory(),
        &env(dir.path(), &cancel, Output::Json),
        mode,
        &Yes,
        skip_blocked,
        &mut out,
    )
    .await
    .expect("pipeline");
    (
        finished,
        serde_json::from_slice(&out).expect("one JSON document"),
    )
}

fn detaches(fake: &Fake) -> usize {
    fake.calls()
        .iter()
        .filter(|(op, _, _)| op == "DetachUserPolicy")
        .count()
}

const CHANGE: Mode = Mode::Change {
    skip_blocked: false,
};

#[tokio::test]
async fn only_the_redundant_direct_policy_is_detached_and_the_membership_stays() {
    let fake = org();
    let (finished, doc) = run(&fake, CHANGE).await;
    assert_eq!(finished.exit, Exit::Success);
    assert_eq!(
        fake.attachments(MEMBER, "alice"),
        Some((vec!["admins".into()], vec![READ.into()]))
    );
    assert_eq!(
        fake.attachments(MEMBER, "bob"),
        Some((vec![], vec![ADMIN.into()]))
    );
    assert_eq!(detaches(&fake), 1);
    let row = &doc["detaches"][1];
    assert_eq!(row["user_name"], "alice");
    assert_eq!(row["policy_arn"], ADMIN);
    assert_eq!(row["group"], "admins");
    assert_eq!(row["outcome"], "detached");
}

#[tokio::test]
async fn a_group_that_stopped_granting_the_policy_skips_the_detach_with_the_reason() {
    let fake = org().group_emptied_on_change(MEMBER, "admins");
    let (finished, doc) = run(&fake, CHANGE).await;
    assert_eq!(detaches(&fake), 0);
    // A planned detach not made is never a success.
    assert_eq!(finished.exit, Exit::Partial);
    assert_eq!(doc["counts"]["skipped"], 1);
    assert_eq!(
        fake.attachments(MEMBER, "alice"),
        Some((vec!["admins".into()], vec![ADMIN.into(), READ.into()]))
    );
    let row = &doc["detaches"][1];
    assert_eq!(row["outcome"], "skipped");
    assert!(
        row["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("no group of the user attaches it any more")),
        "{row}"
    );
}

#[tokio::test]
async fn a_group_that_stops_granting_the_policy_as_it_is_detached_is_a_failure_with_the_fix() {
    let fake = org().group_emptied_on_detach(MEMBER, "admins");
    let (finished, doc) = run(&fake, CHANGE).await;
    assert_eq!(finished.exit, Exit::Partial);
    let row = &doc["detaches"][1];
    assert_eq!(row["outcome"], "failed");
    assert_eq!(
        row["error"],
        format!(
            "verify: admins no longer attaches the policy, so the user may have lost it: \
             aws iam attach-user-policy --user-name alice --policy-arn {ADMIN}"
        )
    );
}

#[tokio::test(start_paused = true)]
async fn a_detach_that_never_shows_is_failed_as_unproven_after_the_bound() {
    let fake = org().detach_never_shows(MEMBER);
    let (finished, doc) = run(&fake, CHANGE).await;
    assert_eq!(finished.exit, Exit::Partial);
    let row = &doc["detaches"][1];
    assert_eq!(row["outcome"], "failed");
    assert!(
        row["error"].as_str().is_some_and(
            |e| e.starts_with("verify: 8 s after the detach, the policy is still attached")
        ),
        "{row}"
    );
}

#[tokio::test]
async fn a_failing_detach_is_reported_and_the_policy_stays() {
    let fake = org().fail_change(1, "ServiceFailure");
    let (finished, doc) = run(&fake, CHANGE).await;
    assert_eq!(finished.exit, Exit::Partial);
    let row = &doc["detaches"][1];
    assert_eq!(row["outcome"], "failed");
    assert!(
        row["error"].as_str().is_some_and(|e| e.contains(
            "DetachUserPolicy arn:aws:iam::aws:policy/AdministratorAccess: DetachUserPolicy: ServiceFailure"
        )),
        "{row}"
    );
    assert_eq!(
        fake.attachments(MEMBER, "alice").map(|(_, p)| p.len()),
        Some(2)
    );
}

#[tokio::test]
async fn a_dry_run_plans_each_detach_and_changes_nothing() {
    let fake = org();
    let (finished, doc) = run(
        &fake,
        Mode::Plan {
            skip_blocked: false,
        },
    )
    .await;
    assert_eq!(finished.exit, Exit::Success);
    assert_eq!(detaches(&fake), 0);
    let steps = &doc["plan"]["entries"][1]["steps"];
    assert_eq!(
        steps,
        &serde_json::json!([{"user": "alice", "policy_arn": ADMIN}])
    );
}

fn detached(user: &str, outcome: &'static str, error: &str) -> Detached {
    Detached {
        step: Step {
            user: user.into(),
            policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
        },
        group: "readers".into(),
        outcome,
        error: error.into(),
    }
}

#[test]
fn a_detach_reads_as_its_call_and_why_it_is_safe() {
    let step = detached("ana", outcome::DETACHED, "").step;
    assert_eq!(
        step.to_string(),
        "DetachUserPolicy ana arn:aws:iam::aws:policy/ReadOnlyAccess (a group of the user attaches it too)"
    );
}

#[test]
fn each_detach_outcome_has_its_report_word() {
    assert_eq!(word(Outcome::Done), outcome::DETACHED);
    assert_eq!(word(Outcome::AlreadyClean), outcome::DETACHED);
    assert_eq!(word(Outcome::Skipped), outcome::SKIPPED);
    assert_eq!(word(Outcome::Interrupted), outcome::INTERRUPTED);
    assert_eq!(word(Outcome::NotStarted), outcome::INTERRUPTED);
    assert_eq!(word(Outcome::Failed), outcome::FAILED);
    assert_eq!(word(Outcome::ChangedSincePlan), outcome::FAILED);
}

#[test]
fn the_worst_detach_decides_the_account_and_only_detached_ones_count_as_done() {
    let all = summarise(vec![
        detached("ana", outcome::DETACHED, ""),
        detached("bo", outcome::DETACHED, ""),
    ]);
    assert_eq!(all.outcome, Outcome::Done);
    assert_eq!(all.verified, Verified::Yes);
    assert_eq!(all.done.len(), 2);
    assert_eq!(all.error, "");
    let interrupted = summarise(vec![
        detached("ana", outcome::DETACHED, ""),
        detached("bo", outcome::INTERRUPTED, "interrupted before this detach"),
    ]);
    assert_eq!(interrupted.outcome, Outcome::Interrupted);
    assert_eq!(interrupted.verified, Verified::No);
    assert_eq!(interrupted.done.len(), 1);
    assert_eq!(
        interrupted.error,
        "bo arn:aws:iam::aws:policy/ReadOnlyAccess: interrupted before this detach"
    );
    let skipped = summarise(vec![detached("ana", outcome::SKIPPED, "no group")]);
    assert_eq!(skipped.outcome, Outcome::Skipped);
    assert_eq!(skipped.verified, Verified::NotApplicable);
    assert!(skipped.done.is_empty());
    let failed = summarise(vec![
        detached("ana", outcome::SKIPPED, "no group"),
        detached("bo", outcome::FAILED, "verify: x"),
    ]);
    assert_eq!(failed.outcome, Outcome::Failed);
    assert_eq!(summarise(Vec::new()).outcome, Outcome::NothingInScope);
}

/// A session whose user is in `groups`, each answering with its policies or an error code.
struct Groups(Vec<(&'static str, Result<Vec<String>, &'static str>)>);

impl super::super::api::Fresh for Groups {
    async fn holdings(&self, _: &str) -> Result<Option<super::super::model::Holdings>, Error> {
        unreachable!("the re-check reads attachments only")
    }
}

impl Change for Groups {
    async fn exists(&self, _: &str) -> Result<bool, Error> {
        unreachable!("the re-check reads attachments only")
    }
    async fn attachments(
        &self,
        _: &str,
    ) -> Result<Option<super::super::model::Attachments>, Error> {
        Ok(Some(super::super::model::Attachments {
            groups: self.0.iter().map(|(g, _)| g.to_string()).collect(),
            policies: vec![detached("ana", outcome::DETACHED, "").step.policy_arn],
        }))
    }
    async fn group_policies(&self, group: &str) -> Result<Vec<String>, Error> {
        let (_, answer) = self.0.iter().find(|(g, _)| *g == group).expect("a group");
        answer.clone().map_err(|code| {
            Error::new(
                "ListAttachedGroupPolicies",
                code,
                "scripted",
                crate::call::classify(code),
            )
        })
    }
    async fn make(&self, _: &Call) -> Result<(), Error> {
        unreachable!("the re-check makes no call")
    }
}

#[tokio::test]
async fn a_group_deleted_since_the_listing_grants_nothing_and_another_failing_read_is_an_error() {
    let step = detached("ana", outcome::DETACHED, "").step;
    let arn = step.policy_arn.clone();
    let gone_then_granting = Groups(vec![
        ("gone", Err("NoSuchEntity")),
        ("readers", Ok(vec![arn.clone()])),
    ]);
    assert_eq!(
        granting_group(&gone_then_granting, &step).await,
        Ok(Ok("readers".to_string()))
    );
    let only_gone = Groups(vec![("gone", Err("NoSuchEntity"))]);
    assert!(matches!(
        granting_group(&only_gone, &step).await,
        Ok(Err(_))
    ));
    let denied = Groups(vec![
        ("locked", Err("AccessDenied")),
        ("readers", Ok(vec![arn])),
    ]);
    assert!(granting_group(&denied, &step).await.is_err());
}
