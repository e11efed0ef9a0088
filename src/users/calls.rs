//! The IAM calls that delete one user, from what it holds: every dependent `DeleteUser` needs
//! gone first, in the order it needs them gone, then the user. Pure.

use super::model::{is_virtual_mfa, Call, Holdings};

/// The calls that delete `h`'s user, in the order `DeleteUser` requires: login profile, access
/// keys, signing certificates, SSH public keys, service-specific credentials, MFA devices
/// (deactivated; the virtual ones then deleted), inline policies, managed policies, groups, the
/// user.
pub fn calls(h: &Holdings) -> Vec<Call> {
    let user = || h.user_name.clone();
    let mut calls = Vec::new();
    if h.login_profile {
        calls.push(Call::DeleteLoginProfile { user: user() });
    }
    for k in &h.access_keys {
        calls.push(Call::DeleteAccessKey {
            user: user(),
            id: k.id.clone(),
        });
    }
    for c in &h.signing_certificates {
        calls.push(Call::DeleteSigningCertificate {
            user: user(),
            id: c.id.clone(),
        });
    }
    for k in &h.ssh_public_keys {
        calls.push(Call::DeleteSshPublicKey {
            user: user(),
            id: k.id.clone(),
        });
    }
    for c in &h.service_specific_credentials {
        calls.push(Call::DeleteServiceSpecificCredential {
            user: user(),
            id: c.id.clone(),
        });
    }
    for device in &h.mfa_devices {
        calls.push(Call::DeactivateMfaDevice {
            user: user(),
            serial: device.serial.clone(),
        });
        if is_virtual_mfa(&device.serial) {
            calls.push(Call::DeleteVirtualMfaDevice {
                serial: device.serial.clone(),
            });
        }
    }
    for p in &h.inline_policies {
        calls.push(Call::DeleteUserPolicy {
            user: user(),
            name: p.name.clone(),
        });
    }
    for arn in &h.attached_policies {
        calls.push(Call::DetachUserPolicy {
            user: user(),
            arn: arn.clone(),
        });
    }
    for group in &h.groups {
        calls.push(Call::RemoveUserFromGroup {
            user: user(),
            group: group.clone(),
        });
    }
    calls.push(Call::DeleteUser { user: user() });
    calls
}
