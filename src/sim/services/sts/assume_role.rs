//! STS AssumeRole: a role session in a member account with full IAM access to it.
//!
//! Only the management account's long-term callers may assume (the role trusts the management
//! account, as OrganizationAccountAccessRole does); the role must be one of the account's
//! `roles`, the account ACTIVE and not the management account, and a required ExternalId must
//! match. Every refusal is `AccessDenied` (403), as AWS answers it. With `role_session_seconds`
//! every session lasts that long instead of `DurationSeconds`, and `Expiration` says so.

use crate::sim::services::error::Error;
use crate::sim::services::request::{Request, Who};
use crate::sim::services::xml::Xml;
use crate::sim::world::model::AccountState;
use crate::sim::world::state::{session_end, Grant, World};

/// Longest session a role allows by default (`MaxSessionDuration`).
const MAX_SESSION_SECONDS: i64 = 3600;

/// The account id and role name of `arn:<partition>:iam::<id>:role/<path/><name>`, if the ARN
/// is well-formed for this organization's partition.
pub(crate) fn role_arn<'a>(world: &World, arn: &'a str) -> Option<(&'a str, &'a str)> {
    let prefix = format!("arn:{}:iam::", world.org.partition.as_str());
    let (account, resource) = arn.strip_prefix(&prefix)?.split_once(':')?;
    let path_and_name = resource.strip_prefix("role/")?;
    let name = path_and_name.rsplit('/').next()?;
    let ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (ok && !name.is_empty()).then_some((account, name))
}

/// `RoleId` (`AROA...`) of a role of the account at `index`.
pub(crate) fn role_id(world: &World, index: usize, role: &str) -> String {
    let account = &world.accounts[index];
    let n = account.roles.iter().position(|r| r == role).unwrap_or(0);
    format!("AROA{}{n:05}", account.id)
}

fn validation(message: impl Into<String>) -> Error {
    Error::new(400, "ValidationError", message)
}

fn denied(world: &World, req: &Request, arn: &str, why: &str) -> Error {
    Error::coded(
        "AccessDenied",
        format!(
            "User: {} is not authorized to perform: sts:AssumeRole on resource: {arn} ({why})",
            req.who.arn(world)
        ),
    )
}

/// Handles `AssumeRole`.
pub(crate) fn assume_role(world: &World, req: &Request) -> Result<Xml, Error> {
    let p = &req.params;
    let arn = p.str("RoleArn").ok_or_else(|| {
        validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
    })?;
    let session_name = session_name(req)?;
    let duration = duration(req)?;
    let (idx, role) = assumable(world, req, arn)?;
    // `role_session_seconds` stands for a role whose sessions end sooner than asked (and says
    // so in `Expiration`), to test work that outlives its session.
    let seconds = world.org.role_session_seconds.map_or(duration, i64::from);
    let expires = session_end(seconds);
    let grant = Grant::Role {
        role: role.to_string(),
        session_name: session_name.to_string(),
    };
    let (key, secret, session) = world.new_session(idx, grant, expires);
    let mut x = Xml::new();
    x.start("Credentials")
        .text("AccessKeyId", &key)
        .text("SecretAccessKey", &secret)
        .text("SessionToken", &session.token)
        .date("Expiration", expires)
        .end("Credentials")
        .start("AssumedRoleUser")
        .text(
            "AssumedRoleId",
            &format!("{}:{session_name}", role_id(world, idx, role)),
        )
        .text(
            "Arn",
            &format!(
                "arn:{}:sts::{}:assumed-role/{role}/{session_name}",
                world.org.partition.as_str(),
                world.accounts[idx].id
            ),
        )
        .end("AssumedRoleUser");
    Ok(x)
}

/// `RoleSessionName`: 2 to 64 characters of `[\w+=,.@-]`.
fn session_name(req: &Request) -> Result<&str, Error> {
    let session_name = req.params.str("RoleSessionName").ok_or_else(|| {
        validation("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
    })?;
    let name_ok = (2..=64).contains(&session_name.len())
        && session_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if !name_ok {
        return Err(validation(format!(
            "1 validation error detected: Value '{session_name}' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64 and match [\\w+=,.@-]*"
        )));
    }
    Ok(session_name)
}

/// `DurationSeconds`: 900 up to the role's maximum, which is also the default.
fn duration(req: &Request) -> Result<i64, Error> {
    match req.params.int("DurationSeconds") {
        Ok(None) => Ok(MAX_SESSION_SECONDS),
        Ok(Some(d)) if d < 900 => Err(validation(
            "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
        )),
        Ok(Some(d)) if d > MAX_SESSION_SECONDS => Err(validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        )),
        Ok(Some(d)) => Ok(d),
        Err(()) => Err(validation("DurationSeconds is not a number")),
    }
}

/// The index of the account whose role `arn` names, and the role's name, when the caller may
/// assume it: the management account's long-term caller, into an ACTIVE member account that has
/// the role, with the ExternalId the role requires.
fn assumable<'a>(world: &World, req: &Request, arn: &'a str) -> Result<(usize, &'a str), Error> {
    let (target, role) =
        role_arn(world, arn).ok_or_else(|| validation(format!("{arn} is not a valid role ARN")))?;
    let caller_account = match &req.who {
        Who::Caller(c) => c.account.as_str(),
        Who::Session { .. } => {
            return Err(denied(
                world,
                req,
                arn,
                "the role trusts the management account only",
            ))
        }
    };
    if caller_account != world.org.management_account {
        return Err(denied(
            world,
            req,
            arn,
            "the role trusts the management account only",
        ));
    }
    if target == world.org.management_account {
        return Err(denied(
            world,
            req,
            arn,
            "the management account has no role to assume: use its own credentials",
        ));
    }
    let idx = world
        .account(target)
        .filter(|i| world.accounts[*i].roles.iter().any(|r| r == role))
        .ok_or_else(|| denied(world, req, arn, "no such role in the account"))?;
    let account = &world.accounts[idx];
    if account.state != AccountState::Active {
        return Err(denied(world, req, arn, "the account is not ACTIVE"));
    }
    if let Some(required) = &account.external_id {
        if req.params.str("ExternalId") != Some(required.as_str()) {
            return Err(denied(world, req, arn, "the ExternalId does not match"));
        }
    }
    Ok((idx, role))
}
