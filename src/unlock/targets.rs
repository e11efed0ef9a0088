//! The resources an unlock run names: one from the command line, or many from an
//! `account_id,resource` CSV file. Checked before any AWS call; pure apart from reading the file.

use super::api::Kind;
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
    /// The file cannot be read or has no resources.
    #[error("{}: {}", .0, .1)]
    File(String, String),
}

/// Checks one named resource of `kind` and returns it as used in calls.
pub fn check(
    kind: Kind,
    source_name: &str,
    account: &str,
    resource: &str,
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
            let owner = queue_account(resource).ok_or_else(|| ResourceError::Malformed {
                source_name: source_name.into(),
                resource: resource.into(),
                what: "an SQS queue URL (https://sqs.<region>.amazonaws.com/<account id>/<name>)",
            })?;
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

/// The account id in a queue URL (`<scheme>://<host>/<account id>/<name>`).
pub fn queue_account(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let mut parts = rest.split('/');
    let (_host, account, name) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = parts.next().is_none()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty();
    ok.then_some(account)
}

/// Reads an `account_id,resource` CSV (an optional `account_id,resource` header line; `#`
/// comments and blank lines ignored).
pub fn read_file(kind: Kind, path: &Path) -> Result<Vec<(String, String)>, ResourceError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ResourceError::File(name.clone(), e.to_string()))?;
    parse_file(kind, &name, &text)
}

/// Parses the text of a resource file named `name`.
pub fn parse_file(
    kind: Kind,
    name: &str,
    text: &str,
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
        out.push(check(kind, &at, account, resource)?);
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
        let map = by_account(parse_file(Kind::S3, "f.csv", text).expect("parses"));
        assert_eq!(map["222222222222"], ["logs-bucket"]);
        assert_eq!(map["333333333333"], ["data.bucket"]);
    }

    #[test]
    fn bad_lines_name_the_file_and_line() {
        let err = parse_file(Kind::S3, "f.csv", "222222222222,Bad_Bucket\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("f.csv:1: `Bad_Bucket` is not an S3 bucket name"),
            "{err}"
        );
        let err = parse_file(Kind::S3, "f.csv", "2222,b-1\n").unwrap_err();
        assert!(err.to_string().contains("f.csv:1"), "{err}");
        assert!(parse_file(Kind::S3, "f.csv", "# nothing\n").is_err());
    }

    #[test]
    fn a_queue_url_must_belong_to_the_account_given() {
        let url = "https://sqs.us-east-1.amazonaws.com/222222222222/jobs";
        assert_eq!(queue_account(url), Some("222222222222"));
        assert!(check(Kind::Sqs, "--queue-url", "222222222222", url).is_ok());
        let err = check(Kind::Sqs, "--queue-url", "333333333333", url).unwrap_err();
        assert!(matches!(err, ResourceError::WrongAccount { .. }), "{err}");
        assert!(check(Kind::Sqs, "--queue-url", "222222222222", "jobs").is_err());
    }
}
