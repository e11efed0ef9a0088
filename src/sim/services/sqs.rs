//! SQS (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.<Op>`): its operation table, GetQueueAttributes
//! and SetQueueAttributes for the `Policy` attribute, as an `SQSUnlockQueuePolicy` root session
//! uses them. Errors carry their shape id besides the awsQuery-compatible code, which the wire
//! sends in `x-amzn-query-error`. A queue is in one region: a request signed for another
//! answers `AWS.SimpleQueueService.NonExistentQueue`, as AWS's endpoint there does.

use crate::sim::services::error::Error;
use crate::sim::services::request::{Params, Request, Who};
use crate::sim::services::table::{find, Operation};
use crate::sim::world::model::Bucket;
use crate::sim::world::state::{TaskPolicy, World};
use serde_json::{json, Value};

/// Target prefix of SQS JSON requests.
pub(crate) const TARGET_PREFIX: &str = "AmazonSQS.";

/// What runs an SQS operation: the read or change on the queue, with the JSON body.
pub(crate) type Handler = fn(&mut Bucket, &Value) -> Result<Value, Error>;

/// The SQS operations the simulator implements.
pub(crate) const OPERATIONS: &[Operation<Handler>] = &[
    Operation::<Handler>::new("GetQueueAttributes", get_queue_attributes)
        .allowed_by(&[TaskPolicy::SqsUnlock]),
    Operation::<Handler>::new("SetQueueAttributes", set_queue_attributes)
        .mutating()
        .allowed_by(&[TaskPolicy::SqsUnlock]),
];

/// An SQS error: the query-compatible code, the JSON `__type` shape and the HTTP status.
pub(crate) fn error(
    status: u16,
    query_code: &'static str,
    shape: &'static str,
    message: &str,
) -> Error {
    Error::new(status, query_code, message).with_shape(shape)
}

fn access_denied() -> Error {
    error(
        403,
        "AccessDenied",
        "com.amazon.coral.service#AccessDeniedException",
        "Access to the resource https://sqs.us-east-1.amazonaws.com/ is denied.",
    )
}

fn no_queue() -> Error {
    error(
        400,
        "AWS.SimpleQueueService.NonExistentQueue",
        "com.amazonaws.sqs#QueueDoesNotExist",
        "The specified queue does not exist.",
    )
}

fn missing(name: &str) -> Error {
    error(
        400,
        "MissingParameter",
        "com.amazonaws.sqs#MissingParameter",
        &format!("The request must contain the parameter {name}."),
    )
}

/// The account id and name in a queue URL (`<scheme>://<host>/<account id>/<name>`).
fn parse_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.split_once("://")?.1;
    let mut parts = rest.split('/');
    let (_host, account, name) = (parts.next()?, parts.next()?, parts.next()?);
    (parts.next().is_none() && !name.is_empty()).then_some((account, name))
}

/// Runs the request's operation with its JSON body; the response body on success.
pub(crate) fn handle(world: &World, req: &Request) -> Result<Value, Error> {
    let body: Value = match &req.params {
        Params::Body(bytes) => serde_json::from_slice(bytes),
        Params::Json(v) => Ok(v.clone()),
        Params::Query(_) | Params::Rest(_) => Ok(Value::Null),
    }
    .map_err(|e| {
        Error::new(
            400,
            "SerializationException",
            format!("Invalid JSON body: {e}"),
        )
        .with_shape("com.amazon.coral.service#SerializationException")
    })?;
    let (op, body) = (req.op.as_str(), &body);
    let row = find(OPERATIONS, op);
    let session = match &req.who {
        Who::Session { session, .. }
            if session
                .task_policy()
                .is_some_and(|p| row.is_some_and(|r| r.allows(p))) =>
        {
            session
        }
        _ => return Err(access_denied()),
    };
    let url = body["QueueUrl"]
        .as_str()
        .ok_or_else(|| missing("QueueUrl"))?;
    let (account, name) = parse_url(url).ok_or_else(no_queue)?;
    let owner = world.account(account).ok_or_else(no_queue)?;
    let mut state = world.lock();
    let queue = state.queues[owner]
        .iter_mut()
        .find(|q| q.name == name)
        .ok_or_else(no_queue)?;
    // A queue exists in its own region only: the endpoint of another has no such queue.
    if queue.region != req.region {
        return Err(no_queue());
    }
    if owner != session.account {
        return Err(access_denied());
    }
    match row {
        Some(row) => (row.handler)(queue, body),
        None => Err(error(
            400,
            "InvalidAction",
            "com.amazonaws.sqs#UnsupportedOperation",
            &format!("The action {op} is not valid for this endpoint."),
        )),
    }
}

fn get_queue_attributes(queue: &mut Bucket, body: &Value) -> Result<Value, Error> {
    let names: Vec<&str> = body["AttributeNames"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let wanted = names.iter().any(|n| matches!(*n, "Policy" | "All"));
    // No `Policy` key when the queue has none.
    Ok(match (&queue.policy, wanted) {
        (Some(p), true) => json!({ "Attributes": { "Policy": p } }),
        _ => json!({}),
    })
}

fn set_queue_attributes(queue: &mut Bucket, body: &Value) -> Result<Value, Error> {
    let attributes = body["Attributes"]
        .as_object()
        .ok_or_else(|| missing("Attributes"))?;
    for (key, value) in attributes {
        if key != "Policy" {
            return Err(error(
                400,
                "InvalidAttributeName",
                "com.amazonaws.sqs#InvalidAttributeName",
                &format!("Unknown Attribute {key}."),
            ));
        }
        match value.as_str() {
            Some("") => queue.policy = None,
            Some(p) => queue.policy = Some(p.to_string()),
            None => {
                return Err(error(
                    400,
                    "InvalidAttributeValue",
                    "com.amazonaws.sqs#InvalidAttributeValue",
                    "Invalid value for the parameter Policy.",
                ))
            }
        }
    }
    Ok(json!({}))
}
