//! Pure: one account's root audit → its entry in the delete plan. The dry run shows the entry;
//! the delete applies exactly its steps.

use super::model::{Credentials, Finding, Verdict};
use crate::call::Error;
use crate::model::Account;
use crate::run::job::{Disposition, Entry};
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

    /// The scope's names, as the plan shows them.
    pub fn names(self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.login_profile {
            names.push("login-profile");
        }
        if self.mfa {
            names.push("mfa");
        }
        names
    }
}

/// One call the delete makes.
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

/// The steps `scope` calls for on a root user as found, in the order they are applied.
pub fn steps(root: &Credentials, scope: Scope) -> Vec<Step> {
    let mut steps = Vec::new();
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
    steps
}

/// Plans one audited account.
pub fn entry(account: &Account, finding: &Finding, scope: Scope) -> Entry<Step> {
    let verdict = finding.verdict();
    let (disposition, steps, reason) = match (finding, verdict) {
        (Finding::Audited(root), Verdict::Eligible) => {
            let steps = steps(root, scope);
            if steps.is_empty() {
                (
                    Disposition::NothingInScope,
                    steps,
                    Some(out_of_scope(root, scope)),
                )
            } else {
                (Disposition::Change, steps, None)
            }
        }
        (Finding::Audited(root), Verdict::Blocked) => {
            let keys = root.access_keys.as_ref().map(Vec::len).unwrap_or(0);
            let certs = root
                .signing_certificates
                .as_ref()
                .map(Vec::len)
                .unwrap_or(0);
            (
                Disposition::Blocked,
                Vec::new(),
                Some(format!(
                    "blocked: root has {keys} access key(s) and {certs} signing certificate(s), which may be in use; \
                     find what uses them, remove them yourself (out of rootsweep's scope), then re-run"
                )),
            )
        }
        (finding, Verdict::Unknown) => {
            let why = match finding {
                Finding::NoSession(e) => e.to_string(),
                Finding::Audited(root) => join_errors(&root.errors()),
            };
            (
                Disposition::Unknown,
                Vec::new(),
                Some(format!(
                    "unknown: the audit could not establish the root user's state ({why}); fix the cause and re-run"
                )),
            )
        }
        _ => (Disposition::AlreadyClean, Vec::new(), None),
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

/// What an eligible account holds that `scope` leaves alone.
fn out_of_scope(root: &Credentials, scope: Scope) -> String {
    let mut present = Vec::new();
    if !scope.login_profile && matches!(root.login_profile, Ok(Some(_))) {
        present.push("a login profile".to_string());
    }
    if !scope.mfa {
        if let Ok(devices) = &root.mfa_devices {
            if !devices.is_empty() {
                present.push(format!("{} MFA device(s)", devices.len()));
            }
        }
    }
    format!(
        "nothing in scope ({}): {} remain(s)",
        scope.names().join(", "),
        present.join(" and ")
    )
}

/// `Operation: Code: message` for each error, `; `-joined.
pub fn join_errors(errors: &[&Error]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LoginProfile;
    use crate::root::model::{AccessKey, MfaDevice};
    use crate::root::verdict::tests::{empty_root, service_failure};

    fn account(id: &str) -> Account {
        Account {
            id: id.into(),
            name: format!("acct-{id}"),
            email: String::new(),
            state: "ACTIVE".into(),
            ou_path: String::new(),
            ou_ids: String::new(),
        }
    }

    fn eligible() -> Finding {
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
        Finding::Audited(Box::new(root))
    }

    const ONLY_LOGIN: Scope = Scope {
        login_profile: true,
        mfa: false,
    };

    #[test]
    fn steps_read_as_the_calls_they_make() {
        assert_eq!(Step::DeleteLoginProfile.to_string(), "delete login profile");
        assert_eq!(
            Step::DeactivateMfaDevice("GAHT1".into()).to_string(),
            "deactivate MFA device GAHT1"
        );
    }

    #[test]
    fn eligible_account_gets_one_step_per_credential() {
        let e = entry(&account("222222222222"), &eligible(), Scope::ALL);
        assert_eq!(e.disposition, Disposition::Change);
        assert_eq!(
            e.steps,
            vec![
                Step::DeleteLoginProfile,
                Step::DeactivateMfaDevice("arn:aws:iam::1:mfa/a".into()),
                Step::DeactivateMfaDevice("GAHT1".into()),
            ]
        );
    }

    #[test]
    fn only_mfa_leaves_the_login_profile_out() {
        let scope = Scope {
            login_profile: false,
            mfa: true,
        };
        let e = entry(&account("222222222222"), &eligible(), scope);
        assert_eq!(e.steps.len(), 2);
        assert!(!e.steps.contains(&Step::DeleteLoginProfile));
    }

    #[test]
    fn an_mfa_only_account_under_only_login_profile_is_nothing_in_scope_not_clean() {
        let mut root = empty_root();
        root.mfa_devices = Ok(vec![MfaDevice {
            serial: "GAHT1".into(),
            enabled: None,
        }]);
        let e = entry(
            &account("222222222222"),
            &Finding::Audited(Box::new(root)),
            ONLY_LOGIN,
        );
        assert_eq!(e.disposition, Disposition::NothingInScope);
        assert!(e.steps.is_empty());
        assert_eq!(
            e.reason.as_deref(),
            Some("nothing in scope (login-profile): 1 MFA device(s) remain(s)")
        );
    }

    #[test]
    fn a_login_only_account_under_only_mfa_names_the_login_profile_it_leaves() {
        let mut root = empty_root();
        root.login_profile = Ok(Some(LoginProfile { created: None }));
        let only_mfa = Scope {
            login_profile: false,
            mfa: true,
        };
        let e = entry(
            &account("222222222222"),
            &Finding::Audited(Box::new(root)),
            only_mfa,
        );
        assert_eq!(e.disposition, Disposition::NothingInScope);
        assert_eq!(
            e.reason.as_deref(),
            Some("nothing in scope (mfa): a login profile remain(s)")
        );
    }

    #[test]
    fn what_remains_out_of_scope_names_only_what_the_root_user_holds() {
        let mut root = empty_root();
        root.mfa_devices = Ok(vec![MfaDevice {
            serial: "GAHT1".into(),
            enabled: None,
        }]);
        let none = Scope {
            login_profile: false,
            mfa: false,
        };
        assert_eq!(
            out_of_scope(&root, none),
            "nothing in scope (): 1 MFA device(s) remain(s)"
        );
    }

    #[test]
    fn a_clean_account_is_already_clean_with_no_reason() {
        let e = entry(
            &account("222222222222"),
            &Finding::Audited(Box::new(empty_root())),
            Scope::ALL,
        );
        assert_eq!(e.disposition, Disposition::AlreadyClean);
        assert_eq!(e.reason, None);
        assert_eq!(e.verdict, "clean");
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
        let e = entry(
            &account("333333333333"),
            &Finding::Audited(Box::new(blocked)),
            Scope::ALL,
        );
        assert_eq!(e.disposition, Disposition::Blocked);
        assert!(e.steps.is_empty() && e.refused());
        assert!(e
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("1 access key(s) and 0 signing certificate(s)")));

        let mut unknown = empty_root();
        unknown.mfa_devices = Err(service_failure("ListMFADevices"));
        let e = entry(
            &account("444444444444"),
            &Finding::Audited(Box::new(unknown)),
            Scope::ALL,
        );
        assert_eq!(e.disposition, Disposition::Unknown);
        assert!(e
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("(ListMFADevices: ServiceFailure: boom)")));
    }
}
