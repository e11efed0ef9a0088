//! An SQS queue URL read apart: the account that owns the queue, its name, and the region its
//! host names. Pure text work: no AWS call, no knowledge of the run.
//!
//! A queue lives in one region, and SQS answers a request sent to another region's endpoint
//! with `AWS.SimpleQueueService.NonExistentQueue`; the SDK sends to its client's region, not
//! to the URL's host. So the region must come from the URL.

/// Where a queue URL's host points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// An SQS endpoint of AWS, in this region.
    Aws(String),
    /// Any other host (a simulator, a local SQS): not an AWS endpoint.
    Other,
}

/// A queue URL's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueUrl<'a> {
    /// Where the host points.
    pub host: Host,
    /// The 12-digit account id in the path.
    pub account: &'a str,
    /// The queue name in the path.
    pub name: &'a str,
}

/// Reads `<http|https>://<host>/<account id>/<name>`; `None` when the URL is not of that shape.
pub fn parse(url: &str) -> Option<QueueUrl<'_>> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let mut parts = rest.split('/');
    let (host, account, name) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = parts.next().is_none()
        && !host.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty();
    ok.then(|| QueueUrl {
        host: aws_region(host).map_or(Host::Other, Host::Aws),
        account,
        name,
    })
}

/// The region of an SQS endpoint host of AWS, `None` for any other host:
/// `sqs.<region>.amazonaws.com` (also `sqs-fips.` and the dual-stack `.api.aws`), the legacy
/// `<region>.queue.amazonaws.com` and `queue.amazonaws.com` (us-east-1), and in China
/// `sqs.<region>.amazonaws.com.cn` and `<region>.queue.amazonaws.com.cn`. Host names are
/// case-insensitive; a port and a final dot are ignored.
pub fn aws_region(host: &str) -> Option<String> {
    let host = host
        .split(':')
        .next()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if host == "queue.amazonaws.com" {
        return Some("us-east-1".to_string());
    }
    let (rest, china) = if let Some(rest) = host.strip_suffix(".amazonaws.com.cn") {
        (rest, true)
    } else if let Some(rest) = host.strip_suffix(".amazonaws.com") {
        (rest, false)
    } else {
        let rest = host.strip_suffix(".api.aws")?;
        (rest, false)
    };
    let dual_stack = host.ends_with(".api.aws");
    let region = match rest.split_once('.')? {
        ("sqs" | "sqs-fips", region) => region,
        (region, "queue") if !dual_stack => region,
        _ => return None,
    };
    (is_region(region) && region.starts_with("cn-") == china).then(|| region.to_string())
}

/// The partition a region belongs to, as ARNs name it: `aws-cn` for `cn-…`, `aws-us-gov` for
/// `us-gov-…`, else `aws`.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// `<area>-<place>-<n>`: two lower-case letters, one or more lower-case words, a number
/// (`us-east-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`).
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let Some((number, words)) = parts.split_last() else {
        return false;
    };
    words.len() >= 2
        && words[0].len() == 2
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(url: &str) -> Option<String> {
        match parse(url)?.host {
            Host::Aws(r) => Some(r),
            Host::Other => None,
        }
    }

    #[test]
    fn every_aws_host_form_names_its_region() {
        let cases = [
            (
                "https://sqs.eu-west-1.amazonaws.com/222222222222/jobs",
                "eu-west-1",
            ),
            (
                "https://sqs.us-gov-west-1.amazonaws.com/222222222222/jobs",
                "us-gov-west-1",
            ),
            (
                "https://sqs-fips.us-east-2.amazonaws.com/222222222222/jobs",
                "us-east-2",
            ),
            (
                "https://sqs.ap-southeast-5.api.aws/222222222222/jobs",
                "ap-southeast-5",
            ),
            (
                "https://ap-northeast-1.queue.amazonaws.com/222222222222/jobs",
                "ap-northeast-1",
            ),
            ("https://queue.amazonaws.com/222222222222/jobs", "us-east-1"),
            (
                "https://sqs.cn-north-1.amazonaws.com.cn/222222222222/jobs",
                "cn-north-1",
            ),
            (
                "https://cn-northwest-1.queue.amazonaws.com.cn/222222222222/jobs",
                "cn-northwest-1",
            ),
            (
                "http://SQS.EU-CENTRAL-1.AMAZONAWS.COM:443/222222222222/jobs.fifo",
                "eu-central-1",
            ),
            (
                "https://sqs.sa-east-1.amazonaws.com./222222222222/jobs",
                "sa-east-1",
            ),
        ];
        for (url, want) in cases {
            assert_eq!(region(url).as_deref(), Some(want), "{url}");
        }
        let url = parse("https://sqs.eu-west-1.amazonaws.com/222222222222/jobs").expect("parses");
        assert_eq!((url.account, url.name), ("222222222222", "jobs"));
    }

    #[test]
    fn a_region_names_its_partition() {
        assert_eq!(partition("cn-northwest-1"), "aws-cn");
        assert_eq!(partition("us-gov-east-1"), "aws-us-gov");
        assert_eq!(partition("us-east-1"), "aws");
        assert_eq!(partition("eu-west-1"), "aws");
    }

    #[test]
    fn other_hosts_are_not_aws_endpoints() {
        for url in [
            "http://127.0.0.1:4566/222222222222/jobs",
            "http://localhost:9324/222222222222/jobs",
            "https://sqs.amazonaws.com/222222222222/jobs",
            "https://sqs.eu-west-1.amazonaws.com.evil.example/222222222222/jobs",
            "https://evil.example/sqs.eu-west-1.amazonaws.com/222222222222",
            "https://s3.eu-west-1.amazonaws.com/222222222222/jobs",
            "https://sqs.eu-west.amazonaws.com/222222222222/jobs",
            "https://sqs.cn-north-1.amazonaws.com/222222222222/jobs",
            "https://sqs.eu-west-1.amazonaws.com.cn/222222222222/jobs",
            "https://eu-west-1.queue.api.aws/222222222222/jobs",
            "https://x.sqs.eu-west-1.amazonaws.com/222222222222/jobs",
            // A region of the wrong shape, one rule broken each: one word, a first word not
            // of two letters, a word with a digit, an empty word, no number.
            "https://sqs.eu-1.amazonaws.com/222222222222/jobs",
            "https://sqs.eur-west-1.amazonaws.com/222222222222/jobs",
            "https://sqs.eu-w3st-1.amazonaws.com/222222222222/jobs",
            "https://sqs.eu--1.amazonaws.com/222222222222/jobs",
            "https://sqs.eu-west-.amazonaws.com/222222222222/jobs",
            "https://eu-west-1a.queue.amazonaws.com/222222222222/jobs",
        ] {
            assert_eq!(region(url), None, "{url}");
        }
        assert!(parse("https://evil.example/sqs.eu-west-1.amazonaws.com/222222222222").is_none());
    }

    #[test]
    fn a_url_that_is_not_host_account_name_is_no_queue_url() {
        for url in [
            "jobs",
            "sqs.eu-west-1.amazonaws.com/222222222222/jobs",
            "ftp://sqs.eu-west-1.amazonaws.com/222222222222/jobs",
            "https://sqs.eu-west-1.amazonaws.com/2222/jobs",
            "https://sqs.eu-west-1.amazonaws.com/222222222222/",
            "https://sqs.eu-west-1.amazonaws.com/222222222222/jobs/extra",
            "https:///222222222222/jobs",
        ] {
            assert_eq!(parse(url), None, "{url}");
        }
    }
}
