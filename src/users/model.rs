//! What a users audit reads from one account and what it concludes about each IAM user. Plain
//! data, no I/O.

use crate::call::Error;
use aws_smithy_types::DateTime;

pub use super::controls::Control;
pub use super::holdings::{is_virtual_mfa, mfa_kind, Holdings, InlinePolicy, Tag};

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

/// One signing certificate slot of the credential report (`cert_1_*` or `cert_2_*`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CertColumns {
    /// `cert_N_active`.
    pub active: bool,
    /// `cert_N_last_rotated`: when the certificate was uploaded or rotated; `None` when there is
    /// no certificate in this slot.
    pub last_rotated: Option<DateTime>,
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
    /// `password_last_changed`: when the password was set; `None` without a password.
    pub password_last_changed: Option<DateTime>,
    /// `mfa_active`.
    pub mfa_active: bool,
    /// The two access key slots.
    pub access_keys: [KeyColumns; 2],
    /// The two signing certificate slots (IAM allows at most two per user).
    pub certificates: [CertColumns; 2],
}

/// A kind of credential whose use IAM never records: an active one may be in daily use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unrecorded {
    /// An SSH public key (CodeCommit over SSH).
    SshPublicKey,
    /// A service-specific credential (CodeCommit Git, Amazon Keyspaces, Bedrock API keys).
    ServiceSpecificCredential,
    /// An X.509 signing certificate.
    SigningCertificate,
}

impl Unrecorded {
    /// The report spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Unrecorded::SshPublicKey => "ssh_public_key",
            Unrecorded::ServiceSpecificCredential => "service_specific_credential",
            Unrecorded::SigningCertificate => "signing_certificate",
        }
    }
}

/// One credential of a kind IAM records no use for, as listed for one user.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    /// Its kind.
    pub kind: Unrecorded,
    /// Its id (`APKA…`, `ACCA…`, a certificate id).
    pub id: String,
    /// `Status` is `Active`.
    pub active: bool,
    /// `UploadDate` / `CreateDate`, when IAM gives one.
    pub issued: Option<DateTime>,
}

impl std::fmt::Display for Credential {
    /// `kind:id`, e.g. `ssh_public_key:APKAEXAMPLE`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.kind.as_str(), self.id)
    }
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
    /// Would be stale by every record IAM keeps, but holds an active credential whose use IAM
    /// never records (an SSH public key, a service-specific credential, a signing certificate):
    /// it may be in daily use, so it can never be proven stale.
    Unverifiable,
    /// The user's activity is not known (missing from the credential report, a report row of
    /// an earlier user of the same name, or a credential listing that failed).
    Unknown,
}

impl Verdict {
    /// The report spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Active => "active",
            Verdict::Stale => "stale",
            Verdict::New => "new",
            Verdict::Unverifiable => "unverifiable",
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
    /// Most recent issuance of any credential the audit saw (a password set, a key, certificate,
    /// SSH key or service-specific credential created): issuing a credential is activity too.
    pub last_issued: Option<DateTime>,
    /// Whole days since the latest of creation, every use and every issuance.
    pub days_inactive: Option<i64>,
    /// The verdict.
    pub verdict: Verdict,
    /// Directly attached managed policies that a group of the user also attaches.
    pub redundant_direct_policies: Vec<String>,
    /// The active credentials whose use IAM never records, as listed for this user (they are
    /// listed only for users every recorded use and issuance would make stale).
    pub unrecorded: Vec<Credential>,
    /// Whether those credentials were listed (else only the report's certificate slots are
    /// known).
    pub credentials_listed: bool,
    /// Finding names (see [`super::verdict`]).
    pub findings: Vec<&'static str>,
    /// The CIS / FSBP controls the user or one of its credentials fails or leaves unknown.
    pub controls: Vec<Control>,
    /// Why the verdict is unknown, if it is.
    pub error: String,
}

/// What a users audit of one account found.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// The account could not be read (no session, or a call failed after retries): never taken
    /// as "no users".
    Unreadable(Error),
    /// Every IAM user of the account, by name.
    Read(Vec<User>),
}

/// A user's group memberships and directly attached managed policy ARNs, read fresh.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachments {
    /// Group names.
    pub groups: Vec<String>,
    /// Directly attached managed policy ARNs.
    pub policies: Vec<String>,
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
    /// `UpdateAccessKey`: `Status=Active` when `active`, else `Inactive`.
    UpdateAccessKey {
        user: String,
        id: String,
        active: bool,
    },
    /// `UpdateSigningCertificate`.
    UpdateSigningCertificate {
        user: String,
        id: String,
        active: bool,
    },
    /// `UpdateSSHPublicKey`.
    #[serde(rename = "UpdateSSHPublicKey")]
    UpdateSshPublicKey {
        user: String,
        id: String,
        active: bool,
    },
    /// `UpdateServiceSpecificCredential`.
    UpdateServiceSpecificCredential {
        user: String,
        id: String,
        active: bool,
    },
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
            Call::UpdateAccessKey { .. } => "UpdateAccessKey",
            Call::UpdateSigningCertificate { .. } => "UpdateSigningCertificate",
            Call::UpdateSshPublicKey { .. } => "UpdateSSHPublicKey",
            Call::UpdateServiceSpecificCredential { .. } => "UpdateServiceSpecificCredential",
        }
    }

    /// The status a status update sets (`Active` / `Inactive`), if the call is one.
    pub fn status(&self) -> Option<&'static str> {
        match self {
            Call::UpdateAccessKey { active, .. }
            | Call::UpdateSigningCertificate { active, .. }
            | Call::UpdateSshPublicKey { active, .. }
            | Call::UpdateServiceSpecificCredential { active, .. } => {
                Some(if *active { "Active" } else { "Inactive" })
            }
            _ => None,
        }
    }

    /// What the call acts on, after the user (an id, serial, policy or group), if anything.
    pub fn target(&self) -> Option<&str> {
        match self {
            Call::DeleteLoginProfile { .. } | Call::DeleteUser { .. } => None,
            Call::DeleteAccessKey { id, .. }
            | Call::DeleteSigningCertificate { id, .. }
            | Call::DeleteSshPublicKey { id, .. }
            | Call::DeleteServiceSpecificCredential { id, .. }
            | Call::UpdateAccessKey { id, .. }
            | Call::UpdateSigningCertificate { id, .. }
            | Call::UpdateSshPublicKey { id, .. }
            | Call::UpdateServiceSpecificCredential { id, .. } => Some(id),
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
    /// `Operation target`, e.g. `DeleteAccessKey AKIA…`; a status update ends with its status,
    /// e.g. `UpdateAccessKey AKIA… Inactive`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.target() {
            Some(t) => write!(f, "{} {t}", self.operation())?,
            None => f.write_str(self.operation())?,
        }
        match self.status() {
            Some(status) => write!(f, " {status}"),
            None => Ok(()),
        }
    }
}
