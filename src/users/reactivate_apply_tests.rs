//! Tests of `users reactivate`'s rows and words: one row per planned credential with its own
//! outcome and `verified`, a refused step never `reactivated`, the record's passwords always
//! `not-reversible` with the command that sets a new one, and the account's own row only when
//! it has nothing else.

use super::*;
use crate::run::job::{Disposition, Outcome};
use crate::users::deactivate::Kind;
use crate::users::reactivate::Recorded;
use std::collections::BTreeMap;

const AT: &str = "2026-11-01T00:00:00Z";

fn step(id: &str, refused: Option<&str>) -> Step {
    Step {
        user: "ana".into(),
        kind: Kind::AccessKey,
        id: id.into(),
        recorded_at: AT.into(),
        last_used: String::new(),
        refused: refused.map(String::from),
    }
}

fn entry(steps: Vec<Step>) -> Entry<Step> {
    Entry {
        account_id: "222222222201".into(),
        account_name: "dev".into(),
        verdict: "reactivatable",
        disposition: Disposition::Change,
        steps,
        reason: None,
    }
}

fn password() -> Found {
    Found {
        wanted: vec![Recorded {
            account_id: "222222222201".into(),
            user_name: "ana".into(),
            credential_type: Kind::Password,
            credential_id: String::new(),
            previous_status: "present".into(),
            last_used: String::new(),
            reversible: false,
            recorded_at: AT.into(),
        }],
        holdings: Ok(BTreeMap::new()),
    }
}

fn outcomes(rows: &[Row]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|r| {
            (
                r.credential_id.clone(),
                r.outcome.clone(),
                r.verified.clone(),
            )
        })
        .collect()
}

fn of(id: &str, word: &str, verified: &str) -> (String, String, String) {
    (id.into(), word.into(), verified.into())
}

#[test]
fn each_credential_has_its_own_outcome_and_verified() {
    let e = entry(vec![
        step("AKIA1", None),
        step("AKIA2", None),
        step("AKIA3", None),
    ]);
    let mut applied: Applied<Step, Vec<Changed<Step>>> =
        Applied::ended(Outcome::Failed, vec![step("AKIA1", None)], "x");
    applied.detail = vec![
        Changed {
            step: step("AKIA1", None),
            outcome: outcome::REACTIVATED,
            error: String::new(),
        },
        Changed {
            step: step("AKIA2", None),
            outcome: outcome::CHANGED,
            error: "the credential no longer exists".into(),
        },
        Changed {
            step: step("AKIA3", None),
            outcome: outcome::REFUSED,
            error: "already Active".into(),
        },
    ];
    let rows = rows(None, &e, &applied);
    assert_eq!(
        outcomes(&rows),
        [
            of("AKIA1", "reactivated", "yes"),
            of("AKIA2", "changed-since-plan", "no"),
            of("AKIA3", "refused", "n/a"),
        ]
    );
    assert_eq!(rows[2].error, "already Active");
    assert!(rows
        .iter()
        .all(|r| r.recorded_at == AT && r.user_name == "ana"));
}

#[test]
fn an_account_that_never_started_keeps_its_refused_steps_refused() {
    let e = entry(vec![
        step("AKIA1", Some("deleted since")),
        step("AKIA2", None),
    ]);
    let applied: Applied<Step, Vec<Changed<Step>>> =
        Applied::untouched(Outcome::NotStarted, "the run stopped first");
    let rows = rows(None, &e, &applied);
    assert_eq!(
        outcomes(&rows),
        [
            of("AKIA1", "refused", "n/a"),
            of("AKIA2", "not-started", "no")
        ]
    );
    assert_eq!(rows[0].error, "deleted since");
    assert_eq!(rows[1].error, "the run stopped first");
}

#[test]
fn a_recorded_password_is_a_not_reversible_row_with_the_command_never_reactivated() {
    let e = entry(vec![]);
    let applied: Applied<Step, Vec<Changed<Step>>> = Applied::already("nothing planned");
    let rows = rows(Some(&password()), &e, &applied);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].outcome, "not-reversible");
    assert_eq!(rows[0].credential_type, "password");
    assert_eq!(rows[0].verified, "n/a");
    assert!(
        rows[0]
            .error
            .contains("aws iam create-login-profile --user-name ana"),
        "{}",
        rows[0].error
    );
}

#[test]
fn an_account_with_nothing_recorded_left_has_one_row_of_its_own() {
    let applied: Applied<Step, Vec<Changed<Step>>> =
        Applied::untouched(Outcome::Failed, "AssumeRole: AccessDenied");
    let rows = rows(None, &entry(vec![]), &applied);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].user_name, "");
    assert_eq!(rows[0].outcome, "failed");
    assert_eq!(rows[0].error, "AssumeRole: AccessDenied");
}

#[test]
fn outcomes_read_in_reactivate_s_words() {
    assert_eq!(word(Outcome::Done), "reactivated");
    assert_eq!(word(Outcome::Skipped), "refused");
    assert_eq!(word(Outcome::AlreadyClean), "refused");
    assert_eq!(word(Outcome::ChangedSincePlan), "changed-since-plan");
    assert_eq!(word(Outcome::Interrupted), "interrupted");
    assert_eq!(word(Outcome::NotStarted), "interrupted");
    assert_eq!(word(Outcome::Failed), "failed");
}
