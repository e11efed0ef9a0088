//! Service catalogue and the protocol-neutral error every handler returns.

use std::borrow::Cow;

/// Which AWS service a request addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Sts,
    Iam,
    Organizations,
    S3,
    Sqs,
}

impl Service {
    /// Lower-case name used in scenarios and the call log.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Service::Sts => "sts",
            Service::Iam => "iam",
            Service::Organizations => "organizations",
            Service::S3 => "s3",
            Service::Sqs => "sqs",
        }
    }

    /// The service an operation belongs to.
    pub(crate) fn of_operation(op: &str) -> Option<Service> {
        if STS_OPERATIONS.contains(&op) {
            Some(Service::Sts)
        } else if IAM_OPERATIONS.contains(&op) {
            Some(Service::Iam)
        } else if ORGANIZATIONS_OPERATIONS.contains(&op) {
            Some(Service::Organizations)
        } else if S3_OPERATIONS.contains(&op) {
            Some(Service::S3)
        } else if crate::sim::services::sqs::OPERATIONS.contains(&op) {
            Some(Service::Sqs)
        } else {
            None
        }
    }

    /// Whether `name` is a service name accepted in scenarios.
    pub(crate) fn is_name(name: &str) -> bool {
        matches!(name, "sts" | "iam" | "organizations" | "s3" | "sqs")
    }
}

/// STS operations the simulator implements.
pub(crate) const STS_OPERATIONS: &[&str] = &["GetCallerIdentity", "AssumeRoot", "AssumeRole"];

/// S3 operations the simulator implements (REST, path-style `/{bucket}?policy`).
pub(crate) const S3_OPERATIONS: &[&str] = &["GetBucketPolicy", "DeleteBucketPolicy"];

/// IAM operations the simulator implements.
pub(crate) const IAM_OPERATIONS: &[&str] = &[
    "ListOrganizationsFeatures",
    "GetLoginProfile",
    "CreateLoginProfile",
    "DeleteLoginProfile",
    "ListMFADevices",
    "DeactivateMFADevice",
    "DeleteVirtualMFADevice",
    "ListAccessKeys",
    "DeleteAccessKey",
    "GetAccessKeyLastUsed",
    "ListSigningCertificates",
    "DeleteSigningCertificate",
    "GetUser",
    "GetAccountSummary",
    "ListUsers",
    "ListUserTags",
    "ListGroupsForUser",
    "ListAttachedUserPolicies",
    "ListUserPolicies",
    "GetUserPolicy",
    "ListAttachedGroupPolicies",
    "ListSSHPublicKeys",
    "GetSSHPublicKey",
    "ListServiceSpecificCredentials",
    "GenerateCredentialReport",
    "GetCredentialReport",
    "GetAccountAuthorizationDetails",
    "DetachUserPolicy",
    "DeleteSSHPublicKey",
    "DeleteServiceSpecificCredential",
    "DeleteUserPolicy",
    "RemoveUserFromGroup",
    "DeleteUser",
];

/// IAM operations that page with `Marker`/`IsTruncated`.
pub(crate) const IAM_LIST_OPERATIONS: &[&str] = &[
    "ListMFADevices",
    "ListAccessKeys",
    "ListSigningCertificates",
    "ListUsers",
    "ListUserTags",
    "ListGroupsForUser",
    "ListAttachedUserPolicies",
    "ListUserPolicies",
    "ListAttachedGroupPolicies",
    "ListSSHPublicKeys",
    "ListServiceSpecificCredentials",
    "GetAccountAuthorizationDetails",
];

/// Organizations operations the simulator implements.
pub(crate) const ORGANIZATIONS_OPERATIONS: &[&str] = &[
    "DescribeOrganization",
    "ListAccounts",
    "ListAWSServiceAccessForOrganization",
    "ListDelegatedAdministrators",
    "ListRoots",
    "DescribeOrganizationalUnit",
    "ListOrganizationalUnitsForParent",
    "ListAccountsForParent",
    "ListParents",
    "DescribeAccount",
];

/// Operations that change root credentials or IAM users.
pub(crate) fn is_mutating(op: &str) -> bool {
    matches!(
        op,
        "CreateLoginProfile" | "DeleteBucketPolicy" | "SetQueueAttributes"
    ) || crate::sim::services::iam::user_delete::OPERATIONS.contains(&op)
}

/// Default HTTP status of a known error code.
pub(crate) fn default_status(code: &str) -> u16 {
    match code {
        "NoSuchEntity" | "ReportInProgress" => 404,
        "ReportNotPresent" | "ReportExpired" => 410,
        "DeleteConflict" | "LimitExceeded" => 409,
        "AccessDenied"
        | "ExpiredToken"
        | "RegionDisabledException"
        | "InvalidClientTokenId"
        | "MissingAuthenticationToken"
        | "SignatureDoesNotMatch" => 403,
        "EntityTemporarilyUnmodifiable" | "ConcurrentModification" | "EntityAlreadyExists" => 409,
        "ServiceFailure" | "InternalFailure" | "InternalError" => 500,
        "ServiceUnavailable" | "ServiceUnavailableException" => 503,
        _ => 400,
    }
}

/// An AWS error response, independent of the wire protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Error code (`__type` / `<Code>`).
    pub code: Cow<'static, str>,
    /// Human-readable message.
    pub message: String,
}

impl ApiError {
    /// An error with an explicit status.
    pub(crate) fn new(
        status: u16,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    /// An error whose status comes from [`default_status`].
    pub(crate) fn coded(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(default_status(code), code, message)
    }

    /// `<Type>` of an awsQuery error.
    pub(crate) fn fault_type(&self) -> &'static str {
        if self.status >= 500 {
            "Receiver"
        } else {
            "Sender"
        }
    }
}
