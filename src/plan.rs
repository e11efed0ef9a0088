//! Pure: audit results → the delete plan. The dry run renders it; the delete executes it.

use crate::model::{Audited, Finding, Verdict};
use serde::Serialize;

/// What a delete run removes (`--only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// Delete the root login profile (console password).
    pub login_profile: bool,
    /// Deactivate the root MFA devices.
    pub mfa: bool,
}

impl Scope {
    /// Everything.
    pub const ALL: Scope = Scope {
        login_profile: true,
        mfa: true,
    };
}

/// One call the delete would make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "call", content = "serial")]
pub enum Step {
    /// `iam:DeleteLoginProfile`
    DeleteLoginProfile,
    /// `iam:DeactivateMFADevice` for one serial.
    DeactivateMfaDevice(String),
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::DeleteLoginProfile => f.write_str("delete login profile"),
            Step::DeactivateMfaDevice(serial) => write!(f, "deactivate MFA device {serial}"),
        }
    }
}

/// The plan for one targeted account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Account id.
    pub account_id: String,
    /// Account name.
    pub account_name: String,
    /// Audit verdict.
    pub verdict: Verdict,
    /// Calls that would be made (empty when there is nothing to do or it is refused).
    pub steps: Vec<Step>,
    /// Why the account would be refused and what to do first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
}

/// The whole plan: one entry per audited (not skipped) account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// What is in scope.
    pub scope: Scope,
    /// Entries in account id order.
    pub entries: Vec<Entry>,
}

impl Plan {
    /// Accounts with at least one step.
    pub fn to_change(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| !e.steps.is_empty())
    }

    /// Accounts that would be refused (blocked or unknown).
    pub fn refused(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.refusal.is_some())
    }
}

/// Builds the plan from the audit.
pub fn build(audited: &[Audited], scope: Scope) -> Plan {
    let mut entries: Vec<Entry> = audited
        .iter()
        .filter(|a| !matches!(a.finding, Finding::Skipped(_)))
        .map(|a| entry(a, scope))
        .collect();
    entries.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Plan { scope, entries }
}

fn entry(a: &Audited, scope: Scope) -> Entry {
    let verdict = a.verdict();
    let mut steps = Vec::new();
    let mut refusal = None;
    match (&a.finding, verdict) {
        (Finding::Audited(root), Verdict::Eligible) => {
            if scope.login_profile && matches!(root.login_profile, Ok(Some(_))) {
                steps.push(Step::DeleteLoginProfile);
            }
            if scope.mfa {
                if let Ok(devices) = &root.mfa_devices {
                    steps.extend(
                        devices
                            .iter()
                            .map(|d| Step::DeactivateMfaDevice(d.serial.clone())),
                    );
                }
            }
        }
        (Finding::Audited(root), Verdict::Blocked) => {
            let keys = root.access_keys.as_ref().map(Vec::len).unwrap_or(0);
            let certs = root
                .signing_certificates
                .as_ref()
                .map(Vec::len)
                .unwrap_or(0);
            refusal = Some(format!(
                "blocked: root has {keys} access key(s) and {certs} signing certificate(s), which may be in use; \
                 find what uses them, remove them yourself (out of rootsweep's scope), then re-run"
            ));
        }
        (finding, Verdict::Unknown) => {
            let why = match finding {
                Finding::NoSession(e) => e.to_string(),
                Finding::Audited(root) => crate::report::row::join_errors(&root.errors()),
                Finding::Skipped(_) => String::new(),
            };
            refusal = Some(format!(
                "unknown: the audit could not establish the root user's state ({why}); fix the cause and re-run"
            ));
        }
        _ => {}
    }
    Entry {
        account_id: a.account.id.clone(),
        account_name: a.account.name.clone(),
        verdict,
        steps,
        refusal,
    }
}

/// The plan as text: each account's calls, then the refusals.
pub fn render(plan: &Plan) -> String {
    let mut out = String::new();
    let changing: Vec<&Entry> = plan.to_change().collect();
    out.push_str(&format!(
        "Plan: {} account(s) would change.\n",
        changing.len()
    ));
    for e in &changing {
        out.push_str(&format!("  {} ({}):\n", e.account_id, e.account_name));
        for step in &e.steps {
            out.push_str(&format!("    - {step}\n"));
        }
    }
    let refused: Vec<&Entry> = plan.refused().collect();
    if !refused.is_empty() {
        out.push_str(&format!(
            "Refused: {} account(s) would not be touched:\n",
            refused.len()
        ));
        for e in refused {
            if let Some(why) = &e.refusal {
                out.push_str(&format!("  {} ({}): {why}\n", e.account_id, e.account_name));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccessKey, Account, LoginProfile, MfaDevice, SkipReason};
    use crate::verdict::tests::{empty_root, service_failure};

    fn audited(id: &str, finding: Finding) -> Audited {
        Audited {
            account: Account {
                id: id.into(),
                name: format!("acct-{id}"),
                email: String::new(),
                state: "ACTIVE".into(),
                ou_path: String::new(),
            },
            finding,
        }
    }

    fn eligible(id: &str) -> Audited {
        let mut root = empty_root();
        root.login_profile = Ok(Some(LoginProfile { created: None }));
        root.mfa_devices = Ok(vec![
            MfaDevice {
                serial: "arn:aws:iam::1:mfa/a".into(),
                enabled: None,
            },
            MfaDevice {
                serial: "GAHT1".into(),
                enabled: None,
            },
        ]);
        audited(id, Finding::Audited(Box::new(root)))
    }

    #[test]
    fn eligible_account_gets_one_step_per_credential() {
        let plan = build(&[eligible("222222222222")], Scope::ALL);
        assert_eq!(
            plan.entries[0].steps,
            vec![
                Step::DeleteLoginProfile,
                Step::DeactivateMfaDevice("arn:aws:iam::1:mfa/a".into()),
                Step::DeactivateMfaDevice("GAHT1".into()),
            ]
        );
    }

    #[test]
    fn only_mfa_leaves_the_login_profile_out() {
        let plan = build(
            &[eligible("222222222222")],
            Scope {
                login_profile: false,
                mfa: true,
            },
        );
        assert_eq!(plan.entries[0].steps.len(), 2);
        assert!(!plan.entries[0].steps.contains(&Step::DeleteLoginProfile));
    }

    #[test]
    fn blocked_and_unknown_are_refused_with_reasons_and_no_steps() {
        let mut blocked = empty_root();
        blocked.login_profile = Ok(Some(LoginProfile { created: None }));
        blocked.access_keys = Ok(vec![AccessKey {
            id: "AKIA1".into(),
            status: "Active".into(),
            last_used: Ok(None),
        }]);
        let mut unknown = empty_root();
        unknown.mfa_devices = Err(service_failure("ListMFADevices"));
        let plan = build(
            &[
                audited("333333333333", Finding::Audited(Box::new(blocked))),
                audited("444444444444", Finding::Audited(Box::new(unknown))),
                audited(
                    "111111111111",
                    Finding::Skipped(SkipReason::ManagementAccount),
                ),
            ],
            Scope::ALL,
        );
        assert_eq!(
            plan.entries.len(),
            2,
            "skipped accounts are not in the plan"
        );
        assert!(plan
            .entries
            .iter()
            .all(|e| e.steps.is_empty() && e.refusal.is_some()));
        let text = render(&plan);
        assert!(text.contains("1 access key(s)"), "{text}");
        assert!(
            text.contains("ListMFADevices: ServiceFailure: boom"),
            "{text}"
        );
    }
}
