//! Why a task is refused up front and what to change: the denying policy, where it is attached
//! and its statement, and the fix (for Control Tower's root control, its `ExemptAssumeRoot`
//! parameter; for a custom SCP, the condition that spares root sessions). Pure.

use super::evaluate::Decision;
use super::job::{Finding, Verdict};
use super::tasks::Task;

/// The refusal of `task` in a root session when the guardrails certainly deny it; `None` when
/// it is allowed, depends on something rootsweep cannot know (it is attempted), or was not
/// evaluated.
pub fn refusal(finding: &Finding, task: Task) -> Option<String> {
    let Finding::Evaluated { verdicts, .. } = finding else {
        return None;
    };
    let v: &Verdict = verdicts.iter().find(|v| v.task == task)?;
    let action = v.session.1.unwrap_or_default();
    match &v.session.0 {
        Decision::Denied(s) => {
            let sid = s.sid.as_deref().map(|sid| format!(", Sid {sid}")).unwrap_or_default();
            let control_tower =
                s.sid.as_deref() == Some("GRRESTRICTROOTUSER") || s.policy_name.starts_with("aws-guardrails-");
            let fix = if control_tower {
                format!(
                    "re-enable Control Tower's AWS-GR_RESTRICT_ROOT_USER on {} with the parameter ExemptAssumeRoot",
                    s.level
                )
            } else {
                let statement = s.sid.as_deref().map_or("the denying statement".to_string(), |sid| format!("statement {sid}"));
                format!(
                    "add \"Null\": {{\"aws:AssumedRoot\": \"true\"}} to the Condition of {statement} of {} (it then denies long-term root credentials only)",
                    s.policy_id
                )
            };
            Some(format!(
                "{action} is denied by SCP or RCP {} ({}) attached to {}{sid}; fix: {fix}",
                s.policy_id, s.policy_name, s.level
            ))
        }
        Decision::NotAllowed { level } => Some(format!(
            "no SCP attached to {level} allows {action}; fix: attach one that does (e.g. FullAWSAccess) to {level}"
        )),
        Decision::Allowed | Decision::Depends { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guardrails::evaluate::Source;

    fn finding(session: Decision, action: &'static str) -> Finding {
        Finding::Evaluated {
            path: vec![],
            verdicts: vec![Verdict {
                task: Task::Delete,
                session: (session, Some(action)),
                long_term: (Decision::Allowed, None),
            }],
        }
    }

    fn denied(name: &str, sid: Option<&str>) -> Decision {
        Decision::Denied(Source {
            policy_id: "p-12345678".into(),
            policy_name: name.into(),
            level: "ou-ab12-11111111".into(),
            sid: sid.map(str::to_string),
        })
    }

    #[test]
    fn control_tower_s_root_control_is_fixed_with_its_exemption_on_that_ou() {
        let f = finding(
            denied("aws-guardrails-abc", Some("GRRESTRICTROOTUSER")),
            "iam:GetLoginProfile",
        );
        let why = refusal(&f, Task::Delete).expect("refused");
        assert!(why.contains("p-12345678 (aws-guardrails-abc) attached to ou-ab12-11111111, Sid GRRESTRICTROOTUSER"), "{why}");
        assert!(
            why.contains(
                "AWS-GR_RESTRICT_ROOT_USER on ou-ab12-11111111 with the parameter ExemptAssumeRoot"
            ),
            "{why}"
        );
    }

    #[test]
    fn control_tower_s_control_is_known_by_its_sid_or_by_its_policy_name_alone() {
        for (name, sid) in [
            ("RenamedByTheLandingZone", Some("GRRESTRICTROOTUSER")),
            ("aws-guardrails-xyz", Some("SomethingElse")),
            ("aws-guardrails-xyz", None),
        ] {
            let why =
                refusal(&finding(denied(name, sid), "iam:GetUser"), Task::Delete).expect("refused");
            assert!(
                why.contains("with the parameter ExemptAssumeRoot"),
                "{name}: {why}"
            );
        }
        let why = refusal(
            &finding(denied("Custom", Some("Other")), "iam:GetUser"),
            Task::Delete,
        )
        .expect("refused");
        assert!(!why.contains("ExemptAssumeRoot"), "{why}");
    }

    #[test]
    fn a_custom_scp_is_fixed_with_the_assumed_root_condition_and_not_allowed_with_an_allow() {
        let f = finding(
            denied("KeepPasswords", Some("Keep")),
            "iam:DeleteLoginProfile",
        );
        let why = refusal(&f, Task::Delete).expect("refused");
        assert!(why.starts_with("iam:DeleteLoginProfile is denied"), "{why}");
        assert!(why.contains("\"Null\": {\"aws:AssumedRoot\": \"true\"} to the Condition of statement Keep of p-12345678"), "{why}");
        let f = finding(
            Decision::NotAllowed {
                level: "ou-x".into(),
            },
            "iam:GetUser",
        );
        let why = refusal(&f, Task::Delete).expect("refused");
        assert!(
            why.contains("no SCP attached to ou-x allows iam:GetUser"),
            "{why}"
        );
    }

    #[test]
    fn allowed_depends_other_tasks_and_unevaluated_accounts_are_attempted() {
        let depends = Decision::Depends {
            key: "aws:SourceIp".into(),
            source: Source {
                policy_id: "p".into(),
                policy_name: "n".into(),
                level: "l".into(),
                sid: None,
            },
        };
        assert_eq!(
            refusal(&finding(depends, "iam:GetUser"), Task::Delete),
            None
        );
        assert_eq!(
            refusal(&finding(Decision::Allowed, "iam:GetUser"), Task::Delete),
            None
        );
        let f = finding(denied("x", None), "iam:GetUser");
        assert_eq!(refusal(&f, Task::Recover), None);
        assert_eq!(refusal(&Finding::Management, Task::Delete), None);
    }
}
