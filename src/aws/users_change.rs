//! The users job's changes at the AWS edge: a change session (the role in member accounts, the
//! caller's own credentials in its own account), the fresh reads around a change (a user's
//! holdings, whether it exists, its attachments, a group's policies), and each mutating IAM call
//! of `users delete` / `users tidy`, every call through [`Aws::send_change`] so retries,
//! throttling, cancellation and counters apply.

use super::users_session::{user_listing, Session, Sessions};
use super::Error;
use crate::users::api;
use crate::users::deactivate::Kind;
use crate::users::model::{Attachments, Call, Holdings};

impl Sessions {
    /// A change session: the caller's own credentials when `own`, else the role.
    pub(super) async fn change_session(
        &self,
        account_id: &str,
        own: bool,
    ) -> Result<Session, Error> {
        use crate::users::api::Sessions as _;
        if own {
            Ok(self.own())
        } else {
            self.assume_role(account_id).await
        }
    }
}

/// Decodes the percent-encoded policy document IAM returns (RFC 3986); a malformed escape is
/// kept as it is.
///
/// ```
/// use rootsweep::aws::users_change::decode_document;
/// assert_eq!(decode_document("%7B%22a%22%3A1%7D"), r#"{"a":1}"#);
/// assert_eq!(decode_document("100%"), "100%");
/// ```
pub fn decode_document(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let (h, l) = (hex(h).unwrap_or(0), hex(l).unwrap_or(0));
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One mutating IAM call of `$session`: `$method` of the SDK's IAM client with each
/// `.$setter($value)`, sent with the session's per-call configuration through
/// [`Session::change`]; the output is dropped.
macro_rules! change {
    ($session:expr, $op:expr, $method:ident $(, $setter:ident($value:expr))* $(,)?) => {{
        let iam = &$session.aws.iam;
        $session
            .change($op, |cfg| {
                iam.$method()
                    $(.$setter($value))*
                    .customize()
                    .config_override(cfg)
                    .send()
            })
            .await
            .map(drop)
    }};
}

impl api::Fresh for Session {
    async fn holdings(&self, user: &str) -> Result<Option<Holdings>, Error> {
        self.read_holdings(user).await
    }

    async fn holdings_of(
        &self,
        user: &str,
        kinds: &[Kind],
        id: Option<&str>,
    ) -> Result<Option<Holdings>, Error> {
        self.read_credentials(user, kinds, id).await
    }
}

impl api::Change for Session {
    async fn exists(&self, user: &str) -> Result<bool, Error> {
        match self.get_user(user).await {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn attachments(&self, user: &str) -> Result<Option<Attachments>, Error> {
        let groups = match self.group_list(user).await {
            Ok(groups) => groups,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        match self.attached_list(user).await {
            Ok(policies) => Ok(Some(Attachments { groups, policies })),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn group_policies(&self, group: &str) -> Result<Vec<String>, Error> {
        let iam = &self.aws.iam;
        self.list(
            "ListAttachedGroupPolicies",
            |cfg, marker| {
                iam.list_attached_group_policies()
                    .group_name(group)
                    .set_marker(marker)
                    .customize()
                    .config_override(cfg)
                    .send()
            },
            |out| {
                let arns = out
                    .attached_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_string));
                (
                    arns.collect(),
                    out.is_truncated(),
                    out.marker().map(str::to_string),
                )
            },
        )
        .await
    }

    async fn make(&self, call: &Call) -> Result<(), Error> {
        use Credential::{AccessKey, ServiceSpecific, Signing, Ssh};
        let op = call.operation();
        match call {
            Call::DeleteLoginProfile { user } => {
                change!(self, op, delete_login_profile, user_name(user))
            }
            Call::DeleteAccessKey { user, id } => self.remove(op, AccessKey, user, id).await,
            Call::DeleteSigningCertificate { user, id } => self.remove(op, Signing, user, id).await,
            Call::DeleteSshPublicKey { user, id } => self.remove(op, Ssh, user, id).await,
            Call::DeleteServiceSpecificCredential { user, id } => {
                self.remove(op, ServiceSpecific, user, id).await
            }
            Call::DeactivateMfaDevice { user, serial } => change!(
                self,
                op,
                deactivate_mfa_device,
                user_name(user),
                serial_number(serial)
            ),
            Call::DeleteVirtualMfaDevice { serial } => {
                change!(self, op, delete_virtual_mfa_device, serial_number(serial))
            }
            Call::DeleteUserPolicy { user, name } => {
                change!(
                    self,
                    op,
                    delete_user_policy,
                    user_name(user),
                    policy_name(name)
                )
            }
            Call::DetachUserPolicy { user, arn } => {
                change!(
                    self,
                    op,
                    detach_user_policy,
                    user_name(user),
                    policy_arn(arn)
                )
            }
            Call::RemoveUserFromGroup { user, group } => change!(
                self,
                op,
                remove_user_from_group,
                user_name(user),
                group_name(group)
            ),
            Call::DeleteUser { user } => change!(self, op, delete_user, user_name(user)),
            Call::UpdateAccessKey { user, id, active } => {
                self.set_status(op, AccessKey, user, id, *active).await
            }
            Call::UpdateSigningCertificate { user, id, active } => {
                self.set_status(op, Signing, user, id, *active).await
            }
            Call::UpdateSshPublicKey { user, id, active } => {
                self.set_status(op, Ssh, user, id, *active).await
            }
            Call::UpdateServiceSpecificCredential { user, id, active } => {
                self.set_status(op, ServiceSpecific, user, id, *active)
                    .await
            }
        }
    }
}

/// A credential with an id of its own, which IAM deletes or sets `Active` / `Inactive` by that id.
#[derive(Debug, Clone, Copy)]
enum Credential {
    AccessKey,
    Signing,
    Ssh,
    ServiceSpecific,
}

impl Session {
    /// Deletes `user`'s credential of `kind` with `id` (`op` names the call).
    async fn remove(
        &self,
        op: &'static str,
        kind: Credential,
        user: &str,
        id: &str,
    ) -> Result<(), Error> {
        match kind {
            Credential::AccessKey => {
                change!(
                    self,
                    op,
                    delete_access_key,
                    user_name(user),
                    access_key_id(id)
                )
            }
            Credential::Signing => change!(
                self,
                op,
                delete_signing_certificate,
                user_name(user),
                certificate_id(id)
            ),
            Credential::Ssh => change!(
                self,
                op,
                delete_ssh_public_key,
                user_name(user),
                ssh_public_key_id(id)
            ),
            Credential::ServiceSpecific => change!(
                self,
                op,
                delete_service_specific_credential,
                user_name(user),
                service_specific_credential_id(id)
            ),
        }
    }

    /// Sets `user`'s credential of `kind` with `id` `Active` or `Inactive` (`op` names the call).
    async fn set_status(
        &self,
        op: &'static str,
        kind: Credential,
        user: &str,
        id: &str,
        active: bool,
    ) -> Result<(), Error> {
        match kind {
            Credential::AccessKey => change!(
                self,
                op,
                update_access_key,
                user_name(user),
                access_key_id(id),
                status(status_type(active))
            ),
            Credential::Signing => change!(
                self,
                op,
                update_signing_certificate,
                user_name(user),
                certificate_id(id),
                status(status_type(active))
            ),
            Credential::Ssh => change!(
                self,
                op,
                update_ssh_public_key,
                user_name(user),
                ssh_public_key_id(id),
                status(status_type(active))
            ),
            Credential::ServiceSpecific => change!(
                self,
                op,
                update_service_specific_credential,
                user_name(user),
                service_specific_credential_id(id),
                status(status_type(active))
            ),
        }
    }
}

impl Session {
    /// `ListAttachedUserPolicies`, every page: the policy ARNs.
    pub(super) async fn attached_list(&self, user: &str) -> Result<Vec<String>, Error> {
        user_listing!(
            self,
            "ListAttachedUserPolicies",
            list_attached_user_policies,
            user,
            |out| out
                .attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string))
                .collect()
        )
    }

    /// `ListGroupsForUser`, every page: the group names.
    pub(super) async fn group_list(&self, user: &str) -> Result<Vec<String>, Error> {
        user_listing!(
            self,
            "ListGroupsForUser",
            list_groups_for_user,
            user,
            |out| out
                .groups()
                .iter()
                .map(|g| g.group_name().to_string())
                .collect()
        )
    }
}

/// IAM's `StatusType` for a status update.
fn status_type(active: bool) -> aws_sdk_iam::types::StatusType {
    if active {
        aws_sdk_iam::types::StatusType::Active
    } else {
        aws_sdk_iam::types::StatusType::Inactive
    }
}
