//! The IAM-users job: reads every targeted account's IAM users — the credential report and the
//! authorization details, through a role in member accounts and the caller's own credentials in
//! its own account — and judges each user `active`, `stale` or `new`, with findings. It supplies
//! only what is its own; the pipeline (`crate::run`) does the rest. Each users command is a job of
//! its own file (`audit_job.rs`, `delete_job.rs`, `tidy_job.rs`, `deactivate_job.rs`,
//! `reactivate_job.rs`); this file holds their words (`Spec`s) and defaults.

pub mod api;
pub mod audit;
mod audit_job;
pub mod calls;
pub mod controls;
pub mod deactivate;
pub mod deactivate_apply;
mod deactivate_job;
pub mod deactivate_rows;
pub mod delete;
mod delete_job;
pub mod delete_rows;
#[cfg(test)]
pub mod fake;
pub mod holdings;
pub mod listed;
pub mod model;
pub mod plan;
pub mod reactivate;
pub mod reactivate_apply;
mod reactivate_job;
pub mod report;
pub mod restore;
pub mod rows;
pub mod switch;
pub mod tidy;
mod tidy_job;
pub mod undo;
pub mod verdict;

#[cfg(test)]
mod delete_tests;
#[cfg(test)]
mod spec_tests;
#[cfg(test)]
mod tests;

pub use audit_job::Job;
pub use deactivate_job::Deactivate;
pub use delete_job::Delete;
pub use reactivate_job::Reactivate;
pub use tidy_job::Tidy;

use crate::run::job::Spec;

/// Default `--stale-days`.
pub const DEFAULT_STALE_DAYS: u32 = 90;
/// Default `--role-name`: the role Organizations creates in the accounts it creates.
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// The users audit's words (the read stage of every users command).
pub const AUDIT: Spec = Spec {
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
    // The management account is where the most dangerous users tend to live.
    reads_management_account: true,
    ..Spec::READ_ONLY
};

/// `users delete`'s words.
pub const DELETE: Spec = Spec {
    change: "users-delete",
    change_rows: "users",
    done: delete_rows::DELETED,
    confirm: "delete IAM users in that many account(s)",
    scope: &["iam-users"],
    ..AUDIT
};

/// `users tidy`'s words.
pub const TIDY: Spec = Spec {
    change: "users-tidy",
    change_rows: "detaches",
    done: tidy::DONE,
    confirm: "detach redundant direct policies in that many account(s)",
    scope: &["redundant-direct-policies"],
    ..AUDIT
};

/// `users deactivate`'s words.
pub const DEACTIVATE: Spec = Spec {
    change: "users-deactivate",
    change_rows: "credentials",
    done: deactivate_rows::DONE,
    confirm: "deactivate unused credentials in that many account(s)",
    scope: &["unused-credentials"],
    ..AUDIT
};

/// `users reactivate`'s words.
pub const REACTIVATE: Spec = Spec {
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
    done: reactivate_apply::DONE,
    confirm: "reactivate credentials in that many account(s)",
    scope: &["deactivated-credentials"],
    ..Spec::READ_ONLY
};
