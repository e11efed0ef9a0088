//! OCSF 1.x Detection Findings (class 2004) built from a run's own JSON report: one finding per
//! control and account (per user and credential for IAM users), passed, failed or unknown. Pure:
//! the builders take report rows and return findings; only [`file`] reads and writes files.
//!
//! OCSF's Detection Finding has no `compliance` attribute (that object belongs to the Compliance
//! Finding class), so the control ids travel in `unmapped.compliance`, shaped as OCSF's
//! `compliance` object.

pub mod event;
pub mod file;
pub mod guardrails;
pub mod page;
pub mod root;
pub mod since;
pub mod users;

pub use event::Finding;

/// How one control stands for one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The control holds (a clean account or user where the control applies).
    Passed,
    /// The control fails.
    Failed,
    /// What the control needs could not be read (an errored check): never passed.
    Unknown,
}

/// OCSF severity ids (`severity_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// 1.
    Informational,
    /// 2.
    Low,
    /// 3.
    Medium,
    /// 4.
    High,
    /// 5.
    Critical,
}

impl Severity {
    /// The OCSF id and caption.
    pub fn ocsf(self) -> (u8, &'static str) {
        match self {
            Severity::Informational => (1, "Informational"),
            Severity::Low => (2, "Low"),
            Severity::Medium => (3, "Medium"),
            Severity::High => (4, "High"),
            Severity::Critical => (5, "Critical"),
        }
    }
}

/// One control as the standards number it; `None` where rootsweep claims no number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    /// rootsweep's id: the Security Hub id when there is one, else `CIS-<v7.0 or v3.0 number>`.
    pub id: &'static str,
    /// AWS Security Hub, AWS Foundational Security Best Practices.
    pub fsbp: Option<&'static str>,
    /// CIS AWS Foundations Benchmark v3.0.0.
    pub cis_v3: Option<&'static str>,
    /// CIS AWS Foundations Benchmark v7.0.0.
    pub cis_v7: Option<&'static str>,
    /// What the control asks, in a few words.
    pub title: &'static str,
    /// The severity of a failed or unknown finding (a passed one is informational).
    pub severity: Severity,
}

impl Control {
    /// The standards the control is numbered in, as OCSF's `compliance.standards` names them.
    pub fn standards(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.fsbp.is_some() {
            out.push(FSBP);
        }
        if self.cis_v3.is_some() {
            out.push(CIS_V3);
        }
        if self.cis_v7.is_some() {
            out.push(CIS_V7);
        }
        out
    }

    /// Each standard's number of the control (`FSBP IAM.4`, `CIS v3.0.0 1.4`), for
    /// `compliance.requirements`.
    pub fn requirements(&self) -> Vec<String> {
        [
            ("FSBP", self.fsbp),
            ("CIS v3.0.0", self.cis_v3),
            ("CIS v7.0.0", self.cis_v7),
        ]
        .into_iter()
        .filter_map(|(std, id)| id.map(|id| format!("{std} {id}")))
        .collect()
    }
}

/// AWS Security Hub's AWS Foundational Security Best Practices standard.
pub const FSBP: &str = "AWS Foundational Security Best Practices v1.0.0";
/// CIS AWS Foundations Benchmark v3.0.0.
pub const CIS_V3: &str = "CIS AWS Foundations Benchmark v3.0.0";
/// CIS AWS Foundations Benchmark v7.0.0.
pub const CIS_V7: &str = "CIS AWS Foundations Benchmark v7.0.0";

/// The root user has no access key.
pub const ROOT_ACCESS_KEY: Control = Control {
    id: "IAM.4",
    fsbp: Some("IAM.4"),
    cis_v3: Some("1.4"),
    cis_v7: Some("2.4"),
    title: "IAM root user access key should not exist",
    severity: Severity::Critical,
};

/// The root user signs in only with MFA.
pub const ROOT_MFA: Control = Control {
    id: "IAM.9",
    fsbp: Some("IAM.9"),
    cis_v3: Some("1.5"),
    cis_v7: Some("2.5"),
    title: "MFA should be enabled for the root user",
    severity: Severity::Critical,
};

/// The root user signs in only with hardware MFA.
pub const ROOT_HARDWARE_MFA: Control = Control {
    id: "IAM.6",
    fsbp: Some("IAM.6"),
    cis_v3: Some("1.6"),
    cis_v7: Some("2.6"),
    title: "Hardware MFA should be enabled for the root user",
    severity: Severity::Critical,
};

/// The member account's root credentials are absent, managed centrally by the organization.
pub const CENTRAL_ROOT: Control = Control {
    id: "CIS-2.1.1",
    fsbp: None,
    cis_v3: None,
    cis_v7: Some("2.1.1"),
    title: "root user credentials are absent under centralized root access",
    severity: Severity::High,
};

/// Long-term root credentials are refused by the organization's authorization guardrails.
pub const ROOT_GUARDRAIL: Control = Control {
    id: "CIS-2.1.2",
    fsbp: None,
    cis_v3: None,
    cis_v7: Some("2.1.2"),
    title: "authorization guardrails refuse long-term root credentials",
    severity: Severity::High,
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

    #[test]
    fn requirements_name_each_standard_the_control_is_numbered_in() {
        assert_eq!(
            ROOT_ACCESS_KEY.requirements(),
            ["FSBP IAM.4", "CIS v3.0.0 1.4", "CIS v7.0.0 2.4"]
        );
        assert_eq!(ROOT_GUARDRAIL.standards(), [CIS_V7]);
    }
}
