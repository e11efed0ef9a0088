//! OCSF 1.x Detection Findings (class 2004) built from a run's own JSON report: one finding per
//! control and account (per user and credential for IAM users), passed, failed or unknown. Pure:
//! the builders take report rows and return findings; only [`file`] reads and writes files.
//!
//! OCSF's Detection Finding has no `compliance` attribute (that object belongs to the Compliance
//! Finding class), so the control ids travel in `unmapped.compliance`, shaped as OCSF's
//! `compliance` object.

pub mod command;
pub mod event;
pub mod file;
pub mod guardrails;
pub mod page;
pub mod proof;
pub mod root;
pub mod settle;
pub mod since;
pub mod users;

pub use event::Finding;

pub use crate::controls::Def as Control;
/// How one control stands for one subject: passed, failed, or unknown (never passed).
pub use crate::controls::Status as Outcome;
pub use crate::controls::{Severity, CIS_V3, CIS_V7, FSBP};
pub use crate::controls::{
    CENTRAL_ROOT, ROOT_ACCESS_KEY, ROOT_GUARDRAIL, ROOT_HARDWARE_MFA, ROOT_MFA,
};

/// The stable id of a finding: the same account, principal, credential and control give the
/// same id in every run (never derived from time).
pub fn uid(control: &Control, account: &str, principal: &str, credential: &str) -> String {
    let mut uid = format!("rootsweep:{}:{account}:{principal}", control.id);
    if !credential.is_empty() {
        uid.push(':');
        uid.push_str(credential);
    }
    uid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_is_made_of_control_account_principal_and_credential_only() {
        assert_eq!(
            uid(&ROOT_ACCESS_KEY, "222222222201", "root", ""),
            "rootsweep:IAM.4:222222222201:root"
        );
        assert_eq!(
            uid(&ROOT_MFA, "2", "alice", "password"),
            "rootsweep:IAM.9:2:alice:password"
        );
    }
}
