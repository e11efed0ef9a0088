//! The validated organization model a scenario describes: plain data, no I/O, no wire formats.

use crate::sim::world::credentials::RootUser;
use crate::sim::world::directory::Directory;
use std::collections::HashMap;
use time::macros::datetime;
use time::OffsetDateTime;

/// Date used when a scenario leaves a timestamp out.
pub(crate) const DEFAULT_DATE: OffsetDateTime = datetime!(2020-01-01 0:00 UTC);

/// ISO-8601 UTC with second precision, e.g. `2024-11-14T10:00:00Z`.
pub(crate) fn iso8601(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// AWS partition of the simulated organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    /// `aws`
    Aws,
    /// `aws-us-gov`
    UsGov,
    /// `aws-cn`
    Cn,
}

impl Partition {
    /// The partition as written in ARNs.
    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::UsGov => "aws-us-gov",
            Partition::Cn => "aws-cn",
        }
    }
}

/// Lifecycle state of a member account (Organizations `State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountState {
    /// `PENDING_ACTIVATION`
    PendingActivation,
    /// `ACTIVE`
    Active,
    /// `SUSPENDED`
    Suspended,
    /// `PENDING_CLOSURE`
    PendingClosure,
    /// `CLOSED`
    Closed,
}

impl AccountState {
    /// Every state with its wire name.
    pub const ALL: [(AccountState, &'static str); 5] = [
        (AccountState::PendingActivation, "PENDING_ACTIVATION"),
        (AccountState::Active, "ACTIVE"),
        (AccountState::Suspended, "SUSPENDED"),
        (AccountState::PendingClosure, "PENDING_CLOSURE"),
        (AccountState::Closed, "CLOSED"),
    ];

    /// The wire name (`State`).
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("ACTIVE", |(_, n)| n)
    }

    /// Every deprecated `Status` value.
    pub const LEGACY_STATUSES: [&'static str; 3] = ["ACTIVE", "SUSPENDED", "PENDING_CLOSURE"];

    /// The deprecated `Status` value, when one exists.
    pub fn legacy_status(self) -> Option<&'static str> {
        match self {
            AccountState::Active => Some("ACTIVE"),
            AccountState::Suspended => Some("SUSPENDED"),
            AccountState::PendingClosure => Some("PENDING_CLOSURE"),
            AccountState::PendingActivation | AccountState::Closed => None,
        }
    }
}

/// The organization itself.
#[derive(Debug, Clone)]
pub struct Organization {
    /// `o-...`
    pub id: String,
    /// Partition used in every ARN.
    pub partition: Partition,
    /// Management account id.
    pub management_account: String,
    /// Management account email.
    pub management_email: String,
    /// `r-...`
    pub root_id: String,
    /// `ALL` or `CONSOLIDATED_BILLING`.
    pub all_features: bool,
    /// Service principals with trusted access.
    pub trusted_access: Vec<String>,
    /// IAM centralized root access features.
    pub iam_features: Vec<String>,
    /// (account, service principal)
    pub delegated_administrators: Vec<(String, String)>,
    /// Maximum items per IAM list page.
    pub iam_page_size: usize,
    /// Whether account listings start with an empty page that carries a `NextToken`.
    pub empty_first_page: bool,
    /// GenerateCredentialReport calls after the first before the report is COMPLETE (0 = at once).
    pub report_generation_polls: u32,
    /// How long, in milliseconds, some IAM reads still show a user after DeleteUser or a policy
    /// after DetachUserPolicy (0 = every read sees every change at once).
    pub iam_consistency_ms: u64,
    /// How long AssumeRole sessions last, whatever `DurationSeconds` asks (None = as asked).
    pub role_session_seconds: Option<u32>,
    /// Whether account listings leave out `Paths` (optional in AWS's model; other
    /// implementations of Organizations omit it).
    pub omit_paths: bool,
    /// Accounts moved to another parent while the tree is walked.
    pub moves: Vec<Move>,
    /// SCPs, RCPs and the root-session denials the scenario declares.
    pub guardrails: crate::sim::world::guardrails::Guardrails,
}

/// A scripted move of an account to another parent, made once enough calls of the tree walk
/// were answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// The account moved.
    pub account: String,
    /// Its new parent (the root or an OU).
    pub to: String,
    /// Walk calls (ListAccountsForParent, ListOrganizationalUnitsForParent) answered first.
    pub after: u64,
    /// Only walk calls for this parent count (None: every walk call).
    pub parent: Option<String>,
}

/// Long-term credentials the simulator recognises.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Access key id.
    pub access_key_id: String,
    /// Secret (never verified).
    pub secret_access_key: String,
    /// Owning account.
    pub account: String,
    /// Principal ARN.
    pub arn: String,
    /// The caller's own IAM user (a user of `account`), if it has one.
    pub user: Option<String>,
}

/// An organizational unit.
#[derive(Debug, Clone)]
pub struct Ou {
    /// `ou-...`
    pub id: String,
    /// Display name.
    pub name: String,
    /// Parent root or OU id.
    pub parent: String,
}

/// A member account and its root user's credentials.
#[derive(Debug, Clone)]
pub struct Account {
    /// 12-digit id.
    pub id: String,
    /// Account name.
    pub name: String,
    /// Account email.
    pub email: String,
    /// Lifecycle state (what AssumeRoot and `/_sim/state` go by).
    pub state: AccountState,
    /// Whether listings carry `State` (a scenario's `state = ""` leaves it out).
    pub state_listed: bool,
    /// The deprecated `Status` as listed, independent of `state` when the scenario says so;
    /// None leaves it out.
    pub status: Option<&'static str>,
    /// Parent (root or OU id).
    pub parent: String,
    /// Root user credentials.
    pub root: RootUser,
    /// IAM users and groups.
    pub iam: Directory,
    /// Roles `sts:AssumeRole` can assume into this account.
    pub roles: Vec<String>,
    /// ExternalId every AssumeRole into this account must send.
    pub external_id: Option<String>,
    /// S3 buckets owned by this account.
    pub buckets: Vec<Bucket>,
    /// SQS queues owned by this account (`Bucket`'s shape: a name and a policy).
    pub queues: Vec<Bucket>,
}

/// An S3 bucket and its resource policy (the JSON document as stored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bucket {
    /// Bucket name (global across accounts).
    pub name: String,
    /// The bucket policy, if one is set.
    pub policy: Option<String>,
    /// The region the bucket (or queue) is in: requests signed for another answer as AWS
    /// does there (S3 `301 PermanentRedirect`, SQS `NonExistentQueue`).
    pub region: String,
}

/// What a throttle rule applies to.
#[derive(Debug, Clone)]
pub struct Throttle {
    /// Operation or service name.
    pub target: String,
    /// Token-bucket rate.
    pub rps: Option<f64>,
    /// Random throttling probability.
    pub probability: Option<f64>,
}

/// What a fault does when it fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer with an error.
    Error {
        /// Error code.
        code: String,
        /// HTTP status.
        status: u16,
        /// Message.
        message: String,
    },
    /// Close the connection without a response.
    Reset,
    /// Never respond.
    Hang,
    /// A 200 whose body is cut short.
    Truncate,
    /// Add an active access key to the account's root, then proceed.
    AddAccessKey,
    /// Every IAM user of the account with a console password signs in now, then proceed.
    SignIn,
    /// Every active access key of every IAM user of the account is used now, then proceed.
    UseAccessKey,
    /// Every IAM user of the account gets an active SSH public key uploaded now, then proceed.
    UploadSshKey,
    /// Every IAM user of the account gets an active CodeCommit credential created now, then
    /// proceed.
    AddServiceCredential,
    /// The calling session expires now and the call answers `ExpiredToken` (session calls only).
    ExpireSession,
    /// An IAM list page that says `IsTruncated=true` but carries no `Marker`.
    TruncatedNoMarker,
    /// The operation runs (a change is made) and then the connection closes without its answer:
    /// the caller cannot tell whether it happened.
    ApplyThenReset,
    /// An Organizations list page asked for with a token answers the listing's first token
    /// instead of the next one: the listing cycles (A → B → A).
    TokenCycle,
}

/// A fault injection rule.
#[derive(Debug, Clone)]
pub struct Fault {
    /// Target account.
    pub account: Option<String>,
    /// Caller access key id.
    pub caller: Option<String>,
    /// Operation name.
    pub operation: Option<String>,
    /// Effect.
    pub action: FaultAction,
    /// Matching calls let through first.
    pub after: u64,
    /// Maximum number of affected calls.
    pub times: Option<u64>,
    /// Probability of firing once eligible.
    pub probability: f64,
}

/// Latency per operation or service, milliseconds.
pub type Latency = HashMap<String, u64>;
