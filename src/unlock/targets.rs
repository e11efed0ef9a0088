//! The resources an unlock run names: one from the command line, or many from an
//! `account_id,resource` CSV file. Checked before any AWS call; pure apart from reading the file.

use super::api::Kind;
use super::queue_url::{self, Host};
use std::collections::BTreeMap;
use std::path::Path;

/// The most resources one run takes (the same order of magnitude as an organization's
/// account limit; a longer list is a mistake, not an unlock).
pub const MAX_RESOURCES: usize = 10_000;

/// A resource list that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResourceError {
    /// Not a 12-digit account id.
    #[error("{0}")]
    Account(#[from] crate::targets::Error),
    /// A bucket name or queue URL that cannot be one.
    #[error("{source_name}: `{resource}` is not {what}")]
    Malformed {
        /// `--bucket`, `--queue-url` or `FILE:LINE`.
        source_name: String,
        /// The offending text.
        resource: String,
        /// What was expected.
        what: &'static str,
    },
    /// A queue URL naming another account than the one given.
    #[error("{source_name}: the queue URL `{url}` belongs to account {owner}, not {account}; the queue's own account is the one to unlock it in")]
    WrongAccount {
        source_name: String,
        url: String,
        owner: String,
        account: String,
    },
    /// A queue URL whose host is no SQS endpoint of AWS, while no custom endpoint is in use:
    /// its region, and so where to send the calls, cannot be known.
    #[error("{source_name}: the queue URL `{url}` does not name an SQS endpoint of AWS (https://sqs.<region>.amazonaws.com/<account id>/<name>, https://<region>.queue.amazonaws.com/..., https://queue.amazonaws.com/..., or .amazonaws.com.cn in China); copy the queue's URL from `aws sqs get-queue-url --queue-name <name> --region <region>`, or pass --endpoint-url for a local SQS")]
    NotSqsHost { source_name: String, url: String },
    /// A queue URL of another partition than the caller's: root sessions of the caller's
    /// partition cannot reach it.
    #[error("the queue URL `{url}` is in the {region} region of partition {partition}, but the caller is in partition {caller}; unlock it with the management account's credentials of {partition}")]
    OtherPartition {
        url: String,
        region: String,
        partition: &'static str,
        caller: String,
    },
    /// The file cannot be read or has no resources.
    #[error("{}: {}", .0, .1)]
    File(String, String),
}

/// Checks one named resource of `kind` and returns it as used in calls. A queue URL's host
/// must be an SQS endpoint of AWS (its region is where the queue is), unless `custom_endpoint`
/// (a simulator, a local SQS): then any host is taken, and a queue on a host that is not AWS's
/// is reached in the run's region.
pub fn check(
    kind: Kind,
    source_name: &str,
    account: &str,
    resource: &str,
    custom_endpoint: bool,
) -> Result<(String, String), ResourceError> {
    let account = crate::targets::parse_account_id(source_name, account)?;
    let resource = resource.trim();
    match kind {
        Kind::S3 => {
            let ok = (3..=63).contains(&resource.len())
                && resource.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
                });
            if !ok {
                return Err(ResourceError::Malformed {
                    source_name: source_name.into(),
                    resource: resource.into(),
                    what: "an S3 bucket name (3-63 lower-case letters, digits, '-', '.')",
                });
            }
        }
        Kind::Sqs => {
            let url = queue_url::parse(resource).ok_or_else(|| ResourceError::Malformed {
                source_name: source_name.into(),
                resource: resource.into(),
                what: "an SQS queue URL (https://sqs.<region>.amazonaws.com/<account id>/<name>)",
            })?;
            if url.host == Host::Other && !custom_endpoint {
                return Err(ResourceError::NotSqsHost {
                    source_name: source_name.into(),
                    url: resource.into(),
                });
            }
            let owner = url.account;
            if owner != account {
                return Err(ResourceError::WrongAccount {
                    source_name: source_name.into(),
                    url: resource.into(),
                    owner: owner.into(),
                    account,
                });
            }
        }
    }
    Ok((account, resource.to_string()))
}

/// Reads an `account_id,resource` CSV (an optional `account_id,resource` header line; `#`
/// comments and blank lines ignored); each line checked as [`check`] does.
pub fn read_file(
    kind: Kind,
    path: &Path,
    custom_endpoint: bool,
) -> Result<Vec<(String, String)>, ResourceError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ResourceError::File(name.clone(), e.to_string()))?;
    parse_file(kind, &name, &text, custom_endpoint)
}

/// Parses the text of a resource file named `name`.
pub fn parse_file(
    kind: Kind,
    name: &str,
    text: &str,
    custom_endpoint: bool,
) -> Result<Vec<(String, String)>, ResourceError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line == "account_id,resource" {
            continue;
        }
        let at = format!("{name}:{}", n + 1);
        let Some((account, resource)) = line.split_once(',') else {
            return Err(ResourceError::File(
                at,
                "expected `account_id,resource`".into(),
            ));
        };
        out.push(check(kind, &at, account, resource, custom_endpoint)?);
        if out.len() > MAX_RESOURCES {
            return Err(ResourceError::File(
                name.into(),
                format!("more than {MAX_RESOURCES} resources; split the file"),
            ));
        }
    }
    if out.is_empty() {
        return Err(ResourceError::File(
            name.into(),
            "lists no resources".into(),
        ));
    }
    Ok(out)
}

/// Checks that every queue URL on an AWS host is in the caller's `partition` (known once the
/// caller is identified, before any session is opened).
pub fn check_partition<'a>(
    urls: impl IntoIterator<Item = &'a String>,
    partition: &str,
) -> Result<(), ResourceError> {
    for url in urls {
        if let Some(Host::Aws(region)) = queue_url::parse(url).map(|u| u.host) {
            let theirs = queue_url::partition(&region);
            if theirs != partition {
                return Err(ResourceError::OtherPartition {
                    url: url.clone(),
                    region,
                    partition: theirs,
                    caller: partition.to_string(),
                });
            }
        }
    }
    Ok(())
}

/// Groups resources by account, each named once, in the order given.
pub fn by_account(resources: Vec<(String, String)>) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (account, resource) in resources {
        let list = map.entry(account).or_default();
        if !list.contains(&resource) {
            list.push(resource);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_lists_resources_by_account_without_duplicates() {
        let text = "account_id,resource\n# comment\n222222222222,logs-bucket\n\n333333333333,data.bucket\n222222222222,logs-bucket\n";
        let map = by_account(parse_file(Kind::S3, "f.csv", text, false).expect("parses"));
        assert_eq!(map["222222222222"], ["logs-bucket"]);
        assert_eq!(map["333333333333"], ["data.bucket"]);
    }

    #[test]
    fn a_resource_file_is_read_from_disk_and_a_missing_one_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("buckets.csv");
        std::fs::write(&path, "222222222222,logs-bucket\n").expect("write");
        assert_eq!(
            read_file(Kind::S3, &path, false).expect("reads"),
            [("222222222222".to_string(), "logs-bucket".to_string())]
        );
        let missing = dir.path().join("missing.csv");
        let err = read_file(Kind::S3, &missing, false).expect_err("no such file");
        assert!(
            err.to_string().contains(&missing.display().to_string()),
            "{err}"
        );
    }

    #[test]
    fn a_file_may_list_up_to_the_limit_and_not_one_more() {
        let lines = |n: usize| -> String {
            (0..n)
                .map(|i| format!("222222222222,bucket-{i}\n"))
                .collect()
        };
        let full =
            parse_file(Kind::S3, "f.csv", &lines(MAX_RESOURCES), false).expect("at the limit");
        assert_eq!(full.len(), MAX_RESOURCES);
        let over = parse_file(Kind::S3, "f.csv", &lines(MAX_RESOURCES + 1), false)
            .expect_err("over the limit");
        assert_eq!(
            over.to_string(),
            format!("f.csv: more than {MAX_RESOURCES} resources; split the file")
        );
    }

    #[test]
    fn bad_lines_name_the_file_and_line() {
        let err = parse_file(Kind::S3, "f.csv", "222222222222,Bad_Bucket\n", false).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("f.csv:1: `Bad_Bucket` is not an S3 bucket name"),
            "{err}"
        );
        let err = parse_file(Kind::S3, "f.csv", "2222,b-1\n", false).unwrap_err();
        assert!(err.to_string().contains("f.csv:1"), "{err}");
        assert!(parse_file(Kind::S3, "f.csv", "# nothing\n", false).is_err());
    }

    #[test]
    fn a_queue_url_must_belong_to_the_account_given() {
        let url = "https://sqs.us-east-1.amazonaws.com/222222222222/jobs";
        assert!(check(Kind::Sqs, "--queue-url", "222222222222", url, false).is_ok());
        let err = check(Kind::Sqs, "--queue-url", "333333333333", url, false).unwrap_err();
        assert!(matches!(err, ResourceError::WrongAccount { .. }), "{err}");
        assert!(check(Kind::Sqs, "--queue-url", "222222222222", "jobs", false).is_err());
    }

    #[test]
    fn a_queue_url_on_a_host_that_is_not_sqs_is_refused_unless_an_endpoint_is_given() {
        let local = "http://127.0.0.1:4566/222222222222/jobs";
        let err = check(Kind::Sqs, "--queue-url", "222222222222", local, false).unwrap_err();
        assert!(matches!(err, ResourceError::NotSqsHost { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.starts_with("--queue-url: the queue URL `http://127.0.0.1:4566/222222222222/jobs` does not name an SQS endpoint of AWS"),
            "{text}"
        );
        assert!(
            text.contains("aws sqs get-queue-url") && !text.contains('\n'),
            "{text}"
        );
        assert!(check(Kind::Sqs, "--queue-url", "222222222222", local, true).is_ok());
        let err = parse_file(
            Kind::Sqs,
            "q.csv",
            &format!("222222222222,{local}\n"),
            false,
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("q.csv:1: the queue URL"),
            "{err}"
        );
        // AWS hosts are taken with or without a custom endpoint; their partition is checked
        // once the caller's is known.
        let china = "https://sqs.cn-north-1.amazonaws.com.cn/222222222222/jobs";
        assert!(check(Kind::Sqs, "--queue-url", "222222222222", china, false).is_ok());
        let urls = [local.to_string(), china.to_string()];
        assert!(check_partition(&urls, "aws-cn").is_ok());
        let err = check_partition(&urls, "aws").unwrap_err();
        assert!(
            err.to_string().starts_with("the queue URL `https://sqs.cn-north-1.amazonaws.com.cn/222222222222/jobs` is in the cn-north-1 region of partition aws-cn, but the caller is in partition aws"),
            "{err}"
        );
    }
}
