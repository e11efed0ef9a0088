//! Tests of the guardrails evaluation: helpers shared by the files beside, which hold the
//! condition operators and values, set operators, patterns, documents, statements, the path
//! rules and AWS's published examples.

use super::condition::{self, Truth};
use super::document::{Condition, Document};
use super::evaluate::{Level, Policy};
use super::request::{Context, Credentials};

mod conditions;
mod documents;
mod examples;
mod job;
mod paths;
mod patterns;
mod sets;
mod statements;
mod values;

pub(super) const ACCOUNT: &str = "111122223333";
pub(super) const ROOT_ARN: &str = "arn:aws:iam::111122223333:root";

pub(super) const FULL_AWS_ACCESS: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
}"#;

pub(super) fn session() -> Context {
    Context::root("aws", ACCOUNT, Credentials::RootSession)
}

pub(super) fn long_term() -> Context {
    Context::root("aws", ACCOUNT, Credentials::LongTermRoot)
}

/// Both ways the root user can sign, with a name for assertion messages.
pub(super) fn both() -> [(&'static str, Context); 2] {
    [("root session", session()), ("long-term root", long_term())]
}

pub(super) fn doc(json: &str) -> Document {
    Document::parse(json).expect("the test policy parses")
}

pub(super) fn policy(id: &str, name: &str, json: &str) -> Policy {
    Policy {
        id: id.into(),
        name: name.into(),
        document: doc(json),
    }
}

pub(super) fn full_access() -> Policy {
    policy("p-FullAWSAccess", "FullAWSAccess", FULL_AWS_ACCESS)
}

pub(super) fn level(target: &str, scps: Vec<Policy>, rcps: Vec<Policy>) -> Level {
    Level {
        target: target.into(),
        scps,
        rcps,
    }
}

/// Root, one OU, the account, each with `FullAWSAccess`; `scp` (if any) also at the OU, and
/// `rcp` (if any) at the root.
pub(super) fn path(scp: Option<Policy>, rcp: Option<Policy>) -> Vec<Level> {
    let mut ou = vec![full_access()];
    ou.extend(scp);
    vec![
        level("r-ab12", vec![full_access()], rcp.into_iter().collect()),
        level("ou-ab12-11111111", ou, vec![]),
        level(ACCOUNT, vec![full_access()], vec![]),
    ]
}

/// One condition test with policy variables on (version 2012-10-17).
pub(super) fn truth(operator: &str, key: &str, values: &[&str], context: &Context) -> Truth {
    let condition = Condition {
        operator: operator.into(),
        key: key.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    condition::evaluate(&condition, context, true)
}

pub(super) fn depends(key: &str) -> Truth {
    Truth::Depends { key: key.into() }
}
