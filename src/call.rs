//! The outcome of one failed AWS call as the rest of rootsweep sees it: the operation, AWS's
//! error code and message, and what can be done about it. Pure data: no SDK type appears here
//! (the conversion from SDK errors lives in `aws::error`), so any module may use it.

/// What a caller can do about an error; decided from the AWS error code alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `NoSuchEntity` and the Organizations `*NotFoundException`s.
    NotFound,
    /// Denied by policy, or the account/region refuses the session.
    AccessDenied,
    /// A request-rate error (`Throttling`, `SlowDown`…): retried within the throttle budget.
    Throttled,
    /// A quota, not a rate (IAM's `LimitExceeded`): waiting does not lift it, so it fails at once.
    Quota,
    /// IAM's `EntityTemporarilyUnmodifiable` / `ConcurrentModification`: retry with backoff.
    Busy,
    /// The caller's credentials are missing, invalid or expired.
    Credentials,
    /// Server errors, timeouts, dropped connections, unparseable or incomplete responses.
    Transient,
    /// The run was interrupted (SIGINT/SIGTERM) before the call could finish.
    Interrupted,
    /// Anything else (validation errors, unexpected codes).
    Other,
}

/// A failed AWS call: the operation, AWS's error code and message, and its classification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: {code}: {message}")]
pub struct Error {
    /// The API operation, e.g. `ListMFADevices`.
    pub operation: &'static str,
    /// AWS's error code, or a local code (see the `*` constants of this module).
    pub code: String,
    /// AWS's message (or the local failure's description).
    pub message: String,
    /// How the code is classified.
    pub kind: ErrorKind,
    /// A change whose earlier attempt got no answer (a timeout, a dropped connection, a server
    /// error) before this one was answered: the earlier attempt may have made the change, so an
    /// answer saying its effect is in place ([`Error::effect_in_place`]) does not mean someone
    /// else made it.
    pub answer_lost: bool,
}

/// Local code: the run was interrupted before the call could finish.
pub const INTERRUPTED: &str = "Interrupted";
/// Local code: IAM said a listing goes on (`IsTruncated`) but gave no `Marker` to continue from.
pub const INCOMPLETE_PAGE: &str = "IncompletePage";
/// Local code: no credential source of the SDK's default chain had any credentials.
pub const NO_CREDENTIALS: &str = "NoCredentials";
/// Local code: a listing handed back a pagination token it had already followed (A → A, or a
/// cycle A → B → A).
pub const PAGINATION_LOOP: &str = "PaginationLoop";

impl Error {
    /// Builds an error by hand (tests, local failures).
    pub fn new(operation: &'static str, code: &str, message: &str, kind: ErrorKind) -> Self {
        Error {
            operation,
            code: code.to_string(),
            message: message.to_string(),
            kind,
            answer_lost: false,
        }
    }

    /// The call was given up because the run was interrupted; `last` is the error of its last
    /// attempt, if one had failed (e.g. the throttling it was waiting out).
    pub fn interrupted(operation: &'static str, last: Option<&Error>) -> Self {
        let message = match last {
            Some(last) => format!(
                "the run was interrupted (the last attempt failed with {}: {})",
                last.code, last.message
            ),
            None => "the run was interrupted".to_string(),
        };
        Error {
            operation,
            code: INTERRUPTED.to_string(),
            message,
            kind: ErrorKind::Interrupted,
            answer_lost: false,
        }
    }

    /// IAM answered `IsTruncated=true` without a `Marker`: the rest of the listing cannot be
    /// fetched. Transient, like any other malformed response: the listing is not known to be
    /// complete, and a later run may well get a usable answer.
    pub fn incomplete_page(operation: &'static str) -> Self {
        Error::new(
            operation,
            INCOMPLETE_PAGE,
            "the service said more results follow but gave no marker to fetch them",
            ErrorKind::Transient,
        )
    }

    /// The service returned the same pagination token twice: following it would never end.
    pub fn pagination_loop(operation: &'static str) -> Self {
        Error::new(
            operation,
            PAGINATION_LOOP,
            "the service returned the same pagination token twice",
            ErrorKind::Other,
        )
    }

    /// Whether this is a NotFound-class error.
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    /// The answer says the call's effect is already there: what it deletes or deactivates is
    /// gone (`NotFound`), or what it creates exists (`EntityAlreadyExists`).
    pub fn effect_in_place(&self) -> bool {
        self.is_not_found() || self.code == "EntityAlreadyExists"
    }
}

/// Classifies an AWS error code (or a local one). Codes only, never message text.
pub fn classify(code: &str) -> ErrorKind {
    match code {
        "NoSuchEntity"
        | "AccountNotFoundException"
        | "OrganizationalUnitNotFoundException"
        | "ParentNotFoundException"
        | "ChildNotFoundException" => ErrorKind::NotFound,
        "AccessDenied"
        | "AccessDeniedException"
        | "RegionDisabledException"
        | "AWSOrganizationsNotInUseException" => ErrorKind::AccessDenied,
        // Request-rate errors only: STS/IAM `Throttling`, the JSON services'
        // `ThrottlingException`, Organizations' `TooManyRequestsException`, EC2-style
        // `RequestLimitExceeded`, S3's `SlowDown` and SQS's `RequestThrottled` (the
        // query-compatible code its JSON protocol sends in `x-amzn-query-error`).
        "Throttling"
        | "ThrottlingException"
        | "TooManyRequestsException"
        | "RequestLimitExceeded"
        | "SlowDown"
        | "RequestThrottled" => ErrorKind::Throttled,
        // IAM's `LimitExceeded` (409) is a quota on the entity, not a request rate.
        "LimitExceeded" => ErrorKind::Quota,
        "EntityTemporarilyUnmodifiable" | "ConcurrentModification" => ErrorKind::Busy,
        "ExpiredToken"
        | "ExpiredTokenException"
        | "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "SignatureDoesNotMatch"
        | "InvalidAccessKeyId"
        | "MissingAuthenticationToken"
        | "MissingAuthenticationTokenException"
        | "CredentialsError"
        | NO_CREDENTIALS => ErrorKind::Credentials,
        "ServiceFailure"
        | "ServiceException"
        | "InternalFailure"
        | "InternalError"
        | "ServiceUnavailable"
        | "RequestTimeout"
        | "RequestTimeoutException"
        | "Timeout"
        | "ConnectionError"
        | "MalformedResponse"
        | INCOMPLETE_PAGE => ErrorKind::Transient,
        INTERRUPTED => ErrorKind::Interrupted,
        _ => ErrorKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_classified_by_code_not_message() {
        assert_eq!(classify("NoSuchEntity"), ErrorKind::NotFound);
        assert_eq!(classify("AccessDenied"), ErrorKind::AccessDenied);
        assert_eq!(classify("EntityTemporarilyUnmodifiable"), ErrorKind::Busy);
        assert_eq!(classify("ConcurrentModification"), ErrorKind::Busy);
        assert_eq!(classify("ExpiredTokenException"), ErrorKind::Credentials);
        assert_eq!(classify("ServiceFailure"), ErrorKind::Transient);
        assert_eq!(classify("ValidationError"), ErrorKind::Other);
    }

    #[test]
    fn every_request_rate_code_is_throttling() {
        for code in [
            "Throttling",
            "ThrottlingException",
            "TooManyRequestsException",
            "RequestLimitExceeded",
            "SlowDown",
            "RequestThrottled",
        ] {
            assert_eq!(classify(code), ErrorKind::Throttled, "{code}");
        }
    }

    #[test]
    fn iam_limit_exceeded_is_a_quota_not_throttling() {
        assert_eq!(classify("LimitExceeded"), ErrorKind::Quota);
    }

    #[test]
    fn look_alike_codes_are_not_throttling() {
        for code in [
            "LimitExceededException",
            "ServiceQuotaExceededException",
            "throttling",
            "Throttled",
        ] {
            assert_ne!(classify(code), ErrorKind::Throttled, "{code}");
        }
    }

    #[test]
    fn local_codes_keep_their_kinds() {
        assert_eq!(classify("Timeout"), ErrorKind::Transient);
        assert_eq!(classify("ConnectionError"), ErrorKind::Transient);
        assert_eq!(classify("MalformedResponse"), ErrorKind::Transient);
        assert_eq!(classify("IncompletePage"), ErrorKind::Transient);
        assert_eq!(classify("CredentialsError"), ErrorKind::Credentials);
        assert_eq!(classify(NO_CREDENTIALS), ErrorKind::Credentials);
        assert_eq!(classify("Interrupted"), ErrorKind::Interrupted);
        assert_eq!(classify("PaginationLoop"), ErrorKind::Other);
        assert_eq!(classify("RequestError"), ErrorKind::Other);
    }

    #[test]
    fn display_is_operation_code_message() {
        let e = Error::new(
            "ListMFADevices",
            "ServiceFailure",
            "boom",
            ErrorKind::Transient,
        );
        assert_eq!(e.to_string(), "ListMFADevices: ServiceFailure: boom");
    }

    #[test]
    fn an_interruption_names_the_error_it_was_waiting_out() {
        let plain = Error::interrupted("GetUser", None);
        assert_eq!(
            plain.to_string(),
            "GetUser: Interrupted: the run was interrupted"
        );
        assert_eq!(plain.kind, ErrorKind::Interrupted);
        let last = Error::new(
            "GetUser",
            "Throttling",
            "Rate exceeded",
            ErrorKind::Throttled,
        );
        let after = Error::interrupted("GetUser", Some(&last));
        assert_eq!(
            after.to_string(),
            "GetUser: Interrupted: the run was interrupted (the last attempt failed with Throttling: Rate exceeded)"
        );
        assert_eq!(after.code, "Interrupted");
        assert_eq!(after.kind, ErrorKind::Interrupted);
    }

    #[test]
    fn pagination_errors_have_their_own_codes_and_texts() {
        let incomplete = Error::incomplete_page("ListAccessKeys");
        assert_eq!(
            incomplete.to_string(),
            "ListAccessKeys: IncompletePage: the service said more results follow but gave no marker to fetch them"
        );
        assert_eq!(incomplete.kind, ErrorKind::Transient);
        let looped = Error::pagination_loop("ListAccounts");
        assert_eq!(
            looped.to_string(),
            "ListAccounts: PaginationLoop: the service returned the same pagination token twice"
        );
        assert_eq!(looped.kind, ErrorKind::Other);
    }

    #[test]
    fn only_not_found_errors_say_not_found() {
        assert!(
            Error::new("GetLoginProfile", "NoSuchEntity", "", ErrorKind::NotFound).is_not_found()
        );
        assert!(!Error::interrupted("GetLoginProfile", None).is_not_found());
    }
}
