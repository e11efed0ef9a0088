//! The scenario file as written on disk: serde structs with spans, before validation.
//!
//! Nothing here interprets values; `validate.rs` checks and converts them. Every key is
//! described in `tests/scenarios/README.md`.
//!
//! Each struct keeps the `Raw…` name serde reports a value of the wrong type with
//! (`#[serde(expecting)]`): `expected struct RawAccount`, as it always was.

use crate::sim::scenario::{raw_guardrails, raw_users};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A whole scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawScenario")]
pub(crate) struct Scenario {
    pub organization: Organization,
    #[serde(default)]
    pub callers: Vec<Caller>,
    #[serde(default)]
    pub ous: Vec<Ou>,
    #[serde(default)]
    pub accounts: Vec<Account>,
    pub generate: Option<Generate>,
    #[serde(default)]
    pub latency: BTreeMap<Spanned<String>, u64>,
    #[serde(default)]
    pub throttle: Vec<Throttle>,
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// `seed`: seeds every random decision (throttle and fault probabilities, session keys).
    pub seed: Option<u64>,
    /// `[[moves]]`: accounts moved to another parent while the tree is walked.
    #[serde(default)]
    pub moves: Vec<Move>,
    /// `[guardrails]`: SCPs, RCPs and the root-session calls they deny.
    #[serde(default)]
    pub guardrails: raw_guardrails::Guardrails,
}

/// `[[moves]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawMove")]
pub(crate) struct Move {
    pub account: Spanned<String>,
    pub to: Spanned<String>,
    #[serde(default)]
    pub after: u64,
    pub parent: Option<Spanned<String>>,
}

/// `[organization]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawOrganization")]
pub(crate) struct Organization {
    pub id: Spanned<String>,
    pub partition: Option<Spanned<String>>,
    pub management_account: Spanned<String>,
    pub management_email: Option<String>,
    pub root_id: Option<Spanned<String>>,
    pub feature_set: Option<Spanned<String>>,
    #[serde(default)]
    pub trusted_access: Vec<String>,
    #[serde(default)]
    pub iam_features: Vec<Spanned<String>>,
    #[serde(default)]
    pub delegated_administrators: Vec<DelegatedAdmin>,
    /// Largest IAM list page (ListMFADevices, ListAccessKeys, ListSigningCertificates).
    pub iam_page_size: Option<Spanned<usize>>,
    /// ListAccounts / ListAccountsForParent answer the first request with no accounts and a
    /// `NextToken` that leads to the real first page.
    pub empty_first_page: Option<bool>,
    /// GenerateCredentialReport calls after the first (STARTED) before it answers COMPLETE.
    pub report_generation_polls: Option<u32>,
    /// Milliseconds GetUser still answers a deleted user and ListAttachedUserPolicies a
    /// detached policy.
    pub iam_consistency_ms: Option<u64>,
    /// Seconds every AssumeRole session lasts, whatever DurationSeconds asks.
    pub role_session_seconds: Option<Spanned<u32>>,
    /// Account listings leave out `Paths`.
    pub omit_paths: Option<bool>,
}

/// One entry of `delegated_administrators`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawDelegatedAdmin")]
pub(crate) struct DelegatedAdmin {
    pub account: Spanned<String>,
    pub service_principal: String,
}

/// `[[callers]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawCaller")]
pub(crate) struct Caller {
    pub access_key_id: Spanned<String>,
    pub secret_access_key: String,
    pub account: Spanned<String>,
    pub arn: Option<String>,
    /// The caller's own IAM user in its account.
    pub user: Option<Spanned<String>>,
}

/// `[[ous]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawOu")]
pub(crate) struct Ou {
    pub id: Spanned<String>,
    pub name: String,
    pub parent: Spanned<String>,
}

/// `[[accounts]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawAccount")]
pub(crate) struct Account {
    pub id: Spanned<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    /// `State`; `""` leaves it out of listings (the account then behaves as `status` says).
    pub state: Option<Spanned<String>>,
    /// The deprecated `Status` as listed, independent of `state`; `""` leaves it out. Absent:
    /// derived from `state` (none for PENDING_ACTIVATION and CLOSED).
    pub status: Option<Spanned<String>>,
    pub ou: Option<Spanned<String>>,
    #[serde(default)]
    pub root: Root,
    /// Roles that can be assumed; absent = OrganizationAccountAccessRole in member accounts.
    pub roles: Option<Vec<Spanned<String>>>,
    /// ExternalId every AssumeRole into this account must send.
    pub external_id: Option<String>,
    /// S3 buckets the account owns.
    #[serde(default)]
    pub buckets: Vec<Bucket>,
    /// SQS queues the account owns (a name and an optional policy, as buckets).
    #[serde(default)]
    pub queues: Vec<Bucket>,
    #[serde(default)]
    pub users: Vec<raw_users::User>,
    #[serde(default)]
    pub groups: Vec<raw_users::Group>,
}

/// `[accounts.root]`: the root user's credentials.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawRoot")]
pub(crate) struct Root {
    pub login_profile: Option<LoginProfile>,
    #[serde(default)]
    pub mfa: Vec<Mfa>,
    #[serde(default)]
    pub access_keys: Vec<AccessKey>,
    #[serde(default)]
    pub signing_certificates: Vec<Certificate>,
}

/// A root password.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawLoginProfile")]
pub(crate) struct LoginProfile {
    pub created: Option<Spanned<String>>,
    pub password_last_used: Option<Spanned<String>>,
}

/// An MFA device.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawMfa")]
pub(crate) struct Mfa {
    pub kind: Spanned<String>,
    pub name: Option<String>,
    pub serial: Option<String>,
    pub enabled: Option<Spanned<String>>,
}

/// A root access key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawAccessKey")]
pub(crate) struct AccessKey {
    pub id: Option<String>,
    pub status: Option<Spanned<String>>,
    pub created: Option<Spanned<String>>,
    pub last_used: Option<Spanned<String>>,
    pub service: Option<String>,
    pub region: Option<String>,
}

/// A root signing certificate.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawCertificate")]
pub(crate) struct Certificate {
    pub id: Option<String>,
    pub status: Option<Spanned<String>>,
    pub uploaded: Option<Spanned<String>>,
}

/// `[generate]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawGenerate")]
pub(crate) struct Generate {
    pub count: usize,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub ous: usize,
    /// Levels of the generated OU tree (1, the default: every OU under the root; at most 5).
    pub ou_depth: Option<Spanned<usize>>,
    /// OUs directly under the root when `ou_depth` > 1 (the rest hang below them).
    pub top_ous: Option<usize>,
    /// Share of generated accounts placed directly under the root instead of in an OU.
    pub under_root: Option<Spanned<f64>>,
    pub login_profile: Option<Spanned<f64>>,
    pub mfa_virtual: Option<Spanned<f64>>,
    pub mfa_hardware: Option<Spanned<f64>>,
    pub mfa_fido: Option<Spanned<f64>>,
    pub access_keys: Option<Spanned<f64>>,
    pub signing_certificates: Option<Spanned<f64>>,
    pub suspended: Option<Spanned<f64>>,
    /// IAM users made in every generated account.
    #[serde(default)]
    pub users_per_account: usize,
    /// Share of generated users never used or unused for 100+ days.
    pub users_stale: Option<Spanned<f64>>,
    /// Share of generated users created within 30 days and never used.
    pub users_new: Option<Spanned<f64>>,
    /// Share of generated users with a direct policy that their group also attaches.
    pub users_redundant_policy: Option<Spanned<f64>>,
    /// Share of generated users with a console password and no MFA.
    pub users_password_without_mfa: Option<Spanned<f64>>,
    /// Share of generated accounts without OrganizationAccountAccessRole.
    pub without_role: Option<Spanned<f64>>,
}

/// `[[throttle]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawThrottle")]
pub(crate) struct Throttle {
    pub operation: Option<Spanned<String>>,
    pub service: Option<Spanned<String>>,
    pub rps: Option<Spanned<f64>>,
    pub probability: Option<Spanned<f64>>,
}

/// `[[faults]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawFault")]
pub(crate) struct Fault {
    pub account: Option<Spanned<String>>,
    pub caller: Option<String>,
    pub operation: Option<Spanned<String>>,
    pub action: Option<Spanned<String>>,
    pub code: Option<String>,
    pub status: Option<Spanned<u16>>,
    pub message: Option<String>,
    #[serde(default)]
    pub after: u64,
    pub times: Option<u64>,
    pub probability: Option<Spanned<f64>>,
}

/// `[[accounts.buckets]]`: an S3 bucket and its policy document (JSON text).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawBucket")]
pub(crate) struct Bucket {
    pub name: Spanned<String>,
    pub policy: Option<Spanned<String>>,
    /// The region it is in; absent = the simulator's region (us-east-1).
    pub region: Option<Spanned<String>>,
}
