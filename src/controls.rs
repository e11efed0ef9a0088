//! The one table of the controls rootsweep proves, as AWS Security Hub (FSBP) and the CIS AWS
//! Foundations Benchmark number them, and what a report row says it proves. The users job
//! judges its controls by these entries, the findings file numbers its findings by them and the
//! JSON reports list them per row: nothing else holds a control's numbers. Pure data.

use serde::Serialize;

/// How grave a failed or unknown control is (a passed one is informational).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Nothing to do.
    Informational,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// The OCSF `severity_id` and caption.
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
pub struct Def {
    /// rootsweep's id: the Security Hub id when there is one, else `CIS-<number>`.
    pub id: &'static str,
    /// AWS Security Hub, AWS Foundational Security Best Practices.
    pub fsbp: Option<&'static str>,
    /// CIS AWS Foundations Benchmark v1.2.0 (as Security Hub's CIS v1.2.0 standard numbers it).
    pub cis_v1_2: Option<&'static str>,
    /// CIS AWS Foundations Benchmark v3.0.0.
    pub cis_v3: Option<&'static str>,
    /// CIS AWS Foundations Benchmark v7.0.0.
    pub cis_v7: Option<&'static str>,
    /// What the control asks, in a few words.
    pub title: &'static str,
    /// The severity of a failed or unknown finding.
    pub severity: Severity,
}

/// AWS Security Hub's AWS Foundational Security Best Practices standard.
pub const FSBP: &str = "AWS Foundational Security Best Practices v1.0.0";
/// CIS AWS Foundations Benchmark v3.0.0.
pub const CIS_V3: &str = "CIS AWS Foundations Benchmark v3.0.0";
/// CIS AWS Foundations Benchmark v7.0.0.
pub const CIS_V7: &str = "CIS AWS Foundations Benchmark v7.0.0";

impl Def {
    /// The standards the control is numbered in (FSBP, CIS v3.0.0, CIS v7.0.0).
    pub fn standards(&self) -> Vec<&'static str> {
        [
            (FSBP, self.fsbp),
            (CIS_V3, self.cis_v3),
            (CIS_V7, self.cis_v7),
        ]
        .into_iter()
        .filter_map(|(name, id)| id.map(|_| name))
        .collect()
    }

    /// Each standard's number of the control (`FSBP IAM.4`, `CIS v3.0.0 1.4`).
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

/// A root or guardrail control: numbered in FSBP and CIS v3.0/v7.0 only.
const fn root(
    id: &'static str,
    fsbp: Option<&'static str>,
    cis: (Option<&'static str>, &'static str),
    title: &'static str,
    severity: Severity,
) -> Def {
    Def {
        id,
        fsbp,
        cis_v1_2: None,
        cis_v3: cis.0,
        cis_v7: Some(cis.1),
        title,
        severity,
    }
}

/// The root user has no access key.
pub const ROOT_ACCESS_KEY: Def = root(
    "IAM.4",
    Some("IAM.4"),
    (Some("1.4"), "2.4"),
    "IAM root user access key should not exist",
    Severity::Critical,
);

/// The root user signs in only with MFA.
pub const ROOT_MFA: Def = root(
    "IAM.9",
    Some("IAM.9"),
    (Some("1.5"), "2.5"),
    "MFA should be enabled for the root user",
    Severity::Critical,
);

/// The root user signs in only with hardware MFA.
pub const ROOT_HARDWARE_MFA: Def = root(
    "IAM.6",
    Some("IAM.6"),
    (Some("1.6"), "2.6"),
    "Hardware MFA should be enabled for the root user",
    Severity::Critical,
);

/// The member account's root credentials are absent, managed centrally by the organization.
pub const CENTRAL_ROOT: Def = root(
    "CIS-2.1.1",
    None,
    (None, "2.1.1"),
    "root user credentials are absent under centralized root access",
    Severity::High,
);

/// Long-term root credentials are refused by the organization's authorization guardrails.
pub const ROOT_GUARDRAIL: Def = root(
    "CIS-2.1.2",
    None,
    (None, "2.1.2"),
    "authorization guardrails refuse long-term root credentials",
    Severity::High,
);

/// An IAM user control.
const fn user(
    id: &'static str,
    fsbp: Option<&'static str>,
    cis: [Option<&'static str>; 3],
    title: &'static str,
    severity: Severity,
) -> Def {
    Def {
        id,
        fsbp,
        cis_v1_2: cis[0],
        cis_v3: cis[1],
        cis_v7: cis[2],
        title,
        severity,
    }
}

/// Credentials unused for 45 days or more are disabled.
pub const UNUSED_45: Def = user(
    "IAM.22",
    Some("IAM.22"),
    [None, Some("1.12"), Some("2.11")],
    "credentials unused for 45 days or more are disabled",
    Severity::Medium,
);

/// Credentials unused for 90 days or more are disabled.
pub const UNUSED_90: Def = user(
    "IAM.8",
    Some("IAM.8"),
    [Some("1.3"), None, None],
    "credentials unused for 90 days or more are disabled",
    Severity::Medium,
);

/// Active access keys are rotated every 90 days or less.
pub const KEY_ROTATED_90: Def = user(
    "IAM.3",
    Some("IAM.3"),
    [Some("1.4"), Some("1.14"), None],
    "access keys are rotated every 90 days or less",
    Severity::Medium,
);

/// At most one active access key per user.
pub const ONE_ACTIVE_KEY: Def = user(
    "CIS-1.13",
    None,
    [None, Some("1.13"), None],
    "only one active access key per IAM user",
    Severity::Medium,
);

/// A user with a console password has MFA.
pub const CONSOLE_MFA: Def = user(
    "IAM.5",
    Some("IAM.5"),
    [Some("1.2"), Some("1.10"), None],
    "MFA is enabled for every IAM user with a console password",
    Severity::Medium,
);

/// Permissions come through groups, not policies attached to the user.
pub const NO_USER_POLICIES: Def = user(
    "IAM.2",
    Some("IAM.2"),
    [Some("1.16"), Some("1.15"), None],
    "IAM users receive permissions only through groups",
    Severity::Low,
);

/// Every IAM user control, in report order.
pub const USERS: [Def; 6] = [
    UNUSED_45,
    UNUSED_90,
    KEY_ROTATED_90,
    ONE_ACTIVE_KEY,
    CONSOLE_MFA,
    NO_USER_POLICIES,
];

/// A control's ids, as a change report's JSON row names the controls its change acts on (how
/// each stands after the run is the findings file's to say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ids {
    /// rootsweep's id.
    pub control: &'static str,
    /// The Security Hub (FSBP) id.
    pub fsbp: Option<&'static str>,
    /// The CIS v3.0.0 number.
    pub cis_v3: Option<&'static str>,
    /// The CIS v7.0.0 number.
    pub cis_v7: Option<&'static str>,
}

/// The ids of each control of `defs`.
pub fn ids(defs: &[Def]) -> Vec<Ids> {
    defs.iter()
        .map(|d| Ids {
            control: d.id,
            fsbp: d.fsbp,
            cis_v3: d.cis_v3,
            cis_v7: d.cis_v7,
        })
        .collect()
}

/// The controls a `delete` acts on: the root user's password and MFA devices go (IAM.9, IAM.6),
/// which leaves no root credential (CIS 2.1.1) where no key or certificate remains.
pub const ROOT_DELETE: [Def; 3] = [ROOT_MFA, ROOT_HARDWARE_MFA, CENTRAL_ROOT];

/// The controls the deactivation (or removal) of one credential acts on, by the change report's
/// `credential_type`: a password's unused-credential and console-MFA controls, an access key's
/// unused-credential, rotation and one-active-key controls; none for the kinds no control in
/// this table is about (SSH public keys, service-specific credentials, signing certificates).
pub fn of_credential(credential_type: &str) -> Vec<Ids> {
    match credential_type {
        "password" => ids(&[UNUSED_45, UNUSED_90, CONSOLE_MFA]),
        "access-key" => ids(&[UNUSED_45, UNUSED_90, KEY_ROTATED_90, ONE_ACTIVE_KEY]),
        _ => Vec::new(),
    }
}

/// How a control stands for the subject of a report row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The control holds.
    Passed,
    /// The control fails.
    Failed,
    /// What the control needs could not be read: never passed.
    Unknown,
}

/// One control a report row proves, for its JSON `compliance` list: the control's numbers, the
/// credential it is about, how it stands and the uid of its finding in the findings file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proven {
    /// rootsweep's id.
    pub control: &'static str,
    /// The Security Hub (FSBP) id.
    pub fsbp: Option<&'static str>,
    /// The CIS v3.0.0 number.
    pub cis_v3: Option<&'static str>,
    /// The CIS v7.0.0 number.
    pub cis_v7: Option<&'static str>,
    /// The credential (`password`, `access_key_1`, `mfa`, …); empty for the principal.
    pub credential: String,
    /// Passed, failed or unknown.
    pub status: Status,
    /// `finding_info.uid` of the finding in `findings-<UTC>.ocsf.json`.
    pub finding_uid: String,
}

impl Proven {
    /// What `def` proves for `credential`, with the finding's uid.
    pub fn new(def: &Def, credential: &str, status: Status, finding_uid: String) -> Proven {
        Proven {
            control: def.id,
            fsbp: def.fsbp,
            cis_v3: def.cis_v3,
            cis_v7: def.cis_v7,
            credential: credential.to_string(),
            status,
            finding_uid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_id_is_unique_and_numbered_in_some_standard() {
        let all: Vec<Def> = [
            ROOT_ACCESS_KEY,
            ROOT_MFA,
            ROOT_HARDWARE_MFA,
            CENTRAL_ROOT,
            ROOT_GUARDRAIL,
        ]
        .into_iter()
        .chain(USERS)
        .collect();
        let ids: std::collections::BTreeSet<_> = all.iter().map(|d| d.id).collect();
        assert_eq!(ids.len(), all.len());
        assert!(all
            .iter()
            .all(|d| !d.standards().is_empty() || d.cis_v1_2.is_some()));
        assert_eq!(
            ROOT_ACCESS_KEY.requirements(),
            ["FSBP IAM.4", "CIS v3.0.0 1.4", "CIS v7.0.0 2.4"]
        );
        assert_eq!(ROOT_GUARDRAIL.standards(), [CIS_V7]);
    }

    #[test]
    fn a_credential_change_names_the_controls_about_that_credential_only() {
        let names = |t: &str| -> Vec<&str> { of_credential(t).iter().map(|i| i.control).collect() };
        assert_eq!(names("password"), ["IAM.22", "IAM.8", "IAM.5"]);
        assert_eq!(
            names("access-key"),
            ["IAM.22", "IAM.8", "IAM.3", "CIS-1.13"]
        );
        for unmonitored in [
            "ssh-public-key",
            "service-specific-credential",
            "signing-certificate",
        ] {
            assert!(names(unmonitored).is_empty(), "{unmonitored}");
        }
        let root: Vec<Ids> = ids(&ROOT_DELETE);
        assert_eq!(
            root.iter()
                .map(|i| (i.control, i.cis_v7))
                .collect::<Vec<_>>(),
            [
                ("IAM.9", Some("2.5")),
                ("IAM.6", Some("2.6")),
                ("CIS-2.1.1", Some("2.1.1"))
            ]
        );
        let json = serde_json::to_value(ids(&[UNUSED_45])).expect("json");
        assert_eq!(
            json,
            serde_json::json!([{ "control": "IAM.22", "fsbp": "IAM.22", "cis_v3": "1.12",
                                 "cis_v7": "2.11" }])
        );
    }
}
