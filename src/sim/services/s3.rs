//! S3 (REST-XML, path-style `/{bucket}?policy`): GetBucketPolicy and DeleteBucketPolicy, the
//! two bucket-policy operations an `S3UnlockBucketPolicy` root session uses. Bucket names are
//! global: a bucket of another account answers AccessDenied, an unknown one NoSuchBucket.

use crate::sim::wire::api::ApiError;
use crate::sim::wire::request::Who;
use crate::sim::world::state::{TaskPolicy, World};

/// What an S3 operation answers: status, content type and body.
pub(crate) struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// The operation a path-style bucket-policy request names, if it is one the simulator speaks.
pub(crate) fn operation(method: &str) -> Option<&'static str> {
    match method {
        "GET" => Some("GetBucketPolicy"),
        "DELETE" => Some("DeleteBucketPolicy"),
        _ => None,
    }
}

/// Runs `op` on `bucket` for the caller `who`.
pub(crate) fn handle(world: &World, who: &Who, op: &str, bucket: &str) -> Result<Answer, ApiError> {
    let session = match who {
        Who::Session { session, .. } => session,
        Who::Caller(_) => return Err(access_denied()),
    };
    if session.task_policy() != Some(TaskPolicy::S3Unlock) {
        return Err(access_denied());
    }
    let mut state = world.lock();
    let owner = state
        .buckets
        .iter()
        .position(|bs| bs.iter().any(|b| b.name == bucket));
    let Some(owner) = owner else {
        return Err(ApiError::new(
            404,
            "NoSuchBucket",
            "The specified bucket does not exist",
        ));
    };
    if owner != session.account {
        return Err(access_denied());
    }
    let Some(b) = state.buckets[owner].iter_mut().find(|b| b.name == bucket) else {
        return Err(ApiError::new(500, "InternalError", "bucket vanished"));
    };
    match op {
        "GetBucketPolicy" => match &b.policy {
            Some(policy) => Ok(Answer {
                status: 200,
                content_type: "application/json",
                body: policy.clone().into_bytes(),
            }),
            None => Err(no_policy()),
        },
        "DeleteBucketPolicy" => {
            // S3 answers 204 whether or not a policy was set.
            b.policy = None;
            Ok(Answer {
                status: 204,
                content_type: "application/xml",
                body: Vec::new(),
            })
        }
        _ => Err(ApiError::new(
            405,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
        )),
    }
}

fn access_denied() -> ApiError {
    ApiError::new(403, "AccessDenied", "Access Denied")
}

fn no_policy() -> ApiError {
    ApiError::new(
        404,
        "NoSuchBucketPolicy",
        "The bucket policy does not exist",
    )
}

/// S3's error document.
pub(crate) fn error(err: &ApiError, bucket: &str, request_id: &str) -> Vec<u8> {
    let mut x = crate::sim::wire::query::Xml::new();
    x.start("Error")
        .text("Code", &err.code)
        .text("Message", &err.message);
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
