//! The users job's changes at the AWS edge: a change session (the role in member accounts, the
//! caller's own credentials in its own account), the fresh read of one user's dependents right
//! before a change, and each mutating IAM call of `users delete` / `users tidy`, every call
//! through [`Aws::send`] so retries, throttling, cancellation and counters apply.

use super::users::{AwsUsersSessions, UsersSession};
use super::{pages, CallError};
use crate::report::rfc3339;
use crate::users::api::UsersChange;
use crate::users::model::{Attachments, Call, Holdings, InlinePolicy, KeyHolding};

impl AwsUsersSessions {
    /// A change session: the caller's own credentials when `own`, else the role.
    pub(super) async fn change_session(
        &self,
        account_id: &str,
        own: bool,
    ) -> Result<UsersSession, CallError> {
        use crate::users::api::UsersSessions;
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

macro_rules! listing {
    ($self:ident, $op:literal, $user:ident, $method:ident, |$out:ident| $items:expr) => {{
        const OP: &str = $op;
        pages::collect(OP, |marker| async move {
            let $out = $self
                .aws
                .send(OP, || {
                    $self
                        .aws
                        .iam
                        .$method()
                        .user_name($user)
                        .set_marker(marker.clone())
                        .customize()
                        .config_override($self.config())
                        .send()
                })
                .await;
            let $out = $self.checked($out)?;
            let next = pages::iam_next(OP, $out.is_truncated(), $out.marker())?;
            Ok(($items, next))
        })
        .await
    }};
}

impl UsersChange for UsersSession {
    async fn holdings(&self, user: &str) -> Result<Option<Holdings>, CallError> {
        let got = self
            .aws
            .send("GetUser", || {
                self.aws
                    .iam
                    .get_user()
                    .user_name(user)
                    .customize()
                    .config_override(self.config())
                    .send()
            })
            .await;
        let got = match self.checked(got) {
            Ok(out) => out,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        let u = got.user();
        let mut h = Holdings {
            user_name: user.to_string(),
            arn: u.map(|u| u.arn().to_string()).unwrap_or_default(),
            password_last_used: u
                .and_then(|u| u.password_last_used())
                .map(rfc3339)
                .unwrap_or_default(),
            ..Holdings::default()
        };
        h.login_profile = self.login_profile(user).await?;
        let keys: Vec<(String, String)> =
            listing!(self, "ListAccessKeys", user, list_access_keys, |out| out
                .access_key_metadata()
                .iter()
                .map(|k| (
                    k.access_key_id().unwrap_or_default().to_string(),
                    k.status().map(|s| s.as_str()).unwrap_or("").to_string()
                ))
                .collect::<Vec<_>>())?;
        for (id, status) in keys {
            let last_used = self.key_last_used(&id).await?;
            h.access_keys.push(KeyHolding {
                id,
                status,
                last_used,
            });
        }
        h.signing_certificates = listing!(
            self,
            "ListSigningCertificates",
            user,
            list_signing_certificates,
            |out| out
                .certificates()
                .iter()
                .map(|c| c.certificate_id().to_string())
                .collect::<Vec<_>>()
        )?;
        h.ssh_public_keys = listing!(
            self,
            "ListSSHPublicKeys",
            user,
            list_ssh_public_keys,
            |out| out
                .ssh_public_keys()
                .iter()
                .map(|k| k.ssh_public_key_id().to_string())
                .collect::<Vec<_>>()
        )?;
        h.service_specific_credentials = self.service_credentials(user).await?;
        h.mfa_devices = listing!(self, "ListMFADevices", user, list_mfa_devices, |out| out
            .mfa_devices()
            .iter()
            .map(|d| d.serial_number().to_string())
            .collect::<Vec<_>>())?;
        let names: Vec<String> =
            listing!(self, "ListUserPolicies", user, list_user_policies, |out| {
                out.policy_names().to_vec()
            })?;
        for name in names {
            if let Some(document) = self.inline_document(user, &name).await? {
                h.inline_policies.push(InlinePolicy { name, document });
            }
        }
        h.attached_policies = listing!(
            self,
            "ListAttachedUserPolicies",
            user,
            list_attached_user_policies,
            |out| out
                .attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string))
                .collect::<Vec<_>>()
        )?;
        h.groups = listing!(
            self,
            "ListGroupsForUser",
            user,
            list_groups_for_user,
            |out| out
                .groups()
                .iter()
                .map(|g| g.group_name().to_string())
                .collect::<Vec<_>>()
        )?;
        Ok(Some(h))
    }

    async fn attachments(&self, user: &str) -> Result<Option<Attachments>, CallError> {
        let groups = listing!(
            self,
            "ListGroupsForUser",
            user,
            list_groups_for_user,
            |out| out
                .groups()
                .iter()
                .map(|g| g.group_name().to_string())
                .collect::<Vec<_>>()
        );
        let groups = match groups {
            Ok(groups) => groups,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        let attached = listing!(
            self,
            "ListAttachedUserPolicies",
            user,
            list_attached_user_policies,
            |out| out
                .attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string))
                .collect::<Vec<_>>()
        );
        match attached {
            Ok(policies) => Ok(Some(Attachments { groups, policies })),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn group_policies(&self, group: &str) -> Result<Vec<String>, CallError> {
        const OP: &str = "ListAttachedGroupPolicies";
        pages::collect(OP, |marker| async move {
            let out = self
                .aws
                .send(OP, || {
                    self.aws
                        .iam
                        .list_attached_group_policies()
                        .group_name(group)
                        .set_marker(marker.clone())
                        .customize()
                        .config_override(self.config())
                        .send()
                })
                .await;
            let out = self.checked(out)?;
            let next = pages::iam_next(OP, out.is_truncated(), out.marker())?;
            let arns = out
                .attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string))
                .collect::<Vec<_>>();
            Ok((arns, next))
        })
        .await
    }

    async fn make(&self, call: &Call) -> Result<(), CallError> {
        let op = call.operation();
        let iam = &self.aws.iam;
        let cfg = || self.config();
        let sent = match call {
            Call::DeleteLoginProfile { user } => self
                .aws
                .send_change(op, || {
                    iam.delete_login_profile()
                        .user_name(user)
                        .customize()
                        .config_override(cfg())
                        .send()
                })
                .await
                .map(drop),
            Call::DeleteAccessKey { user, id } => self
                .aws
                .send_change(op, || {
                    iam.delete_access_key()
                        .user_name(user)
                        .access_key_id(id)
                        .customize()
                        .config_override(cfg())
                        .send()
                })
                .await
                .map(drop),
            Call::DeleteSigningCertificate { user, id } => self
                .aws
                .send_change(op, || {
                    iam.delete_signing_certificate()
                        .user_name(user)
                        .certificate_id(id)
                        .customize()
                        .config_override(cfg())
                        .send()
                })
                .await
                .map(drop),
            Call::DeleteSshPublicKey { user, id } => self
                .aws
                .send_change(op, || {
                    iam.delete_ssh_public_key()
                        .user_name(user)
                        .ssh_public_key_id(id)
                        .customize()
                        .config_override(cfg())
                        .send()
                })
                .await
                .map(drop),
            Call::DeleteServiceSpecificCredential { user, id } => self
                .aws
                .send_change(op, || {
                    iam.delete_service_specific_credential()
                        .user_name(user)
                        .service_specific_credential_id(id)
                        .customize()
                        .config_override(cfg())
                        .send()
                })
                .await
                .map(drop),
            Call::DeactivateMfaDevice { user, serial } => self
                .aws
                .send_change(op, || {
                    iam.deactivate_mfa_device()
                        .user_name(user)
                        .serial_number(serial)
                        .customize()
                        .config_override(cfg())
                        .send()
                })
                .await
                .map(drop),
            Call::DeleteVirtualMfaDevice { serial } => self
                .aws
                .send_change(op, || {
                    iam.delete_virtual_mfa_device()
                        .serial_number(serial)
                        .customize()
                        .config_override(cfg())
                        .send()
                })
                .await
                .map(drop),
            Call::DeleteUserPolicy { user, name } => self
                .aws
                .send_change(op, || {
                    iam.delete_user_policy()
                        .user_name(user)
                        .policy_name(name)
                        .customize()
                        .config_override(cfg())
                        .send()
                })
                .await
                .map(drop),
            Call::DetachUserPolicy { user, arn } => self
                .aws
                .send_change(op, || {
                    iam.detach_user_policy()
                        .user_name(user)
                        .policy_arn(arn)
                        .customize()
                        .config_override(cfg())
                        .send()
                })
                .await
                .map(drop),
            Call::RemoveUserFromGroup { user, group } => self
                .aws
                .send_change(op, || {
                    iam.remove_user_from_group()
                        .user_name(user)
                        .group_name(group)
                        .customize()
                        .config_override(cfg())
                        .send()
                })
                .await
                .map(drop),
            Call::DeleteUser { user } => self
                .aws
                .send_change(op, || {
                    iam.delete_user()
                        .user_name(user)
                        .customize()
                        .config_override(cfg())
                        .send()
                })
                .await
                .map(drop),
        };
        self.checked(sent)
    }
}

impl UsersSession {
    /// `GetLoginProfile`: whether the user has a console password (NoSuchEntity: none).
    async fn login_profile(&self, user: &str) -> Result<bool, CallError> {
        let got = self
            .aws
            .send("GetLoginProfile", || {
                self.aws
                    .iam
                    .get_login_profile()
                    .user_name(user)
                    .customize()
                    .config_override(self.config())
                    .send()
            })
            .await;
        match self.checked(got) {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// `GetAccessKeyLastUsed`: RFC 3339, empty when never used.
    async fn key_last_used(&self, id: &str) -> Result<String, CallError> {
        let got = self
            .aws
            .send("GetAccessKeyLastUsed", || {
                self.aws
                    .iam
                    .get_access_key_last_used()
                    .access_key_id(id)
                    .customize()
                    .config_override(self.config())
                    .send()
            })
            .await;
        let got = self.checked(got)?;
        Ok(got
            .access_key_last_used()
            .and_then(|u| u.last_used_date())
            .map(rfc3339)
            .unwrap_or_default())
    }

    /// `ListServiceSpecificCredentials` (one response: the operation has no pagination).
    async fn service_credentials(&self, user: &str) -> Result<Vec<String>, CallError> {
        let got = self
            .aws
            .send("ListServiceSpecificCredentials", || {
                self.aws
                    .iam
                    .list_service_specific_credentials()
                    .user_name(user)
                    .customize()
                    .config_override(self.config())
                    .send()
            })
            .await;
        Ok(self
            .checked(got)?
            .service_specific_credentials()
            .iter()
            .map(|c| c.service_specific_credential_id().to_string())
            .collect())
    }

    /// `GetUserPolicy`: the decoded document (`None`: deleted since it was listed).
    async fn inline_document(&self, user: &str, name: &str) -> Result<Option<String>, CallError> {
        let got = self
            .aws
            .send("GetUserPolicy", || {
                self.aws
                    .iam
                    .get_user_policy()
                    .user_name(user)
                    .policy_name(name)
                    .customize()
                    .config_override(self.config())
                    .send()
            })
            .await;
        match self.checked(got) {
            Ok(out) => Ok(Some(decode_document(out.policy_document()))),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}
