//! The Organizations policy reads (awsJson1.1): `ListPoliciesForTarget`, `ListPolicies` and
//! `DescribePolicy`, over the SCPs and RCPs the scenario declares. Handlers only: their rows
//! sit in `organizations::OPERATIONS`.

use crate::sim::services::error::Error;
use crate::sim::services::page::page;
use crate::sim::services::request::Params;
use crate::sim::world::guardrails::{Policy, PolicyType};
use crate::sim::world::state::World;
use serde_json::{json, Value};

/// Every `Filter` value Organizations accepts; only the two authorization types have policies
/// here.
const POLICY_TYPES: &[&str] = &[
    "SERVICE_CONTROL_POLICY",
    "RESOURCE_CONTROL_POLICY",
    "DECLARATIVE_POLICY_EC2",
    "BACKUP_POLICY",
    "TAG_POLICY",
    "CHATBOT_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
    "SECURITYHUB_POLICY",
];

/// `ListPoliciesForTarget`: the policies of `Filter`'s type attached directly to `TargetId`.
pub(crate) fn list_policies_for_target(world: &World, p: &Params) -> Result<Value, Error> {
    let target = required(p, "TargetId")?;
    let kind = filter(p)?;
    let known = target == world.org.root_id
        || world.ous.iter().any(|o| o.id == target)
        || world.account(target).is_some();
    if !known {
        return Err(Error::new(
            400,
            "TargetNotFoundException",
            "We can't find a root, OU, account, or policy with the TargetId that you specified.",
        ));
    }
    let attached = kind.map_or_else(Vec::new, |k| world.org.guardrails.attached(target, k));
    paged(p, &attached, |policy| summary(world, policy))
}

/// `ListPolicies`: every policy of `Filter`'s type in the organization.
pub(crate) fn list_policies(world: &World, p: &Params) -> Result<Value, Error> {
    let kind = filter(p)?;
    let all: Vec<&Policy> = world
        .org
        .guardrails
        .policies
        .iter()
        .filter(|policy| Some(policy.kind) == kind)
        .collect();
    paged(p, &all, |policy| summary(world, policy))
}

/// `DescribePolicy`: a policy's summary and its document.
pub(crate) fn describe_policy(world: &World, p: &Params) -> Result<Value, Error> {
    let id = required(p, "PolicyId")?;
    let policy = world.org.guardrails.policy(id).ok_or_else(|| {
        Error::new(
            400,
            "PolicyNotFoundException",
            "We can't find a policy with the PolicyId that you specified.",
        )
    })?;
    Ok(json!({ "Policy": {
        "PolicySummary": summary(world, policy),
        "Content": policy.content,
    }}))
}

/// The ARN of a policy: AWS managed ones live in the `aws` account, outside any organization.
pub(crate) fn policy_arn(world: &World, policy: &Policy) -> String {
    let o = &world.org;
    let segment = policy.kind.arn_segment();
    if policy.aws_managed {
        format!(
            "arn:{}:organizations::aws:policy/{segment}/{}",
            o.partition.as_str(),
            policy.id
        )
    } else {
        format!(
            "arn:{}:organizations::{}:policy/{}/{segment}/{}",
            o.partition.as_str(),
            o.management_account,
            o.id,
            policy.id
        )
    }
}

fn summary(world: &World, policy: &Policy) -> Value {
    json!({
        "Id": policy.id,
        "Arn": policy_arn(world, policy),
        "Name": policy.name,
        "Description": policy.description,
        "Type": policy.kind.as_str(),
        "AwsManaged": policy.aws_managed,
    })
}

/// The `Filter` type: `None` for a valid type with no policies here.
fn filter(p: &Params) -> Result<Option<PolicyType>, Error> {
    let name = required(p, "Filter")?;
    if !POLICY_TYPES.contains(&name) {
        return Err(Error::new(
            400,
            "InvalidInputException",
            format!("You specified an invalid value for Filter: {name}."),
        ));
    }
    Ok(PolicyType::from_name(name))
}

fn required<'a>(p: &'a Params, name: &str) -> Result<&'a str, Error> {
    p.str(name).ok_or_else(|| {
        Error::new(
            400,
            "InvalidInputException",
            format!("You must specify {name}."),
        )
    })
}

/// One page of `Policies` (`MaxResults` 1-20, default 20), with `NextToken` when more remain.
fn paged(p: &Params, items: &[&Policy], render: impl Fn(&Policy) -> Value) -> Result<Value, Error> {
    let max = match p.int("MaxResults") {
        Ok(None) => 20,
        Ok(Some(n)) if (1..=20).contains(&n) => n as usize,
        _ => return Err(Error::new(400, "InvalidInputException", "You provided a value that does not match the required pattern: MaxResults must be between 1 and 20.")),
    };
    let (chunk, next) = page(items, p.str("NextToken"), max).ok_or_else(|| {
        Error::new(
            400,
            "InvalidInputException",
            "The provided pagination token is invalid.",
        )
    })?;
    let mut out =
        json!({ "Policies": chunk.iter().map(|policy| render(policy)).collect::<Vec<_>>() });
    if let Some(token) = next {
        out["NextToken"] = Value::String(token);
    }
    Ok(out)
}
