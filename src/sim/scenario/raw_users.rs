//! The `[[accounts.users]]` and `[[accounts.groups]]` tables as written on disk: serde structs
//! with spans, before validation (`validate_users.rs` checks and converts them).
//!
//! `Mfa`, `Key` and `Credential` keep the `User…` name serde reports a value of the wrong
//! type with (`#[serde(expecting)]`): `expected struct RawUserKey`, as it always was.

use serde::Deserialize;
use toml::Spanned;

/// `[[accounts.users]]`: one IAM user.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawUser")]
pub(crate) struct User {
    pub name: Spanned<String>,
    pub path: Option<Spanned<String>>,
    /// Days before the simulator started; absent = 365.
    pub created_days_ago: Option<i64>,
    /// Console password; absent = none.
    pub password: Option<Password>,
    #[serde(default)]
    pub mfa: Vec<Mfa>,
    #[serde(default)]
    pub access_keys: Vec<Key>,
    #[serde(default)]
    pub signing_certificates: Vec<Credential>,
    #[serde(default)]
    pub ssh_keys: Vec<Credential>,
    #[serde(default)]
    pub service_credentials: Vec<ServiceCredential>,
    #[serde(default)]
    pub groups: Vec<Spanned<String>>,
    #[serde(default)]
    pub attached_policies: Vec<Spanned<String>>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// ARN of the managed policy set as the permissions boundary.
    pub permissions_boundary: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// The earlier user of this name, which the credential report still shows.
    pub earlier: Option<Earlier>,
}

/// One entry of a user's `tags`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawTag")]
pub(crate) struct Tag {
    pub key: Spanned<String>,
    pub value: Spanned<String>,
}

/// `earlier = { ... }`: the deleted predecessor of a user, as an old credential report shows it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawEarlier")]
pub(crate) struct Earlier {
    /// Absent = a year before the current user was created.
    pub created_days_ago: Option<Spanned<i64>>,
    /// Absent = the current user's path.
    pub path: Option<Spanned<String>>,
    pub password: Option<Password>,
    #[serde(default)]
    pub access_keys: Vec<Key>,
    #[serde(default)]
    pub signing_certificates: Vec<Credential>,
}

/// `password = { ... }`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawPassword")]
pub(crate) struct Password {
    /// When the password was set (`password_last_changed`); absent = when the user was created.
    pub created_days_ago: Option<i64>,
    /// Last console sign-in; absent = never used.
    pub last_used_days_ago: Option<i64>,
}

/// One entry of a user's `mfa`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawUserMfa")]
pub(crate) struct Mfa {
    pub kind: Spanned<String>,
    pub name: Option<String>,
    pub serial: Option<String>,
    pub enabled_days_ago: Option<i64>,
}

/// One entry of a user's `access_keys`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawUserKey")]
pub(crate) struct Key {
    pub id: Option<Spanned<String>>,
    #[serde(default = "yes")]
    pub active: bool,
    pub created_days_ago: Option<i64>,
    pub last_used_days_ago: Option<i64>,
    pub service: Option<String>,
    pub region: Option<String>,
}

/// One entry of a user's `signing_certificates` or `ssh_keys`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawUserCredential")]
pub(crate) struct Credential {
    pub id: Option<Spanned<String>>,
    #[serde(default = "yes")]
    pub active: bool,
    pub uploaded_days_ago: Option<i64>,
    /// The certificate's PEM or the SSH key's `ssh-rsa …` line; absent = generated.
    pub body: Option<Spanned<String>>,
}

/// One entry of a user's `service_credentials`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawServiceCredential")]
pub(crate) struct ServiceCredential {
    pub service: Spanned<String>,
    pub id: Option<Spanned<String>>,
    #[serde(default = "yes")]
    pub active: bool,
    pub created_days_ago: Option<i64>,
}

/// `inline_policies = [{ name, document }]` of a user or group.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawInlinePolicy")]
pub(crate) struct InlinePolicy {
    pub name: Spanned<String>,
    pub document: Spanned<String>,
}

/// `[[accounts.groups]]`: one IAM group.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct RawGroup")]
pub(crate) struct Group {
    pub name: Spanned<String>,
    pub path: Option<Spanned<String>>,
    pub created_days_ago: Option<i64>,
    #[serde(default)]
    pub attached_policies: Vec<Spanned<String>>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
}

fn yes() -> bool {
    true
}
