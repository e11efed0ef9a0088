//! The delete CSV row: what happened to one account.

use serde::Serialize;

/// The delete CSV columns, in order.
pub const HEADER: [&str; 7] = [
    "account_id",
    "account_name",
    "outcome",
    "login_profile_deleted",
    "mfa_deactivated",
    "verified",
    "error",
];

/// What happened to one account in a delete run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Changed, and the verification session proved it.
    Deleted,
    /// Nothing to remove.
    AlreadyClean,
    /// Access keys or signing certificates exist (at audit, or appeared before the change).
    SkippedBlocked,
    /// The audit could not establish the account's state.
    SkippedUnknown,
    /// A step failed, or the verification did not prove the change.
    Failed,
    /// The run was interrupted before this account started.
    NotStarted,
}

impl Outcome {
    /// Every outcome in report order.
    pub const ALL: [Outcome; 6] = [
        Outcome::Deleted,
        Outcome::AlreadyClean,
        Outcome::SkippedBlocked,
        Outcome::SkippedUnknown,
        Outcome::Failed,
        Outcome::NotStarted,
    ];

    /// The report spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Deleted => "deleted",
            Outcome::AlreadyClean => "already-clean",
            Outcome::SkippedBlocked => "skipped-blocked",
            Outcome::SkippedUnknown => "skipped-unknown",
            Outcome::Failed => "failed",
            Outcome::NotStarted => "not-started",
        }
    }
}

/// One delete report row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub account_id: String,
    pub account_name: String,
    pub outcome: String,
    /// `yes`, `no` or `n/a`.
    pub login_profile_deleted: String,
    /// Number of MFA devices deactivated.
    pub mfa_deactivated: String,
    /// `yes` when a fresh audit session proved the change.
    pub verified: String,
    /// `Step: Operation: Code: message`, or why the account was skipped.
    pub error: String,
}

impl Row {
    /// The fields in [`HEADER`] order.
    pub fn fields(&self) -> [&str; 7] {
        [
            &self.account_id,
            &self.account_name,
            &self.outcome,
            &self.login_profile_deleted,
            &self.mfa_deactivated,
            &self.verified,
            &self.error,
        ]
    }
}
