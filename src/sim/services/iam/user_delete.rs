//! The changes `users tidy` and `users delete` make: removing each of the nine kinds of
//! dependents of an IAM user, and `DeleteUser`, which answers `DeleteConflict` (409) naming
//! every kind that remains. DeleteUser and DetachUserPolicy are remembered for the stale reads
//! of `iam_consistency_ms` (see `consistency`).

use crate::sim::services::iam::list::{delete_unassigned_virtual_mfa, no_such, required};
use crate::sim::services::iam::users::Scope;
use crate::sim::wire::api::ApiError;
use crate::sim::wire::query::Xml;
use crate::sim::world::directory::{same_name, Directory, User};
use crate::sim::world::model::MfaKind;
use std::time::Instant;

/// Operations handled here (all of them change the account).
pub(crate) const OPERATIONS: &[&str] = &[
    "DetachUserPolicy",
    "DeleteLoginProfile",
    "DeleteAccessKey",
    "DeleteSigningCertificate",
    "DeleteSSHPublicKey",
    "DeleteServiceSpecificCredential",
    "DeactivateMFADevice",
    "DeleteVirtualMFADevice",
    "DeleteUserPolicy",
    "RemoveUserFromGroup",
    "DeleteUser",
];

/// Handles one of [`OPERATIONS`]; none of them has output.
pub(crate) fn handle(scope: &Scope<'_>, op: &str) -> Result<Xml, ApiError> {
    let p = scope.params;
    let mut state = scope.world.lock();
    let dir = &mut state.iam[scope.index];
    if op == "DeleteVirtualMFADevice" {
        delete_virtual_mfa(dir, required(p, "SerialNumber")?)?;
        return Ok(Xml::new());
    }
    let name = match op {
        "DeleteLoginProfile"
        | "DeleteAccessKey"
        | "DeleteSigningCertificate"
        | "DeleteServiceSpecificCredential"
        | "DeactivateMFADevice" => scope.user_name()?,
        _ => required(p, "UserName")?,
    };
    if op == "DeleteUser" {
        let deleted = delete_user(dir, name)?;
        let window = scope.consistency();
        dir.recent.user_deleted(Instant::now(), deleted, window);
        return Ok(Xml::new());
    }
    if op == "RemoveUserFromGroup" {
        let group = required(p, "GroupName")?;
        if dir.group(group).is_none() {
            return Err(no_such(format!(
                "The group with name {group} cannot be found."
            )));
        }
    }
    let user = dir
        .user_mut(name)
        .ok_or_else(|| no_such(format!("The user with name {name} cannot be found.")))?;
    /// Removes the first element matching `pred`, or answers `NoSuchEntity` with `message`.
    fn take<T>(
        list: &mut Vec<T>,
        pred: impl Fn(&T) -> bool,
        message: String,
    ) -> Result<T, ApiError> {
        let pos = list.iter().position(pred).ok_or_else(|| no_such(message))?;
        Ok(list.remove(pos))
    }
    let mut unassigned = None;
    let mut detached = None;
    match op {
        "DetachUserPolicy" => {
            let arn = required(p, "PolicyArn")?;
            let position = user
                .attached_policies
                .iter()
                .position(|a| a == arn)
                .ok_or_else(|| no_such(format!("Policy {arn} was not found.")))?;
            user.attached_policies.remove(position);
            detached = Some((user.name.clone(), position, arn));
        }
        "DeleteLoginProfile" => {
            user.password.take().ok_or_else(|| {
                no_such(format!("Login Profile for User {name} cannot be found."))
            })?;
        }
        "DeleteAccessKey" => {
            let id = required(p, "AccessKeyId")?;
            take(
                &mut user.access_keys,
                |k| k.id == id,
                format!("The Access Key with id {id} cannot be found."),
            )?;
        }
        "DeleteSigningCertificate" => {
            let id = required(p, "CertificateId")?;
            take(
                &mut user.signing_certificates,
                |c| c.id == id,
                format!("The Certificate with id {id} cannot be found."),
            )?;
        }
        "DeleteSSHPublicKey" => {
            let id = required(p, "SSHPublicKeyId")?;
            take(
                &mut user.ssh_keys,
                |k| k.id == id,
                format!("The Public Key with id {id} cannot be found."),
            )?;
        }
        "DeleteServiceSpecificCredential" => {
            let id = required(p, "ServiceSpecificCredentialId")?;
            take(
                &mut user.service_credentials,
                |c| c.id == id,
                format!("No such credential {id} exists."),
            )?;
        }
        "DeactivateMFADevice" => {
            let serial = required(p, "SerialNumber")?;
            let device = take(
                &mut user.mfa,
                |d| d.serial == serial,
                format!("MFA Device with serial number {serial} does not exist."),
            )?;
            if device.kind == MfaKind::Virtual {
                unassigned = Some(device.serial);
            }
        }
        "DeleteUserPolicy" => {
            let policy = required(p, "PolicyName")?;
            take(
                &mut user.inline_policies,
                |i| i.name == policy,
                format!("The user policy with name {policy} cannot be found."),
            )?;
        }
        "RemoveUserFromGroup" => {
            let group = required(p, "GroupName")?;
            take(
                &mut user.groups,
                |g| same_name(g, group),
                format!("User {name} is not in group {group}."),
            )?;
        }
        other => {
            return Err(ApiError::new(
                400,
                "InvalidAction",
                format!("Could not find operation {other} for version 2010-05-08"),
            ))
        }
    }
    dir.unassigned_virtual_mfa.extend(unassigned);
    if let Some((user, position, arn)) = detached {
        let window = scope.consistency();
        dir.recent
            .policy_detached(Instant::now(), &user, position, arn, window);
    }
    Ok(Xml::new())
}

/// A deactivated virtual device can be deleted; one still assigned is a conflict.
fn delete_virtual_mfa(dir: &mut Directory, serial: &str) -> Result<(), ApiError> {
    let in_use = dir
        .users
        .iter()
        .any(|u| u.mfa.iter().any(|d| d.serial == serial));
    delete_unassigned_virtual_mfa(&mut dir.unassigned_virtual_mfa, in_use, serial)
}

/// Removes the user called `name` and returns it; `DeleteConflict` while dependents remain.
fn delete_user(dir: &mut Directory, name: &str) -> Result<User, ApiError> {
    let pos = dir
        .user_position(name)
        .ok_or_else(|| no_such(format!("The user with name {name} cannot be found.")))?;
    let remaining = dir.users[pos].dependents();
    if !remaining.is_empty() {
        return Err(ApiError::coded(
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
