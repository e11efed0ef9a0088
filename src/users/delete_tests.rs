//! `users delete` through every stage of the pipeline over the in-memory fake: each dependent
//! removed in order and the user gone, the restore record written before the first change, a
//! failing k-th change reported with the call, a user used since the audit left alone, the
//! caller's own user never deleted, a dry run and a re-run that change nothing.

use super::fake::{Cred, Fake, User};
use super::plan::Select;
use super::restore::Restore;
use super::verdict::tests::rules;
use super::{Delete, Job};
use crate::cancel::Cancel;
use crate::exit::Exit;
use crate::root::tests::env;
use crate::run::confirm::{Answer, Confirm};
use crate::run::{Finished, Mode, Output};
use serde_json::Value;

const MANAGEMENT: &str = "111111111111";
const MEMBER: &str = "222222222222";
const VIRTUAL: &str = "arn:aws:iam::222222222222:mfa/old";
const HARDWARE: &str = "GAHT12345678";

struct Yes;

impl Confirm for Yes {
    async fn ask(&self, _count: usize, _what: &str) -> Answer {
        Answer::Yes
    }
}

/// A stale user with one of every dependent, a stale user with nothing, an active one, and the
/// caller's own stale-looking user.
fn org() -> Fake {
    Fake::default()
        .caller(MANAGEMENT)
        .user(
            MANAGEMENT,
            User {
                name: "admin".into(),
                created_days_ago: 900,
                password: Some(Some(400)),
                ..User::default()
            },
        )
        .account(MEMBER, true)
        .group(MEMBER, "devs", &["arn:aws:iam::aws:policy/PowerUserAccess"])
        .user(
            MEMBER,
            User {
                name: "old".into(),
                created_days_ago: 400,
                password: Some(None),
                key: Some(None),
                groups: vec!["devs".into()],
                policies: vec!["arn:aws:iam::222222222222:policy/deploy".into()],
                inline: vec![("legacy".into(), r#"{"Version":"2012-10-17"}"#.into())],
                // Inactive: they cannot be in use, so they do not keep the user from stale.
                certificates: vec![Cred::inactive("CERT1", 400)],
                ssh_keys: vec![Cred::inactive("APKA1", 400)],
                service_credentials: vec![Cred::inactive("ACCA1", 400)],
                mfa: vec![VIRTUAL.into(), HARDWARE.into()],
                ..User::default()
            },
        )
        .user(
            MEMBER,
            User {
                name: "bare".into(),
                created_days_ago: 400,
                ..User::default()
            },
        )
        .user(
            MEMBER,
            User {
                name: "busy".into(),
                created_days_ago: 400,
                password: Some(Some(1)),
                ..User::default()
            },
        )
}

struct Run {
    finished: Finished,
    doc: Value,
    restore: Option<Value>,
}

async fn run(fake: &Fake, mode: Mode, select: Select) -> Run {
    run_recording(fake, mode, select, None).await
}

/// As [`run`], with the restore record at `restore` (default: beside the reports).
async fn run_recording(
    fake: &Fake,
    mode: Mode,
    select: Select,
    restore: Option<std::path::PathBuf>,
) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let cancel = Cancel::default();
    let users = Job::new(fake.clone(), MANAGEMENT, rules(), cancel.clone());
    let path = restore.unwrap_or_else(|| dir.path().join("users-deleted-test.json"));
    let job = Delete::new(
        users,
        select,
        Restore::new(path.clone(), "arn:aws:iam::111111111111:user/admin"),
    );
    let skip_blocked = "rootsweep users delete --skip-blocked";
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
    let restore = std::fs::read_to_string(&path)
        .ok()
        .map(|t| serde_json::from_str(&t).expect("restore record is JSON"));
    Run {
        finished,
        doc: serde_json::from_slice(&out).expect("one JSON document"),
        restore,
    }
}

const CHANGE: Mode = Mode::Change {
    skip_blocked: false,
};

fn user_row(doc: &Value, user: &str) -> Value {
    doc["users"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["user_name"] == user).cloned())
        .unwrap_or_default()
}

/// The mutating calls the fake saw, in order.
fn changes(fake: &Fake) -> Vec<String> {
    fake.calls()
        .into_iter()
        .map(|(op, _, _)| op)
        .filter(|op| {
            op.starts_with("Delete")
                || op.starts_with("Detach")
                || op.starts_with("Deactivate")
                || op.starts_with("Remove")
        })
        .collect()
}

#[tokio::test]
async fn every_dependent_is_removed_in_order_and_only_stale_users_are_gone() {
    let fake = org();
    let run = run(&fake, CHANGE, Select::Stale).await;
    assert_eq!(run.finished.exit, Exit::Success);
    assert_eq!(fake.user_names(MEMBER), ["busy"]);
    assert_eq!(fake.user_names(MANAGEMENT), ["admin"]);
    // Users go by name: bare (DeleteUser only), then old.
    let all = changes(&fake);
    assert_eq!(all[0], "DeleteUser");
    let old: Vec<String> = all.into_iter().skip(1).take(12).collect();
    assert_eq!(
        old,
        [
            "DeleteLoginProfile",
            "DeleteAccessKey",
            "DeleteSigningCertificate",
            "DeleteSSHPublicKey",
            "DeleteServiceSpecificCredential",
            "DeactivateMFADevice",
            "DeleteVirtualMFADevice",
            "DeactivateMFADevice",
            "DeleteUserPolicy",
            "DetachUserPolicy",
            "RemoveUserFromGroup",
            "DeleteUser",
        ]
    );
    // The virtual device is deleted, the hardware one only deactivated.
    assert_eq!(fake.deleted_virtual_mfa(), [VIRTUAL]);
    let row = user_row(&run.doc, "old");
    assert_eq!(row["outcome"], "deleted");
    assert_eq!(row["steps_done"].as_array().map(Vec::len), Some(12));
    assert_eq!(user_row(&run.doc, "bare")["outcome"], "deleted");
    // The restore record holds every attachment and the inline policy document.
    let record = run.restore.expect("restore record");
    let old = &record["users"][1];
    assert_eq!(record["users"][0]["user_name"], "bare");
    assert_eq!(old["user_name"], "old");
    assert_eq!(old["groups"], serde_json::json!(["devs"]));
    assert_eq!(
        old["attached_policies"],
        serde_json::json!(["arn:aws:iam::222222222222:policy/deploy"])
    );
    assert_eq!(
        old["inline_policies"][0]["document"],
        r#"{"Version":"2012-10-17"}"#
    );
    let serials: Vec<&Value> = old["mfa_devices"]
        .as_array()
        .map(|d| d.iter().map(|d| &d["serial"]).collect())
        .unwrap_or_default();
    assert_eq!(serials, [VIRTUAL, HARDWARE]);
    assert_eq!(old["mfa_devices"][0]["kind"], "virtual");
    assert_eq!(old["mfa_devices"][1]["kind"], "hardware");
}

#[tokio::test]
async fn a_kth_change_failing_stops_that_user_with_the_call_named_after_the_record_was_written() {
    // Call 1 is bare's DeleteUser; old's third is call 4.
    let fake = org().fail_change(4, "ServiceFailure");
    let run = run(&fake, CHANGE, Select::Stale).await;
    assert_eq!(run.finished.exit, Exit::Partial);
    let row = user_row(&run.doc, "old");
    assert_eq!(row["outcome"], "failed");
    assert_eq!(
        row["steps_done"],
        serde_json::json!(["DeleteLoginProfile", "DeleteAccessKey AKIAOLD"])
    );
    assert!(
        row["error"].as_str().is_some_and(|e| e.starts_with(
            "DeleteSigningCertificate CERT1: DeleteSigningCertificate: ServiceFailure"
        )),
        "{row}"
    );
    assert!(fake.user_names(MEMBER).contains(&"old".to_string()));
    // Written before the first change: the failed user is in the record.
    let record = run.restore.expect("restore record");
    assert_eq!(record["users"][1]["user_name"], "old");
}

#[tokio::test]
async fn a_delete_conflict_is_reported_with_what_remained() {
    // Calls: bare's DeleteUser, then old's 12 (DeleteUser is the 13th).
    let fake = org().fail_change(13, "DeleteConflict");
    let run = run(&fake, CHANGE, Select::Stale).await;
    let row = user_row(&run.doc, "old");
    assert_eq!(row["outcome"], "failed");
    assert!(
        row["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("DeleteUser: DeleteUser: DeleteConflict")),
        "{row}"
    );
    assert_eq!(user_row(&run.doc, "bare")["outcome"], "deleted");
    assert_eq!(run.finished.exit, Exit::Partial);
}

#[tokio::test]
async fn a_user_used_since_the_audit_is_skipped_active_and_untouched() {
    let fake = org().used_on_change(MEMBER, "bare");
    let run = run(&fake, CHANGE, Select::Stale).await;
    let row = user_row(&run.doc, "bare");
    assert_eq!(row["outcome"], "skipped-active");
    assert!(fake.user_names(MEMBER).contains(&"bare".to_string()));
    assert_eq!(user_row(&run.doc, "old")["outcome"], "deleted");
    // A planned deletion not made is never a success, though another user was deleted.
    assert_eq!(run.finished.exit, Exit::Partial);
    assert_eq!(run.doc["counts"]["skipped"], 1);
    assert!(run.doc["counts"].get("deleted").is_none());
}

#[tokio::test]
async fn a_credential_issued_within_the_stale_period_since_the_audit_leaves_the_user_alone() {
    // The password is set again after the plan: the user is in use.
    let fake = org().edited_before_apply(MEMBER, "old", |u| u.password_set_days_ago = Some(0));
    let run = run(&fake, CHANGE, Select::Stale).await;
    let row = user_row(&run.doc, "old");
    assert_eq!(row["outcome"], "skipped-active");
    assert!(
        row["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("the console password was issued at ")
                && e.contains("within the stale period")),
        "{row}"
    );
    assert!(fake.user_names(MEMBER).contains(&"old".to_string()));
    assert_eq!(run.finished.exit, Exit::Partial);
}

#[tokio::test]
async fn an_unrecorded_credential_switched_on_since_the_audit_leaves_the_user_alone() {
    let fake = org().edited_before_apply(MEMBER, "old", |u| u.ssh_keys[0].active = true);
    let run = run(&fake, CHANGE, Select::Stale).await;
    let row = user_row(&run.doc, "old");
    assert_eq!(row["outcome"], "skipped-active");
    assert_eq!(
        row["error"],
        "holds SSH public key APKA1 whose use IAM never records, so it cannot be proven stale: left untouched"
    );
    assert!(fake.user_names(MEMBER).contains(&"old".to_string()));
    assert!(!changes(&fake).contains(&"DeleteSSHPublicKey".to_string()));
}

#[tokio::test]
async fn a_user_recreated_under_the_same_name_since_the_audit_is_never_deleted() {
    let fake = org().edited_before_apply(MEMBER, "bare", |u| u.created_days_ago = 0);
    let run = run(&fake, CHANGE, Select::Stale).await;
    let row = user_row(&run.doc, "bare");
    assert_eq!(row["outcome"], "changed-since-plan");
    assert!(
        row["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("another user of this name exists now")),
        "{row}"
    );
    assert!(fake.user_names(MEMBER).contains(&"bare".to_string()));
}

#[tokio::test]
async fn with_force_active_a_listed_unverifiable_user_is_deleted_as_asked() {
    let fake = org().edited_before_apply(MEMBER, "old", |u| u.ssh_keys[0].active = true);
    let select = Select::Listed {
        users: [(MEMBER, "OLD")]
            .iter()
            .map(|(a, u)| (a.to_string(), u.to_string()))
            .collect(),
        force_active: true,
    };
    let run = run(&fake, CHANGE, select).await;
    assert_eq!(user_row(&run.doc, "old")["outcome"], "deleted");
    assert_eq!(run.finished.exit, Exit::Success);
}

#[tokio::test]
async fn a_deleted_user_still_visible_for_a_moment_is_read_again_and_reported_deleted() {
    // IAM is eventually consistent: two reads after DeleteUser still find the user.
    let fake = org().lagging_reads(MEMBER, 2);
    let run = run(&fake, CHANGE, Select::Stale).await;
    assert_eq!(user_row(&run.doc, "bare")["outcome"], "deleted");
    assert_eq!(user_row(&run.doc, "old")["outcome"], "deleted");
    assert_eq!(run.finished.exit, Exit::Success);
}

#[tokio::test(start_paused = true)]
async fn a_deleted_user_still_visible_after_the_bound_is_failed_as_unproven() {
    let fake = org().lagging_reads(MEMBER, 1000);
    let run = run(&fake, CHANGE, Select::Stale).await;
    let row = user_row(&run.doc, "bare");
    assert_eq!(row["outcome"], "failed");
    assert!(
        row["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("verify: GetUser still finds the user 8 s after")),
        "{row}"
    );
    assert_eq!(run.finished.exit, Exit::Partial);
}

#[tokio::test]
async fn the_callers_own_user_is_never_deleted_even_when_listed_and_forced() {
    let fake = org();
    let select = Select::Listed {
        users: [(MANAGEMENT, "admin"), (MEMBER, "busy")]
            .iter()
            .map(|(a, u)| (a.to_string(), u.to_string()))
            .collect(),
        force_active: true,
    };
    let run = run(&fake, CHANGE, select).await;
    assert_eq!(fake.user_names(MANAGEMENT), ["admin"]);
    assert!(!fake.user_names(MEMBER).contains(&"busy".to_string()));
    let account_rows: Vec<&Value> = run.doc["users"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["account_id"] == MANAGEMENT)
        .collect();
    assert_eq!(account_rows.len(), 1);
    assert_eq!(
        account_rows[0]["error"],
        "admin: the caller's own IAM user is never deleted"
    );
}

#[tokio::test]
async fn a_dry_run_and_a_rerun_change_nothing() {
    let fake = org();
    let dry = run(
        &fake,
        Mode::Plan {
            skip_blocked: false,
        },
        Select::Stale,
    )
    .await;
    assert!(changes(&fake).is_empty());
    assert!(dry.restore.is_none(), "a dry run writes no restore record");
    assert_eq!(dry.doc["plan"]["entries"][1]["steps"][0]["user"], "bare");

    run(&fake, CHANGE, Select::Stale).await;
    let after_first = changes(&fake).len();
    let listed = Select::Listed {
        users: [(MEMBER, "old"), (MEMBER, "bare")]
            .iter()
            .map(|(a, u)| (a.to_string(), u.to_string()))
            .collect(),
        force_active: false,
    };
    let rerun = run(&fake, CHANGE, listed).await;
    assert_eq!(
        changes(&fake).len(),
        after_first,
        "a re-run deletes nothing"
    );
    assert_eq!(rerun.finished.exit, Exit::Success);
}

#[tokio::test]
async fn a_busy_answer_is_retried_and_the_user_still_deleted() {
    // Call 1 is bare's DeleteUser.
    let fake = org().fail_change(1, "ConcurrentModification");
    let run = run(&fake, CHANGE, Select::Stale).await;
    assert_eq!(run.finished.exit, Exit::Success);
    assert_eq!(user_row(&run.doc, "bare")["outcome"], "deleted");
    let attempts = fake
        .calls()
        .iter()
        .filter(|(op, _, _)| op == "DeleteUser")
        .count();
    assert_eq!(attempts, 3, "bare's twice (one busy), then old's");
}

#[tokio::test]
async fn a_restore_record_that_cannot_be_written_leaves_every_user_untouched() {
    let fake = org();
    let nowhere = std::path::PathBuf::from("/nonexistent/rootsweep-test/users-deleted.json");
    let run = run_recording(&fake, CHANGE, Select::Stale, Some(nowhere)).await;
    assert_eq!(run.finished.exit, Exit::Partial);
    assert!(changes(&fake).is_empty(), "{:?}", changes(&fake));
    let row = user_row(&run.doc, "old");
    assert_eq!(row["outcome"], "failed");
    assert!(
        row["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("the restore record could not be written")),
        "{row}"
    );
}

#[tokio::test]
async fn a_dependent_that_appears_after_the_plan_leaves_that_user_untouched() {
    let fake = org().key_added_before_apply(MEMBER, "bare");
    let run = run(&fake, CHANGE, Select::Stale).await;
    assert_eq!(run.finished.exit, Exit::Partial);
    let row = user_row(&run.doc, "bare");
    assert_eq!(row["outcome"], "changed-since-plan");
    assert_eq!(
        row["error"],
        "re-check found what the plan did not show: DeleteAccessKey AKIABARE; left untouched"
    );
    assert!(fake.user_names(MEMBER).contains(&"bare".to_string()));
    assert_eq!(user_row(&run.doc, "old")["outcome"], "deleted");
}

#[tokio::test]
async fn the_dry_run_plan_lists_each_exact_call() {
    let fake = org();
    let dry = run(
        &fake,
        Mode::Plan {
            skip_blocked: false,
        },
        Select::Stale,
    )
    .await;
    let old = &dry.doc["plan"]["entries"][1]["steps"][1];
    assert_eq!(old["user"], "old");
    let calls: Vec<String> = old["calls"]
        .as_array()
        .expect("calls")
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["operation"].as_str().unwrap_or(""),
                c.get("id")
                    .or(c.get("serial"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            "DeleteLoginProfile ",
            "DeleteAccessKey AKIAOLD",
            "DeleteSigningCertificate CERT1",
            "DeleteSSHPublicKey APKA1",
            "DeleteServiceSpecificCredential ACCA1",
            &format!("DeactivateMFADevice {VIRTUAL}"),
            &format!("DeleteVirtualMFADevice {VIRTUAL}"),
            &format!("DeactivateMFADevice {HARDWARE}"),
            "DeleteUserPolicy ",
            "DetachUserPolicy ",
            "RemoveUserFromGroup ",
            "DeleteUser ",
        ]
    );
    assert!(changes(&fake).is_empty());
}

#[tokio::test]
async fn holdings_read_several_users_at_a_time_find_each_one_and_skip_a_user_not_there() {
    let names = ["a", "b", "c", "d", "e"];
    let fake = names.iter().fold(
        Fake::default().caller(MANAGEMENT).account(MEMBER, true),
        |fake, name| {
            fake.user(
                MEMBER,
                User {
                    name: name.to_string(),
                    created_days_ago: 400,
                    key: Some(Some(100)),
                    ..User::default()
                },
            )
        },
    );
    let wanted = ["a", "b", "gone", "c", "d", "e"];
    for at_once in [1, 4] {
        let found = super::delete::holdings(&fake, MEMBER, false, &wanted, at_once, None)
            .await
            .expect("every read answers");
        let read: Vec<&str> = found.keys().map(String::as_str).collect();
        assert_eq!(read, names, "at_once {at_once}");
        assert!(found.values().all(|h| h.access_keys.len() == 1));
    }
    let sessions = fake.calls().iter().filter(|c| c.0 == "AssumeRole").count();
    assert_eq!(
        sessions, 2,
        "one session per read, however many users at once"
    );
}
