//! SQS (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.<Op>`): GetQueueAttributes and
//! SetQueueAttributes for the `Policy` attribute, as an `SQSUnlockQueuePolicy` root session uses
//! them. Errors carry the awsQuery-compatible code in `x-amzn-query-error`.

use crate::sim::wire::api::ApiError;
use crate::sim::wire::request::Who;
use crate::sim::world::state::{TaskPolicy, World};
use serde_json::{json, Value};

/// Target prefix of SQS JSON requests.
pub(crate) const TARGET_PREFIX: &str = "AmazonSQS.";

/// SQS operations the simulator implements.
pub(crate) const OPERATIONS: &[&str] = &["GetQueueAttributes", "SetQueueAttributes"];

/// An SQS error: the JSON `__type`, the query-compatible code and the HTTP status.
pub(crate) struct SqsError {
    pub api: ApiError,
    /// `com.amazonaws.sqs#QueueDoesNotExist` style shape id.
    pub shape: &'static str,
}

fn error(status: u16, query_code: &'static str, shape: &'static str, message: &str) -> SqsError {
    SqsError {
        api: ApiError::new(status, query_code, message),
        shape,
    }
}

fn access_denied() -> SqsError {
    error(
        403,
        "AccessDenied",
        "com.amazon.coral.service#AccessDeniedException",
        "Access to the resource https://sqs.us-east-1.amazonaws.com/ is denied.",
    )
}

fn no_queue() -> SqsError {
    error(
        400,
        "AWS.SimpleQueueService.NonExistentQueue",
        "com.amazonaws.sqs#QueueDoesNotExist",
        "The specified queue does not exist.",
    )
}

/// The account id and name in a queue URL (`<scheme>://<host>/<account id>/<name>`).
fn parse_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.split_once("://")?.1;
    let mut parts = rest.split('/');
    let (_host, account, name) = (parts.next()?, parts.next()?, parts.next()?);
    (parts.next().is_none() && !name.is_empty()).then_some((account, name))
}

/// Runs `op` with the JSON `body` for `who`; the response body on success.
pub(crate) fn handle(world: &World, who: &Who, op: &str, body: &Value) -> Result<Value, SqsError> {
    let session = match who {
        Who::Session { session, .. } if session.task_policy() == Some(TaskPolicy::SqsUnlock) => {
            session
        }
        _ => return Err(access_denied()),
    };
    let url = body["QueueUrl"].as_str().ok_or_else(|| {
        error(
            400,
            "MissingParameter",
            "com.amazonaws.sqs#MissingParameter",
            "The request must contain the parameter QueueUrl.",
        )
    })?;
    let (account, name) = parse_url(url).ok_or_else(no_queue)?;
    let owner = world.account(account).ok_or_else(no_queue)?;
    let mut state = world.lock();
    let queue = state.queues[owner]
        .iter_mut()
        .find(|q| q.name == name)
        .ok_or_else(no_queue)?;
    if owner != session.account {
        return Err(access_denied());
    }
    match op {
        "GetQueueAttributes" => {
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
        "SetQueueAttributes" => {
            let attributes = body["Attributes"].as_object().ok_or_else(|| {
                error(
                    400,
                    "MissingParameter",
                    "com.amazonaws.sqs#MissingParameter",
                    "The request must contain the parameter Attributes.",
                )
            })?;
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
        _ => Err(error(
            400,
            "InvalidAction",
            "com.amazonaws.sqs#UnsupportedOperation",
            &format!("The action {op} is not valid for this endpoint."),
        )),
    }
}
