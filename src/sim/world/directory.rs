//! The IAM directory of one account: its users, groups, their credentials and policies, and the
//! roles that can be assumed into it. Plain data, no I/O, no wire formats.
//!
//! IAM user and group names are unique regardless of case, and a lookup by name finds the entity
//! whatever the case of the request (ASCII; names are ASCII): every lookup goes through here.

use crate::sim::world::consistency::Recent;
use crate::sim::world::user::{same_name, InlinePolicy, User};
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
