//! What a users audit reads from one account and what it concludes about each IAM user. Plain
//! data, no I/O.

use crate::call::CallError;
use aws_smithy_types::DateTime;

/// A last-use column of the credential report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LastUse {
    /// `N/A`: there is no such credential (no password, no key).
    NotApplicable,
    /// `no_information`: never used (or not since IAM began tracking).
    Never,
    /// Last used at this time.
    At(DateTime),
}

impl LastUse {
    /// The time, when there is one.
    pub fn time(self) -> Option<DateTime> {
        match self {
            LastUse::At(t) => Some(t),
            LastUse::NotApplicable | LastUse::Never => None,
        }
    }
}

/// One access key slot of the credential report (`access_key_1_*` or `access_key_2_*`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyColumns {
    /// `access_key_N_active`.
    pub active: bool,
    /// `access_key_N_last_rotated`: when the key was created or rotated; `None` when there is no
    /// key in this slot.
    pub last_rotated: Option<DateTime>,
    /// `access_key_N_last_used_date`.
    pub last_used: LastUse,
}

/// One IAM user's row of the credential report (the root user's row is never one).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportUser {
    /// `user`.
    pub name: String,
    /// `arn`.
    pub arn: String,
    /// `user_creation_time`.
    pub created: DateTime,
    /// `password_enabled`.
    pub password_enabled: bool,
    /// `password_last_used`.
    pub password_last_used: LastUse,
    /// `mfa_active`.
    pub mfa_active: bool,
    /// The two access key slots.
    pub access_keys: [KeyColumns; 2],
}

/// The state of a credential report's generation (`GenerateCredentialReport`'s `State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportState {
    /// Generation started.
    Started,
    /// Generation is still running.
    InProgress,
    /// A report is ready to be fetched.
    Complete,
}

/// One user of `GetAccountAuthorizationDetails`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserDetail {
    /// User name.
    pub name: String,
    /// User ARN.
    pub arn: String,
    /// `CreateDate`.
    pub created: Option<DateTime>,
    /// Names of the groups the user is in.
    pub groups: Vec<String>,
    /// ARNs of the managed policies attached directly to the user.
    pub attached_policies: Vec<String>,
    /// Names of the user's inline policies.
    pub inline_policies: Vec<String>,
}

/// One group of `GetAccountAuthorizationDetails`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupDetail {
    /// Group name.
    pub name: String,
    /// ARNs of the managed policies attached to the group.
    pub attached_policies: Vec<String>,
}

/// `GetAccountAuthorizationDetails` with `Filter=User,Group`, all pages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthorizationDetails {
    /// Every IAM user.
    pub users: Vec<UserDetail>,
    /// Every IAM group.
    pub groups: Vec<GroupDetail>,
}

/// The audit's judgement of one IAM user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The password or an access key was used within the stale period (or it is the caller).
    Active,
    /// No use for the stale period or more, or never used and created that long ago or more.
    Stale,
    /// Never used, created less than the stale period ago.
    New,
    /// The user's activity is not known (it is missing from the credential report).
    Unknown,
}

impl Verdict {
    /// The report spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Active => "active",
            Verdict::Stale => "stale",
            Verdict::New => "new",
            Verdict::Unknown => "unknown",
        }
    }
}

/// One IAM user as the audit judged it.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Name and ARN, groups and policies, from the authorization details.
    pub detail: UserDetail,
    /// The credential report's row (`None`: the user is not in the report).
    pub report: Option<ReportUser>,
    /// Most recent use of the password or an access key.
    pub last_activity: Option<DateTime>,
    /// Whole days since the last activity, or since creation when never used.
    pub days_inactive: Option<i64>,
    /// The verdict.
    pub verdict: Verdict,
    /// Directly attached managed policies that a group of the user also attaches.
    pub redundant_direct_policies: Vec<String>,
    /// Finding names (see [`super::verdict`]).
    pub findings: Vec<&'static str>,
    /// Why the verdict is unknown, if it is.
    pub error: String,
}

/// What a users audit of one account found.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// The account could not be read (no session, or a call failed after retries): never taken
    /// as "no users".
    Unreadable(CallError),
    /// Every IAM user of the account, by name.
    Read(Vec<User>),
}

/// One access key of a user, as the restore record keeps it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyHolding {
    /// Access key id.
    pub id: String,
    /// `Active` / `Inactive`.
    pub status: String,
    /// Last use (RFC 3339), empty when never used.
    pub last_used: String,
}

/// One inline policy of a user, with its document (decoded JSON text).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InlinePolicy {
    /// Policy name.
    pub name: String,
    /// The policy document.
    pub document: String,
}

/// Everything an IAM user has that `DeleteUser` needs gone first, read right before a change: the
/// restore record of `users delete` (what an admin needs to see, and recreate, what was removed).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Holdings {
    /// User name.
    pub user_name: String,
    /// User ARN.
    pub arn: String,
    /// `GetUser`'s `PasswordLastUsed` (RFC 3339), empty when never used or not reported.
    pub password_last_used: String,
    /// A console password (login profile) exists.
    pub login_profile: bool,
    /// Access keys with their last use.
    pub access_keys: Vec<KeyHolding>,
    /// Signing certificate ids.
    pub signing_certificates: Vec<String>,
    /// SSH public key ids.
    pub ssh_public_keys: Vec<String>,
    /// Service-specific credential ids.
    pub service_specific_credentials: Vec<String>,
    /// MFA device serial numbers (virtual devices are ARNs with `:mfa/`).
    pub mfa_devices: Vec<String>,
    /// Inline policies with their documents.
    pub inline_policies: Vec<InlinePolicy>,
    /// Directly attached managed policy ARNs.
    pub attached_policies: Vec<String>,
    /// Group names.
    pub groups: Vec<String>,
}

impl Holdings {
    /// The most recent use of the password or an access key (RFC 3339 strings compare in time
    /// order: they are all UTC `Z`).
    pub fn last_use(&self) -> Option<&str> {
        std::iter::once(self.password_last_used.as_str())
            .chain(self.access_keys.iter().map(|k| k.last_used.as_str()))
            .filter(|t| !t.is_empty())
            .max()
    }
}

/// A user's group memberships and directly attached managed policy ARNs, read fresh.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachments {
    /// Group names.
    pub groups: Vec<String>,
    /// Directly attached managed policy ARNs.
    pub policies: Vec<String>,
}

/// Whether an MFA serial is a virtual device (deleted with the user; others only deactivated).
pub fn is_virtual_mfa(serial: &str) -> bool {
    serial.starts_with("arn:") && serial.contains(":mfa/")
}

/// One mutating IAM call of `users delete` / `users tidy`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "operation", rename_all = "PascalCase")]
pub enum Call {
    /// `DeleteLoginProfile`.
    DeleteLoginProfile { user: String },
    /// `DeleteAccessKey`.
    DeleteAccessKey { user: String, id: String },
    /// `DeleteSigningCertificate`.
    DeleteSigningCertificate { user: String, id: String },
    /// `DeleteSSHPublicKey`.
    #[serde(rename = "DeleteSSHPublicKey")]
    DeleteSshPublicKey { user: String, id: String },
    /// `DeleteServiceSpecificCredential`.
    DeleteServiceSpecificCredential { user: String, id: String },
    /// `DeactivateMFADevice`.
    #[serde(rename = "DeactivateMFADevice")]
    DeactivateMfaDevice { user: String, serial: String },
    /// `DeleteVirtualMFADevice`.
    #[serde(rename = "DeleteVirtualMFADevice")]
    DeleteVirtualMfaDevice { serial: String },
    /// `DeleteUserPolicy`.
    DeleteUserPolicy { user: String, name: String },
    /// `DetachUserPolicy`.
    DetachUserPolicy { user: String, arn: String },
    /// `RemoveUserFromGroup`.
    RemoveUserFromGroup { user: String, group: String },
    /// `DeleteUser`.
    DeleteUser { user: String },
}

impl Call {
    /// The IAM operation's name.
    pub fn operation(&self) -> &'static str {
        match self {
            Call::DeleteLoginProfile { .. } => "DeleteLoginProfile",
            Call::DeleteAccessKey { .. } => "DeleteAccessKey",
            Call::DeleteSigningCertificate { .. } => "DeleteSigningCertificate",
            Call::DeleteSshPublicKey { .. } => "DeleteSSHPublicKey",
            Call::DeleteServiceSpecificCredential { .. } => "DeleteServiceSpecificCredential",
            Call::DeactivateMfaDevice { .. } => "DeactivateMFADevice",
            Call::DeleteVirtualMfaDevice { .. } => "DeleteVirtualMFADevice",
            Call::DeleteUserPolicy { .. } => "DeleteUserPolicy",
            Call::DetachUserPolicy { .. } => "DetachUserPolicy",
            Call::RemoveUserFromGroup { .. } => "RemoveUserFromGroup",
            Call::DeleteUser { .. } => "DeleteUser",
        }
    }

    /// What the call acts on, after the user (an id, serial, policy or group), if anything.
    pub fn target(&self) -> Option<&str> {
        match self {
            Call::DeleteLoginProfile { .. } | Call::DeleteUser { .. } => None,
            Call::DeleteAccessKey { id, .. }
            | Call::DeleteSigningCertificate { id, .. }
            | Call::DeleteSshPublicKey { id, .. }
            | Call::DeleteServiceSpecificCredential { id, .. } => Some(id),
            Call::DeactivateMfaDevice { serial, .. } | Call::DeleteVirtualMfaDevice { serial } => {
                Some(serial)
            }
            Call::DeleteUserPolicy { name, .. } => Some(name),
            Call::DetachUserPolicy { arn, .. } => Some(arn),
            Call::RemoveUserFromGroup { group, .. } => Some(group),
        }
    }
}

impl std::fmt::Display for Call {
    /// `Operation target`, e.g. `DeleteAccessKey AKIA…`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.target() {
            Some(t) => write!(f, "{} {t}", self.operation()),
            None => f.write_str(self.operation()),
        }
    }
}
