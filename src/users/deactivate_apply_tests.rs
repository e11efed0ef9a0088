use super::*;
use crate::users::holdings::{Key, PublicKey};
use crate::users::switch::summarise;

fn step(kind: Kind, id: &str, last_used: &str) -> Step {
    Step {
        user: "ana".into(),
        kind,
        id: id.into(),
        last_used: last_used.into(),
        issued: "2025-01-01T00:00:00Z".into(),
        age_days: Some(100),
        why: "last used 100 days ago".into(),
    }
}

fn holdings() -> Holdings {
    Holdings {
        user_name: "ana".into(),
        access_keys: vec![Key {
            id: "AKIAOLD".into(),
            status: "Active".into(),
            created: "2025-01-01T00:00:00Z".into(),
            last_used: "2026-01-01T00:00:00Z".into(),
        }],
        ssh_public_keys: vec![PublicKey {
            id: "APKAOFF".into(),
            status: "Inactive".into(),
            ..PublicKey::default()
        }],
        login_profile: true,
        password_last_used: "2026-02-01T00:00:00Z".into(),
        ..Holdings::default()
    }
}

#[test]
fn the_recheck_goes_on_only_for_a_credential_still_active_and_unused_since() {
    let h = holdings();
    let key = step(Kind::AccessKey, "AKIAOLD", "2026-01-01T00:00:00Z");
    assert_eq!(
        recheck(&key, Some(&h)),
        Ok("2026-01-01T00:00:00Z".to_string())
    );
    // Used since the audit.
    let earlier = step(Kind::AccessKey, "AKIAOLD", "2025-12-01T00:00:00Z");
    let stop = recheck(&earlier, Some(&h)).expect_err("used since");
    assert_eq!(
        (stop.outcome, stop.word),
        (Outcome::Skipped, Some(outcome::SKIPPED_ACTIVE))
    );
    assert!(
        stop.error.contains("used at 2026-01-01T00:00:00Z"),
        "{}",
        stop.error
    );
    // Never used at the audit, used now.
    let never = step(Kind::AccessKey, "AKIAOLD", "");
    assert_eq!(
        recheck(&never, Some(&h)).expect_err("used").outcome,
        Outcome::Skipped
    );
    // Gone, the user gone, already inactive.
    let gone = step(Kind::AccessKey, "AKIAGONE", "");
    let stop = recheck(&gone, Some(&h)).expect_err("gone");
    assert_eq!(
        (stop.outcome, stop.word),
        (Outcome::ChangedSincePlan, Some(outcome::CHANGED))
    );
    assert_eq!(
        recheck(&key, None).expect_err("no user").outcome,
        Outcome::ChangedSincePlan
    );
    let off = step(Kind::SshPublicKey, "APKAOFF", "");
    let stop = recheck(&off, Some(&h)).expect_err("inactive");
    assert_eq!(
        (stop.outcome, stop.error.as_str()),
        (Outcome::AlreadyClean, "already Inactive")
    );
    // A password: used since, or already gone.
    let pw = step(Kind::Password, "", "2026-01-15T00:00:00Z");
    assert_eq!(
        recheck(&pw, Some(&h)).expect_err("used").outcome,
        Outcome::Skipped
    );
    let pw = step(Kind::Password, "", "2026-02-01T00:00:00Z");
    assert!(recheck(&pw, Some(&h)).is_ok());
    let no_pw = Holdings {
        login_profile: false,
        ..holdings()
    };
    assert_eq!(
        recheck(&pw, Some(&no_pw)).expect_err("gone").outcome,
        Outcome::AlreadyClean
    );
}

#[test]
fn each_unit_outcome_has_its_report_word_and_the_worst_decides_the_account() {
    assert_eq!(word(Outcome::Done), outcome::DEACTIVATED);
    assert_eq!(word(Outcome::AlreadyClean), outcome::ALREADY);
    assert_eq!(word(Outcome::ChangedSincePlan), outcome::CHANGED);
    assert_eq!(word(Outcome::Skipped), outcome::SKIPPED_ACTIVE);
    assert_eq!(word(Outcome::NotStarted), outcome::INTERRUPTED);
    assert_eq!(word(Outcome::Failed), outcome::FAILED);
    let changed = |outcome: &'static str| Changed {
        step: step(Kind::AccessKey, "AKIAOLD", ""),
        outcome,
        error: if outcome == outcome::DEACTIVATED {
            ""
        } else {
            "why"
        }
        .into(),
    };
    let done = summarise(
        vec![changed(outcome::DEACTIVATED), changed(outcome::ALREADY)],
        outcome::DEACTIVATED,
    );
    assert_eq!((done.outcome, done.done.len()), (Outcome::Done, 1));
    assert_eq!(done.error, "ana access-key AKIAOLD: why");
    let skipped = summarise(
        vec![
            changed(outcome::DEACTIVATED),
            changed(outcome::SKIPPED_ACTIVE),
        ],
        outcome::DEACTIVATED,
    );
    assert_eq!(skipped.outcome, Outcome::Skipped);
    let failed = summarise(
        vec![changed(outcome::SKIPPED_ACTIVE), changed(outcome::FAILED)],
        outcome::DEACTIVATED,
    );
    assert_eq!(failed.outcome, Outcome::Failed);
    assert_eq!(
        summarise(vec![changed(outcome::ALREADY)], outcome::DEACTIVATED).outcome,
        Outcome::AlreadyClean
    );
    let cut = summarise(
        vec![changed(outcome::CHANGED), changed(outcome::INTERRUPTED)],
        outcome::DEACTIVATED,
    );
    assert_eq!(cut.outcome, Outcome::Interrupted);
    let refused = summarise(
        vec![changed(outcome::DEACTIVATED), changed(outcome::REFUSED)],
        outcome::DEACTIVATED,
    );
    assert_eq!(refused.outcome, Outcome::Skipped);
}
