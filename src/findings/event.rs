//! The OCSF Detection Finding event as rootsweep fills it, and the one function that builds it
//! from a judged check. Pure: no clock (the run's time comes in), no I/O.

use super::{uid, Control, Outcome, Severity};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.5.0";
/// Detection Finding.
const CLASS_UID: u32 = 2004;
/// Findings.
const CATEGORY_UID: u32 = 2;
/// Create: each run reports its findings anew.
const ACTIVITY_ID: u32 = 1;

/// What every finding of one run shares (from the report's run information).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The organization id (`o-…`).
    pub organization: String,
    /// The AWS partition (`aws`).
    pub partition: String,
    /// The region the run used (empty: none).
    pub region: String,
    /// When the run started, milliseconds since the epoch.
    pub time_ms: i64,
    /// rootsweep's version.
    pub version: String,
    /// The command that ran (`audit`, `users audit`, `guardrails`).
    pub command: String,
}

#[cfg(test)]
impl Run {
    /// The run of the findings modules' tests: organization `o-abc`, no region, time 0.
    pub(crate) fn of_test(command: &str) -> Run {
        Run {
            organization: "o-abc".into(),
            partition: "aws".into(),
            region: String::new(),
            time_ms: 0,
            version: "0".into(),
            command: command.into(),
        }
    }
}

/// The account a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Account {
    /// The account id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// OU names from the root, `/`-joined (empty: not in the report).
    pub ou_path: String,
    /// The id of the OU the account is in (empty: not in the report).
    pub ou_id: String,
}

/// The evidence values of one report row, shared by the checks made of it (not copied).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evidences(pub Arc<Map<String, Value>>);

impl From<Map<String, Value>> for Evidences {
    fn from(map: Map<String, Value>) -> Evidences {
        Evidences(Arc::new(map))
    }
}

impl Serialize for Evidences {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// One judged control for one account, principal and credential.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Which control.
    pub control: Control,
    /// Passed, failed or unknown.
    pub outcome: Outcome,
    /// `root`, or the IAM user's name; empty for an account as a whole.
    pub principal: String,
    /// The principal's ARN (empty for an account as a whole).
    pub principal_arn: String,
    /// The credential (`password`, `access_key_1`, `login_profile`, …); empty for the principal.
    pub credential: String,
    /// The credential's own id when the reports know it (an access key id); else empty.
    pub credential_id: String,
    /// What was found, in a sentence.
    pub desc: String,
    /// The evidence values (last use, age, counts), as the report gives them: one map per
    /// report row, shared by that row's checks.
    pub evidence: Evidences,
}

impl Check {
    /// The stable `finding_info.uid` of this check for `account` (an account as a whole is
    /// principal `account`).
    pub fn uid(&self, account: &str) -> String {
        let principal = if self.principal.is_empty() {
            "account"
        } else {
            &self.principal
        };
        uid(&self.control, account, principal, &self.credential)
    }
}

/// One OCSF Detection Finding (class 2004), serialized as OCSF names its attributes. Typed
/// throughout (no `serde_json::Value` tree per finding): a users audit of a thousand accounts
/// writes about ninety thousand of them. Nested objects list their attributes in name order.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    class_uid: u32,
    class_name: &'static str,
    category_uid: u32,
    category_name: &'static str,
    activity_id: u32,
    activity_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    severity_id: u8,
    severity: &'static str,
    status_id: u8,
    status: &'static str,
    status_code: &'static str,
    time: i64,
    message: String,
    metadata: Metadata,
    finding_info: Info,
    cloud: Cloud,
    resources: Vec<Resource>,
    evidences: [Evidence; 1],
    unmapped: Unmapped,
}

/// OCSF `metadata`.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Metadata {
    event_code: &'static str,
    product: Product,
    version: &'static str,
}

/// OCSF `metadata.product`.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Product {
    feature: Named,
    name: &'static str,
    vendor_name: &'static str,
    version: String,
}

/// An object with a name only (`metadata.product.feature`).
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Named {
    name: String,
}

/// OCSF `finding_info`.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Info {
    desc: String,
    title: &'static str,
    types: [&'static str; 1],
    uid: String,
}

/// OCSF `cloud`: the provider, the region, the account and its organization and OU.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Cloud {
    account: CloudAccount,
    org: Org,
    provider: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    region: String,
}

/// OCSF `cloud.account`.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct CloudAccount {
    name: String,
    #[serde(rename = "type")]
    type_: &'static str,
    type_id: u8,
    uid: String,
}

/// OCSF `cloud.org` (the OU only when the report names it).
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Org {
    #[serde(skip_serializing_if = "Option::is_none")]
    ou_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ou_uid: Option<String>,
    uid: String,
}

/// One OCSF `resources` entry: the account, the principal or the credential.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Resource {
    cloud_partition: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<CredentialData>,
    name: String,
    #[serde(rename = "type")]
    type_: &'static str,
    uid: String,
}

/// A credential resource's `data`: its own id.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct CredentialData {
    credential_id: String,
}

/// OCSF `evidences` entry: the control and the report's values.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Evidence {
    data: Evidences,
    name: &'static str,
}

/// OCSF `unmapped`: the control ids, shaped as OCSF's `compliance` object.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Unmapped {
    compliance: Compliance,
}

/// The `compliance` object of one finding.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Compliance {
    control: &'static str,
    requirements: Vec<String>,
    standards: Vec<&'static str>,
    status: &'static str,
    status_id: u8,
}

impl Finding {
    /// The stable `finding_info.uid`.
    pub fn uid(&self) -> &str {
        &self.finding_info.uid
    }

    /// How the control stands: `PASS`, `FAIL` or `UNKNOWN`.
    pub fn status_code(&self) -> &'static str {
        self.status_code
    }

    /// What a later comparison keeps of this finding: as [`super::since::read`] reads it back
    /// from the file.
    pub fn seen(&self) -> super::since::Seen {
        super::since::Seen {
            uid: self.finding_info.uid.clone(),
            code: self.status_code.to_string(),
            account: self.cloud.account.uid.clone(),
            time: self.time,
            command: self.metadata.product.feature.name.clone(),
        }
    }
}

/// OCSF's finding status (`status_id`, `status`) and the check's own word (`status_code`); and
/// the compliance status (`status_id`, `status`). A passed control is a resolved finding; an
/// errored check is unknown, never passed.
fn statuses(outcome: Outcome) -> ((u8, &'static str, &'static str), (u8, &'static str)) {
    match outcome {
        Outcome::Passed => ((4, "Resolved", "PASS"), (1, "Pass")),
        Outcome::Failed => ((1, "New", "FAIL"), (3, "Fail")),
        Outcome::Unknown => ((0, "Unknown", "UNKNOWN"), (0, "Unknown")),
    }
}

/// The account, the principal and the credential a finding is about.
fn resources(run: &Run, account: &Account, check: &Check) -> Vec<Resource> {
    let resource = |uid: String, name: &str, type_| Resource {
        cloud_partition: run.partition.clone(),
        data: None,
        name: name.to_string(),
        type_,
        uid,
    };
    let mut resources = vec![resource(
        account.id.clone(),
        &account.name,
        "AWS::Organizations::Account",
    )];
    if !check.principal_arn.is_empty() {
        resources.push(resource(
            check.principal_arn.clone(),
            &check.principal,
            "AWS::IAM::User",
        ));
    }
    if !check.credential.is_empty() {
        let uid = format!("{}#{}", check.principal_arn, check.credential);
        let mut credential = resource(uid, &check.credential, "AWS::IAM::Credential");
        if !check.credential_id.is_empty() {
            credential.data = Some(CredentialData {
                credential_id: check.credential_id.clone(),
            });
        }
        resources.push(credential);
    }
    resources
}

/// OCSF's `cloud` of an account.
fn cloud(run: &Run, account: &Account) -> Cloud {
    let ou = |v: &String| (!account.ou_path.is_empty()).then(|| v.clone());
    Cloud {
        account: CloudAccount {
            name: account.name.clone(),
            type_: "AWS Account",
            type_id: 10,
            uid: account.id.clone(),
        },
        org: Org {
            ou_name: ou(&account.ou_path),
            ou_uid: ou(&account.ou_id),
            uid: run.organization.clone(),
        },
        provider: "AWS",
        region: run.region.clone(),
    }
}

/// Builds the finding of `check` for `account` in `run`.
pub fn finding(run: &Run, account: &Account, check: Check) -> Finding {
    let c = check.control;
    let ((status_id, status, code), (compliance_id, compliance)) = statuses(check.outcome);
    let severity = match check.outcome {
        Outcome::Passed => Severity::Informational,
        _ => c.severity,
    };
    let (severity_id, severity) = severity.ocsf();
    let uid = check.uid(&account.id);
    let resources = resources(run, account, &check);
    Finding {
        class_uid: CLASS_UID,
        class_name: "Detection Finding",
        category_uid: CATEGORY_UID,
        category_name: "Findings",
        activity_id: ACTIVITY_ID,
        activity_name: "Create",
        type_uid: CLASS_UID * 100 + ACTIVITY_ID,
        type_name: "Detection Finding: Create",
        severity_id,
        severity,
        status_id,
        status,
        status_code: code,
        time: run.time_ms,
        message: format!("{}: {}", c.id, check.desc),
        metadata: Metadata {
            event_code: c.id,
            product: Product {
                feature: Named {
                    name: run.command.clone(),
                },
                name: "rootsweep",
                vendor_name: "rootsweep",
                version: run.version.clone(),
            },
            version: OCSF_VERSION,
        },
        finding_info: Info {
            desc: check.desc,
            title: c.title,
            types: ["Software and Configuration Checks/Industry and Regulatory Standards"],
            uid,
        },
        cloud: cloud(run, account),
        resources,
        evidences: [Evidence {
            data: check.evidence,
            name: c.id,
        }],
        unmapped: Unmapped {
            compliance: Compliance {
                control: c.id,
                requirements: c.requirements(),
                standards: c.standards(),
                status: compliance,
                status_id: compliance_id,
            },
        },
    }
}

#[cfg(test)]
#[path = "event_tests.rs"]
mod tests;
