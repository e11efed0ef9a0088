//! `users deactivate`'s undo record: what each credential is written down as right before it is
//! changed (what `users reactivate` sets back), and the record's head. Writing it is the
//! journal's (`crate::report::journal`); when to write it is the apply's.

use crate::report::journal::Journal;
use serde::Serialize;

/// One credential in the undo record: what `users reactivate` sets back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deactivated {
    pub account_id: String,
    pub user_name: String,
    /// `access-key`, `password`, …
    pub credential_type: &'static str,
    /// Empty for a password.
    pub credential_id: String,
    /// Its status right before the change (`Active`; a password: `present`).
    pub previous_status: &'static str,
    /// Its last use, as the re-check read it (RFC 3339; empty: never, or never recorded).
    pub last_used: String,
    /// Whether `users reactivate` can undo it (a deleted password cannot come back).
    pub reversible: bool,
    /// When it was recorded, right before the change (RFC 3339).
    pub recorded_at: String,
}

/// The undo record of one run.
pub type Undo = Journal<Deactivated>;

/// The undo record at `path`, naming who ran it and when.
pub fn undo(path: std::path::PathBuf, caller: &str, started: &str) -> Undo {
    let mut head = serde_json::Map::new();
    head.insert("caller".into(), caller.into());
    head.insert("started".into(), started.into());
    head.insert(
        "not_reversible".into(),
        "a deleted console password cannot be restored: set a new one (aws iam create-login-profile)"
            .into(),
    );
    Journal::new(path, head, "credentials")
}
