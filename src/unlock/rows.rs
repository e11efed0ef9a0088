//! The unlock job's report rows, one per named resource: the check report (`unlock-check-<UTC>`)
//! and the change report (`unlock-result-<UTC>`). Pure.

use super::api::Current;
use super::plan::{verdict, Finding, Step};
use crate::run::job::{self, Applied, Disposition, Entry, Read};
use serde::Serialize;

/// The report word for a verified removal.
pub const UNLOCKED: &str = "unlocked";
/// The report word for an account whose named resources had no policy left.
pub const ALREADY_UNLOCKED: &str = "already-unlocked";

/// One row of the check report: a resource and its policy as read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Check {
    pub account_id: String,
    pub account_name: String,
    /// The bucket name or queue URL.
    pub resource: String,
    /// `policy-present`, `no-policy`, `not-found`, `unknown` or `skipped`.
    pub verdict: String,
    /// The policy document as read (what a change run would remove).
    pub policy: String,
    pub error: String,
}

impl job::Row for Check {
    fn verdict(&self) -> &str {
        &self.verdict
    }

    fn attention(&self) -> Option<Vec<String>> {
        (self.verdict != "no-policy").then(|| {
            vec![
                self.account_id.clone(),
                self.account_name.clone(),
                self.verdict.clone(),
                self.resource.clone(),
                self.error.clone(),
            ]
        })
    }
}

/// The check rows of one account: one per named resource.
pub fn check_rows(read: &Read<Finding>, resources: &[String]) -> Vec<Check> {
    let row = |resource: &str| Check {
        account_id: read.account.id.clone(),
        account_name: read.account.name.clone(),
        resource: resource.to_string(),
        ..Check::default()
    };
    match &read.finding {
        Err(reason) => resources
            .iter()
            .map(|r| Check {
                verdict: reason.verdict().into(),
                error: reason.error(),
                ..row(r)
            })
            .collect(),
        Ok(Finding::NoSession(e)) => resources
            .iter()
            .map(|r| Check {
                verdict: "unknown".into(),
                error: e.to_string(),
                ..row(r)
            })
            .collect(),
        Ok(Finding::Read(reads)) => reads
            .iter()
            .map(|(r, result)| Check {
                verdict: verdict(result).into(),
                policy: match result {
                    Ok(Current::Policy(p)) => p.clone(),
                    _ => String::new(),
                },
                error: result
                    .as_ref()
                    .err()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                ..row(r)
            })
            .collect(),
    }
}

/// One row of the change report: what happened to one resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub account_id: String,
    pub account_name: String,
    pub resource: String,
    /// `unlocked`, `already-unlocked`, `no-policy`, `not-found`, `skipped-unknown`,
    /// `changed-since-plan`, `failed`, `interrupted` or `not-started`.
    pub outcome: String,
    /// `yes` (removed by this run, after being saved), `no` (planned, not removed), `n/a`.
    pub policy_removed: String,
    /// `yes` when a fresh read proved the account's result, `no` when not, `n/a` when nothing
    /// was changed.
    pub verified: String,
    pub error: String,
}

/// The change rows of one account: one per named resource (`reads`: each resource's read
/// verdict, in the order named).
pub fn unlock_rows(
    entry: &Entry<Step>,
    applied: &Applied<Step>,
    reads: &[(String, &'static str)],
) -> Vec<Row> {
    let label = applied.outcome.spelled(UNLOCKED, ALREADY_UNLOCKED);
    // A refused account (its session failed, or its guardrails refused it up front): every
    // resource carries the account's outcome and why.
    let refused = matches!(
        entry.disposition,
        Disposition::Unknown | Disposition::Blocked
    );
    reads
        .iter()
        .map(|(resource, read)| {
            let planned = entry.steps.iter().any(|s| &s.resource == resource);
            let removed = applied.done.iter().any(|s| &s.resource == resource);
            let outcome = match (planned, removed) {
                (true, _) | (_, true) => label,
                (false, false) if refused => label,
                (false, false) => read,
            };
            let policy_removed = job::made_word(planned, removed);
            Row {
                account_id: entry.account_id.clone(),
                account_name: entry.account_name.clone(),
                resource: resource.clone(),
                outcome: outcome.into(),
                policy_removed: policy_removed.into(),
                verified: if planned {
                    applied.verified.as_str().into()
                } else {
                    "n/a".into()
                },
                error: if planned || refused {
                    applied.error.clone()
                } else {
                    String::new()
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::job::Outcome;
    use crate::run::job::Verified;

    #[test]
    fn headers_are_exactly_the_documented_columns() {
        assert_eq!(
            crate::report::csv::header::<Check>().join(","),
            "account_id,account_name,resource,verdict,policy,error"
        );
        assert_eq!(
            crate::report::csv::header::<Row>().join(","),
            "account_id,account_name,resource,outcome,policy_removed,verified,error"
        );
    }

    #[test]
    fn every_named_resource_gets_a_check_row_with_what_was_read_or_why_not() {
        use crate::call::{Error, ErrorKind};
        use crate::model::SkipReason;
        use crate::run::job::Row as _;
        let account = crate::unlock::plan::tests::account();
        let read = |finding| Read {
            account: account.clone(),
            finding,
        };
        let denied = || {
            Error::new(
                "GetBucketPolicy",
                "AccessDenied",
                "no",
                ErrorKind::AccessDenied,
            )
        };
        let named = ["locked".to_string(), "open".to_string(), "odd".to_string()];
        let cells = |rows: Vec<Check>| -> Vec<String> {
            rows.iter()
                .map(|r| crate::report::csv::cells(r).join(","))
                .collect()
        };
        let reads = Finding::Read(vec![
            (
                "locked".into(),
                Ok(Current::Policy("{\"Statement\":[]}".into())),
            ),
            ("open".into(), Ok(Current::NoPolicy)),
            ("odd".into(), Err(denied())),
        ]);
        let rows = check_rows(&read(Ok(reads)), &named);
        let attention: Vec<Option<Vec<String>>> = rows.iter().map(|r| r.attention()).collect();
        assert_eq!(
            rows.iter().map(|r| r.verdict()).collect::<Vec<_>>(),
            ["policy-present", "no-policy", "unknown"]
        );
        assert_eq!(
            cells(rows),
            [
                "222222222222,prod,locked,policy-present,{\"Statement\":[]},",
                "222222222222,prod,open,no-policy,,",
                "222222222222,prod,odd,unknown,,GetBucketPolicy: AccessDenied: no",
            ]
        );
        // Every row but a resource without a policy needs attention, with why.
        assert_eq!(attention[1], None);
        assert_eq!(
            attention[2].as_deref(),
            Some(
                &[
                    "222222222222",
                    "prod",
                    "unknown",
                    "odd",
                    "GetBucketPolicy: AccessDenied: no"
                ]
                .map(String::from)[..]
            )
        );
        assert_eq!(
            attention[0].as_ref().map(|a| a[2].as_str()),
            Some("policy-present")
        );
        // No session: every named resource unknown, with the session's error.
        let session = Error::new("AssumeRoot", "AccessDenied", "scp", ErrorKind::AccessDenied);
        let rows = check_rows(&read(Ok(Finding::NoSession(session))), &named[..2]);
        assert_eq!(
            cells(rows),
            [
                "222222222222,prod,locked,unknown,,AssumeRoot: AccessDenied: scp",
                "222222222222,prod,open,unknown,,AssumeRoot: AccessDenied: scp",
            ]
        );
        // Skipped or refused before any session: the reason's verdict and why.
        let rows = check_rows(
            &read(Err(SkipReason::Refused("an SCP denies it".into()))),
            &named[..1],
        );
        assert_eq!(
            cells(rows),
            ["222222222222,prod,locked,blocked,,blocked: refused up front, no session opened: an SCP denies it"]
        );
    }

    #[test]
    fn each_named_resource_gets_its_own_outcome() {
        let step = Step {
            resource: "locked".into(),
            policy: "{}".into(),
            call: "DeleteBucketPolicy",
        };
        let entry = Entry {
            account_id: "222222222222".into(),
            account_name: "prod".into(),
            verdict: "policy-present",
            disposition: Disposition::Change,
            steps: vec![step.clone()],
            reason: None,
        };
        let applied = Applied {
            detail: (),
            outcome: Outcome::Done,
            done: vec![step],
            verified: Verified::Yes,
            error: String::new(),
        };
        let reads = [
            ("locked".to_string(), "policy-present"),
            ("open".to_string(), "no-policy"),
            ("gone".to_string(), "not-found"),
        ];
        let rows = unlock_rows(&entry, &applied, &reads);
        let outcomes: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|r| {
                (
                    r.outcome.as_str(),
                    r.policy_removed.as_str(),
                    r.verified.as_str(),
                )
            })
            .collect();
        assert_eq!(
            outcomes,
            [
                ("unlocked", "yes", "yes"),
                ("no-policy", "n/a", "n/a"),
                ("not-found", "n/a", "n/a")
            ]
        );
    }

    #[test]
    fn a_refused_account_gives_every_resource_its_outcome_and_why() {
        for (disposition, outcome) in [
            (Disposition::Blocked, Outcome::SkippedBlocked),
            (Disposition::Unknown, Outcome::SkippedUnknown),
        ] {
            let entry = Entry {
                account_id: "222222222222".into(),
                account_name: "prod".into(),
                verdict: "blocked",
                disposition,
                steps: vec![],
                reason: Some("denied by p-1".into()),
            };
            let applied: Applied<Step> = Applied::untouched(outcome, "denied by p-1");
            let reads = [("a".to_string(), "unknown"), ("b".to_string(), "unknown")];
            let rows = unlock_rows(&entry, &applied, &reads);
            assert_eq!(rows.len(), 2);
            for row in rows {
                assert_eq!(row.outcome, outcome.spelled(UNLOCKED, ALREADY_UNLOCKED));
                assert_eq!(row.error, "denied by p-1");
                assert_eq!(
                    (row.policy_removed.as_str(), row.verified.as_str()),
                    ("n/a", "n/a")
                );
            }
        }
    }
}
