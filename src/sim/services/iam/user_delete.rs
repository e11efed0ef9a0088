//! The changes `users tidy` and `users delete` make: removing each of the nine kinds of
//! dependents of an IAM user, and `DeleteUser`, which answers `DeleteConflict` (409) naming
//! every kind that remains. DeleteUser and DetachUserPolicy are remembered for the stale reads
//! of `iam_consistency_ms` (see `consistency`).

use crate::sim::services::error::Error;
use crate::sim::services::iam::list::{delete_unassigned_virtual_mfa, no_such, required};
use crate::sim::services::iam::user_change::{not_held, on_user, After, Named};
use crate::sim::services::iam::users::Scope;
use crate::sim::services::xml::Xml;
use crate::sim::world::credentials::{Kind, MfaKind};
use crate::sim::world::directory::Directory;
use crate::sim::world::user::{same_name, User};
use std::time::Instant;

/// Removes the first element matching `pred`, or answers `NoSuchEntity` with `message`.
fn take<T>(list: &mut Vec<T>, pred: impl Fn(&T) -> bool, message: String) -> Result<T, Error> {
    let pos = list.iter().position(pred).ok_or_else(|| no_such(message))?;
    Ok(list.remove(pos))
}

pub(crate) fn detach_user_policy(scope: &Scope<'_>) -> Result<Xml, Error> {
    on_user(scope, Named::Given, |user, _, p| {
        let arn = required(p, "PolicyArn")?;
        let position = user
            .attached_policies
            .iter()
            .position(|a| a == arn)
            .ok_or_else(|| no_such(format!("Policy {arn} was not found.")))?;
        user.attached_policies.remove(position);
        Ok(After::Detached {
            user: user.name.clone(),
            position,
            arn: arn.to_string(),
        })
    })
}

pub(crate) fn delete_login_profile(scope: &Scope<'_>) -> Result<Xml, Error> {
    on_user(scope, Named::OrOwn, |user, name, _| {
        user.password
            .take()
            .ok_or_else(|| no_such(format!("Login Profile for User {name} cannot be found.")))?;
        Ok(After::Nothing)
    })
}

pub(crate) fn delete_access_key(scope: &Scope<'_>) -> Result<Xml, Error> {
    on_user(scope, Named::OrOwn, |user, _, p| {
        let id = required(p, "AccessKeyId")?;
        take(
            &mut user.access_keys,
            |k| k.id == id,
            not_held(Kind::AccessKey, id),
        )?;
        Ok(After::Nothing)
    })
}

pub(crate) fn delete_signing_certificate(scope: &Scope<'_>) -> Result<Xml, Error> {
    on_user(scope, Named::OrOwn, |user, _, p| {
        let id = required(p, "CertificateId")?;
        take(
            &mut user.signing_certificates,
            |c| c.id == id,
            not_held(Kind::SigningCertificate, id),
        )?;
        Ok(After::Nothing)
    })
}

pub(crate) fn delete_ssh_public_key(scope: &Scope<'_>) -> Result<Xml, Error> {
    on_user(scope, Named::Given, |user, _, p| {
        let id = required(p, "SSHPublicKeyId")?;
        take(
            &mut user.ssh_keys,
            |k| k.id == id,
            not_held(Kind::SshKey, id),
        )?;
        Ok(After::Nothing)
    })
}

pub(crate) fn delete_service_specific_credential(scope: &Scope<'_>) -> Result<Xml, Error> {
    on_user(scope, Named::OrOwn, |user, _, p| {
        let id = required(p, "ServiceSpecificCredentialId")?;
        take(
            &mut user.service_credentials,
            |c| c.id == id,
            not_held(Kind::ServiceCredential, id),
        )?;
        Ok(After::Nothing)
    })
}

pub(crate) fn deactivate_mfa_device(scope: &Scope<'_>) -> Result<Xml, Error> {
    on_user(scope, Named::OrOwn, |user, _, p| {
        let serial = required(p, "SerialNumber")?;
        let device = take(
            &mut user.mfa,
            |d| d.serial == serial,
            format!("MFA Device with serial number {serial} does not exist."),
        )?;
        Ok(match device.kind {
            MfaKind::Virtual => After::Unassigned(device.serial),
            _ => After::Nothing,
        })
    })
}

pub(crate) fn delete_user_policy(scope: &Scope<'_>) -> Result<Xml, Error> {
    on_user(scope, Named::Given, |user, _, p| {
        let policy = required(p, "PolicyName")?;
        take(
            &mut user.inline_policies,
            |i| i.name == policy,
            format!("The user policy with name {policy} cannot be found."),
        )?;
        Ok(After::Nothing)
    })
}

/// The group must exist before the user is looked up.
pub(crate) fn remove_user_from_group(scope: &Scope<'_>) -> Result<Xml, Error> {
    required(scope.params, "UserName")?;
    let group = required(scope.params, "GroupName")?;
    let known = {
        let state = scope.world.lock();
        state.iam[scope.index].group(group).is_some()
    };
    if !known {
        return Err(no_such(format!(
            "The group with name {group} cannot be found."
        )));
    }
    on_user(scope, Named::Given, |user, name, _| {
        take(
            &mut user.groups,
            |g| same_name(g, group),
            format!("User {name} is not in group {group}."),
        )?;
        Ok(After::Nothing)
    })
}

pub(crate) fn delete_virtual_mfa_device(scope: &Scope<'_>) -> Result<Xml, Error> {
    let serial = required(scope.params, "SerialNumber")?;
    let mut state = scope.world.lock();
    delete_virtual_mfa(&mut state.iam[scope.index], serial)?;
    Ok(Xml::new())
}

/// DeleteUser is remembered for the stale reads of `iam_consistency_ms`.
pub(crate) fn delete_user(scope: &Scope<'_>) -> Result<Xml, Error> {
    let name = required(scope.params, "UserName")?;
    let mut state = scope.world.lock();
    let dir = &mut state.iam[scope.index];
    let deleted = remove_user(dir, name)?;
    let window = scope.consistency();
    dir.recent.user_deleted(Instant::now(), deleted, window);
    Ok(Xml::new())
}

/// A deactivated virtual device can be deleted; one still assigned is a conflict.
fn delete_virtual_mfa(dir: &mut Directory, serial: &str) -> Result<(), Error> {
    let in_use = dir
        .users
        .iter()
        .any(|u| u.mfa.iter().any(|d| d.serial == serial));
    delete_unassigned_virtual_mfa(&mut dir.unassigned_virtual_mfa, in_use, serial)
}

/// Removes the user called `name` and returns it; `DeleteConflict` while dependents remain.
fn remove_user(dir: &mut Directory, name: &str) -> Result<User, Error> {
    let pos = dir
        .user_position(name)
        .ok_or_else(|| no_such(format!("The user with name {name} cannot be found.")))?;
    let remaining = dir.users[pos].dependents();
    if !remaining.is_empty() {
        return Err(Error::coded(
            "DeleteConflict",
            format!(
                "Cannot delete entity, must first remove: {}.",
                remaining.join(", ")
            ),
        ));
    }
    Ok(dir.users.remove(pos))
}

#[cfg(test)]
mod tests {
    use crate::sim::test_world::{iam, scenario, texts, world};

    const ACCOUNT: &str = r#"
[[accounts]]
id = "222222222222"
[[accounts.groups]]
name = "Developers"
[[accounts.users]]
name = "Bob"
groups = ["Developers"]
password = {}
"#;

    #[test]
    fn changes_find_users_and_groups_whatever_the_case_of_the_request() {
        let w = world(&scenario("", ACCOUNT));
        let m = "222222222222";
        let conflict = iam(&w, m, "DeleteUser", &[("UserName", "bob")]).expect_err("dependents");
        assert_eq!(conflict.code, "DeleteConflict");
        iam(&w, m, "DeleteLoginProfile", &[("UserName", "BOB")]).expect("DeleteLoginProfile");
        iam(
            &w,
            m,
            "RemoveUserFromGroup",
            &[("UserName", "bOB"), ("GroupName", "developers")],
        )
        .expect("RemoveUserFromGroup");
        iam(&w, m, "DeleteUser", &[("UserName", "bob")]).expect("DeleteUser");
        let users = iam(&w, m, "ListUsers", &[]).expect("ListUsers");
        assert!(texts(&users, "UserName").is_empty(), "{users}");
    }
}
