//! The shared apply flow on a scripted unit: what its re-check says, how each call answers,
//! whether the verification proves it — and the account outcome folded from several units.

use super::apply::{self, Made, Stop, Todo, Unit};
use super::job::{Outcome, Verified};
use crate::call::{Error, ErrorKind};
use crate::cancel::Cancel;
use std::cell::RefCell;
use std::collections::VecDeque;

/// A unit whose answers are scripted; it logs every call it is asked to make.
#[derive(Default)]
struct Scripted {
    recheck: Option<Result<Todo<&'static str>, Stop>>,
    /// The answer to each call, in order (an empty queue answers `Changed`).
    answers: RefCell<VecDeque<Result<Made, Error>>>,
    /// Refuses this call in `before`.
    refuse: Option<&'static str>,
    verify: Option<Stop>,
    /// Cancels the run when this call is made.
    cancel_at: Option<(&'static str, Cancel)>,
    made: RefCell<Vec<&'static str>>,
    verified: RefCell<Option<Vec<&'static str>>>,
}

impl Unit for Scripted {
    type Session = ();
    type Call = &'static str;

    async fn recheck(&self, _: &()) -> Result<Todo<&'static str>, Stop> {
        self.recheck.clone().expect("scripted re-check")
    }

    fn before(&self, call: &&'static str) -> Result<(), Stop> {
        match self.refuse {
            Some(c) if c == *call => Err(Stop::new(Outcome::Failed, format!("{call}: not saved"))),
            _ => Ok(()),
        }
    }

    async fn call(&self, _: &(), call: &&'static str) -> Result<Made, Error> {
        self.made.borrow_mut().push(call);
        if let Some((at, cancel)) = &self.cancel_at {
            if at == call {
                cancel.cancel(true);
            }
        }
        self.answers
            .borrow_mut()
            .pop_front()
            .unwrap_or(Ok(Made::Changed))
    }

    async fn verify(&self, _: &(), done: &[&'static str]) -> Result<(), Stop> {
        *self.verified.borrow_mut() = Some(done.to_vec());
        self.verify.clone().map_or(Ok(()), Err)
    }
}

fn todo(calls: &[&'static str]) -> Option<Result<Todo<&'static str>, Stop>> {
    Some(Ok(Todo::all(calls.to_vec())))
}

fn error(kind: ErrorKind, code: &str) -> Error {
    Error::new("Op", code, "scripted", kind)
}

async fn run(unit: &Scripted) -> apply::UnitResult<&'static str> {
    apply::unit(unit, &(), &Cancel::default()).await
}

#[tokio::test]
async fn every_call_made_and_verified_is_done_and_proven() {
    let unit = Scripted {
        recheck: todo(&["a", "b"]),
        ..Scripted::default()
    };
    let r = run(&unit).await;
    assert_eq!(r.outcome, Outcome::Done);
    assert_eq!(r.done, ["a", "b"]);
    assert_eq!(r.verified, Verified::Yes);
    assert_eq!(r.error, "");
    assert_eq!(*unit.verified.borrow(), Some(vec!["a", "b"]));
}

#[tokio::test]
async fn a_recheck_that_finds_the_work_done_makes_no_call_and_is_proven_by_that_read() {
    let unit = Scripted {
        recheck: Some(Err(Stop::new(Outcome::AlreadyClean, "gone"))),
        ..Scripted::default()
    };
    let r = run(&unit).await;
    assert_eq!(
        (r.outcome, r.verified, r.error.as_str()),
        (Outcome::AlreadyClean, Verified::Yes, "gone")
    );
    assert!(unit.made.borrow().is_empty());
    assert_eq!(*unit.verified.borrow(), None, "nothing to verify");
}

#[tokio::test]
async fn a_recheck_that_refuses_leaves_the_unit_untouched_with_the_jobs_word() {
    let unit = Scripted {
        recheck: Some(Err(
            Stop::new(Outcome::Skipped, "in use").worded("skipped-active")
        )),
        ..Scripted::default()
    };
    let r = run(&unit).await;
    assert_eq!(r.outcome, Outcome::Skipped);
    assert_eq!(r.verified, Verified::NotApplicable);
    assert_eq!(r.detail, Some("skipped-active"));
    assert!(unit.made.borrow().is_empty());
}

#[tokio::test]
async fn a_signal_stops_before_the_next_call_and_the_change_made_is_unproven() {
    let cancel = Cancel::default();
    let unit = Scripted {
        recheck: todo(&["a", "b", "c"]),
        cancel_at: Some(("a", cancel.clone())),
        ..Scripted::default()
    };
    let r = apply::unit(&unit, &(), &cancel).await;
    assert_eq!(r.outcome, Outcome::Interrupted);
    assert_eq!(r.done, ["a"]);
    assert_eq!(r.verified, Verified::No);
    assert_eq!(r.error, "interrupted before: b");
    assert_eq!(*unit.made.borrow(), ["a"]);
}

#[tokio::test]
async fn a_signal_before_the_first_call_changes_nothing_and_has_nothing_to_verify() {
    let cancel = Cancel::default();
    cancel.cancel(true);
    let unit = Scripted {
        recheck: todo(&["a"]),
        ..Scripted::default()
    };
    let r = apply::unit(&unit, &(), &cancel).await;
    assert_eq!(
        (r.outcome, r.verified, r.error.as_str()),
        (
            Outcome::Interrupted,
            Verified::NotApplicable,
            "interrupted before: a"
        )
    );
    assert!(unit.made.borrow().is_empty());
}

#[tokio::test(start_paused = true)]
async fn busy_answers_are_retried_and_not_found_counts_as_already_done() {
    let unit = Scripted {
        recheck: todo(&["a", "b"]),
        answers: RefCell::new(VecDeque::from([
            Err(error(ErrorKind::Busy, "ConcurrentModification")),
            Ok(Made::Changed),
            Err(error(ErrorKind::NotFound, "NoSuchEntity")),
        ])),
        ..Scripted::default()
    };
    let r = run(&unit).await;
    assert_eq!(*unit.made.borrow(), ["a", "a", "b"]);
    assert_eq!(r.outcome, Outcome::Done);
    assert_eq!(r.done, ["a"], "b was gone already: not counted as made");
}

#[tokio::test(start_paused = true)]
async fn a_change_whose_answer_was_lost_before_iam_said_busy_is_made_when_the_retry_finds_it_done()
{
    let lost = |kind, code| Error {
        answer_lost: true,
        ..error(kind, code)
    };
    let unit = Scripted {
        recheck: todo(&["a"]),
        answers: RefCell::new(VecDeque::from([
            Err(lost(ErrorKind::Busy, "EntityTemporarilyUnmodifiable")),
            Err(error(ErrorKind::NotFound, "NoSuchEntity")),
        ])),
        ..Scripted::default()
    };
    let r = run(&unit).await;
    assert_eq!(*unit.made.borrow(), ["a", "a"]);
    assert_eq!((r.outcome, r.done), (Outcome::Done, vec!["a"]));
    assert!(r.error.contains("confirmed on retry"), "{}", r.error);
}

#[tokio::test]
async fn calls_all_found_already_made_are_already_clean_once_verified() {
    let unit = Scripted {
        recheck: todo(&["a"]),
        answers: RefCell::new(VecDeque::from([Ok(Made::Already)])),
        ..Scripted::default()
    };
    let r = run(&unit).await;
    assert_eq!(r.outcome, Outcome::AlreadyClean);
    assert_eq!(r.verified, Verified::Yes);
    assert!(r.done.is_empty());
    assert_eq!(r.error, "a: already done by someone else; nothing changed");
    assert_eq!(*unit.verified.borrow(), Some(vec![]));
}

#[tokio::test]
async fn a_failed_call_ends_the_unit_with_what_was_done_unproven() {
    let unit = Scripted {
        recheck: todo(&["a", "b", "c"]),
        answers: RefCell::new(VecDeque::from([
            Ok(Made::Changed),
            Err(error(ErrorKind::AccessDenied, "AccessDenied")),
        ])),
        ..Scripted::default()
    };
    let r = run(&unit).await;
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(r.done, ["a"]);
    assert_eq!(r.verified, Verified::No);
    assert!(r.error.starts_with("b: "), "{}", r.error);
    assert_eq!(*unit.made.borrow(), ["a", "b"], "c never made");
    assert_eq!(*unit.verified.borrow(), None);
}

#[tokio::test]
async fn an_interrupted_call_is_interrupted_not_failed() {
    let unit = Scripted {
        recheck: todo(&["a"]),
        answers: RefCell::new(VecDeque::from([Err(Error::interrupted("Op", None))])),
        ..Scripted::default()
    };
    let r = run(&unit).await;
    assert_eq!(r.outcome, Outcome::Interrupted);
    assert_eq!(r.verified, Verified::NotApplicable);
}

#[tokio::test]
async fn what_must_hold_before_a_call_leaves_it_unmade_when_it_does_not() {
    let unit = Scripted {
        recheck: todo(&["a", "b"]),
        refuse: Some("b"),
        ..Scripted::default()
    };
    let r = run(&unit).await;
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(r.done, ["a"]);
    assert_eq!(r.error, "b: not saved");
    assert_eq!(*unit.made.borrow(), ["a"]);
}

#[tokio::test]
async fn a_verification_that_does_not_prove_the_change_fails_the_unit() {
    let unit = Scripted {
        recheck: todo(&["a"]),
        verify: Some(Stop::new(Outcome::Failed, "verify: still there")),
        ..Scripted::default()
    };
    let r = run(&unit).await;
    assert_eq!(
        (r.outcome, r.verified, r.error.as_str()),
        (Outcome::Failed, Verified::No, "verify: still there")
    );
    assert_eq!(r.done, ["a"]);
}

#[tokio::test]
async fn what_the_recheck_left_alone_makes_the_unit_changed_since_plan_even_when_the_rest_is_done()
{
    let left = || Todo {
        calls: vec!["a"],
        left_alone: Some("x changed; left alone".to_string()),
    };
    let unit = Scripted {
        recheck: Some(Ok(left())),
        ..Scripted::default()
    };
    let r = run(&unit).await;
    assert_eq!(r.outcome, Outcome::ChangedSincePlan);
    assert_eq!(r.done, ["a"]);
    assert_eq!(r.verified, Verified::Yes);
    assert_eq!(r.error, "x changed; left alone");
    // A failure after it keeps both reasons, and the worse outcome.
    let unit = Scripted {
        recheck: Some(Ok(left())),
        verify: Some(Stop::new(Outcome::Failed, "verify: still there")),
        ..Scripted::default()
    };
    let r = run(&unit).await;
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(r.error, "verify: still there; x changed; left alone");
}

#[tokio::test]
async fn an_account_whose_session_cannot_be_opened_is_failed_untouched() {
    let unit = Scripted {
        recheck: todo(&["a"]),
        ..Scripted::default()
    };
    let open = async { Err::<(), _>(error(ErrorKind::AccessDenied, "AccessDenied")) };
    let r = apply::account(open, "open session", &unit, &Cancel::default()).await;
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(r.verified, Verified::NotApplicable);
    assert!(r.error.starts_with("open session: "), "{}", r.error);
    assert!(unit.made.borrow().is_empty());
    let open = async { Ok(()) };
    let r = apply::account(open, "open session", &unit, &Cancel::default()).await;
    assert_eq!((r.outcome, r.done), (Outcome::Done, vec!["a"]));
}

#[test]
fn the_worst_unit_decides_the_account() {
    use Outcome::*;
    let worst = |o: &[Outcome], done| apply::worst(o, done, AlreadyClean);
    assert_eq!(worst(&[Done, Skipped, Failed, Interrupted], true), Failed);
    assert_eq!(
        worst(&[Done, NotStarted, ChangedSincePlan], true),
        Interrupted
    );
    assert_eq!(worst(&[Done, Interrupted], true), Interrupted);
    assert_eq!(worst(&[Skipped, ChangedSincePlan], true), ChangedSincePlan);
    assert_eq!(worst(&[Done, Skipped], true), Skipped);
    assert_eq!(worst(&[Done], true), Done);
    assert_eq!(worst(&[Done], false), AlreadyClean);
    assert_eq!(apply::worst(&[], false, NothingInScope), NothingInScope);
}

#[test]
fn an_account_of_units_is_proven_only_when_every_unit_was() {
    let s = |done: Vec<u8>, outcome| apply::summary(done, outcome, String::new(), ()).verified;
    assert_eq!(s(vec![1], Outcome::Done), Verified::Yes);
    assert_eq!(s(vec![1], Outcome::Skipped), Verified::No);
    assert_eq!(s(vec![], Outcome::Skipped), Verified::NotApplicable);
    assert_eq!(s(vec![], Outcome::AlreadyClean), Verified::NotApplicable);
}
