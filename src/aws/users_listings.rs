//! The single reads behind a user's holdings, one IAM call or one paged listing each: `GetUser`,
//! tags, login profile, access keys and a key's last use, signing certificates, SSH public keys
//! and a key's body, service-specific credentials, MFA devices, inline policies. Composing them
//! into a user's holdings (and a user gone part-way) is `users_holdings.rs`'s.

use super::users::Session;
use super::users_holdings::gone;
use super::users_session::user_listing;
use super::Error;
use crate::report::rfc3339;
use crate::users::holdings::{mfa_kind, Mfa, PublicKey, ServiceCredential, Tag};
use aws_sdk_iam::operation::get_user::GetUserOutput;
use aws_sdk_iam::types::{EncodingType, StatusType};
use aws_smithy_types::DateTime;

/// The spelling IAM uses for a status.
fn status(s: &StatusType) -> String {
    s.as_str().to_string()
}

impl Session {
    /// `GetUser`.
    pub(super) async fn get_user(&self, user: &str) -> Result<GetUserOutput, Error> {
        let iam = &self.aws.iam;
        self.read("GetUser", |cfg| {
            iam.get_user()
                .user_name(user)
                .customize()
                .config_override(cfg)
                .send()
        })
        .await
    }

    /// `ListUserTags`, every page.
    pub(super) async fn tags(&self, user: &str) -> Result<Vec<Tag>, Error> {
        user_listing!(self, "ListUserTags", list_user_tags, user, |out| {
            let tags = out.tags().iter().map(|t| Tag {
                key: t.key().to_string(),
                value: t.value().to_string(),
            });
            tags.collect()
        })
    }

    /// `GetLoginProfile`: when the password was set, or `None` without one. A user that does
    /// not exist answers NoSuchEntity too: [`Session::read_holdings`] read it just before.
    pub(super) async fn login_profile(&self, user: &str) -> Result<Option<String>, Error> {
        let iam = &self.aws.iam;
        let got = self
            .read("GetLoginProfile", |cfg| {
                iam.get_login_profile()
                    .user_name(user)
                    .customize()
                    .config_override(cfg)
                    .send()
            })
            .await;
        match gone(got)? {
            Some(out) => Ok(Some(
                out.login_profile()
                    .map(|p| rfc3339(p.create_date()))
                    .unwrap_or_default(),
            )),
            None => Ok(None),
        }
    }

    /// `ListAccessKeys`, every page: (id, status, created).
    pub(super) async fn key_list(
        &self,
        user: &str,
    ) -> Result<Vec<(String, String, String)>, Error> {
        user_listing!(self, "ListAccessKeys", list_access_keys, user, |out| {
            let keys = out.access_key_metadata().iter().map(|k| {
                (
                    k.access_key_id().unwrap_or_default().to_string(),
                    k.status().map(status).unwrap_or_default(),
                    k.create_date().map(rfc3339).unwrap_or_default(),
                )
            });
            keys.collect()
        })
    }

    /// `GetAccessKeyLastUsed`: RFC 3339, empty when never used.
    pub(super) async fn key_last_used(&self, id: &str) -> Result<String, Error> {
        let iam = &self.aws.iam;
        let got = self
            .read("GetAccessKeyLastUsed", |cfg| {
                iam.get_access_key_last_used()
                    .access_key_id(id)
                    .customize()
                    .config_override(cfg)
                    .send()
            })
            .await?;
        Ok(got
            .access_key_last_used()
            .and_then(|u| u.last_used_date())
            .map(rfc3339)
            .unwrap_or_default())
    }

    /// `ListSigningCertificates`, every page, with the (public) bodies.
    pub(super) async fn certificate_list(&self, user: &str) -> Result<Vec<PublicKey>, Error> {
        user_listing!(
            self,
            "ListSigningCertificates",
            list_signing_certificates,
            user,
            |out| {
                let certs = out.certificates().iter().map(|c| PublicKey {
                    id: c.certificate_id().to_string(),
                    status: status(c.status()),
                    uploaded: c.upload_date().map(rfc3339).unwrap_or_default(),
                    body: c.certificate_body().to_string(),
                });
                certs.collect()
            }
        )
    }

    /// `ListSSHPublicKeys`, every page: (id, status, uploaded).
    pub(super) async fn ssh_key_list(
        &self,
        user: &str,
    ) -> Result<Vec<(String, String, Option<DateTime>)>, Error> {
        user_listing!(
            self,
            "ListSSHPublicKeys",
            list_ssh_public_keys,
            user,
            |out| {
                let keys = out.ssh_public_keys().iter().map(|k| {
                    (
                        k.ssh_public_key_id().to_string(),
                        status(k.status()),
                        Some(*k.upload_date()),
                    )
                });
                keys.collect()
            }
        )
    }

    /// `GetSSHPublicKey` in SSH encoding: the key's public body.
    pub(super) async fn ssh_key_body(&self, user: &str, id: &str) -> Result<String, Error> {
        let iam = &self.aws.iam;
        let got = self
            .read("GetSSHPublicKey", |cfg| {
                iam.get_ssh_public_key()
                    .user_name(user)
                    .ssh_public_key_id(id)
                    .encoding(EncodingType::Ssh)
                    .customize()
                    .config_override(cfg)
                    .send()
            })
            .await?;
        Ok(got
            .ssh_public_key()
            .map(|k| k.ssh_public_key_body().to_string())
            .unwrap_or_default())
    }

    /// `ListServiceSpecificCredentials`, every page (`Marker`/`MaxItems` like the other lists).
    pub(super) async fn service_credential_list(
        &self,
        user: &str,
    ) -> Result<Vec<ServiceCredential>, Error> {
        user_listing!(
            self,
            "ListServiceSpecificCredentials",
            list_service_specific_credentials,
            user,
            |out| {
                let creds = out
                    .service_specific_credentials()
                    .iter()
                    .map(|c| ServiceCredential {
                        id: c.service_specific_credential_id().to_string(),
                        service_name: c.service_name().to_string(),
                        service_user_name: c.service_user_name().to_string(),
                        status: status(c.status()),
                        created: rfc3339(c.create_date()),
                    });
                creds.collect()
            }
        )
    }

    /// `ListMFADevices`, every page, with each device's kind.
    pub(super) async fn mfa_list(&self, user: &str) -> Result<Vec<Mfa>, Error> {
        user_listing!(self, "ListMFADevices", list_mfa_devices, user, |out| {
            let devices = out.mfa_devices().iter().map(|d| Mfa {
                serial: d.serial_number().to_string(),
                kind: mfa_kind(d.serial_number()).to_string(),
                enabled: rfc3339(d.enable_date()),
            });
            devices.collect()
        })
    }

    /// `ListUserPolicies`, every page: the inline policy names.
    pub(super) async fn inline_names(&self, user: &str) -> Result<Vec<String>, Error> {
        user_listing!(self, "ListUserPolicies", list_user_policies, user, |out| {
            out.policy_names().to_vec()
        })
    }

    /// `GetUserPolicy`: the decoded document (`None`: deleted since it was listed).
    pub(super) async fn inline_document(
        &self,
        user: &str,
        name: &str,
    ) -> Result<Option<String>, Error> {
        let iam = &self.aws.iam;
        let got = self
            .read("GetUserPolicy", |cfg| {
                iam.get_user_policy()
                    .user_name(user)
                    .policy_name(name)
                    .customize()
                    .config_override(cfg)
                    .send()
            })
            .await;
        Ok(gone(got)?.map(|out| super::users_change::decode_document(out.policy_document())))
    }
}
