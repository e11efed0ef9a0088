//! Tests of `users reactivate`'s rows and words: one row per planned credential with its own
//! outcome and `verified`, a refused step never `reactivated`, the record's passwords always
//! `not-reversible` with the command that sets a new one, and the account's own row only when
//! it has nothing else; over the fake, `reactivated` only once a fresh read shows it.

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

/// A member account whose user `ana` holds one inactive SSH public key, `APKA1`.
fn member(lag: u32) -> crate::users::fake::Fake {
    use crate::users::fake::{Cred, Fake, User};
    Fake::default()
        .caller("111111111111")
        .account("222222222201", true)
        .user(
            "222222222201",
            User {
                name: "ana".into(),
                created_days_ago: 100,
                ssh_keys: vec![Cred::inactive("APKA1", 90)],
                ..User::default()
            },
        )
        .lagging_updates("222222222201", lag)
}

fn ssh_step() -> Step {
    Step {
        kind: Kind::SshPublicKey,
        ..step("APKA1", None)
    }
}

#[tokio::test(start_paused = true)]
async fn a_reactivation_is_reactivated_only_once_a_fresh_read_shows_it_active() {
    let fake = member(2);
    let e = entry(vec![ssh_step()]);
    let applied = apply(&fake, &e, false, &Cancel::default()).await;
    assert_eq!(applied.outcome, Outcome::Done, "{applied:?}");
    assert_eq!(applied.detail[0].outcome, "reactivated");
    let ana = fake.user_now("222222222201", "ana").expect("ana");
    assert!(ana.ssh_keys[0].active);
}

#[tokio::test(start_paused = true)]
async fn a_reactivation_that_fresh_reads_never_show_is_failed_not_reactivated() {
    let fake = member(u32::MAX);
    let e = entry(vec![ssh_step()]);
    let applied = apply(&fake, &e, false, &Cancel::default()).await;
    let c = &applied.detail[0];
    assert_eq!(c.outcome, "failed", "{applied:?}");
    assert!(
        c.error.contains("a fresh read does not show it Active"),
        "{}",
        c.error
    );
}

#[test]
fn a_row_needs_attention_unless_reactivatable_and_names_the_credential() {
    use crate::run::job::Row as _;
    let row = |user: &str, outcome: &str| Row {
        account_id: "222222222201".into(),
        account_name: "dev".into(),
        user_name: user.into(),
        credential_type: "access-key".into(),
        credential_id: if user.is_empty() { "" } else { "AKIA1" }.into(),
        outcome: outcome.into(),
        error: "why".into(),
        ..Row::default()
    };
    assert_eq!(row("ana", "refused").verdict(), "refused");
    assert_eq!(row("ana", "reactivatable").attention(), None);
    assert_eq!(
        row("ana", "refused").attention(),
        Some(vec![
            "222222222201".to_string(),
            "dev".to_string(),
            "refused".to_string(),
            "ana access-key AKIA1: why".to_string(),
        ])
    );
    assert_eq!(
        row("", "unknown").attention().map(|a| a[3].clone()),
        Some("why".to_string())
    );
}

#[test]
fn every_row_names_its_account() {
    let applied: Applied<Step, Vec<Changed<Step>>> =
        Applied::untouched(Outcome::NotStarted, "stopped");
    let rows = rows(
        Some(&password()),
        &entry(vec![step("AKIA1", None)]),
        &applied,
    );
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert_eq!(
            (r.account_id.as_str(), r.account_name.as_str()),
            ("222222222201", "dev")
        );
    }
}

#[test]
fn the_check_and_change_rows_carry_every_field_of_the_record() {
    use crate::model::Account;
    use crate::users::holdings::Key;
    let key = Recorded {
        credential_type: Kind::AccessKey,
        credential_id: "AKIA1".into(),
        previous_status: "Active".into(),
        reversible: true,
        ..password().wanted[0].clone()
    };
    let ana = crate::users::model::Holdings {
        user_name: "ana".into(),
        access_keys: vec![Key {
            id: "AKIA1".into(),
            status: "Inactive".into(),
            ..Key::default()
        }],
        ..Default::default()
    };
    let mut found = password();
    found.wanted.insert(0, key);
    found.holdings = Ok(BTreeMap::from([("ana".to_string(), ana)]));
    let read = Read {
        account: Account {
            id: "222222222201".into(),
            name: "dev".into(),
            email: String::new(),
            state: "ACTIVE".into(),
            ou_path: String::new(),
            ou_ids: String::new(),
        },
        finding: Ok(found.clone()),
    };
    let cells = |rows: Vec<Row>| -> Vec<String> {
        rows.iter()
            .map(|r| crate::report::csv::cells(r).join(","))
            .collect()
    };
    let hint = crate::users::reactivate::new_password_hint("ana");
    assert_eq!(
        cells(read_rows(&read)),
        [
            format!("222222222201,dev,ana,access-key,AKIA1,{AT},reactivatable,n/a,"),
            format!("222222222201,dev,ana,password,,{AT},not-reversible,n/a,{hint}"),
        ]
    );
    let applied: Applied<Step, Vec<Changed<Step>>> = Applied::done(vec![]);
    assert_eq!(
        cells(rows(
            Some(&found),
            &entry(vec![step("AKIA1", None)]),
            &applied
        )),
        [
            format!("222222222201,dev,ana,access-key,AKIA1,{AT},reactivated,yes,"),
            format!("222222222201,dev,ana,password,,{AT},not-reversible,n/a,{hint}"),
        ]
    );
}
