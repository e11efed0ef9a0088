//! The S3 buckets and SQS queues of a scenario account: names as the services allow them and
//! policies that are JSON objects, checked for `validate`.

use crate::sim::scenario::raw;
use crate::sim::scenario::source::{Error, Source};

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
    let policy = match &b.policy {
        None => None,
        Some(p) => match serde_json::from_str::<serde_json::Value>(p.get_ref()) {
            Ok(serde_json::Value::Object(_)) => Some(p.get_ref().clone()),
            _ => {
                return Err(src.error(
                    p.span(),
                    "policy",
                    "a bucket policy must be a JSON object".to_string(),
                ))
            }
        },
    };
    Ok(crate::sim::world::model::Bucket {
        name: name.clone(),
        policy,
    })
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
    let policy = match &q.policy {
        None => None,
        Some(p) => match serde_json::from_str::<serde_json::Value>(p.get_ref()) {
            Ok(serde_json::Value::Object(_)) => Some(p.get_ref().clone()),
            _ => {
                return Err(src.error(
                    p.span(),
                    "policy",
                    "a queue policy must be a JSON object".to_string(),
                ))
            }
        },
    };
    Ok(crate::sim::world::model::Bucket {
        name: name.clone(),
        policy,
    })
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
}
