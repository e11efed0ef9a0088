//! Organizations (awsJson1.1): its operation table, the read-only operations an auditor needs.

use crate::sim::services::error::Error;
use crate::sim::services::organizations_policies as policies;
use crate::sim::services::page::{first_page_token, page, second_page_token};
use crate::sim::services::request::{Params, Request, Who};
use crate::sim::services::table::{find, Operation};
use crate::sim::world::moves::Moved;
use crate::sim::world::state::World;
use serde_json::{json, Value};

/// When trusted access and delegations are reported as enabled (epoch seconds).
const ENABLED_AT: i64 = 1_731_542_400; // 2024-11-14T00:00:00Z

/// What runs an Organizations operation, and who may call it.
pub(crate) enum Handler {
    /// Any account of the organization.
    Member(fn(&World, &Params) -> Result<Value, Error>),
    /// The management account or a delegated administrator.
    Admin(fn(&World, &Params) -> Result<Value, Error>),
}

/// The Organizations operations the simulator implements.
pub(crate) const OPERATIONS: &[Operation<Handler>] = &[
    Operation::new(
        "DescribeOrganization",
        Handler::Member(describe_organization),
    ),
    Operation::new("ListAccounts", Handler::Admin(list_accounts)).paged(),
    Operation::new(
        "ListAWSServiceAccessForOrganization",
        Handler::Admin(list_service_access),
    )
    .paged(),
    Operation::new(
        "ListDelegatedAdministrators",
        Handler::Admin(list_delegated_administrators),
    )
    .paged(),
    Operation::new("ListRoots", Handler::Admin(list_roots)).paged(),
    Operation::new(
        "DescribeOrganizationalUnit",
        Handler::Admin(describe_organizational_unit),
    ),
    Operation::new(
        "ListOrganizationalUnitsForParent",
        Handler::Admin(list_organizational_units_for_parent),
    )
    .paged(),
    Operation::new(
        "ListAccountsForParent",
        Handler::Admin(list_accounts_for_parent),
    )
    .paged(),
    Operation::new("ListParents", Handler::Admin(list_parents)),
    Operation::new("DescribeAccount", Handler::Admin(describe_account)),
    Operation::new(
        "ListPoliciesForTarget",
        Handler::Admin(policies::list_policies_for_target),
    )
    .paged(),
    Operation::new("ListPolicies", Handler::Admin(policies::list_policies)).paged(),
    Operation::new("DescribePolicy", Handler::Admin(policies::describe_policy)),
];

/// Handles one Organizations operation.
pub(crate) fn handle(world: &World, req: &Request) -> Result<Value, Error> {
    let account = match &req.who {
        Who::Caller(c) => c.account.as_str(),
        Who::Session { .. } => return Err(denied()),
    };
    if world.account(account).is_none() {
        return Err(Error::new(
            400,
            "AWSOrganizationsNotInUseException",
            "Your account is not a member of an organization.",
        ));
    }
    let handler = find(OPERATIONS, &req.op).map(|o| &o.handler);
    let answer = match handler {
        Some(Handler::Member(run)) => run(world, &req.params),
        _ if !world.is_admin(account) => return Err(denied()),
        Some(Handler::Admin(run)) => run(world, &req.params),
        None => Err(Error::new(
            400,
            "UnknownOperationException",
            format!("Unknown operation {}", req.op),
        )),
    };
    let mut answer = answer?;
    if req.token_cycle {
        cycle_token(&req.params, &mut answer);
    }
    world.count_walk_call(&req.op, req.params.str("ParentId"));
    Ok(answer)
}

/// The `token-cycle` fault: a page asked for with a token other than the listing's first one
/// answers that first token again (A → B → A), so the listing never reaches its last page.
fn cycle_token(p: &Params, answer: &mut Value) {
    let max = max_results(p).unwrap_or(20);
    let first = second_page_token(max);
    let asked = p.str("NextToken");
    if let (Some(asked), Some(next)) = (asked, answer.get_mut("NextToken")) {
        if asked != first {
            *next = Value::String(first);
        }
    }
}

/// Whether this is the first page of an account listing and the scenario wants it empty.
fn starts_empty(world: &World, p: &Params) -> bool {
    world.org.empty_first_page && p.str("NextToken").is_none()
}

fn list_accounts(world: &World, p: &Params) -> Result<Value, Error> {
    if starts_empty(world, p) {
        max_results(p)?;
        return Ok(json!({ "Accounts": [], "NextToken": first_page_token() }));
    }
    let all: Vec<usize> = (0..world.accounts.len()).collect();
    let moved = world.moved();
    paged(p, "Accounts", &all, |i| account_json(world, &moved, *i))
}

fn list_accounts_for_parent(world: &World, p: &Params) -> Result<Value, Error> {
    let parent = parent_param(world, p, "ParentId")?;
    if starts_empty(world, p) {
        max_results(p)?;
        return Ok(json!({ "Accounts": [], "NextToken": first_page_token() }));
    }
    let moved = world.moved();
    let ids: Vec<usize> = (0..world.accounts.len())
        .filter(|i| world.parent_of(&moved, *i) == parent)
        .collect();
    paged(p, "Accounts", &ids, |i| account_json(world, &moved, *i))
}

fn describe_account(world: &World, p: &Params) -> Result<Value, Error> {
    let id = required(p, "AccountId")?;
    let idx = world.account(id).ok_or_else(|| {
        Error::new(
            400,
            "AccountNotFoundException",
            "You specified an account that doesn't exist.",
        )
    })?;
    Ok(json!({ "Account": account_json(world, &world.moved(), idx) }))
}

fn list_service_access(world: &World, p: &Params) -> Result<Value, Error> {
    paged(
        p,
        "EnabledServicePrincipals",
        &world.org.trusted_access,
        |s| json!({ "ServicePrincipal": s, "DateEnabled": ENABLED_AT }),
    )
}

fn list_delegated_administrators(world: &World, p: &Params) -> Result<Value, Error> {
    let filter = p.str("ServicePrincipal");
    let mut ids: Vec<&str> = world
        .org
        .delegated_administrators
        .iter()
        .filter(|(_, sp)| filter.is_none_or(|f| f == sp))
        .map(|(a, _)| a.as_str())
        .collect();
    ids.dedup();
    paged(p, "DelegatedAdministrators", &ids, |id| {
        let mut v = world
            .account(id)
            .map(|i| account_json(world, &Moved::new(), i))
            .unwrap_or_else(|| json!({}));
        if let Some(obj) = v.as_object_mut() {
            obj.remove("Paths");
            obj.insert("DelegationEnabledDate".into(), json!(ENABLED_AT));
        }
        v
    })
}

fn list_roots(world: &World, p: &Params) -> Result<Value, Error> {
    let roots = [world.org.root_id.as_str()];
    paged(
        p,
        "Roots",
        &roots,
        |id| json!({ "Id": id, "Arn": world.org_arn("root", id), "Name": "Root", "PolicyTypes": [] }),
    )
}

fn describe_organizational_unit(world: &World, p: &Params) -> Result<Value, Error> {
    let id = required(p, "OrganizationalUnitId")?;
    let ou = world.ous.iter().find(|o| o.id == id).ok_or_else(|| {
        Error::new(400, "OrganizationalUnitNotFoundException", "We can't find an organizational unit (OU) with the OrganizationalUnitId that you specified.")
    })?;
    Ok(json!({ "OrganizationalUnit": ou_json(world, &ou.id, &ou.name) }))
}

fn list_organizational_units_for_parent(world: &World, p: &Params) -> Result<Value, Error> {
    let parent = parent_param(world, p, "ParentId")?;
    let ous: Vec<_> = world.ous.iter().filter(|o| o.parent == parent).collect();
    paged(p, "OrganizationalUnits", &ous, |o| {
        ou_json(world, &o.id, &o.name)
    })
}

fn list_parents(world: &World, p: &Params) -> Result<Value, Error> {
    let child = required(p, "ChildId")?;
    let moved = world.moved();
    let parent = world
        .account(child)
        .map(|i| world.parent_of(&moved, i))
        .or_else(|| world.ous.iter().find(|o| o.id == child).map(|o| o.parent.as_str()))
        .ok_or_else(|| Error::new(400, "ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified."))?;
    let kind = if parent == world.org.root_id {
        "ROOT"
    } else {
        "ORGANIZATIONAL_UNIT"
    };
    Ok(json!({ "Parents": [{ "Id": parent, "Type": kind }] }))
}

fn denied() -> Error {
    Error::new(
        400,
        "AccessDeniedException",
        "You don't have permissions to access this resource.",
    )
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

fn parent_param<'a>(world: &World, p: &'a Params, name: &str) -> Result<&'a str, Error> {
    let parent = required(p, name)?;
    if parent == world.org.root_id || world.ous.iter().any(|o| o.id == parent) {
        Ok(parent)
    } else {
        Err(Error::new(
            400,
            "ParentNotFoundException",
            "We can't find a root or OU with the ParentId that you specified.",
        ))
    }
}

/// `MaxResults` (1-20, default 20).
fn max_results(p: &Params) -> Result<usize, Error> {
    match p.int("MaxResults") {
        Ok(None) => Ok(20),
        Ok(Some(n)) if (1..=20).contains(&n) => Ok(n as usize),
        _ => Err(Error::new(400, "InvalidInputException", "You provided a value that does not match the required pattern: MaxResults must be between 1 and 20.")),
    }
}

/// One page of `items` under `key`, with `NextToken` when more remain.
fn paged<T>(
    p: &Params,
    key: &str,
    items: &[T],
    render: impl Fn(&T) -> Value,
) -> Result<Value, Error> {
    let max = max_results(p)?;
    let (chunk, next) = page(items, p.str("NextToken"), max).ok_or_else(|| {
        Error::new(
            400,
            "InvalidInputException",
            "The provided pagination token is invalid.",
        )
    })?;
    let mut out = serde_json::Map::new();
    out.insert(key.into(), Value::Array(chunk.iter().map(render).collect()));
    if let Some(token) = next {
        out.insert("NextToken".into(), Value::String(token));
    }
    Ok(Value::Object(out))
}

fn describe_organization(world: &World, _: &Params) -> Result<Value, Error> {
    let o = &world.org;
    let arn_mgmt = world.org_arn("account", &o.management_account);
    let policies = if o.all_features {
        json!([{ "Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED" }])
    } else {
        json!([])
    };
    Ok(json!({ "Organization": {
        "Id": o.id,
        "Arn": format!("arn:{}:organizations::{}:organization/{}", o.partition.as_str(), o.management_account, o.id),
        "FeatureSet": if o.all_features { "ALL" } else { "CONSOLIDATED_BILLING" },
        "MasterAccountArn": arn_mgmt,
        "MasterAccountId": o.management_account,
        "MasterAccountEmail": o.management_email,
        "AvailablePolicyTypes": policies,
    }}))
}

/// An account as listed; `Paths` from its current parent, left out when the scenario says so.
fn account_json(world: &World, moved: &Moved, idx: usize) -> Value {
    let a = &world.accounts[idx];
    let mut v = json!({
        "Id": a.id,
        "Arn": world.org_arn("account", &a.id),
        "Email": a.email,
        "Name": a.name,
        "JoinedMethod": if a.id == world.org.management_account { "INVITED" } else { "CREATED" },
        "JoinedTimestamp": 1_577_836_800,
    });
    if let Some(obj) = v.as_object_mut() {
        if !world.org.omit_paths {
            obj.insert("Paths".into(), json!([world.path_of(moved, idx)]));
        }
        if a.state_listed {
            obj.insert("State".into(), json!(a.state.as_str()));
        }
        if let Some(status) = a.status {
            obj.insert("Status".into(), json!(status));
        }
    }
    v
}

fn ou_json(world: &World, id: &str, name: &str) -> Value {
    json!({ "Id": id, "Arn": world.org_arn("ou", id), "Name": name })
}

#[cfg(test)]
#[path = "organizations_tests.rs"]
mod tests;
