//! A scenario IAM user's `tags` and `permissions_boundary`, checked as IAM checks them: at most
//! 50 tags, keys 1-128 and values 0-256 characters of letters, digits, spaces and `_ . : / = + - @`,
//! keys unique regardless of case and never `aws:`-prefixed; the boundary a managed policy ARN.

use crate::sim::scenario::raw_users;
use crate::sim::scenario::source::Error;
use crate::sim::scenario::validate::ctx::{managed_policy_arn, Ctx};
use crate::sim::world::user::Tag;
use std::collections::HashSet;
use toml::Spanned;

type Result<T> = std::result::Result<T, Error>;

/// Most tags an IAM user can have.
const MAX_TAGS: usize = 50;

/// Whether every character is one IAM allows in tags (`[\p{L}\p{Z}\p{N}_.:/=+\-@]`).
fn tag_text(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_alphabetic()
            || c.is_numeric()
            || (c.is_whitespace() && !c.is_control())
            || "_.:/=+-@".contains(c)
    })
}

/// The user's tags, in order.
pub(crate) fn tags(list: &[raw_users::Tag], ctx: &Ctx<'_>) -> Result<Vec<Tag>> {
    if let Some(extra) = list.get(MAX_TAGS) {
        return Err(ctx.src.error(
            extra.key.span(),
            "tags",
            format!("an IAM user has at most {MAX_TAGS} tags"),
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for t in list {
        let (key, value) = (t.key.get_ref(), t.value.get_ref());
        let key_chars = key.chars().count();
        if !(1..=128).contains(&key_chars) || !tag_text(key) {
            return Err(ctx.src.error(
                t.key.span(),
                "key",
                "a tag key is 1-128 letters, digits, spaces or _ . : / = + - @",
            ));
        }
        if key.to_lowercase().starts_with("aws:") {
            return Err(ctx.src.error(
                t.key.span(),
                "key",
                "tag keys starting with aws: are reserved for AWS",
            ));
        }
        if !seen.insert(key.to_lowercase()) {
            return Err(ctx.src.error(
                t.key.span(),
                "key",
                format!("duplicate tag key {key:?} (keys are unique regardless of case)"),
            ));
        }
        if value.chars().count() > 256 || !tag_text(value) {
            return Err(ctx.src.error(
                t.value.span(),
                "value",
                "a tag value is 0-256 letters, digits, spaces or _ . : / = + - @",
            ));
        }
        out.push(Tag {
            key: key.clone(),
            value: value.clone(),
        });
    }
    Ok(out)
}

/// The permissions boundary: a managed policy ARN, as for `attached_policies`.
pub(crate) fn boundary(arn: Option<&Spanned<String>>, ctx: &Ctx<'_>) -> Result<Option<String>> {
    arn.map(|a| managed_policy_arn(a, "permissions_boundary", ctx))
        .transpose()
}

#[cfg(test)]
mod tests {
    use crate::sim::scenario::source::Error;
    use crate::sim::scenario::Scenario;

    const BASE: &str = r#"
[organization]
id = "o-a1b2c3d4e5"
management_account = "111111111111"

[[callers]]
access_key_id = "AKIAMANAGEMENT000001"
secret_access_key = "s"
account = "111111111111"

[[accounts]]
id = "222222222222"
[[accounts.users]]
name = "alice"
permissions_boundary = "arn:aws:iam::aws:policy/PowerUserAccess"
tags = [{ key = "team", value = "data platform" }, { key = "cost:centre", value = "" }]
"#;

    fn rejected_key(text: &str) -> String {
        match Scenario::from_toml_str(text, "t.toml") {
            Err(Error::Invalid { key, .. }) => key,
            other => panic!("expected an invalid scenario, got {other:?}"),
        }
    }

    #[test]
    fn tags_and_the_boundary_are_read_in_order() {
        let s = Scenario::from_toml_str(BASE, "t.toml").expect("valid");
        let alice = s.accounts[1].iam.user("alice").expect("alice");
        assert_eq!(
            alice.permissions_boundary.as_deref(),
            Some("arn:aws:iam::aws:policy/PowerUserAccess")
        );
        let tags: Vec<(&str, &str)> = alice
            .tags
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect();
        assert_eq!(tags, [("team", "data platform"), ("cost:centre", "")]);
    }

    #[test]
    fn bad_tags_and_boundaries_are_rejected_at_the_offending_key() {
        let too_many: Vec<String> = (0..51)
            .map(|i| format!("{{ key = \"k{i}\", value = \"v\" }}"))
            .collect();
        let long_key = "k".repeat(129);
        let long_value = "v".repeat(257);
        let cases = [
            (BASE.replace("cost:centre", "TEAM"), "key"),
            (BASE.replace("cost:centre", ""), "key"),
            (BASE.replace("cost:centre", &long_key), "key"),
            (BASE.replace("cost:centre", "aws:owner"), "key"),
            (BASE.replace("cost:centre", "semi;colon"), "key"),
            (
                BASE.replace("value = \"\"", &format!("value = \"{long_value}\"")),
                "value",
            ),
            (
                BASE.replace("arn:aws:iam::aws:policy/PowerUserAccess", "PowerUserAccess"),
                "permissions_boundary",
            ),
            (
                BASE.replace("tags = [", &format!("tags = [{}, ", too_many.join(", "))),
                "tags",
            ),
        ];
        for (text, key) in cases {
            assert_eq!(rejected_key(&text), key, "{text}");
        }
        let max = BASE.replace(
            "tags = [{ key = \"team\", value = \"data platform\" }, { key = \"cost:centre\", value = \"\" }]",
            &format!("tags = [{}]", too_many[..50].join(", ")),
        );
        assert!(Scenario::from_toml_str(&max, "t.toml").is_ok());
        let max_lengths = BASE
            .replace("cost:centre", &"k".repeat(128))
            .replace("value = \"\"", &format!("value = \"{}\"", "v".repeat(256)));
        assert!(Scenario::from_toml_str(&max_lengths, "t.toml").is_ok());
    }
}
