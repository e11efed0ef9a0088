//! IAM: the organization features check, and the root-user calls made inside a root session.

use super::{pages, Aws, Error};
use crate::model::LoginProfile;
use crate::root::model::{MfaDevice, SigningCertificate};
use aws_credential_types::Credentials;
use aws_smithy_types::DateTime;

/// An IAM client holding one member account's root session. Every call omits `UserName`, so it
/// acts on that account's root user.
#[derive(Clone)]
pub struct RootSession {
    client: aws_sdk_iam::Client,
    credentials: Credentials,
    aws: Aws,
}

impl Aws {
    /// `iam:ListOrganizationsFeatures`: the enabled centralized root access features.
    pub async fn organizations_features(&self) -> Result<Vec<String>, Error> {
        let out = self
            .send("ListOrganizationsFeatures", || {
                self.iam.list_organizations_features().send()
            })
            .await?;
        Ok(out
            .enabled_features()
            .iter()
            .map(|f| f.as_str().to_string())
            .collect())
    }
}

/// A per-call configuration override that signs with a session's credentials (nothing cached).
pub fn session_config(credentials: &Credentials) -> aws_sdk_iam::config::Builder {
    aws_sdk_iam::config::Builder::default()
        .credentials_provider(credentials.clone())
        .identity_cache(aws_sdk_iam::config::IdentityCache::no_cache())
}

impl RootSession {
    pub(super) fn new(client: aws_sdk_iam::Client, credentials: Credentials, aws: Aws) -> Self {
        RootSession {
            client,
            credentials,
            aws,
        }
    }

    /// Per-call configuration: this session's credentials on the run's shared IAM client (one
    /// client for every account; nothing is built or cached per account).
    fn session(&self) -> aws_sdk_iam::config::Builder {
        session_config(&self.credentials)
    }

    /// GetLoginProfile: `Ok(None)` only when IAM answers NoSuchEntity.
    pub async fn login_profile(&self) -> Result<Option<LoginProfile>, Error> {
        let sent = self
            .aws
            .send("GetLoginProfile", || {
                self.client
                    .get_login_profile()
                    .customize()
                    .config_override(self.session())
                    .send()
            })
            .await;
        match sent {
            Ok(out) => Ok(Some(LoginProfile {
                created: out.login_profile().map(|p| p.create_date),
            })),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// ListMFADevices, all pages.
    pub async fn mfa_devices(&self) -> Result<Vec<MfaDevice>, Error> {
        const OP: &str = "ListMFADevices";
        pages::collect(OP, |marker| async move {
            let out = self
                .aws
                .send(OP, || {
                    self.client
                        .list_mfa_devices()
                        .set_marker(marker.clone())
                        .customize()
                        .config_override(self.session())
                        .send()
                })
                .await?;
            let items = out
                .mfa_devices()
                .iter()
                .map(|d| MfaDevice {
                    serial: d.serial_number().to_string(),
                    enabled: Some(d.enable_date),
                })
                .collect();
            Ok((
                items,
                pages::iam_next(OP, out.is_truncated(), out.marker())?,
            ))
        })
        .await
    }

    /// ListAccessKeys, all pages: (key id, status).
    pub async fn access_key_ids(&self) -> Result<Vec<(String, String)>, Error> {
        const OP: &str = "ListAccessKeys";
        pages::collect(OP, |marker| async move {
            let out = self
                .aws
                .send(OP, || {
                    self.client
                        .list_access_keys()
                        .set_marker(marker.clone())
                        .customize()
                        .config_override(self.session())
                        .send()
                })
                .await?;
            let items = out
                .access_key_metadata()
                .iter()
                .map(|k| {
                    (
                        k.access_key_id().unwrap_or_default().to_string(),
                        k.status().map(|s| s.as_str()).unwrap_or("").to_string(),
                    )
                })
                .collect();
            Ok((
                items,
                pages::iam_next(OP, out.is_truncated(), out.marker())?,
            ))
        })
        .await
    }

    /// GetAccessKeyLastUsed: when the key was last used, if ever.
    pub async fn access_key_last_used(&self, key_id: &str) -> Result<Option<DateTime>, Error> {
        let out = self
            .aws
            .send("GetAccessKeyLastUsed", || {
                self.client
                    .get_access_key_last_used()
                    .access_key_id(key_id)
                    .customize()
                    .config_override(self.session())
                    .send()
            })
            .await?;
        Ok(out.access_key_last_used().and_then(|u| u.last_used_date))
    }

    /// ListSigningCertificates, all pages.
    pub async fn signing_certificates(&self) -> Result<Vec<SigningCertificate>, Error> {
        const OP: &str = "ListSigningCertificates";
        pages::collect(OP, |marker| async move {
            let out = self
                .aws
                .send(OP, || {
                    self.client
                        .list_signing_certificates()
                        .set_marker(marker.clone())
                        .customize()
                        .config_override(self.session())
                        .send()
                })
                .await?;
            let items = out
                .certificates()
                .iter()
                .map(|c| SigningCertificate {
                    id: c.certificate_id().to_string(),
                    status: c.status().as_str().to_string(),
                })
                .collect();
            Ok((
                items,
                pages::iam_next(OP, out.is_truncated(), out.marker())?,
            ))
        })
        .await
    }

    /// GetUser's `PasswordLastUsed` for the root user (`Ok(None)`: never used or not reported).
    pub async fn password_last_used(&self) -> Result<Option<DateTime>, Error> {
        let out = self
            .aws
            .send("GetUser", || {
                self.client
                    .get_user()
                    .customize()
                    .config_override(self.session())
                    .send()
            })
            .await?;
        Ok(out.user().and_then(|u| u.password_last_used))
    }

    /// DeleteLoginProfile. Returns `false` when there was none (NoSuchEntity), which is not a failure.
    pub async fn delete_login_profile(&self) -> Result<bool, Error> {
        let sent = self
            .aws
            .send_change("DeleteLoginProfile", || {
                self.client
                    .delete_login_profile()
                    .customize()
                    .config_override(self.session())
                    .send()
            })
            .await;
        match sent {
            Ok(_) => Ok(true),
            // Gone before this run asked; after an unanswered attempt it is the caller's to judge.
            Err(err) if err.is_not_found() && !err.answer_lost => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// CreateLoginProfile without a password (root sessions only: the owner of the root email
    /// address then sets one through "Forgot password"). Returns `false` when a login profile
    /// already exists (EntityAlreadyExists), which is not a failure.
    pub async fn create_login_profile(&self) -> Result<bool, Error> {
        let sent = self
            .aws
            .send_change("CreateLoginProfile", || {
                self.client
                    .create_login_profile()
                    .customize()
                    .config_override(self.session())
                    .send()
            })
            .await;
        match sent {
            Ok(_) => Ok(true),
            // There before this run asked; after an unanswered attempt it is the caller's to judge.
            Err(err) if err.code == "EntityAlreadyExists" && !err.answer_lost => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// DeactivateMFADevice for one serial (virtual, hardware or FIDO alike).
    pub async fn deactivate_mfa(&self, serial: &str) -> Result<(), Error> {
        self.aws
            .send_change("DeactivateMFADevice", || {
                self.client
                    .deactivate_mfa_device()
                    .serial_number(serial)
                    .customize()
                    .config_override(self.session())
                    .send()
            })
            .await
            .map(|_| ())
    }
}
