//! How answers are framed per wire protocol: awsQuery, awsJson1.1, REST-XML and awsJson1.0
//! documents and error documents, the authentication failures and throttling errors each
//! protocol names differently, and the raw response helpers. No routing, no state.

use crate::sim::services::error::{Error, Extra};
use crate::sim::services::xml::Xml;
use crate::sim::wire::query;
use crate::sim::world::model::FaultAction;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

/// `X-Amz-Target` prefix of Organizations requests.
pub(crate) const JSON_TARGET_PREFIX: &str = "AWSOrganizationsV20161128.";

/// The shape SQS errors name when nothing more precise is known.
const SQS_INTERNAL_ERROR: &str = "com.amazonaws.sqs#InternalError";

/// Wire protocol of a request, which decides how responses and errors are rendered.
#[derive(Clone)]
pub(crate) enum Protocol {
    /// awsQuery (STS, IAM), with the namespace of its documents.
    Query(&'static str),
    /// awsJson1.1 (Organizations).
    Json,
    /// REST-XML (S3, path-style), with the bucket the request names.
    RestXml { bucket: String },
    /// AWS JSON 1.0 (SQS), error codes in `x-amzn-query-error`.
    Json10,
}

/// Why a request's credentials were refused.
#[derive(Clone, Copy)]
pub(crate) enum AuthFailure {
    Missing,
    Unknown,
    Expired,
}

impl Protocol {
    /// Content type of a successful answer.
    pub(crate) fn content_type(&self) -> &'static str {
        match self {
            Protocol::Query(_) => "text/xml",
            Protocol::Json => "application/x-amz-json-1.1",
            Protocol::RestXml { .. } => "application/xml",
            Protocol::Json10 => "application/x-amz-json-1.0",
        }
    }

    /// Whether calls are shaped by the caller's access key too. The unlock protocols (S3, SQS)
    /// are shaped by operation and account only.
    pub(crate) fn shaped_by_caller(&self) -> bool {
        matches!(self, Protocol::Query(_) | Protocol::Json)
    }

    /// Whether a fault action applies to this protocol: S3 and SQS answer error faults only
    /// (no resets, hangs, truncation, expiry or credential effects).
    pub(crate) fn speaks(&self, action: &FaultAction) -> bool {
        self.shaped_by_caller() || matches!(action, FaultAction::Error { .. })
    }

    /// An answer with `status`, `content_type` and `body`.
    pub(crate) fn answer(
        &self,
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
        rid: &str,
    ) -> Response {
        let mut r = respond(status, content_type, body, rid);
        if let Protocol::RestXml { .. } = self {
            if let Ok(v) = HeaderValue::from_str(rid) {
                r.headers_mut().insert("x-amz-request-id", v);
            }
        }
        r
    }

    /// The error response in this protocol's framing, with the headers the error carries.
    pub(crate) fn error(&self, err: &Error, rid: &str) -> Response {
        let mut r = self.error_document(err, rid);
        for extra in &err.extras {
            if let Extra::Header(name, value) = extra {
                if let Ok(v) = HeaderValue::from_str(value) {
                    r.headers_mut().insert(*name, v);
                }
            }
        }
        r
    }

    fn error_document(&self, err: &Error, rid: &str) -> Response {
        match self {
            Protocol::Json => {
                let body = serde_json::json!({ "__type": err.code, "Message": err.message });
                let mut r = self.answer(
                    err.status,
                    self.content_type(),
                    body.to_string().into_bytes(),
                    rid,
                );
                if let Ok(v) = HeaderValue::from_str(&err.code) {
                    r.headers_mut().insert("x-amzn-ErrorType", v);
                }
                r
            }
            Protocol::Query(ns) => {
                self.answer(err.status, "text/xml", query::error(ns, err, rid), rid)
            }
            Protocol::RestXml { bucket } => self.answer(
                err.status,
                "application/xml",
                s3_error(err, bucket, rid),
                rid,
            ),
            Protocol::Json10 => {
                let shape = err.shape.unwrap_or(SQS_INTERNAL_ERROR);
                let body = serde_json::json!({ "__type": shape, "message": err.message });
                let mut r = self.answer(
                    err.status,
                    self.content_type(),
                    body.to_string().into_bytes(),
                    rid,
                );
                if let Ok(v) = HeaderValue::from_str(&format!("{};{}", err.code, err.fault_type()))
                {
                    r.headers_mut().insert("x-amzn-query-error", v);
                }
                r
            }
        }
    }

    /// The throttling error of this protocol.
    pub(crate) fn throttled(&self) -> Error {
        match self {
            Protocol::Json => Error::new(400, "TooManyRequestsException", "AWS Organizations can't complete your request because another request is already in progress. Try again later."),
            Protocol::Query(_) => Error::new(400, "Throttling", "Rate exceeded"),
            Protocol::RestXml { .. } => {
                Error::new(503, "SlowDown", "Please reduce your request rate.")
            }
            Protocol::Json10 => Error::new(400, "RequestThrottled", "Request is throttled.")
                .with_shape("com.amazonaws.sqs#RequestThrottled"),
        }
    }

    /// Authentication failure codes differ per protocol.
    pub(crate) fn auth_error(&self, kind: AuthFailure) -> Error {
        let (status, code, message) = match (self, kind) {
            (Protocol::RestXml { .. }, AuthFailure::Missing) => {
                (403, "AccessDenied", "Access Denied")
            }
            (Protocol::RestXml { .. }, AuthFailure::Unknown) => (
                403,
                "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records.",
            ),
            (Protocol::RestXml { .. }, AuthFailure::Expired) => {
                (400, "ExpiredToken", "The provided token has expired.")
            }
            (Protocol::Query(_), AuthFailure::Missing) => (
                403,
                "MissingAuthenticationToken",
                "Request is missing Authentication Token",
            ),
            (Protocol::Query(_), AuthFailure::Unknown) => (
                403,
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            ),
            (Protocol::Query(_), AuthFailure::Expired) => (
                403,
                "ExpiredToken",
                "The security token included in the request is expired",
            ),
            (Protocol::Json | Protocol::Json10, AuthFailure::Missing) => (
                400,
                "MissingAuthenticationTokenException",
                "Missing Authentication Token",
            ),
            (Protocol::Json | Protocol::Json10, AuthFailure::Unknown) => (
                400,
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            ),
            (Protocol::Json | Protocol::Json10, AuthFailure::Expired) => (
                400,
                "ExpiredTokenException",
                "The security token included in the request is expired",
            ),
        };
        let err = Error::new(status, code, message);
        match self {
            Protocol::Json10 => {
                err.with_shape("com.amazon.coral.service#UnrecognizedClientException")
            }
            _ => err,
        }
    }
}

/// S3's error document.
fn s3_error(err: &Error, bucket: &str, request_id: &str) -> Vec<u8> {
    let mut x = Xml::new();
    x.start("Error")
        .text("Code", &err.code)
        .text("Message", &err.message);
    for extra in &err.extras {
        if let Extra::Element(name, value) = extra {
            x.text(name, value);
        }
    }
    if !bucket.is_empty() && err.code.starts_with("NoSuchBucket") {
        x.text("BucketName", bucket);
    }
    x.text("RequestId", request_id)
        .text("HostId", request_id)
        .end("Error");
    let mut out = br#"<?xml version="1.0" encoding="UTF-8"?>"#.to_vec();
    out.push(b'\n');
    out.extend(x.into_bytes());
    out
}

/// A response with `status`, `content_type`, `body` and the request id header.
pub(crate) fn respond(
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    rid: &str,
) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(rid) {
        r.headers_mut().insert("x-amzn-RequestId", v);
    }
    r
}

/// A response whose body fails at once, so the connection is dropped without a valid answer.
pub(crate) fn reset() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("simulated connection reset"))
    });
    Response::new(Body::from_stream(failing))
}
