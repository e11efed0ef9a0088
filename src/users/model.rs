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
