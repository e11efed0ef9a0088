//! The request a guardrail is evaluated against: its action, its resource, and what rootsweep
//! knows of its context keys. A key the context does not hold is one rootsweep cannot know; a
//! key it holds may be known to be absent.

use std::collections::BTreeMap;

/// How the member account's root user signs the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// A privileged root session from `sts:AssumeRoot`: `aws:AssumedRoot` is `true`.
    RootSession,
    /// The root user's own long-term credentials (password or access key): no `aws:AssumedRoot`.
    LongTermRoot,
}

/// What the context says of one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The key is in the request with these values (several for a multivalued key).
    Present(&'a [String]),
    /// The key is known not to be in the request.
    Absent,
    /// Nothing is known of the key: the request may or may not carry it, with any value.
    Unknown,
}

/// The request context keys rootsweep knows, by case-insensitive name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// Lowercased key name → its values, or `None` when the key is known to be absent.
    keys: BTreeMap<String, Option<Vec<String>>>,
}

impl Context {
    /// A context that knows nothing: every key is unknown.
    pub fn new() -> Context {
        Context::default()
    }

    /// What a request by the root user of `account` in `partition` carries: `aws:PrincipalArn`
    /// (`arn:<partition>:iam::<account>:root`), `aws:PrincipalAccount`, `aws:ResourceAccount`
    /// (the account's own resources), `aws:PrincipalIsAWSService` = `false`, and
    /// `aws:AssumedRoot` = `true` for a root session or absent for long-term credentials. With
    /// long-term credentials `aws:PrincipalType` is `Account`; for a root session AWS does not
    /// document it, so it stays unknown.
    pub fn root(partition: &str, account: &str, credentials: Credentials) -> Context {
        let context = Context::new()
            .with(
                "aws:PrincipalArn",
                [format!("arn:{partition}:iam::{account}:root")],
            )
            .with("aws:PrincipalAccount", [account])
            .with("aws:ResourceAccount", [account])
            .with("aws:PrincipalIsAWSService", ["false"]);
        match credentials {
            Credentials::RootSession => context.with("aws:AssumedRoot", ["true"]),
            Credentials::LongTermRoot => context
                .without("aws:AssumedRoot")
                .with("aws:PrincipalType", ["Account"]),
        }
    }

    /// Sets `aws:PrincipalOrgID` (the principal's organization).
    pub fn with_org_id(self, org_id: &str) -> Context {
        self.with("aws:PrincipalOrgID", [org_id])
    }

    /// Sets `aws:RequestedRegion` (the region the request is sent to).
    pub fn with_region(self, region: &str) -> Context {
        self.with("aws:RequestedRegion", [region])
    }

    /// The key is present with these values.
    pub fn with<I, V>(mut self, key: &str, values: I) -> Context
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        let values = values.into_iter().map(Into::into).collect();
        self.keys.insert(key.to_ascii_lowercase(), Some(values));
        self
    }

    /// The key is known to be absent from the request.
    pub fn without(mut self, key: &str) -> Context {
        self.keys.insert(key.to_ascii_lowercase(), None);
        self
    }

    /// What is known of `key` (matched regardless of case, as IAM does).
    pub fn lookup(&self, key: &str) -> Lookup<'_> {
        match self.keys.get(&key.to_ascii_lowercase()) {
            Some(Some(values)) => Lookup::Present(values),
            Some(None) => Lookup::Absent,
            None => Lookup::Unknown,
        }
    }
}

/// One request: an action such as `iam:DeleteLoginProfile` on a resource ARN, in a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The action, e.g. `iam:DeleteLoginProfile`.
    pub action: String,
    /// The resource ARN; `None` when it is not known (a bucket or queue not named yet).
    pub resource: Option<String>,
    /// What is known of the request's condition keys.
    pub context: Context,
}

impl Request {
    /// A request for `action` on `resource` in `context`.
    pub fn new(action: &str, resource: &str, context: Context) -> Request {
        Request {
            action: action.to_string(),
            resource: Some(resource.to_string()),
            context,
        }
    }

    /// A request for `action` on a resource not known yet: only a `Resource` of `*` is known
    /// to match it.
    pub fn any_resource(action: &str, context: Context) -> Request {
        Request {
            action: action.to_string(),
            resource: None,
            context,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(lookup: Lookup<'_>) -> Option<Vec<&str>> {
        match lookup {
            Lookup::Present(v) => Some(v.iter().map(String::as_str).collect()),
            _ => None,
        }
    }

    #[test]
    fn a_root_session_carries_the_root_arn_its_account_and_assumed_root_true() {
        let c = Context::root("aws", "111122223333", Credentials::RootSession);
        assert_eq!(
            values(c.lookup("aws:PrincipalArn")),
            Some(vec!["arn:aws:iam::111122223333:root"])
        );
        assert_eq!(
            values(c.lookup("aws:PrincipalAccount")),
            Some(vec!["111122223333"])
        );
        assert_eq!(
            values(c.lookup("aws:ResourceAccount")),
            Some(vec!["111122223333"])
        );
        assert_eq!(
            values(c.lookup("aws:PrincipalIsAWSService")),
            Some(vec!["false"])
        );
        assert_eq!(values(c.lookup("aws:AssumedRoot")), Some(vec!["true"]));
        assert_eq!(c.lookup("aws:PrincipalType"), Lookup::Unknown);
    }

    #[test]
    fn long_term_root_credentials_carry_no_assumed_root_key_and_principal_type_account() {
        let c = Context::root("aws-us-gov", "111122223333", Credentials::LongTermRoot);
        assert_eq!(c.lookup("aws:AssumedRoot"), Lookup::Absent);
        assert_eq!(values(c.lookup("aws:PrincipalType")), Some(vec!["Account"]));
        assert_eq!(
            values(c.lookup("aws:PrincipalArn")),
            Some(vec!["arn:aws-us-gov:iam::111122223333:root"])
        );
    }

    #[test]
    fn keys_rootsweep_cannot_know_are_unknown() {
        let c = Context::root("aws", "111122223333", Credentials::RootSession);
        for key in [
            "aws:SourceIp",
            "aws:MultiFactorAuthPresent",
            "aws:CurrentTime",
            "aws:PrincipalTag/team",
            "aws:RequestTag/team",
            "aws:SourceVpc",
            "aws:ViaAWSService",
            "aws:PrincipalOrgID",
            "aws:RequestedRegion",
        ] {
            assert_eq!(c.lookup(key), Lookup::Unknown, "{key}");
        }
    }

    #[test]
    fn key_names_match_regardless_of_case() {
        let c = Context::new()
            .with_org_id("o-a1b2c3d4e5")
            .with_region("eu-west-1");
        assert_eq!(
            values(c.lookup("AWS:principalorgid")),
            Some(vec!["o-a1b2c3d4e5"])
        );
        assert_eq!(
            values(c.lookup("aws:REQUESTEDREGION")),
            Some(vec!["eu-west-1"])
        );
    }

    #[test]
    fn a_key_set_after_being_absent_is_present_and_the_reverse() {
        let c = Context::new().without("k").with("K", ["v"]);
        assert_eq!(values(c.lookup("k")), Some(vec!["v"]));
        let c = c.without("K");
        assert_eq!(c.lookup("k"), Lookup::Absent);
    }

    #[test]
    fn a_request_keeps_its_action_resource_and_context() {
        let c = Context::new().with("k", ["v"]);
        let r = Request::new("iam:GetUser", "arn:aws:iam::111122223333:root", c.clone());
        assert_eq!(r.action, "iam:GetUser");
        assert_eq!(
            r.resource.as_deref(),
            Some("arn:aws:iam::111122223333:root")
        );
        assert_eq!(
            Request::any_resource("s3:GetBucketPolicy", c.clone()).resource,
            None
        );
        assert_eq!(r.context, c);
    }
}
