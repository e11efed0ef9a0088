//! A parsed, authenticated request as the service handlers see it.

use crate::sim::world::model::Caller;
use crate::sim::world::state::{Grant, Session, World};

/// Request parameters in either wire format.
pub(crate) enum Params {
    /// awsJson1.1 body.
    Json(serde_json::Value),
    /// awsQuery form fields.
    Query(Vec<(String, String)>),
    /// REST path labels (S3's `Bucket`).
    Rest(Vec<(String, String)>),
    /// A JSON body read only when the operation runs (SQS).
    Body(Vec<u8>),
}

impl Params {
    /// A string parameter (`TaskPolicyArn.arn` style names for nested query members).
    pub(crate) fn str(&self, name: &str) -> Option<&str> {
        match self {
            Params::Json(v) => v.get(name).and_then(|v| v.as_str()),
            Params::Query(pairs) | Params::Rest(pairs) => pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
            Params::Body(_) => None,
        }
    }

    /// The members of an awsQuery list parameter (`<name>.member.1`, `.2`, ...) in order.
    pub(crate) fn list(&self, name: &str) -> Vec<&str> {
        let Params::Query(pairs) = self else {
            return Vec::new();
        };
        let prefix = format!("{name}.member.");
        let mut members: Vec<(u32, &str)> = pairs
            .iter()
            .filter_map(|(k, v)| {
                let n = k.strip_prefix(&prefix)?.parse().ok()?;
                Some((n, v.as_str()))
            })
            .collect();
        members.sort_by_key(|(n, _)| *n);
        members.into_iter().map(|(_, v)| v).collect()
    }

    /// An integer parameter; `Err` when present but not an integer.
    pub(crate) fn int(&self, name: &str) -> Result<Option<i64>, ()> {
        match self {
            Params::Json(v) => match v.get(name) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(n) => n.as_i64().map(Some).ok_or(()),
            },
            _ => self
                .str(name)
                .map(|s| s.parse().map_err(|_| ()))
                .transpose(),
        }
    }
}

/// Who is calling.
pub(crate) enum Who {
    /// Long-term credentials from the scenario.
    Caller(Caller),
    /// A session issued by AssumeRoot or AssumeRole.
    Session {
        /// The session's access key id.
        key: String,
        /// The session.
        session: Session,
    },
}

impl Who {
    /// The caller's account id.
    pub(crate) fn account<'a>(&'a self, world: &'a World) -> &'a str {
        match self {
            Who::Caller(c) => &c.account,
            Who::Session { session, .. } => &world.accounts[session.account].id,
        }
    }

    /// The caller's principal ARN.
    pub(crate) fn arn(&self, world: &World) -> String {
        match self {
            Who::Caller(c) => c.arn.clone(),
            Who::Session { session, .. } => {
                let (partition, account) = (
                    world.org.partition.as_str(),
                    &world.accounts[session.account].id,
                );
                match &session.grant {
                    Grant::Root(_) => format!("arn:{partition}:iam::{account}:root"),
                    Grant::Role { role, session_name } => {
                        format!("arn:{partition}:sts::{account}:assumed-role/{role}/{session_name}")
                    }
                }
            }
        }
    }
}

/// An authenticated request.
pub(crate) struct Request {
    pub op: String,
    pub params: Params,
    pub who: Who,
    /// A fault asks for an IAM list page that says `IsTruncated=true` with no `Marker`.
    pub truncated_without_marker: bool,
    /// The region the request is signed for (its credential scope), taken as the region of
    /// the endpoint it was sent to; [`REGION`] when the scope names none.
    pub region: String,
    /// A fault asks for an Organizations list page whose `NextToken` cycles back.
    pub token_cycle: bool,
}

/// The simulator's region: where buckets and queues are unless the scenario says otherwise,
/// and the region of a request whose signature names none.
pub(crate) const REGION: &str = "us-east-1";
