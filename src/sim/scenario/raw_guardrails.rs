//! `[guardrails]` as written on disk: the organization's SCPs and RCPs, where each is attached,
//! and which root-session calls they deny. Serde structs with spans; `validate::guardrails`
//! checks them. Every key is described in `tests/scenarios/README.md`.

use serde::Deserialize;
use toml::Spanned;

/// `[guardrails]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawGuardrails")]
pub(crate) struct Guardrails {
    /// The enabled policy types; absent: SCPs (in an all-features organization), and RCPs when
    /// a resource control policy is declared.
    pub policy_types: Option<Vec<Spanned<String>>>,
    /// Targets `FullAWSAccess` is not attached to (it is everywhere else).
    #[serde(default)]
    pub full_aws_access_detached: Vec<Spanned<String>>,
    #[serde(default)]
    pub policies: Vec<Policy>,
    #[serde(default)]
    pub denials: Vec<Denial>,
}

/// `[[guardrails.policies]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawPolicy")]
pub(crate) struct Policy {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub targets: Vec<Spanned<String>>,
    pub content: Spanned<String>,
}

/// `[[guardrails.denials]]`: root-session calls of `actions` in `accounts` are denied, by
/// `policy` or (with `no_allow`) because no SCP allows them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawDenial")]
pub(crate) struct Denial {
    pub accounts: Spanned<Vec<Spanned<String>>>,
    pub actions: Spanned<Vec<String>>,
    pub policy: Option<Spanned<String>>,
    #[serde(default)]
    pub no_allow: bool,
    #[serde(default)]
    pub policy_arn_in_message: bool,
}
