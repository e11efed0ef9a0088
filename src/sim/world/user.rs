//! An IAM user as data: its credentials, groups, policies and tags, and the case-insensitive
//! name comparison IAM uses.

use crate::sim::world::credentials::{AccessKey, Certificate, Kind, LoginProfile, MfaDevice};
use time::OffsetDateTime;

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

    /// Whether the user's credential of `kind` with id `id` is active, for a status change;
    /// None when the user holds no such credential.
    pub fn active_mut(&mut self, kind: Kind, id: &str) -> Option<&mut bool> {
        match kind {
            Kind::AccessKey => active_of(&mut self.access_keys, id, |k| (&k.id, &mut k.active)),
            Kind::SigningCertificate => active_of(&mut self.signing_certificates, id, |c| {
                (&c.id, &mut c.active)
            }),
            Kind::SshKey => active_of(&mut self.ssh_keys, id, |k| (&k.id, &mut k.active)),
            Kind::ServiceCredential => active_of(&mut self.service_credentials, id, |c| {
                (&c.id, &mut c.active)
            }),
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

/// The active flag of the element of `list` whose id (the first of `fields`) is `id`.
fn active_of<'a, T>(
    list: &'a mut [T],
    id: &str,
    fields: fn(&mut T) -> (&str, &mut bool),
) -> Option<&'a mut bool> {
    list.iter_mut()
        .map(fields)
        .find(|(i, _)| *i == id)
        .map(|(_, active)| active)
}

/// A tag of an IAM user: a key (unique regardless of case) and a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// `Key`.
    pub key: String,
    /// `Value` (may be empty).
    pub value: String,
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
