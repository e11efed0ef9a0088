//! What the recover job finds in one account (does the root user have a login profile?), its
//! verdict and the plan entry. Pure: no I/O.

use crate::call::Error;
use crate::model::Account;
use crate::model::LoginProfile;
use crate::run::job::{Disposition, Entry};
use serde::Serialize;

/// What the check of one account found.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// The `IAMCreateRootUserPassword` session could not be opened.
    NoSession(Error),
    /// GetLoginProfile's answer: `Ok(None)` only on NoSuchEntity.
    Checked(Result<Option<LoginProfile>, Error>),
}

/// The check's judgement of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No login profile: one can be created.
    Recoverable,
    /// A login profile exists: the root email owner can already use "Forgot password".
    AlreadyRecoverable,
    /// The check failed: the state is not known.
    Unknown,
}

/// Verdict spellings in the counts table's order (`blocked`: refused up front by the guardrails;
/// `skipped` last).
pub const VERDICTS: [&str; 5] = [
    "recoverable",
    "already-recoverable",
    "unknown",
    "blocked",
    "skipped",
];

impl Verdict {
    /// The report spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Recoverable => "recoverable",
            Verdict::AlreadyRecoverable => "already-recoverable",
            Verdict::Unknown => "unknown",
        }
    }
}

impl Finding {
    /// The verdict: a failed check is unknown, never absent.
    pub fn verdict(&self) -> Verdict {
        match self {
            Finding::NoSession(_) | Finding::Checked(Err(_)) => Verdict::Unknown,
            Finding::Checked(Ok(None)) => Verdict::Recoverable,
            Finding::Checked(Ok(Some(_))) => Verdict::AlreadyRecoverable,
        }
    }

    /// The failed call, if the check failed.
    pub fn error(&self) -> Option<&Error> {
        match self {
            Finding::NoSession(e) | Finding::Checked(Err(e)) => Some(e),
            Finding::Checked(Ok(_)) => None,
        }
    }
}

/// The one call a recovery makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Step {
    /// CreateLoginProfile without a password.
    CreateLoginProfile,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::CreateLoginProfile => f.write_str("CreateLoginProfile (no password)"),
        }
    }
}

/// The plan entry for one account that was checked.
pub fn entry(account: &Account, finding: &Finding) -> Entry<Step> {
    let verdict = finding.verdict();
    let (disposition, steps, reason) = match verdict {
        Verdict::Recoverable => (Disposition::Change, vec![Step::CreateLoginProfile], None),
        Verdict::AlreadyRecoverable => (
            Disposition::AlreadyClean,
            Vec::new(),
            Some(
                "already-recoverable: the root user has a login profile; the owner of the root \
                 email address can use \"Forgot password\""
                    .to_string(),
            ),
        ),
        Verdict::Unknown => (
            Disposition::Unknown,
            Vec::new(),
            Some(format!(
                "unknown: the login profile check failed ({}); fix the cause and re-run",
                finding.error().map(ToString::to_string).unwrap_or_default()
            )),
        ),
    };
    Entry {
        account_id: account.id.clone(),
        account_name: account.name.clone(),
        verdict: verdict.as_str(),
        disposition,
        steps,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::ErrorKind;

    fn account() -> Account {
        Account {
            id: "222222222222".into(),
            name: "prod".into(),
            email: "prod@example.com".into(),
            state: "ACTIVE".into(),
            ou_path: String::new(),
            ou_ids: String::new(),
        }
    }

    #[test]
    fn an_account_without_a_login_profile_is_planned_for_one_create() {
        let e = entry(&account(), &Finding::Checked(Ok(None)));
        assert_eq!(e.verdict, "recoverable");
        assert_eq!(e.disposition, Disposition::Change);
        assert_eq!(e.steps, [Step::CreateLoginProfile]);
        assert_eq!(e.steps[0].to_string(), "CreateLoginProfile (no password)");
    }

    #[test]
    fn an_account_with_a_login_profile_is_left_alone() {
        let e = entry(
            &account(),
            &Finding::Checked(Ok(Some(LoginProfile { created: None }))),
        );
        assert_eq!(e.verdict, "already-recoverable");
        assert_eq!(e.disposition, Disposition::AlreadyClean);
        assert!(e.steps.is_empty());
    }

    #[test]
    fn a_failed_check_is_unknown_not_absent_and_names_the_error() {
        let err = Error::new(
            "GetLoginProfile",
            "ServiceFailure",
            "boom",
            ErrorKind::Transient,
        );
        for finding in [Finding::Checked(Err(err.clone())), Finding::NoSession(err)] {
            let e = entry(&account(), &finding);
            assert_eq!(e.verdict, "unknown");
            assert_eq!(e.disposition, Disposition::Unknown);
            assert!(e.steps.is_empty());
            assert!(
                e.reason
                    .as_deref()
                    .is_some_and(|r| r.contains("GetLoginProfile: ServiceFailure: boom")),
                "{e:?}"
            );
        }
    }
}
