//! The changes `users tidy` and `users delete` make: removing each of the nine kinds of
//! dependents of an IAM user, and `DeleteUser`, which answers `DeleteConflict` (409) naming
//! every kind that remains.

use super::api::ApiError;
use super::directory::Directory;
use super::iam_list::{delete_unassigned_virtual_mfa, no_such, required};
use super::model::MfaKind;
use super::query::Xml;
use super::users::Scope;

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
        delete_user(dir, name)?;
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
    match op {
        "DetachUserPolicy" => {
            let arn = required(p, "PolicyArn")?;
            take(
                &mut user.attached_policies,
                |a| a == arn,
                format!("Policy {arn} was not found."),
            )?;
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
                |g| g == group,
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

fn delete_user(dir: &mut Directory, name: &str) -> Result<(), ApiError> {
    let pos = dir
        .users
        .iter()
        .position(|u| u.name == name)
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
    dir.users.remove(pos);
    Ok(())
}
