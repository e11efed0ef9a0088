//! The IAM directory of one account: its users, groups, their credentials and policies, and the
//! roles that can be assumed into it. Plain data, no I/O, no wire formats.
//!
//! IAM user and group names are unique regardless of case, and a lookup by name finds the entity
//! whatever the case of the request (ASCII; names are ASCII): every lookup goes through here.

use crate::sim::world::consistency::Recent;
use crate::sim::world::model::{AccessKey, Certificate, LoginProfile, MfaDevice};
use time::OffsetDateTime;

/// The role member accounts created by Organizations have (admin, trusts the management account).
pub const DEFAULT_ROLE: &str = "OrganizationAccountAccessRole";

/// Every IAM user and group of one account.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Users in listing order.
    pub users: Vec<User>,
    /// Groups in listing order.
    pub groups: Vec<Group>,
    /// Virtual MFA devices of users that were deactivated but not deleted (serials).
    pub unassigned_virtual_mfa: Vec<String>,
    /// Next number handed to an id the simulator makes up at run time.
    pub next_serial: u32,
    /// Changes some reads may not see yet (`iam_consistency_ms`).
    pub recent: Recent,
}

impl Directory {
    /// The user called `name`, whatever its case.
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| same_name(&u.name, name))
    }

    /// The user called `name`, whatever its case, for changes.
    pub fn user_mut(&mut self, name: &str) -> Option<&mut User> {
        self.users.iter_mut().find(|u| same_name(&u.name, name))
    }

    /// Position of the user called `name` in [`Directory::users`], whatever its case.
    pub fn user_position(&self, name: &str) -> Option<usize> {
        self.users.iter().position(|u| same_name(&u.name, name))
    }

    /// The group called `name`, whatever its case.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| same_name(&g.name, name))
    }

    /// A fresh number for an id the simulator makes up (never handed out twice).
    pub fn serial(&mut self) -> u32 {
        self.next_serial += 1;
        self.next_serial
    }
}

/// Whether two IAM names are the same name (IAM compares them without regard to case).
pub fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// An IAM user.
#[derive(Debug, Clone)]
pub struct User {
    /// `UserName`.
    pub name: String,
    /// `Path` (`/` by default).
    pub path: String,
    /// `UserId` (`AIDA...`).
    pub id: String,
    /// `CreateDate`.
    pub created: OffsetDateTime,
    /// Console password.
    pub password: Option<LoginProfile>,
    /// Assigned MFA devices.
    pub mfa: Vec<MfaDevice>,
    /// Access keys.
    pub access_keys: Vec<AccessKey>,
    /// X.509 signing certificates.
    pub signing_certificates: Vec<Certificate>,
    /// SSH public keys (CodeCommit).
    pub ssh_keys: Vec<Certificate>,
    /// Service-specific credentials.
    pub service_credentials: Vec<ServiceCredential>,
    /// Names of the groups the user belongs to.
    pub groups: Vec<String>,
    /// ARNs of directly attached managed policies.
    pub attached_policies: Vec<String>,
    /// Inline policies.
    pub inline_policies: Vec<InlinePolicy>,
    /// ARN of the managed policy set as the permissions boundary.
    pub permissions_boundary: Option<String>,
    /// Tags, in the order given.
    pub tags: Vec<Tag>,
    /// The earlier user of this name, deleted before this one was created, as a credential
    /// report generated before the recreation (IAM serves one up to four hours old) shows it.
    pub earlier: Option<Box<User>>,
}

impl User {
    /// A user with nothing but its name, path, id and creation date.
    pub fn new(name: String, path: String, id: String, created: OffsetDateTime) -> User {
        User {
            name,
            path,
            id,
            created,
            password: None,
            mfa: Vec::new(),
            access_keys: Vec::new(),
            signing_certificates: Vec::new(),
            ssh_keys: Vec::new(),
            service_credentials: Vec::new(),
            groups: Vec::new(),
            attached_policies: Vec::new(),
            inline_policies: Vec::new(),
            permissions_boundary: None,
            tags: Vec::new(),
            earlier: None,
        }
    }

    /// What still stands in the way of `DeleteUser`, in the order AWS's runbook removes it.
    pub fn dependents(&self) -> Vec<&'static str> {
        let checks = [
            (self.password.is_some(), "login profile"),
            (!self.access_keys.is_empty(), "access keys"),
            (
                !self.signing_certificates.is_empty(),
                "signing certificates",
            ),
            (!self.ssh_keys.is_empty(), "SSH public keys"),
            (
                !self.service_credentials.is_empty(),
                "service-specific credentials",
            ),
            (!self.mfa.is_empty(), "MFA devices"),
            (!self.inline_policies.is_empty(), "inline policies"),
            (!self.attached_policies.is_empty(), "attached policies"),
            (!self.groups.is_empty(), "group memberships"),
        ];
        checks
            .into_iter()
            .filter(|(present, _)| *present)
            .map(|(_, what)| what)
            .collect()
    }
}

/// A tag of an IAM user: a key (unique regardless of case) and a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// `Key`.
    pub key: String,
    /// `Value` (may be empty).
    pub value: String,
}

/// An IAM group.
#[derive(Debug, Clone)]
pub struct Group {
    /// `GroupName`.
    pub name: String,
    /// `Path`.
    pub path: String,
    /// `GroupId` (`AGPA...`).
    pub id: String,
    /// `CreateDate`.
    pub created: OffsetDateTime,
    /// ARNs of attached managed policies.
    pub attached_policies: Vec<String>,
    /// Inline policies.
    pub inline_policies: Vec<InlinePolicy>,
}

/// An inline policy: a name and its JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlinePolicy {
    /// `PolicyName`.
    pub name: String,
    /// The policy document as JSON text.
    pub document: String,
}

/// A service-specific credential (e.g. CodeCommit HTTPS Git credentials).
#[derive(Debug, Clone)]
pub struct ServiceCredential {
    /// `ServiceSpecificCredentialId`.
    pub id: String,
    /// `ServiceName`, e.g. `codecommit.amazonaws.com`.
    pub service: String,
    /// `ServiceUserName`.
    pub service_user_name: String,
    /// Active or inactive.
    pub active: bool,
    /// `CreateDate`.
    pub created: OffsetDateTime,
}

/// The last path segment of a policy ARN: its `PolicyName`.
pub fn policy_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Digits and upper-case letters of `n` in base 36, left-padded with `0` to `width`.
pub fn base36(mut n: u64, width: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let d = (n % 36) as u8;
        out.push(if d < 10 { b'0' + d } else { b'A' + d - 10 });
        n /= 36;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base36_pads_and_uses_upper_case() {
        assert_eq!(base36(0, 4), "0000");
        assert_eq!(base36(35, 4), "000Z");
        assert_eq!(base36(36 * 36 + 1, 4), "0101");
    }

    #[test]
    fn policy_name_is_the_last_arn_segment() {
        assert_eq!(
            policy_name("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"),
            "ViewOnlyAccess"
        );
    }
}
