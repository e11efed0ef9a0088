//! Turns an SDK error into a [`call::Error`]: AWS's code and message for service errors, a local
//! code for failures that never reached a service answer. The type itself lives in `crate::call`.

use crate::call::{self, classify, ErrorKind, NO_CREDENTIALS};
use aws_config::imds::client::error::ImdsError;
use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// HTTP statuses the SDK's standard retry strategy retries whatever the code; with the SDK's
/// retries off, an otherwise unknown code answered with one of them is classed transient.
const TRANSIENT_STATUSES: [u16; 4] = [500, 502, 503, 504];

impl call::Error {
    /// Converts an SDK error, keeping AWS's code and message.
    pub fn from_sdk<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut status = None;
        let (code, message) = match &err {
            SdkError::ServiceError(service) => {
                status = Some(service.raw().status().as_u16());
                let inner = service.err();
                let code = inner.code().unwrap_or("Unknown").to_string();
                let message = inner.message().unwrap_or("").to_string();
                (code, message)
            }
            SdkError::TimeoutError(_) => ("Timeout".into(), "the call timed out".into()),
            SdkError::DispatchFailure(f) => {
                let credentials = find_source::<CredentialsError>(&err);
                // Every source of the chain was tried and none had credentials: a setup problem
                // with one fix. Instance metadata (IMDS) is the chain's last source, so its
                // failure (e.g. "IMDS is disabled", off EC2) means the same: nothing before it
                // had credentials either.
                let nothing_found =
                    matches!(credentials, Some(CredentialsError::CredentialsNotLoaded(_)))
                        || find_source::<ImdsError>(&err).is_some();
                let code = if nothing_found {
                    NO_CREDENTIALS
                } else if credentials.is_some() {
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
        let kind = match classify(&code) {
            ErrorKind::Other if status.is_some_and(|s| TRANSIENT_STATUSES.contains(&s)) => {
                ErrorKind::Transient
            }
            kind => kind,
        };
        call::Error {
            operation,
            code,
            message: one_line(&message),
            kind,
            answer_lost: false,
        }
    }
}

/// The first error in the source chain that is a `T` (e.g. the credentials failure behind a
/// dispatch failure).
fn find_source<'a, T: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
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
    use aws_sdk_iam::operation::delete_login_profile::DeleteLoginProfileError;
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    type Sdk = SdkError<DeleteLoginProfileError, HttpResponse>;

    fn response(status: u16) -> HttpResponse {
        HttpResponse::new(
            StatusCode::try_from(status).expect("valid status"),
            SdkBody::empty(),
        )
    }

    fn service(code: Option<&str>, message: &str, status: u16) -> Sdk {
        let mut meta = ErrorMetadata::builder().message(message);
        if let Some(code) = code {
            meta = meta.code(code);
        }
        SdkError::service_error(
            DeleteLoginProfileError::generic(meta.build()),
            response(status),
        )
    }

    fn io(text: &str) -> Box<dyn std::error::Error + Send + Sync> {
        Box::new(std::io::Error::other(text.to_string()))
    }

    #[test]
    fn a_service_error_keeps_aws_code_and_message_on_one_line() {
        let e = call::Error::from_sdk(
            "DeleteLoginProfile",
            service(Some("LimitExceeded"), "Cannot exceed\n quota", 409),
        );
        assert_eq!(
            e,
            call::Error::new(
                "DeleteLoginProfile",
                "LimitExceeded",
                "Cannot exceed quota",
                ErrorKind::Quota
            )
        );
    }

    #[test]
    fn a_service_error_without_a_code_is_unknown() {
        let e = call::Error::from_sdk("DeleteLoginProfile", service(None, "", 400));
        assert_eq!(e.code, "Unknown");
        assert_eq!(e.message, "");
        assert_eq!(e.kind, ErrorKind::Other);
    }

    #[test]
    fn an_unknown_code_on_a_server_status_is_transient() {
        for status in [500, 502, 503, 504] {
            let e = call::Error::from_sdk("DeleteLoginProfile", service(Some("Weird"), "", status));
            assert_eq!(e.kind, ErrorKind::Transient, "{status}");
        }
        let e = call::Error::from_sdk("DeleteLoginProfile", service(Some("Weird"), "", 501));
        assert_eq!(e.kind, ErrorKind::Other);
        // A known code keeps its class whatever the status.
        let e = call::Error::from_sdk("DeleteLoginProfile", service(Some("SlowDown"), "", 503));
        assert_eq!(e.kind, ErrorKind::Throttled);
    }

    #[test]
    fn a_timeout_has_its_own_code_and_text() {
        let e = call::Error::from_sdk("GetUser", Sdk::timeout_error(io("slow")));
        assert_eq!(
            e,
            call::Error::new(
                "GetUser",
                "Timeout",
                "the call timed out",
                ErrorKind::Transient
            )
        );
        assert_eq!(e.to_string(), "GetUser: Timeout: the call timed out");
    }

    #[test]
    fn a_connect_timeout_is_a_timeout() {
        let e = call::Error::from_sdk(
            "GetUser",
            Sdk::dispatch_failure(ConnectorError::timeout(io("no answer"))),
        );
        assert_eq!(e.code, "Timeout");
        assert_eq!(e.message, "dispatch failure: timeout: no answer");
        assert_eq!(e.kind, ErrorKind::Transient);
    }

    #[test]
    fn a_dropped_connection_is_a_connection_error_with_its_cause() {
        let e = call::Error::from_sdk(
            "GetUser",
            Sdk::dispatch_failure(ConnectorError::io(io("connection reset"))),
        );
        assert_eq!(
            e.to_string(),
            "GetUser: ConnectionError: dispatch failure: io error: connection reset"
        );
        assert_eq!(e.kind, ErrorKind::Transient);
    }

    #[test]
    fn missing_credentials_are_no_credentials_not_a_connection_error() {
        let e = call::Error::from_sdk(
            "GetCallerIdentity",
            Sdk::dispatch_failure(ConnectorError::other(
                Box::new(CredentialsError::not_loaded("no provider")),
                None,
            )),
        );
        assert_eq!(e.code, NO_CREDENTIALS);
        assert_eq!(e.kind, ErrorKind::Credentials);
    }

    #[test]
    fn credentials_that_fail_to_load_keep_their_reason() {
        let e = call::Error::from_sdk(
            "GetCallerIdentity",
            Sdk::dispatch_failure(ConnectorError::other(
                Box::new(CredentialsError::provider_error(
                    "the SSO token has expired",
                )),
                None,
            )),
        );
        assert_eq!(e.code, "CredentialsError");
        assert!(e.message.contains("the SSO token has expired"), "{e}");
        assert_eq!(e.kind, ErrorKind::Credentials);
    }

    #[test]
    fn an_unreadable_response_is_malformed() {
        let e = call::Error::from_sdk(
            "ListMFADevices",
            Sdk::response_error(io("unexpected end of XML"), response(200)),
        );
        assert_eq!(
            e.to_string(),
            "ListMFADevices: MalformedResponse: response error: unexpected end of XML"
        );
        assert_eq!(e.kind, ErrorKind::Transient);
    }

    #[test]
    fn a_request_that_cannot_be_built_is_a_request_error() {
        let e = call::Error::from_sdk(
            "DeactivateMFADevice",
            Sdk::construction_failure(io("no serial")),
        );
        assert_eq!(
            e.to_string(),
            "DeactivateMFADevice: RequestError: failed to construct request: no serial"
        );
        assert_eq!(e.kind, ErrorKind::Other);
    }
}
