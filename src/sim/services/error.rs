//! The protocol-neutral error every handler returns, and the default HTTP status of the error
//! codes the simulator knows. Each protocol frames it its own way (see `protocol`).

use std::borrow::Cow;

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
pub(crate) struct Error {
    /// HTTP status.
    pub status: u16,
    /// Error code (`__type` / `<Code>`).
    pub code: Cow<'static, str>,
    /// Human-readable message.
    pub message: String,
    /// The error's shape id where the protocol names one apart from the code (SQS's
    /// `com.amazonaws.sqs#QueueDoesNotExist` for `AWS.SimpleQueueService.NonExistentQueue`).
    pub shape: Option<&'static str>,
    /// What else the answer carries: headers, and elements of a REST-XML error document.
    pub extras: Vec<Extra>,
}

/// Something an error answer carries besides its code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Extra {
    /// A response header (S3's `x-amz-bucket-region` on a redirect).
    Header(&'static str, String),
    /// An element of a REST-XML error document after `<Message>` (S3's `<Endpoint>`).
    Element(&'static str, String),
}

impl Error {
    /// An error with an explicit status.
    pub(crate) fn new(
        status: u16,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Error {
            status,
            code: code.into(),
            message: message.into(),
            shape: None,
            extras: Vec::new(),
        }
    }

    /// The same error with the response header `name: value`.
    pub(crate) fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.extras.push(Extra::Header(name, value.into()));
        self
    }

    /// The same error with the REST-XML error element `<name>value</name>`.
    pub(crate) fn with_detail(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.extras.push(Extra::Element(name, value.into()));
        self
    }

    /// The same error with the shape id `shape`.
    pub(crate) fn with_shape(self, shape: &'static str) -> Self {
        Error {
            shape: Some(shape),
            ..self
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
