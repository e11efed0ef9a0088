//! S3 (REST-XML, path-style `/{bucket}?policy`): its operation table, GetBucketPolicy and
//! DeleteBucketPolicy, the bucket-policy operations an `S3UnlockBucketPolicy` root session
//! uses. Bucket names are global: a bucket of another account answers AccessDenied, an unknown one NoSuchBucket,
//! and a request signed for another region than the bucket's `301 PermanentRedirect` naming the
//! bucket's region in `x-amz-bucket-region`, whoever asks.

use crate::sim::services::error::Error;
use crate::sim::services::request::{Request, Who};
use crate::sim::services::table::{find, Operation};
use crate::sim::world::model::{Bucket, Partition};
use crate::sim::world::state::{TaskPolicy, World};

/// What an S3 operation answers: status, content type and body.
pub(crate) struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// What runs an S3 operation: the HTTP method of its path-style request, and the change or
/// read on the bucket.
pub(crate) struct Handler {
    pub method: &'static str,
    pub run: fn(&mut Bucket) -> Result<Answer, Error>,
}

/// The S3 operations the simulator implements (REST, path-style `/{bucket}?policy`).
pub(crate) const OPERATIONS: &[Operation<Handler>] = &[
    Operation::new(
        "GetBucketPolicy",
        Handler {
            method: "GET",
            run: get_bucket_policy,
        },
    )
    .allowed_by(&[TaskPolicy::S3Unlock]),
    Operation::new(
        "DeleteBucketPolicy",
        Handler {
            method: "DELETE",
            run: delete_bucket_policy,
        },
    )
    .mutating()
    .allowed_by(&[TaskPolicy::S3Unlock]),
];

/// The operation a path-style bucket-policy request names, if it is one the simulator speaks.
pub(crate) fn operation(method: &str) -> Option<&'static str> {
    OPERATIONS
        .iter()
        .find(|o| o.handler.method == method)
        .map(|o| o.name)
}

/// Runs the request's operation on its `Bucket`.
pub(crate) fn handle(world: &World, req: &Request) -> Result<Answer, Error> {
    let (op, bucket) = (
        req.op.as_str(),
        req.params.str("Bucket").unwrap_or_default(),
    );
    let session = match &req.who {
        Who::Session { session, .. } => session,
        Who::Caller(_) => return Err(access_denied()),
    };
    let Some(row) = find(OPERATIONS, op) else {
        return Err(Error::new(
            405,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
        ));
    };
    if !session.task_policy().is_some_and(|p| row.allows(p)) {
        return Err(access_denied());
    }
    let mut state = world.lock();
    let owner = state
        .buckets
        .iter()
        .position(|bs| bs.iter().any(|b| b.name == bucket));
    let Some(owner) = owner else {
        return Err(Error::new(
            404,
            "NoSuchBucket",
            "The specified bucket does not exist",
        ));
    };
    let Some(b) = state.buckets[owner].iter_mut().find(|b| b.name == bucket) else {
        return Err(Error::new(500, "InternalError", "bucket vanished"));
    };
    if b.region != req.region {
        return Err(moved(bucket, &b.region, world.org.partition));
    }
    if owner != session.account {
        return Err(access_denied());
    }
    (row.handler.run)(b)
}

fn get_bucket_policy(b: &mut Bucket) -> Result<Answer, Error> {
    match &b.policy {
        Some(policy) => Ok(Answer {
            status: 200,
            content_type: "application/json",
            body: policy.clone().into_bytes(),
        }),
        None => Err(no_policy()),
    }
}

/// S3 answers 204 whether or not a policy was set.
fn delete_bucket_policy(b: &mut Bucket) -> Result<Answer, Error> {
    b.policy = None;
    Ok(Answer {
        status: 204,
        content_type: "application/xml",
        body: Vec::new(),
    })
}

/// S3's answer, in a region that is not the bucket's: where to send the request instead.
fn moved(bucket: &str, region: &str, partition: Partition) -> Error {
    let domain = match partition {
        Partition::Cn => "amazonaws.com.cn",
        Partition::Aws | Partition::UsGov => "amazonaws.com",
    };
    Error::new(
        301,
        "PermanentRedirect",
        "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
    )
    .with_detail("Endpoint", format!("{bucket}.s3.{region}.{domain}"))
    .with_detail("Bucket", bucket)
    .with_header("x-amz-bucket-region", region)
}

fn access_denied() -> Error {
    Error::new(403, "AccessDenied", "Access Denied")
}

fn no_policy() -> Error {
    Error::new(
        404,
        "NoSuchBucketPolicy",
        "The bucket policy does not exist",
    )
}
