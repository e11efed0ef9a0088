//! The unlock job's AWS edge: `sts:AssumeRoot` under `S3UnlockBucketPolicy` or
//! `SQSUnlockQueuePolicy`, and the policy calls made in those sessions (GetBucketPolicy and
//! DeleteBucketPolicy; GetQueueAttributes and SetQueueAttributes) behind the `unlock::api` traits.
//! Each call goes to the resource's region: a queue's from its URL, a bucket's from S3's answer
//! (see `bucket_region`).

use super::bucket_region::{Effect, Regions};
use super::sts::TaskPolicy;
use super::{Aws, Error};
use crate::unlock::api::{Current, Kind, PolicySession, PolicySessions};
use crate::unlock::queue_url::{self, Host};
use aws_config::Region;
use aws_credential_types::Credentials;

/// Opens unlock sessions for S3 bucket policies in one partition.
#[derive(Clone)]
pub struct BucketSessions {
    aws: Aws,
    partition: String,
    /// The buckets' regions as S3 named them, for every session of the run.
    regions: Regions,
}

impl Aws {
    /// S3 unlock sessions for member accounts of `partition`.
    pub fn bucket_sessions(&self, partition: &str) -> BucketSessions {
        BucketSessions {
            aws: self.clone(),
            partition: partition.to_string(),
            regions: Regions::default(),
        }
    }
}

/// A session under `S3UnlockBucketPolicy`: the run's S3 client with the session's credentials
/// (and the bucket's region, once S3 has named one) set per call.
pub struct BucketSession {
    aws: Aws,
    credentials: Credentials,
    regions: Regions,
}

impl BucketSession {
    fn config(&self, region: Option<&str>) -> aws_sdk_s3::config::Builder {
        let config = aws_sdk_s3::config::Builder::default()
            .credentials_provider(self.credentials.clone())
            .identity_cache(aws_sdk_s3::config::IdentityCache::no_cache());
        match region {
            Some(region) => config.region(Region::new(region.to_string())),
            None => config,
        }
    }
}

impl PolicySessions for BucketSessions {
    const KIND: Kind = Kind::S3;
    type Session = BucketSession;

    async fn open(&self, account_id: &str) -> Result<BucketSession, Error> {
        let credentials = self
            .aws
            .assume_root(account_id, TaskPolicy::S3Unlock, &self.partition)
            .await?;
        Ok(BucketSession {
            aws: self.aws.clone(),
            credentials,
            regions: self.regions.clone(),
        })
    }
}

impl PolicySession for BucketSession {
    /// GetBucketPolicy: the document, or no policy (`NoSuchBucketPolicy`), or no bucket
    /// (`NoSuchBucket`).
    async fn read_policy(&self, bucket: &str) -> Result<Current, Error> {
        let sent = self
            .aws
            .in_bucket_region(
                &self.regions,
                "GetBucketPolicy",
                Effect::Read,
                bucket,
                |region| {
                    self.aws
                        .s3
                        .get_bucket_policy()
                        .bucket(bucket)
                        .customize()
                        .config_override(self.config(region))
                        .send()
                },
            )
            .await;
        match sent {
            Ok(out) => Ok(Current::Policy(
                out.policy().unwrap_or_default().to_string(),
            )),
            Err(e) if e.code == "NoSuchBucketPolicy" => Ok(Current::NoPolicy),
            Err(e) if e.code == "NoSuchBucket" => Ok(Current::NoResource),
            Err(e) => Err(e),
        }
    }

    /// DeleteBucketPolicy.
    async fn remove_policy(&self, bucket: &str) -> Result<(), Error> {
        self.aws
            .in_bucket_region(
                &self.regions,
                "DeleteBucketPolicy",
                Effect::Change,
                bucket,
                |region| {
                    self.aws
                        .s3
                        .delete_bucket_policy()
                        .bucket(bucket)
                        .customize()
                        .config_override(self.config(region))
                        .send()
                },
            )
            .await
            .map(|_| ())
    }
}

/// Opens unlock sessions for SQS queue policies in one partition.
#[derive(Clone)]
pub struct QueueSessions {
    aws: Aws,
    partition: String,
}

impl Aws {
    /// SQS unlock sessions for member accounts of `partition`.
    pub fn queue_sessions(&self, partition: &str) -> QueueSessions {
        QueueSessions {
            aws: self.clone(),
            partition: partition.to_string(),
        }
    }
}

/// A session under `SQSUnlockQueuePolicy`: the run's SQS client with the session's credentials
/// set per call.
pub struct QueueSession {
    aws: Aws,
    credentials: Credentials,
}

impl QueueSession {
    /// The session's credentials, and the region of the queue's URL. A URL whose host is not
    /// an SQS endpoint of AWS (taken only with a custom endpoint: a simulator, a local SQS)
    /// is reached in the run's region.
    fn config(&self, url: &str) -> aws_sdk_sqs::config::Builder {
        let config = aws_sdk_sqs::config::Builder::default()
            .credentials_provider(self.credentials.clone())
            .identity_cache(aws_sdk_sqs::config::IdentityCache::no_cache());
        match queue_url::parse(url).map(|u| u.host) {
            Some(Host::Aws(region)) => config.region(Region::new(region)),
            Some(Host::Other) | None => config,
        }
    }
}

impl PolicySessions for QueueSessions {
    const KIND: Kind = Kind::Sqs;
    type Session = QueueSession;

    async fn open(&self, account_id: &str) -> Result<QueueSession, Error> {
        let credentials = self
            .aws
            .assume_root(account_id, TaskPolicy::SqsUnlock, &self.partition)
            .await?;
        Ok(QueueSession {
            aws: self.aws.clone(),
            credentials,
        })
    }
}

/// A missing queue: the query-compatible code (which the SDK reads from `x-amzn-query-error`)
/// or the modelled shape name.
fn no_queue(code: &str) -> bool {
    matches!(
        code,
        "AWS.SimpleQueueService.NonExistentQueue" | "QueueDoesNotExist"
    )
}

impl PolicySession for QueueSession {
    /// GetQueueAttributes(Policy): the document, or no policy (no `Policy` attribute), or no
    /// queue.
    async fn read_policy(&self, url: &str) -> Result<Current, Error> {
        use aws_sdk_sqs::types::QueueAttributeName;
        let sent = self
            .aws
            .send("GetQueueAttributes", || {
                self.aws
                    .sqs
                    .get_queue_attributes()
                    .queue_url(url)
                    .attribute_names(QueueAttributeName::Policy)
                    .customize()
                    .config_override(self.config(url))
                    .send()
            })
            .await;
        match sent {
            Ok(out) => Ok(
                match out
                    .attributes()
                    .and_then(|a| a.get(&QueueAttributeName::Policy))
                    .filter(|p| !p.is_empty())
                {
                    Some(p) => Current::Policy(p.clone()),
                    None => Current::NoPolicy,
                },
            ),
            Err(e) if no_queue(&e.code) => Ok(Current::NoResource),
            Err(e) => Err(e),
        }
    }

    /// SetQueueAttributes with an empty `Policy`, which removes it.
    async fn remove_policy(&self, url: &str) -> Result<(), Error> {
        use aws_sdk_sqs::types::QueueAttributeName;
        self.aws
            .send_change("SetQueueAttributes", || {
                self.aws
                    .sqs
                    .set_queue_attributes()
                    .queue_url(url)
                    .attributes(QueueAttributeName::Policy, "")
                    .customize()
                    .config_override(self.config(url))
                    .send()
            })
            .await
            .map(|_| ())
    }
}
