//! How answers are framed per wire protocol: awsJson1.1 and awsQuery error documents, the
//! authentication failures each protocol names differently, and the raw response helpers.
//! No routing, no state.

use crate::sim::wire::api::ApiError;
use crate::sim::wire::query;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

/// Wire protocol of a request, which decides how responses and errors are rendered.
#[derive(Clone, Copy)]
pub(crate) enum Protocol {
    Json,
    Query(&'static str),
}

impl Protocol {
    /// The error response in this protocol's framing.
    pub(crate) fn error(self, err: &ApiError, rid: &str) -> Response {
        match self {
            Protocol::Json => {
                let body = serde_json::json!({ "__type": err.code, "Message": err.message });
                let mut r = respond(
                    err.status,
                    "application/x-amz-json-1.1",
                    body.to_string().into_bytes(),
                    rid,
                );
                if let Ok(v) = HeaderValue::from_str(&err.code) {
                    r.headers_mut().insert("x-amzn-ErrorType", v);
                }
                r
            }
            Protocol::Query(ns) => respond(err.status, "text/xml", query::error(ns, err, rid), rid),
        }
    }

    /// Authentication failure codes differ per protocol.
    pub(crate) fn auth_error(self, kind: AuthFailure) -> ApiError {
        let json = matches!(self, Protocol::Json);
        let (code, message) = match (kind, json) {
            (AuthFailure::Missing, false) => (
                "MissingAuthenticationToken",
                "Request is missing Authentication Token",
            ),
            (AuthFailure::Missing, true) => (
                "MissingAuthenticationTokenException",
                "Missing Authentication Token",
            ),
            (AuthFailure::Unknown, false) => (
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            ),
            (AuthFailure::Unknown, true) => (
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            ),
            (AuthFailure::Expired, false) => (
                "ExpiredToken",
                "The security token included in the request is expired",
            ),
            (AuthFailure::Expired, true) => (
                "ExpiredTokenException",
                "The security token included in the request is expired",
            ),
        };
        ApiError::new(if json { 400 } else { 403 }, code, message)
    }
}

/// Why a request's credentials were refused.
#[derive(Clone, Copy)]
pub(crate) enum AuthFailure {
    Missing,
    Unknown,
    Expired,
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
