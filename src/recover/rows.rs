//! The recover job's report rows: the check report (`recover-check-<UTC>`) and the change
//! report (`recover-<UTC>`). Pure: rows from findings and outcomes.

use super::plan::{Finding, Step};
use crate::report::rfc3339;
use crate::run::job::{self, Applied, Entry, Read};
use serde::Serialize;

/// The report word for a completed recovery.
pub const RECOVERED: &str = "recovered";
/// The report word for an account that already had a login profile.
pub const ALREADY_RECOVERABLE: &str = "already-recoverable";

/// One row of the check report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Check {
    pub account_id: String,
    pub account_name: String,
    pub account_email: String,
    pub ou_path: String,
    pub state: String,
    /// `recoverable`, `already-recoverable`, `unknown` or `skipped`.
    pub verdict: String,
    /// `present`, `absent` or `unknown`.
    pub login_profile: String,
    pub login_profile_created: String,
    pub error: String,
}

impl job::Row for Check {
    fn verdict(&self) -> &str {
        &self.verdict
    }

    fn attention(&self) -> Option<Vec<String>> {
        matches!(self.verdict.as_str(), "recoverable" | "unknown").then(|| {
            vec![
                self.account_id.clone(),
                self.account_name.clone(),
                self.verdict.clone(),
                self.login_profile.clone(),
                self.error.clone(),
            ]
        })
    }
}

impl From<&Read<Finding>> for Check {
    fn from(read: &Read<Finding>) -> Check {
        let a = &read.account;
        let mut row = Check {
            account_id: a.id.clone(),
            account_name: a.name.clone(),
            account_email: a.email.clone(),
            ou_path: a.ou_path.clone(),
            state: a.state.clone(),
            ..Check::default()
        };
        match &read.finding {
            Err(reason) => {
                row.verdict = reason.verdict().into();
                row.error = reason.error();
            }
            Ok(finding) => {
                row.verdict = finding.verdict().as_str().into();
                (row.login_profile, row.login_profile_created) = match finding {
                    Finding::Checked(Ok(Some(p))) => (
                        "present".into(),
                        p.created.as_ref().map(rfc3339).unwrap_or_default(),
                    ),
                    Finding::Checked(Ok(None)) => ("absent".into(), String::new()),
                    Finding::Checked(Err(_)) | Finding::NoSession(_) => {
                        ("unknown".into(), "unknown".into())
                    }
                };
                row.error = finding.error().map(ToString::to_string).unwrap_or_default();
            }
        }
        row
    }
}

/// One row of the change report: what happened to one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub account_id: String,
    pub account_name: String,
    /// An [`Outcome`] spelling (`recovered`, `already-recoverable`, …).
    pub outcome: String,
    /// `yes` (created by this run), `no` (planned, not created: see `outcome`), `n/a`.
    pub login_profile_created: String,
    /// `yes` when a fresh read proved the result, `no` when a change was not proven, `n/a`.
    pub verified: String,
    /// `Step: Operation: Code: message`, or why the account was not changed.
    pub error: String,
}

impl Row {
    /// The row for one plan entry and what was done to it.
    pub fn new(entry: &Entry<Step>, applied: &Applied<Step>) -> Row {
        let planned = !entry.steps.is_empty();
        let created = applied.done.contains(&Step::CreateLoginProfile);
        let login_profile_created = job::made_word(planned, created);
        Row {
            account_id: entry.account_id.clone(),
            account_name: entry.account_name.clone(),
            outcome: applied
                .outcome
                .spelled(RECOVERED, ALREADY_RECOVERABLE)
                .into(),
            login_profile_created: login_profile_created.into(),
            verified: applied.verified.as_str().into(),
            error: applied.error.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{Error, ErrorKind};
    use crate::model::LoginProfile;
    use crate::model::{Account, SkipReason};
    use crate::run::job::Outcome;
    use crate::run::job::{Disposition, Verified};

    fn read(finding: Result<Finding, SkipReason>) -> Read<Finding> {
        Read {
            account: Account {
                id: "222222222222".into(),
                name: "prod".into(),
                email: "prod@example.com".into(),
                state: "ACTIVE".into(),
                ou_path: "Root/Prod".into(),
                ou_ids: "r-ab12/ou-ab12-11111111".into(),
            },
            finding,
        }
    }

    #[test]
    fn headers_are_exactly_the_documented_columns() {
        assert_eq!(
            crate::report::csv::header::<Check>().join(","),
            "account_id,account_name,account_email,ou_path,state,verdict,login_profile,login_profile_created,error"
        );
        assert_eq!(
            crate::report::csv::header::<Row>().join(","),
            "account_id,account_name,outcome,login_profile_created,verified,error"
        );
    }

    #[test]
    fn check_rows_say_present_absent_unknown_or_skipped() {
        let present = Check::from(&read(Ok(Finding::Checked(Ok(Some(LoginProfile {
            created: Some(aws_smithy_types::DateTime::from_secs(1_600_000_000)),
        }))))));
        assert_eq!(
            crate::report::csv::cells(&present).join(","),
            "222222222222,prod,prod@example.com,Root/Prod,ACTIVE,already-recoverable,present,2020-09-13T12:26:40Z,"
        );
        let absent = Check::from(&read(Ok(Finding::Checked(Ok(None)))));
        assert_eq!(
            (absent.verdict.as_str(), absent.login_profile.as_str()),
            ("recoverable", "absent")
        );
        let err = Error::new("AssumeRoot", "AccessDenied", "no", ErrorKind::AccessDenied);
        let unknown = Check::from(&read(Ok(Finding::NoSession(err))));
        assert_eq!(unknown.verdict, "unknown");
        assert_eq!(unknown.login_profile, "unknown");
        assert_eq!(unknown.error, "AssumeRoot: AccessDenied: no");
        let skipped = Check::from(&read(Err(SkipReason::ManagementAccount)));
        assert_eq!(skipped.verdict, "skipped");
        assert_eq!(skipped.login_profile, "");
    }

    #[test]
    fn recoverable_and_unknown_accounts_need_attention_the_others_do_not() {
        use job::Row as _;
        let absent = Check::from(&read(Ok(Finding::Checked(Ok(None)))));
        assert_eq!(
            absent.attention(),
            Some(vec![
                "222222222222".to_string(),
                "prod".into(),
                "recoverable".into(),
                "absent".into(),
                String::new(),
            ])
        );
        let err = Error::new("AssumeRoot", "AccessDenied", "no", ErrorKind::AccessDenied);
        let unknown = Check::from(&read(Ok(Finding::NoSession(err))));
        let cells = unknown.attention().expect("unknown needs attention");
        assert_eq!(
            cells[2..],
            ["unknown", "unknown", "AssumeRoot: AccessDenied: no"]
        );
        let present = Check::from(&read(Ok(Finding::Checked(Ok(Some(LoginProfile {
            created: None,
        }))))));
        assert_eq!(present.attention(), None);
        let skipped = Check::from(&read(Err(SkipReason::ManagementAccount)));
        assert_eq!(skipped.attention(), None);
    }

    #[test]
    fn recover_rows_spell_outcomes_in_the_jobs_words() {
        let entry = |steps: Vec<Step>| Entry {
            account_id: "222222222222".into(),
            account_name: "prod".into(),
            verdict: "recoverable",
            disposition: Disposition::Change,
            steps,
            reason: None,
        };
        let done = Applied {
            detail: (),
            outcome: Outcome::Done,
            done: vec![Step::CreateLoginProfile],
            verified: Verified::Yes,
            error: String::new(),
        };
        let row = Row::new(&entry(vec![Step::CreateLoginProfile]), &done);
        assert_eq!(
            crate::report::csv::cells(&row),
            ["222222222222", "prod", "recovered", "yes", "yes", ""]
        );
        let failed = Applied::<Step>::untouched(Outcome::Failed, "x");
        let row = Row::new(&entry(vec![Step::CreateLoginProfile]), &failed);
        assert_eq!(row.login_profile_created, "no");
        let already = Applied::<Step>::untouched(Outcome::AlreadyClean, "why");
        let row = Row::new(&entry(vec![]), &already);
        assert_eq!(row.outcome, "already-recoverable");
        assert_eq!(row.login_profile_created, "n/a");
    }
}
