//! The requests of unlock sessions that are not awsQuery or Organizations JSON: S3 bucket-policy
//! requests (REST, path-style) and SQS requests (AWS JSON 1.0). Identification, shaping and the
//! call log are the dispatcher's; only the wire framing is here.

use crate::sim::services::{s3, sqs};
use crate::sim::wire::api::{ApiError, Service};
use crate::sim::wire::dispatch::{finish, identify, record, signer, Sim};
use crate::sim::wire::faults::CallKey;
use crate::sim::wire::protocol::{respond, Protocol};
use crate::sim::wire::query::STS_NS;
use crate::sim::wire::request::Who;
use crate::sim::world::model::FaultAction;
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use axum::response::Response;

/// Handles an S3 bucket-policy request (path-style `/{bucket}?policy`); `None` when the
/// request is not one.
pub(crate) async fn handle_s3(
    sim: &Sim,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Option<Response> {
    let is_policy = uri
        .query()
        .is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(k, _)| k == "policy"));
    let bucket = uri.path().strip_prefix('/')?.trim_end_matches('/');
    if !is_policy || bucket.is_empty() || bucket.contains('/') {
        return None;
    }
    let op = s3::operation(method.as_str())?;
    let rid = sim.world.dice.request_id();
    let s3_error = |err: &ApiError| {
        let mut r = respond(
            err.status,
            "application/xml",
            s3::error(err, bucket, &rid),
            &rid,
        );
        if let Ok(v) = HeaderValue::from_str(&rid) {
            r.headers_mut().insert("x-amz-request-id", v);
        }
        r
    };
    let mut record = record(Service::S3.as_str().to_string(), op);
    let who = match identify(sim, headers, Protocol::Query(STS_NS)) {
        Ok(who) => who,
        Err((key, err)) => {
            record.caller = key;
            let err = match err.code.as_ref() {
                "ExpiredToken" => {
                    ApiError::new(400, "ExpiredToken", "The provided token has expired.")
                }
                "InvalidClientTokenId" => ApiError::new(
                    403,
                    "InvalidAccessKeyId",
                    "The AWS Access Key Id you provided does not exist in our records.",
                ),
                _ => ApiError::new(403, "AccessDenied", "Access Denied"),
            };
            return Some(finish(sim, record, s3_error(&err), Some(&err)));
        }
    };
    let world = &sim.world;
    record.caller_account = Some(who.account(world).to_string());
    match &who {
        Who::Caller(c) => record.caller = c.access_key_id.clone(),
        Who::Session { key, session } => {
            record.caller = key.clone();
            record.account = Some(world.accounts[session.account].id.clone());
            record.task_policy = session.task_policy().map(|p| p.name());
        }
    }
    let key = CallKey {
        service: Service::S3,
        operation: op,
        caller: None,
        account: record.account.as_deref(),
    };
    if sim.shaping.throttled(&key) {
        let err = ApiError::new(503, "SlowDown", "Please reduce your request rate.");
        return Some(finish(sim, record, s3_error(&err), Some(&err)));
    }
    if let Some(delay) = sim.shaping.latency(&key) {
        tokio::time::sleep(delay).await;
    }
    if let Some(FaultAction::Error {
        code,
        status,
        message,
    }) = sim.shaping.fault(&key)
    {
        let err = ApiError::new(status, code, message);
        return Some(finish(sim, record, s3_error(&err), Some(&err)));
    }
    let (response, err) = match s3::handle(world, &who, op, bucket) {
        Ok(answer) => {
            let mut r = respond(answer.status, answer.content_type, answer.body, &rid);
            if let Ok(v) = HeaderValue::from_str(&rid) {
                r.headers_mut().insert("x-amz-request-id", v);
            }
            (r, None)
        }
        Err(err) => (s3_error(&err), Some(err)),
    };
    Some(finish(sim, record, response, err.as_ref()))
}

/// An SQS error response: JSON `__type` and `message`, the query-compatible code in
/// `x-amzn-query-error`.
fn sqs_error(err: &sqs::SqsError, rid: &str) -> Response {
    let body = serde_json::json!({ "__type": err.shape, "message": err.api.message });
    let mut r = respond(
        err.api.status,
        "application/x-amz-json-1.0",
        body.to_string().into_bytes(),
        rid,
    );
    let kind = if err.api.status >= 500 {
        "Receiver"
    } else {
        "Sender"
    };
    if let Ok(v) = HeaderValue::from_str(&format!("{};{kind}", err.api.code)) {
        r.headers_mut().insert("x-amzn-query-error", v);
    }
    r
}

/// Handles an SQS JSON 1.0 request (`X-Amz-Target: AmazonSQS.<op>`).
pub(crate) async fn handle_sqs(sim: &Sim, headers: &HeaderMap, op: &str, body: &[u8]) -> Response {
    let rid = sim.world.dice.request_id();
    let mut record = record(Service::Sqs.as_str().to_string(), op);
    let fail = |status, code: &'static str, shape: &'static str, message: &str| sqs::SqsError {
        api: ApiError::new(status, code, message),
        shape,
    };
    if !sqs::OPERATIONS.contains(&op) {
        let err = fail(
            400,
            "InvalidAction",
            "com.amazonaws.sqs#UnsupportedOperation",
            "The action is not valid for this endpoint.",
        );
        (record.caller, record.caller_account) = signer(sim, headers);
        return finish(sim, record, sqs_error(&err, &rid), Some(&err.api));
    }
    let who = match identify(sim, headers, Protocol::Json) {
        Ok(who) => who,
        Err((key, err)) => {
            record.caller = key;
            let err = sqs::SqsError {
                shape: "com.amazon.coral.service#UnrecognizedClientException",
                api: err,
            };
            return finish(sim, record, sqs_error(&err, &rid), Some(&err.api));
        }
    };
    let world = &sim.world;
    record.caller_account = Some(who.account(world).to_string());
    match &who {
        Who::Caller(c) => record.caller = c.access_key_id.clone(),
        Who::Session { key, session } => {
            record.caller = key.clone();
            record.account = Some(world.accounts[session.account].id.clone());
            record.task_policy = session.task_policy().map(|p| p.name());
        }
    }
    let key = CallKey {
        service: Service::Sqs,
        operation: op,
        caller: None,
        account: record.account.as_deref(),
    };
    if sim.shaping.throttled(&key) {
        let err = fail(
            400,
            "RequestThrottled",
            "com.amazonaws.sqs#RequestThrottled",
            "Request is throttled.",
        );
        return finish(sim, record, sqs_error(&err, &rid), Some(&err.api));
    }
    if let Some(delay) = sim.shaping.latency(&key) {
        tokio::time::sleep(delay).await;
    }
    if let Some(FaultAction::Error {
        code,
        status,
        message,
    }) = sim.shaping.fault(&key)
    {
        let err = sqs::SqsError {
            api: ApiError::new(status, code, message),
            shape: "com.amazonaws.sqs#InternalError",
        };
        return finish(sim, record, sqs_error(&err, &rid), Some(&err.api));
    }
    let params: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            let err = fail(
                400,
                "SerializationException",
                "com.amazon.coral.service#SerializationException",
                &format!("Invalid JSON body: {e}"),
            );
            return finish(sim, record, sqs_error(&err, &rid), Some(&err.api));
        }
    };
    let (response, err) = match sqs::handle(world, &who, op, &params) {
        Ok(v) => (
            respond(
                200,
                "application/x-amz-json-1.0",
                v.to_string().into_bytes(),
                &rid,
            ),
            None,
        ),
        Err(e) => (sqs_error(&e, &rid), Some(e.api)),
    };
    finish(sim, record, response, err.as_ref())
}
