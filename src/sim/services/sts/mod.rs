//! STS: its operation table, GetCallerIdentity and AssumeRoot (AssumeRole lives in
//! `assume_role`).

pub(crate) mod assume_role;

use crate::sim::services::error::Error;
use crate::sim::services::request::{Request, Who};
use crate::sim::services::table::{find, Operation};
use crate::sim::services::xml::Xml;
use crate::sim::world::model::AccountState;
use crate::sim::world::state::{session_end, Grant, TaskPolicy, World};

/// What runs an STS operation.
pub(crate) type Handler = fn(&World, &Request) -> Result<Xml, Error>;

/// The STS operations the simulator implements.
pub(crate) const OPERATIONS: &[Operation<Handler>] = &[
    Operation::<Handler>::new("GetCallerIdentity", |w, r| Ok(caller_identity(w, &r.who))),
    Operation::<Handler>::new("AssumeRoot", assume_root),
    Operation::<Handler>::new("AssumeRole", assume_role::assume_role),
];

/// Handles one STS operation.
pub(crate) fn handle(world: &World, req: &Request) -> Result<Xml, Error> {
    match find(OPERATIONS, &req.op) {
        Some(op) => (op.handler)(world, req),
        None => Err(Error::new(
            400,
            "InvalidAction",
            format!("Could not find operation {} for version 2011-06-15", req.op),
        )),
    }
}

fn caller_identity(world: &World, who: &Who) -> Xml {
    let account = who.account(world);
    let user_id = match who {
        Who::Caller(c) => format!("AIDA{}", c.access_key_id.get(4..).unwrap_or_default()),
        Who::Session { session, .. } => match &session.grant {
            Grant::Root(_) => account.to_string(),
            Grant::Role { role, session_name } => format!(
                "{}:{session_name}",
                assume_role::role_id(world, session.account, role)
            ),
        },
    };
    let mut x = Xml::new();
    x.text("UserId", &user_id)
        .text("Account", account)
        .text("Arn", &who.arn(world));
    x
}

/// The account id named by a `TargetPrincipal` (id or `arn:<p>:iam::<id>:root`), if well-formed.
pub(crate) fn target_account(principal: &str) -> Option<&str> {
    let id = match principal.strip_prefix("arn:") {
        None => principal,
        Some(rest) => {
            let mut parts = rest.split(':');
            let (_partition, service, region, account, resource) = (
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
            );
            if service != "iam"
                || !region.is_empty()
                || resource != "root"
                || parts.next().is_some()
            {
                return None;
            }
            account
        }
    };
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

/// The task policy named by `TaskPolicyArn.arn`, if well-formed for this partition.
pub(crate) fn task_policy(world: &World, arn: &str) -> Option<TaskPolicy> {
    let prefix = format!(
        "arn:{}:iam::aws:policy/root-task/",
        world.org.partition.as_str()
    );
    TaskPolicy::from_name(arn.strip_prefix(&prefix)?)
}

fn validation(message: impl Into<String>) -> Error {
    Error::new(400, "ValidationError", message)
}

fn denied(world: &World, req: &Request, why: &str) -> Error {
    let target = req.params.str("TargetPrincipal").unwrap_or_default();
    Error::coded(
        "AccessDenied",
        format!(
            "User: {} is not authorized to perform: sts:AssumeRoot on resource: {target} ({why})",
            req.who.arn(world)
        ),
    )
}

fn assume_root(world: &World, req: &Request) -> Result<Xml, Error> {
    let p = &req.params;
    let principal = p.str("TargetPrincipal").ok_or_else(|| {
        validation("1 validation error detected: Value null at 'targetPrincipal' failed to satisfy constraint: Member must not be null")
    })?;
    let target = target_account(principal)
        .filter(|_| {
            !principal.starts_with("arn:")
                || principal.starts_with(&format!("arn:{}:", world.org.partition.as_str()))
        })
        .ok_or_else(|| validation(format!("Invalid TargetPrincipal: {principal}")))?;
    let policy_arn = p.str("TaskPolicyArn.arn").ok_or_else(|| {
        validation("1 validation error detected: Value null at 'taskPolicyArn' failed to satisfy constraint: Member must not be null")
    })?;
    let policy = task_policy(world, policy_arn)
        .ok_or_else(|| validation(format!("Invalid TaskPolicyArn: {policy_arn}")))?;
    let duration = match p.int("DurationSeconds") {
        Ok(None) => 900,
        Ok(Some(d)) if (0..=900).contains(&d) => d,
        _ => {
            return Err(validation(
                "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 900",
            ))
        }
    };
    let caller_account = match &req.who {
        Who::Caller(c) => c.account.as_str(),
        Who::Session { .. } => {
            return Err(denied(world, req, "root sessions cannot call AssumeRoot"))
        }
    };
    if world.account(caller_account).is_none() || !world.is_iam_admin(caller_account) {
        return Err(denied(
            world,
            req,
            "caller is neither the management account nor the IAM delegated administrator",
        ));
    }
    if !world.iam_trusted()
        || !world
            .org
            .iam_features
            .iter()
            .any(|f| f == policy.required_feature())
    {
        return Err(denied(
            world,
            req,
            "centralized root access is not enabled for the organization",
        ));
    }
    let idx = world
        .account(target)
        .filter(|_| target != world.org.management_account)
        .filter(|i| world.accounts[*i].state == AccountState::Active)
        .ok_or_else(|| {
            denied(
                world,
                req,
                "target is not an active member account of the organization",
            )
        })?;
    let expires = session_end(duration);
    let (key, secret, session) = world.new_session(idx, Grant::Root(policy), expires);
    let mut x = Xml::new();
    x.start("Credentials")
        .text("AccessKeyId", &key)
        .text("SecretAccessKey", &secret)
        .text("SessionToken", &session.token)
        .date("Expiration", expires)
        .end("Credentials");
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_principal_accepts_ids_and_root_arns_only() {
        assert_eq!(target_account("222222222222"), Some("222222222222"));
        assert_eq!(
            target_account("arn:aws:iam::222222222222:root"),
            Some("222222222222")
        );
        assert_eq!(target_account("arn:aws:iam::222222222222:user/x"), None);
        assert_eq!(target_account("2222"), None);
    }
}
