//! One error type for every AWS call, classified by AWS error code (never by message text).

use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// What a caller can do about an error; decided from the AWS error code alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `NoSuchEntity` and the Organizations `*NotFoundException`s.
    NotFound,
    /// Denied by policy, or the account/region refuses the session.
    AccessDenied,
    /// Throttled (after the SDK's own retries ran out).
    Throttled,
    /// IAM's `EntityTemporarilyUnmodifiable` / `ConcurrentModification`: retry with backoff.
    Busy,
    /// The caller's credentials are missing, invalid or expired.
    Credentials,
    /// Server errors, timeouts, dropped connections, unparseable responses.
    Transient,
    /// Anything else (validation errors, unexpected codes).
    Other,
}

/// A failed AWS call: the operation, AWS's error code and message, and its classification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: {code}: {message}")]
pub struct CallError {
    /// The API operation, e.g. `ListMFADevices`.
    pub operation: &'static str,
    /// AWS's error code, or a local code (`Timeout`, `ConnectionError`, `MalformedResponse`).
    pub code: String,
    /// AWS's message (or the local failure's description).
    pub message: String,
    /// How the code is classified.
    pub kind: ErrorKind,
}

impl CallError {
    /// Builds an error by hand (tests, local failures).
    pub fn new(operation: &'static str, code: &str, message: &str, kind: ErrorKind) -> Self {
        CallError {
            operation,
            code: code.to_string(),
            message: message.to_string(),
            kind,
        }
    }

    /// Converts an SDK error, keeping AWS's code and message.
    pub fn from_sdk<E, R>(operation: &'static str, err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        let (code, message) = match &err {
            SdkError::ServiceError(service) => {
                let inner = service.err();
                let code = inner.code().unwrap_or("Unknown").to_string();
                let message = inner.message().unwrap_or("").to_string();
                (code, message)
            }
            SdkError::TimeoutError(_) => ("Timeout".into(), "the call timed out".into()),
            SdkError::DispatchFailure(f) => {
                let code = if has_source::<CredentialsError>(&err) {
                    "CredentialsError"
                } else if f.is_timeout() {
                    "Timeout"
                } else {
                    "ConnectionError"
                };
                (code.into(), chain(&err))
            }
            SdkError::ResponseError(_) => ("MalformedResponse".into(), chain(&err)),
            SdkError::ConstructionFailure(_) => ("RequestError".into(), chain(&err)),
            _ => ("Unknown".into(), chain(&err)),
        };
        let kind = classify(&code);
        CallError {
            operation,
            code,
            message: one_line(&message),
            kind,
        }
    }

    /// Whether this is a NotFound-class error.
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }
}

/// Classifies an AWS error code.
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
        "Throttling"
        | "ThrottlingException"
        | "TooManyRequestsException"
        | "RequestLimitExceeded"
        | "LimitExceeded" => ErrorKind::Throttled,
        "EntityTemporarilyUnmodifiable" | "ConcurrentModification" => ErrorKind::Busy,
        "ExpiredToken"
        | "ExpiredTokenException"
        | "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "SignatureDoesNotMatch"
        | "InvalidAccessKeyId"
        | "MissingAuthenticationToken"
        | "MissingAuthenticationTokenException"
        | "CredentialsError" => ErrorKind::Credentials,
        "ServiceFailure" | "ServiceException" | "InternalFailure" | "ServiceUnavailable"
        | "Timeout" | "ConnectionError" | "MalformedResponse" => ErrorKind::Transient,
        _ => ErrorKind::Other,
    }
}

/// Whether any error in the source chain is a `T` (e.g. no credentials behind a dispatch failure).
fn has_source<T: std::error::Error + 'static>(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if e.is::<T>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The whole source chain of an error on one line. SDK errors carry no credentials in their
/// display text, so this is safe to report.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_classified_by_code_not_message() {
        assert_eq!(classify("NoSuchEntity"), ErrorKind::NotFound);
        assert_eq!(classify("AccessDenied"), ErrorKind::AccessDenied);
        assert_eq!(classify("TooManyRequestsException"), ErrorKind::Throttled);
        assert_eq!(classify("EntityTemporarilyUnmodifiable"), ErrorKind::Busy);
        assert_eq!(classify("ConcurrentModification"), ErrorKind::Busy);
        assert_eq!(classify("ExpiredTokenException"), ErrorKind::Credentials);
        assert_eq!(classify("ServiceFailure"), ErrorKind::Transient);
        assert_eq!(classify("ValidationError"), ErrorKind::Other);
    }

    #[test]
    fn display_is_operation_code_message() {
        let e = CallError::new(
            "ListMFADevices",
            "ServiceFailure",
            "boom",
            ErrorKind::Transient,
        );
        assert_eq!(e.to_string(), "ListMFADevices: ServiceFailure: boom");
    }
}
