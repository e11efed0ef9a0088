//! Where a bucket is: S3 answers a request sent to (or signed for) another region than the
//! bucket's with `301 PermanentRedirect` (or `400 AuthorizationHeaderMalformed`) and the
//! bucket's region in the `x-amz-bucket-region` header. This module reads that header off a
//! failed call, remembers each bucket's region for the run, and sends the call once more there.
//! `GetBucketLocation` and `HeadBucket` are not allowed by `S3UnlockBucketPolicy`, so S3's own
//! answer to the unlock call is the only source.

use super::{Aws, Error};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// The header in which S3 names a bucket's region.
const BUCKET_REGION: &str = "x-amz-bucket-region";

/// The error codes S3 answers a request in the wrong region with.
fn wrong_region(code: &str) -> bool {
    matches!(code, "PermanentRedirect" | "AuthorizationHeaderMalformed")
}

/// The regions S3 has named for buckets during the run, shared by every session.
#[derive(Clone, Default)]
pub struct Regions(Arc<Mutex<HashMap<String, String>>>);

impl Regions {
    fn get(&self, bucket: &str) -> Option<String> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(bucket).cloned()
    }

    fn set(&self, bucket: &str, region: &str) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(bucket.to_string(), region.to_string());
    }
}

/// Whether a call changes something (sent with [`Aws::send_change`]) or only reads.
#[derive(Clone, Copy)]
pub enum Effect {
    Read,
    Change,
}

impl Aws {
    /// Sends `call` for `bucket` in the region S3 named for it earlier in the run, else in the
    /// run's region (`call` is given the region to use, `None` for the run's). When S3 answers
    /// that the bucket is in another region, the call is sent once more there, and that region
    /// is remembered. Without a region in S3's answer, the error says to pass `--region`.
    pub(crate) async fn in_bucket_region<T, E, F, Fut>(
        &self,
        regions: &Regions,
        operation: &'static str,
        effect: Effect,
        bucket: &str,
        call: F,
    ) -> Result<T, Error>
    where
        F: Fn(Option<&str>) -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let known = regions.get(bucket);
        let used = known.clone().or_else(|| self.region()).unwrap_or_default();
        let named = Mutex::new(None);
        let first = self
            .send_as(operation, effect, || noting(&named, call(known.as_deref())))
            .await;
        let named = named.into_inner().unwrap_or_else(|p| p.into_inner());
        match (first, named) {
            (Err(_), Some(region)) if region != used => {
                regions.set(bucket, &region);
                self.send_as(operation, effect, || call(Some(&region)))
                    .await
                    .map_err(|e| unreachable_bucket(e, &region))
            }
            (first, _) => first.map_err(|e| unreachable_bucket(e, &used)),
        }
    }

    async fn send_as<T, E, F, Fut>(
        &self,
        operation: &'static str,
        effect: Effect,
        call: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match effect {
            Effect::Read => self.send(operation, call).await,
            Effect::Change => self.send_change(operation, call).await,
        }
    }
}

/// Awaits `call`, keeping the bucket region its error response names, if any.
async fn noting<T, E>(
    named: &Mutex<Option<String>>,
    call: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
) -> Result<T, SdkError<E, HttpResponse>> {
    let result = call.await;
    if let Some(region) = result
        .as_ref()
        .err()
        .and_then(|e| e.raw_response())
        .and_then(|raw| raw.headers().get(BUCKET_REGION))
        .filter(|r| is_region_name(r))
    {
        *named.lock().unwrap_or_else(|p| p.into_inner()) = Some(region.to_string());
    }
    result
}

/// A region name as S3 sends it: lower-case letters, digits and `-`.
fn is_region_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A wrong-region answer S3 gave no region with says, in one line, what to pass.
fn unreachable_bucket(mut err: Error, used: &str) -> Error {
    if wrong_region(&err.code) {
        err.message = format!(
            "{} (the bucket is not in {used} and S3 did not say where it is: run again with --region <the bucket's region>)",
            err.message
        );
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::ErrorKind;

    #[test]
    fn a_wrong_region_answer_without_a_region_says_to_pass_one() {
        let e = Error::new(
            "GetBucketPolicy",
            "PermanentRedirect",
            "The bucket you are attempting to access must be addressed using the specified endpoint.",
            ErrorKind::Other,
        );
        let e = unreachable_bucket(e, "us-east-1");
        assert!(
            e.message
                .ends_with("run again with --region <the bucket's region>)"),
            "{e}"
        );
        assert!(e.message.contains("not in us-east-1"), "{e}");
        let denied = Error::new(
            "GetBucketPolicy",
            "AccessDenied",
            "Access Denied",
            ErrorKind::AccessDenied,
        );
        assert_eq!(unreachable_bucket(denied.clone(), "us-east-1"), denied);
    }

    #[test]
    fn only_region_names_are_taken_from_the_header() {
        assert!(is_region_name("eu-west-1") && is_region_name("cn-north-1"));
        assert!(!is_region_name("") && !is_region_name("EU WEST") && !is_region_name("a/b"));
    }

    #[test]
    fn regions_are_remembered_per_bucket() {
        let regions = Regions::default();
        assert_eq!(regions.get("b"), None);
        regions.clone().set("b", "eu-west-1");
        assert_eq!(regions.get("b").as_deref(), Some("eu-west-1"));
        assert_eq!(regions.get("c"), None);
    }
}
