//! The users job through the pipeline's read stage, over the in-memory fake: verdicts counted
//! per user, the management account read with the caller's own credentials, unreadable accounts
//! as one `unknown` row, the credential report waited for, and a signal ending that wait.

use super::fake::{Fake, User};
use super::verdict::tests::rules;
use super::Job;
use crate::cancel::Cancel;
use crate::exit::Exit;
use crate::root::tests::env;
use crate::run::{Finished, Output};
use serde_json::Value;
use std::time::Duration;

const MANAGEMENT: &str = "111111111111";
const MEMBER: &str = "222222222222";
const NO_ROLE: &str = "333333333333";

fn user(name: &str, created_days_ago: i64) -> User {
    User {
        name: name.into(),
        created_days_ago,
        ..User::default()
    }
}

fn org() -> Fake {
    Fake::default()
        .caller(MANAGEMENT)
        .user(
            MANAGEMENT,
            User {
                password: Some(None),
                ..user("admin", 1000)
            },
        )
        .user(
            MANAGEMENT,
            User {
                password: Some(Some(400)),
                ..user("departed", 1000)
            },
        )
        .account(MEMBER, true)
        .user(
            MEMBER,
            User {
                key: Some(Some(3)),
                groups: vec!["deploy".into()],
                policies: vec!["arn:aws:iam::aws:policy/PowerUserAccess".into()],
                ..user("ci", 500)
            },
        )
        .user(
            MEMBER,
            User {
                key: Some(None),
                ..user("intern", 10)
            },
        )
        .user(MEMBER, user("never", 90))
        .group(
            MEMBER,
            "deploy",
            &["arn:aws:iam::aws:policy/PowerUserAccess"],
        )
        .account(NO_ROLE, false)
}

/// The caller's account and one member account with the role, no users yet.
fn member() -> Fake {
    Fake::default().caller(MANAGEMENT).account(MEMBER, true)
}

/// How many `GenerateCredentialReport` calls the member account got.
fn generated(fake: &Fake) -> usize {
    fake.calls()
        .iter()
        .filter(|(op, account, _)| op == "GenerateCredentialReport" && account == MEMBER)
        .count()
}

/// The JSON row of an account's own row (empty user name) or of one user.
fn row(doc: &Value, account: &str, user: &str) -> Value {
    doc["users"]
        .as_array()
        .and_then(|rows| {
            rows.iter()
                .find(|r| r["account_id"] == account && r["user_name"] == user)
                .cloned()
        })
        .unwrap_or_default()
}

struct Run {
    finished: Finished,
    doc: Value,
}

async fn audit(fake: &Fake, cancel: &Cancel) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let job = Job::new(fake.clone(), MANAGEMENT, rules(), cancel.clone());
    let mut out = Vec::new();
    let finished = crate::run::read(
        &job,
        &fake.directory(),
        &env(dir.path(), cancel, Output::Json),
        &mut out,
    )
    .await
    .expect("pipeline");
    let doc = serde_json::from_slice(&out).expect("one JSON document");
    Run { finished, doc }
}

fn verdict(doc: &Value, account: &str, user: &str) -> String {
    row(doc, account, user)["verdict"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn every_user_is_judged_and_counted_and_an_account_without_the_role_is_one_unknown_row() {
    let fake = org();
    let run = audit(&fake, &Cancel::default()).await;
    assert_eq!(run.finished.exit, Exit::Partial);
    assert_eq!(run.finished.accounts, 3);
    let doc = &run.doc;
    assert_eq!(verdict(doc, MANAGEMENT, "admin"), "active");
    assert_eq!(verdict(doc, MANAGEMENT, "departed"), "stale");
    assert_eq!(verdict(doc, MEMBER, "ci"), "active");
    assert_eq!(verdict(doc, MEMBER, "intern"), "new");
    assert_eq!(verdict(doc, MEMBER, "never"), "stale");
    assert_eq!(verdict(doc, NO_ROLE, ""), "unknown");
    assert_eq!(
        doc["counts"],
        serde_json::json!({"active": 2, "stale": 2, "new": 1, "unknown": 1})
    );
    let rows = doc["users"].as_array().expect("rows");
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r["user_name"] != "<root_account>"));
    assert_eq!(
        row(doc, NO_ROLE, "")["error"],
        "AssumeRole: AccessDenied: from the fake"
    );
    assert_eq!(
        row(doc, MEMBER, "ci")["redundant_direct_policies"],
        serde_json::json!(["arn:aws:iam::aws:policy/PowerUserAccess"])
    );
}

#[tokio::test]
async fn the_callers_account_is_read_with_its_own_credentials_and_members_through_the_role() {
    let fake = org();
    audit(&fake, &Cancel::default()).await;
    let calls = fake.calls();
    assert!(calls
        .iter()
        .filter(|(_, account, _)| account == MANAGEMENT)
        .all(|(op, _, via)| op != "AssumeRole" && *via == "own"));
    assert!(calls
        .iter()
        .any(|(op, account, _)| op == "GetAccountAuthorizationDetails" && account == MANAGEMENT));
    assert!(calls
        .iter()
        .any(|(op, account, via)| op == "AssumeRole" && account == MEMBER && *via == "role"));
    // No read is attempted where the role could not be assumed.
    assert!(calls
        .iter()
        .all(|(op, account, _)| account != NO_ROLE || op == "AssumeRole"));
}

#[tokio::test(start_paused = true)]
async fn a_report_still_being_generated_is_waited_for_not_reported() {
    let fake = member()
        .user(MEMBER, user("intern", 10))
        .report_polls(MEMBER, 4);
    let run = audit(&fake, &Cancel::default()).await;
    assert_eq!(run.finished.exit, Exit::Success);
    assert_eq!(verdict(&run.doc, MEMBER, "intern"), "new");
    assert_eq!(generated(&fake), 5);
}

#[tokio::test(start_paused = true)]
async fn the_waits_between_polls_start_at_100_ms_and_double() {
    let fake = member()
        .user(MEMBER, user("intern", 10))
        .report_polls(MEMBER, 4);
    let start = tokio::time::Instant::now();
    audit(&fake, &Cancel::default()).await;
    // 100 + 200 + 400 + 800 ms before the second to fifth generations.
    assert_eq!(start.elapsed(), Duration::from_millis(1500));
}

#[tokio::test(start_paused = true)]
async fn a_complete_report_not_yet_readable_is_generated_again_and_waited_for() {
    for code in ["ReportInProgress", "ReportNotPresent", "ReportExpired"] {
        let fake = member()
            .user(MEMBER, user("intern", 10))
            .report_gets_fail(MEMBER, &[code, code]);
        let run = audit(&fake, &Cancel::default()).await;
        assert_eq!(run.finished.exit, Exit::Success, "{code}");
        assert_eq!(verdict(&run.doc, MEMBER, "intern"), "new", "{code}");
        assert_eq!(generated(&fake), 3, "{code}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_report_read_refused_makes_the_account_unknown_at_once() {
    let fake = member()
        .user(MEMBER, user("intern", 10))
        .report_gets_fail(MEMBER, &["AccessDenied"]);
    let run = audit(&fake, &Cancel::default()).await;
    assert_eq!(run.finished.exit, Exit::Partial);
    assert_eq!(verdict(&run.doc, MEMBER, "intern"), "");
    assert_eq!(
        row(&run.doc, MEMBER, "")["error"],
        "GetCredentialReport: AccessDenied: from the fake"
    );
    assert_eq!(generated(&fake), 1);
}

#[tokio::test(start_paused = true)]
async fn a_report_that_keeps_failing_makes_the_account_unknown_with_the_code() {
    let fake = member()
        .user(MEMBER, user("intern", 10))
        .report_fails(MEMBER, "LimitExceeded");
    let run = audit(&fake, &Cancel::default()).await;
    assert_eq!(run.finished.exit, Exit::Partial);
    assert_eq!(run.doc["counts"]["unknown"], 1);
    assert_eq!(verdict(&run.doc, MEMBER, "intern"), "");
    assert_eq!(
        row(&run.doc, MEMBER, "")["error"],
        "GenerateCredentialReport: LimitExceeded: from the fake"
    );
}

#[tokio::test(start_paused = true)]
async fn a_report_never_completing_is_unknown_after_the_bounded_polls() {
    let fake = member().report_polls(MEMBER, u32::MAX);
    let run = audit(&fake, &Cancel::default()).await;
    assert_eq!(run.finished.exit, Exit::Partial);
    assert_eq!(generated(&fake) as u32, super::audit::REPORT_POLLS);
}

#[tokio::test(start_paused = true)]
async fn a_signal_during_the_report_wait_interrupts_the_account_at_once() {
    let fake = member().report_polls(MEMBER, u32::MAX);
    let cancel = Cancel::default();
    let signal = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        signal.cancel(false);
    });
    let start = tokio::time::Instant::now();
    let run = audit(&fake, &cancel).await;
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(run.finished.exit, Exit::Interrupted);
    let member = row(&run.doc, MEMBER, "");
    assert_eq!(member["verdict"], "unknown");
    assert_eq!(
        member["error"],
        "GenerateCredentialReport: Interrupted: the run was interrupted"
    );
}

#[tokio::test]
async fn reactivate_reads_no_account_whose_record_holds_only_deleted_passwords() {
    use crate::run::job::{Finding as _, Job as _};
    use crate::users::deactivate::Kind;
    use crate::users::reactivate::Recorded;
    let fake = org();
    let password = |account: &str| Recorded {
        account_id: account.into(),
        user_name: "departed".into(),
        credential_type: Kind::Password,
        credential_id: String::new(),
        previous_status: "present".into(),
        last_used: String::new(),
        reversible: false,
        recorded_at: "2026-11-01T00:00:00Z".into(),
    };
    let users = Job::new(fake.clone(), MANAGEMENT, rules(), Cancel::default());
    let job = super::Reactivate::new(users, vec![password(NO_ROLE)]);
    let account = crate::model::Account {
        id: NO_ROLE.into(),
        name: "no-role".into(),
        email: String::new(),
        state: "ACTIVE".into(),
        ou_path: String::new(),
        ou_ids: String::new(),
    };
    let found = job.read(&account).await;
    // No role there, yet nothing to read: not unknown, and no AssumeRole tried.
    assert_eq!(found.judge().verdict, "read");
    assert!(fake.calls().iter().all(|(_, a, _)| a != NO_ROLE));
    let rows = super::reactivate_apply::read_rows(&crate::run::job::Read {
        account,
        finding: Ok(found),
    });
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].outcome, "not-reversible");
}

#[tokio::test]
async fn deactivate_reads_its_candidates_again_in_the_audits_own_session() {
    use crate::run::job::Job as _;
    let fake = member()
        .user(
            MEMBER,
            User {
                key: Some(Some(200)),
                ..user("old", 1000)
            },
        )
        .user(
            MEMBER,
            User {
                key: Some(None),
                ..user("never", 1000)
            },
        )
        .user(MEMBER, user("bare", 1000));
    let users = Job::new(fake.clone(), MANAGEMENT, rules(), Cancel::default());
    let rules = crate::users::deactivate::Rules {
        now: aws_smithy_types::DateTime::from_secs(super::verdict::tests::NOW),
        unused_days: 45,
        console: false,
        include_unmonitored: false,
        caller_arn: "arn:aws:iam::111111111111:user/admin".into(),
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let undo = super::deactivate_apply::undo(dir.path().join("undo.json"), "admin", "now");
    let job = super::Deactivate::new(users, rules, undo);
    let account = crate::model::Account {
        id: MEMBER.into(),
        name: "member".into(),
        email: String::new(),
        state: "ACTIVE".into(),
        ou_path: String::new(),
        ou_ids: String::new(),
    };
    let found = job.read(&account).await;
    let read: Vec<&str> = found
        .holdings
        .as_ref()
        .expect("the candidates read")
        .keys()
        .map(String::as_str)
        .collect();
    // Both key holders are read again (the user without a key is no candidate)...
    assert_eq!(read, ["never", "old"]);
    let calls = fake.calls();
    let in_member = |op: &str| {
        calls
            .iter()
            .filter(|(o, a, _)| o == op && a == MEMBER)
            .count()
    };
    // ... in the one session the audit opened: one AssumeRole, no change session.
    assert_eq!(in_member("AssumeRole"), 1);
    assert_eq!(in_member("GetUser"), 2);
    assert!(calls
        .iter()
        .all(|(_, a, via)| a != MEMBER || *via == "role"));
}
