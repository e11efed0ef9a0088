//! The S3 buckets and SQS queues of a scenario account: names as the services allow them,
//! policies that are JSON objects and region names, checked for `validate`.

use crate::sim::scenario::raw;
use crate::sim::scenario::source::{Error, Source};
use crate::sim::services::request::REGION;

type Result<T> = std::result::Result<T, Error>;

/// An S3 bucket: a DNS-compatible name and, if set, a policy that is a JSON object.
pub(crate) fn bucket(
    b: &raw::Bucket,
    src: &Source<'_>,
) -> Result<crate::sim::world::model::Bucket> {
    let name = b.name.get_ref();
    let valid = (3..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !valid {
        return Err(src.error(
            b.name.span(),
            "name",
            format!("{name:?} is not a valid S3 bucket name (3-63 lower-case letters, digits, '-', '.')"),
        ));
    }
    resource(b, "bucket", src)
}

/// An SQS queue: a name of 1-80 letters, digits, '-' or '_' ('.fifo' allowed at the end) and,
/// if set, a policy that is a JSON object.
pub(crate) fn queue(q: &raw::Bucket, src: &Source<'_>) -> Result<crate::sim::world::model::Bucket> {
    let name = q.name.get_ref();
    let base = name.strip_suffix(".fifo").unwrap_or(name);
    if !(1..=80).contains(&name.len())
        || !base
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(src.error(
            q.name.span(),
            "name",
            format!("{name:?} is not a valid SQS queue name (1-80 letters, digits, '-', '_')"),
        ));
    }
    resource(q, "queue", src)
}

/// A bucket or queue (`noun`) with a checked name: its policy, a JSON object if set, and its
/// region, a region name if set (else the simulator's).
fn resource(
    r: &raw::Bucket,
    noun: &str,
    src: &Source<'_>,
) -> Result<crate::sim::world::model::Bucket> {
    let policy = match &r.policy {
        None => None,
        Some(p) => match serde_json::from_str::<serde_json::Value>(p.get_ref()) {
            Ok(serde_json::Value::Object(_)) => Some(p.get_ref().clone()),
            _ => {
                return Err(src.error(
                    p.span(),
                    "policy",
                    format!("a {noun} policy must be a JSON object"),
                ))
            }
        },
    };
    let region = match &r.region {
        None => REGION.to_string(),
        Some(region) if is_region(region.get_ref()) => region.get_ref().clone(),
        Some(region) => {
            return Err(src.error(
                region.span(),
                "region",
                format!(
                    "{:?} is not a region name (e.g. us-east-1, eu-west-1, cn-north-1)",
                    region.get_ref()
                ),
            ))
        }
    };
    Ok(crate::sim::world::model::Bucket {
        name: r.name.get_ref().clone(),
        policy,
        region,
    })
}

/// `<area>-<place>-<n>`: lower-case words and a final number (`us-gov-west-1`).
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty())
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use crate::sim::Scenario;

    const HEAD: &str = "[organization]\nid = \"o-abcdefghij\"\nmanagement_account = \"111111111111\"\n\
        [[callers]]\naccess_key_id = \"AKIAMANAGEMENT000001\"\nsecret_access_key = \"s\"\naccount = \"111111111111\"\n";

    #[test]
    fn a_bucket_name_used_twice_and_a_policy_that_is_not_json_are_scenario_errors() {
        let twice = format!(
            "{HEAD}[[accounts]]\nid = \"222222222222\"\nbuckets = [{{ name = \"same-name\" }}]\n\
             [[accounts]]\nid = \"333333333333\"\nbuckets = [{{ name = \"same-name\" }}]\n"
        );
        let err = Scenario::from_toml_str(&twice, "s.toml").expect_err("duplicate bucket");
        assert!(err.to_string().contains("bucket names are global"), "{err}");
        let bad = format!(
            "{HEAD}[[accounts]]\nid = \"222222222222\"\nqueues = [{{ name = \"q\", policy = \"deny\" }}]\n"
        );
        let err = Scenario::from_toml_str(&bad, "s.toml").expect_err("bad policy");
        assert!(err.to_string().contains("JSON object"), "{err}");
        let ok = format!(
            "{HEAD}[[accounts]]\nid = \"222222222222\"\nbuckets = [{{ name = \"b-1\", policy = '{{}}' }}]\n"
        );
        assert!(Scenario::from_toml_str(&ok, "s.toml").is_ok());
    }

    #[test]
    fn a_region_that_is_not_a_region_name_is_a_scenario_error() {
        let bad = format!(
            "{HEAD}[[accounts]]\nid = \"222222222222\"\nqueues = [{{ name = \"q\", region = \"Europe\" }}]\n"
        );
        let err = Scenario::from_toml_str(&bad, "s.toml").expect_err("bad region");
        assert!(err.to_string().contains("not a region name"), "{err}");
        let ok = format!(
            "{HEAD}[[accounts]]\nid = \"222222222222\"\nbuckets = [{{ name = \"b-1\", region = \"eu-west-1\" }}]\nqueues = [{{ name = \"q\", region = \"us-gov-west-1\" }}]\n"
        );
        assert!(Scenario::from_toml_str(&ok, "s.toml").is_ok());
    }
}
