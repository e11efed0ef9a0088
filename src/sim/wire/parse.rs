//! Reading a request: which protocol it speaks, which service and operation it names, and its
//! parameters; or why a POST is rejected. Pure: no state, no identification.

use crate::sim::services::error::Error;
use crate::sim::services::request::Params;
use crate::sim::services::{s3, sqs, Service};
use crate::sim::wire::protocol::{Protocol, JSON_TARGET_PREFIX};
use crate::sim::wire::query::{IAM_NS, STS_NS};
use axum::http::{HeaderMap, Method, Uri};

/// Service name logged for requests that name no service the simulator knows.
pub(crate) const UNKNOWN_SERVICE: &str = "unknown";

/// A request naming an operation the simulator implements.
pub(crate) struct Call {
    pub protocol: Protocol,
    pub service: Service,
    pub op: String,
    pub params: Params,
}

/// A request the simulator cannot run, with what it said about itself for the call log.
pub(crate) struct Rejected {
    pub protocol: Protocol,
    /// Service as sent: a simulated service's name, a foreign target prefix, or `unknown`.
    pub service: String,
    /// Operation as sent (empty when the request names none).
    pub op: String,
    /// Boxed: a rejection is the rare path.
    pub err: Box<Error>,
}

/// Reads a non-POST request: an S3 bucket-policy request (path-style `/{bucket}?policy`), or
/// `None` for anything else.
pub(crate) fn rest(method: &Method, uri: &Uri) -> Option<Call> {
    let is_policy = uri
        .query()
        .is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(k, _)| k == "policy"));
    let bucket = uri
        .path()
        .strip_prefix('/')
        .map(|b| b.trim_end_matches('/'));
    let bucket = bucket.filter(|b| is_policy && !b.is_empty() && !b.contains('/'))?;
    let op = s3::operation(method.as_str())?;
    Some(Call {
        protocol: Protocol::RestXml {
            bucket: bucket.to_string(),
        },
        service: Service::S3,
        op: op.to_string(),
        params: Params::Rest(vec![("Bucket".to_string(), bucket.to_string())]),
    })
}

/// Reads a POST: SQS or Organizations JSON (by `X-Amz-Target`), else an awsQuery form.
pub(crate) fn post(headers: &HeaderMap, body: &[u8]) -> Result<Call, Rejected> {
    let target = headers.get("x-amz-target");
    let sqs_op = target
        .and_then(|t| t.to_str().ok())
        .and_then(|t| t.strip_prefix(sqs::TARGET_PREFIX));
    match (sqs_op, target) {
        (Some(op), _) => sqs_call(op, body),
        (None, Some(target)) => json(&String::from_utf8_lossy(target.as_bytes()), body),
        (None, None) => form(body),
    }
}

/// AWS JSON 1.0 (`AmazonSQS.<op>`); the body is read when the call runs, after shaping.
fn sqs_call(op: &str, body: &[u8]) -> Result<Call, Rejected> {
    if Service::of_operation(op) != Some(Service::Sqs) {
        return Err(Rejected {
            protocol: Protocol::Json10,
            service: Service::Sqs.as_str().to_string(),
            op: op.to_string(),
            err: Box::new(
                Error::new(
                    400,
                    "InvalidAction",
                    "The action is not valid for this endpoint.",
                )
                .with_shape("com.amazonaws.sqs#UnsupportedOperation"),
            ),
        });
    }
    Ok(Call {
        protocol: Protocol::Json10,
        service: Service::Sqs,
        op: op.to_string(),
        params: Params::Body(body.to_vec()),
    })
}

/// awsJson1.1 (`AWSOrganizationsV20161128.<op>`).
fn json(target: &str, body: &[u8]) -> Result<Call, Rejected> {
    let (service, op) = match target.strip_prefix(JSON_TARGET_PREFIX) {
        Some(op) => (Service::Organizations.as_str().to_string(), op.to_string()),
        None => match target.split_once('.') {
            Some((prefix, op)) => (prefix.to_string(), op.to_string()),
            None => (UNKNOWN_SERVICE.to_string(), target.to_string()),
        },
    };
    let reject = |err| Rejected {
        protocol: Protocol::Json,
        service: service.clone(),
        op: op.clone(),
        err: Box::new(err),
    };
    if !target.starts_with(JSON_TARGET_PREFIX)
        || Service::of_operation(&op) != Some(Service::Organizations)
    {
        return Err(reject(Error::new(
            400,
            "UnknownOperationException",
            format!("Unknown operation {target}"),
        )));
    }
    let params = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| {
            reject(Error::new(
                400,
                "SerializationException",
                format!("Invalid JSON body: {e}"),
            ))
        })?
    };
    Ok(Call {
        protocol: Protocol::Json,
        service: Service::Organizations,
        op,
        params: Params::Json(params),
    })
}

/// awsQuery: `Action` and `Version` (2011-06-15 STS, 2010-05-08 IAM) in a form body.
fn form(body: &[u8]) -> Result<Call, Rejected> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (action, version) = (field("Action"), field("Version"));
    let (service, ns) = match version.as_deref() {
        Some("2011-06-15") => (Service::Sts, STS_NS),
        Some("2010-05-08") => (Service::Iam, IAM_NS),
        _ => {
            let msg = "Not an AWS request this simulator understands: expected an X-Amz-Target header \
                       (Organizations awsJson1.1) or a form body with Action and Version 2011-06-15 (STS) or 2010-05-08 (IAM)";
            return Err(Rejected {
                protocol: Protocol::Query(STS_NS),
                service: UNKNOWN_SERVICE.to_string(),
                op: action.unwrap_or_default(),
                err: Box::new(Error::new(400, "MissingAction", msg)),
            });
        }
    };
    let protocol = Protocol::Query(ns);
    let Some(action) = action else {
        return Err(Rejected {
            protocol,
            service: service.as_str().to_string(),
            op: String::new(),
            err: Box::new(Error::new(400, "MissingAction", "Missing Action")),
        });
    };
    if Service::of_operation(&action) != Some(service) {
        let msg = format!(
            "Could not find operation {action} for version {}",
            version.unwrap_or_default()
        );
        return Err(Rejected {
            protocol,
            service: service.as_str().to_string(),
            op: action,
            err: Box::new(Error::new(400, "InvalidAction", msg)),
        });
    }
    Ok(Call {
        protocol,
        service,
        op: action,
        params: Params::Query(pairs),
    })
}
