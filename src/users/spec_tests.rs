//! The words of every users command, whole: report file stems and keys, verdict and outcome
//! spellings, the attention table, the confirmation and the plan's scope. They are what the
//! README documents and what scripts reading the reports match, so each is spelled out here in
//! full, not inherited, and a word that silently fell back to another command's fails.

use super::model::Verdict;
use super::{AUDIT, DEACTIVATE, DELETE, REACTIVATE, TIDY};
use crate::run::job::Spec;

/// The read stage every users command shares.
const USERS_AUDIT: Spec = Spec {
    read: "users-audit",
    rows: "users",
    verdicts: &[
        "active",
        "stale",
        "new",
        "unverifiable",
        "unknown",
        "skipped",
    ],
    attention: &["account", "name", "verdict", "error"],
    reads_management_account: true,
    change: "",
    change_rows: "accounts",
    done: "",
    already: "already-clean",
    confirm: "",
    scope: &[],
};

#[test]
fn the_audit_reads_the_management_account_and_spells_every_verdict() {
    assert_eq!(AUDIT, USERS_AUDIT);
    for verdict in [
        Verdict::Active,
        Verdict::Stale,
        Verdict::New,
        Verdict::Unverifiable,
        Verdict::Unknown,
    ] {
        assert!(AUDIT.verdicts.contains(&verdict.as_str()), "{verdict:?}");
    }
    assert_eq!(AUDIT.verdicts.last(), Some(&"skipped"));
}

#[test]
fn each_changing_command_has_its_own_report_outcome_prompt_and_scope() {
    let cases = [
        (
            DELETE,
            "users-delete",
            "users",
            "deleted",
            "delete IAM users in that many account(s)",
            &["iam-users"][..],
        ),
        (
            TIDY,
            "users-tidy",
            "detaches",
            "detached",
            "detach redundant direct policies in that many account(s)",
            &["redundant-direct-policies"][..],
        ),
        (
            DEACTIVATE,
            "users-deactivate",
            "credentials",
            "deactivated",
            "deactivate unused credentials in that many account(s)",
            &["unused-credentials"][..],
        ),
    ];
    for (spec, change, change_rows, done, confirm, scope) in cases {
        let expected = Spec {
            change,
            change_rows,
            done,
            confirm,
            scope,
            ..USERS_AUDIT
        };
        assert_eq!(spec, expected, "{change}");
    }
}

#[test]
fn reactivate_reads_its_own_check_report_of_credentials() {
    let expected = Spec {
        read: "users-reactivate-check",
        rows: "credentials",
        verdicts: &[
            "reactivatable",
            "refused",
            "not-reversible",
            "unknown",
            "skipped",
        ],
        attention: &["account", "name", "verdict", "why"],
        reads_management_account: true,
        change: "users-reactivate",
        change_rows: "credentials",
        done: "reactivated",
        already: "already-clean",
        confirm: "reactivate credentials in that many account(s)",
        scope: &["deactivated-credentials"],
    };
    assert_eq!(REACTIVATE, expected);
}

#[test]
fn no_two_commands_share_a_report_name() {
    let stems = [
        AUDIT.read,
        DELETE.change,
        TIDY.change,
        DEACTIVATE.change,
        REACTIVATE.read,
        REACTIVATE.change,
    ];
    for (i, a) in stems.iter().enumerate() {
        assert!(!a.is_empty());
        for b in &stems[i + 1..] {
            assert_ne!(a, b);
        }
    }
}
