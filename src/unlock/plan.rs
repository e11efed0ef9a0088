//! What the unlock job finds in one account (each named resource's policy), the verdicts, and
//! the plan entry. Pure: no I/O.

use super::api::{Current, Kind};
use crate::call::Error;
use crate::model::Account;
use crate::run::job::{Disposition, Entry};
use serde::Serialize;

/// What the read of one account found.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// The unlock session could not be opened.
    NoSession(Error),
    /// Each named resource and its policy as read, in the order given.
    Read(Vec<(String, Result<Current, Error>)>),
}

/// Per-resource verdict spellings, in the counts table's order (`blocked`: the account was
/// refused up front by its guardrails; `skipped` last).
pub const VERDICTS: [&str; 6] = [
    "policy-present",
    "no-policy",
    "not-found",
    "unknown",
    "blocked",
    "skipped",
];

/// The verdict of one resource's read.
pub fn verdict(read: &Result<Current, Error>) -> &'static str {
    match read {
        Ok(Current::Policy(_)) => "policy-present",
        Ok(Current::NoPolicy) => "no-policy",
        Ok(Current::NoResource) => "not-found",
        Err(_) => "unknown",
    }
}

impl Finding {
    /// The account's verdict: `unknown` if any read failed, else `policy-present` if any
    /// resource has a policy, else `no-policy`.
    pub fn verdict(&self) -> &'static str {
        match self {
            Finding::NoSession(_) => "unknown",
            Finding::Read(reads) if reads.iter().any(|(_, r)| r.is_err()) => "unknown",
            Finding::Read(reads)
                if reads
                    .iter()
                    .any(|(_, r)| matches!(r, Ok(Current::Policy(_)))) =>
            {
                "policy-present"
            }
            Finding::Read(_) => "no-policy",
        }
    }
}

/// Removing one resource's policy; the policy the plan showed travels with it, so the change
/// stage removes only that document (a different one found by the re-check is left alone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The bucket name or queue URL.
    pub resource: String,
    /// The policy document the plan shows being removed.
    pub policy: String,
    /// The call, e.g. `DeleteBucketPolicy`.
    pub call: &'static str,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} (removes the policy: {})",
            self.call, self.resource, self.policy
        )
    }
}

/// The plan entry for one account that was read.
pub fn entry(account: &Account, finding: &Finding, kind: Kind) -> Entry<Step> {
    let (disposition, steps, reason) = match finding {
        Finding::NoSession(e) => (
            Disposition::Unknown,
            Vec::new(),
            Some(format!(
                "unknown: no {} session ({e}); fix the cause and re-run",
                kind.task_policy()
            )),
        ),
        Finding::Read(reads) => {
            let failed: Vec<String> = reads
                .iter()
                .filter_map(|(r, read)| read.as_ref().err().map(|e| format!("{r}: {e}")))
                .collect();
            if !failed.is_empty() {
                (
                    Disposition::Unknown,
                    Vec::new(),
                    Some(format!(
                        "unknown: a policy could not be read ({}); fix the cause and re-run",
                        failed.join("; ")
                    )),
                )
            } else {
                let steps: Vec<Step> = reads
                    .iter()
                    .filter_map(|(resource, read)| match read {
                        Ok(Current::Policy(policy)) => Some(Step {
                            resource: resource.clone(),
                            policy: policy.clone(),
                            call: kind.remove_call(),
                        }),
                        _ => None,
                    })
                    .collect();
                if steps.is_empty() {
                    (
                        Disposition::AlreadyClean,
                        Vec::new(),
                        Some(format!("no {} named here has a policy", kind.noun())),
                    )
                } else {
                    (Disposition::Change, steps, None)
                }
            }
        }
    };
    Entry {
        account_id: account.id.clone(),
        account_name: account.name.clone(),
        verdict: finding.verdict(),
        disposition,
        steps,
        reason,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::call::ErrorKind;

    /// A member account `222222222222` named `prod`.
    pub(crate) fn account() -> Account {
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
    fn only_resources_with_a_policy_get_a_step_carrying_that_policy() {
        let finding = Finding::Read(vec![
            (
                "locked".into(),
                Ok(Current::Policy("{\"Statement\":[]}".into())),
            ),
            ("open".into(), Ok(Current::NoPolicy)),
            ("gone".into(), Ok(Current::NoResource)),
        ]);
        let e = entry(&account(), &finding, Kind::S3);
        assert_eq!(e.disposition, Disposition::Change);
        assert_eq!(e.verdict, "policy-present");
        assert_eq!(
            e.steps,
            [Step {
                resource: "locked".into(),
                policy: "{\"Statement\":[]}".into(),
                call: "DeleteBucketPolicy",
            }]
        );
        assert!(e.steps[0].to_string().contains("{\"Statement\":[]}"));
    }

    #[test]
    fn missing_resources_and_absent_policies_are_nothing_to_do_not_errors() {
        let finding = Finding::Read(vec![
            ("open".into(), Ok(Current::NoPolicy)),
            ("gone".into(), Ok(Current::NoResource)),
        ]);
        let e = entry(&account(), &finding, Kind::Sqs);
        assert_eq!(e.disposition, Disposition::AlreadyClean);
        assert_eq!(e.verdict, "no-policy");
        assert!(e.steps.is_empty());
        assert_eq!(
            e.reason.as_deref(),
            Some("no queue named here has a policy")
        );
    }

    #[test]
    fn a_failed_read_makes_the_account_unknown_never_absent() {
        let err = Error::new(
            "GetBucketPolicy",
            "AccessDenied",
            "no",
            ErrorKind::AccessDenied,
        );
        let finding = Finding::Read(vec![
            ("locked".into(), Ok(Current::Policy("{}".into()))),
            ("b".into(), Err(err)),
        ]);
        let e = entry(&account(), &finding, Kind::S3);
        assert_eq!(e.disposition, Disposition::Unknown);
        // Unknown, though the other bucket's policy was read.
        assert_eq!(e.verdict, "unknown");
        assert!(e.steps.is_empty());
        assert!(e
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("b: GetBucketPolicy: AccessDenied")));
        assert_eq!(verdict(&Ok(Current::NoResource)), "not-found");
    }

    #[test]
    fn a_session_that_cannot_be_opened_names_the_task_policy_it_asked_for() {
        use crate::aws::sts::TaskPolicy;
        let denied = || Error::new("AssumeRoot", "AccessDenied", "no", ErrorKind::AccessDenied);
        for (kind, policy) in [
            (Kind::S3, TaskPolicy::S3Unlock),
            (Kind::Sqs, TaskPolicy::SqsUnlock),
        ] {
            // The name the evidence record and the reasons give is the policy the edge uses.
            assert_eq!(kind.task_policy(), policy.name());
            let e = entry(&account(), &Finding::NoSession(denied()), kind);
            assert_eq!(
                (e.disposition, e.verdict),
                (Disposition::Unknown, "unknown")
            );
            let reason = e.reason.unwrap_or_default();
            assert!(
                reason.starts_with(&format!("unknown: no {} session (", policy.name())),
                "{reason}"
            );
        }
        assert_eq!((Kind::S3.noun(), Kind::Sqs.noun()), ("bucket", "queue"));
    }
}
