//! The fresh read of one IAM user right before `users delete` changes it: `GetUser` (path,
//! creation, permissions boundary), its tags, login profile, access keys with their last use,
//! signing certificates and SSH public keys with their bodies, service-specific credentials, MFA
//! devices, inline policy documents, attached policies and groups — every listing paged. A user
//! that vanishes part-way (a NoSuchEntity on any of its listings) is gone, not a failure. The
//! single calls it composes are `users_listings.rs`'s.

use super::users::Session;
use super::Error;
use crate::report::rfc3339;
use crate::users::deactivate::Kind;
use crate::users::holdings::{Holdings, InlinePolicy, Key, PublicKey};

/// `Ok(None)` for NoSuchEntity: the user is gone.
pub(super) fn gone<T>(result: Result<T, Error>) -> Result<Option<T>, Error> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Unwraps a listing of the user, or returns `Ok(None)` from the caller when the user is gone.
macro_rules! or_gone {
    ($read:expr) => {
        match gone($read.await)? {
            Some(v) => v,
            None => return Ok(None),
        }
    };
}

impl Session {
    /// Everything `user` holds; `Ok(None)` when it does not exist (or vanished while read).
    pub(super) async fn read_holdings(&self, user: &str) -> Result<Option<Holdings>, Error> {
        let got = or_gone!(self.get_user(user));
        let Some(u) = got.user() else {
            return Ok(None);
        };
        let name = u.user_name().to_string();
        let user = name.as_str();
        let mut h = Holdings {
            user_name: name.clone(),
            arn: u.arn().to_string(),
            path: u.path().to_string(),
            created: rfc3339(u.create_date()),
            permissions_boundary: u
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .unwrap_or_default()
                .to_string(),
            password_last_used: u.password_last_used().map(rfc3339).unwrap_or_default(),
            ..Holdings::default()
        };
        h.tags = or_gone!(self.tags(user));
        let profile = gone(self.login_profile(user).await)?;
        if let Some(created) = profile.flatten() {
            h.login_profile = true;
            h.login_profile_created = created;
        }
        let Some(keys) = self.keys(user, None).await? else {
            return Ok(None);
        };
        h.access_keys = keys;
        h.signing_certificates = or_gone!(self.certificate_list(user));
        for (id, status, uploaded) in or_gone!(self.ssh_key_list(user)) {
            let Some(body) = gone(self.ssh_key_body(user, &id).await)? else {
                continue;
            };
            h.ssh_public_keys.push(PublicKey {
                id,
                status,
                uploaded: uploaded.as_ref().map(rfc3339).unwrap_or_default(),
                body,
            });
        }
        h.service_specific_credentials = or_gone!(self.service_credential_list(user));
        h.mfa_devices = or_gone!(self.mfa_list(user));
        for name in or_gone!(self.inline_names(user)) {
            if let Some(document) = self.inline_document(user, &name).await? {
                h.inline_policies.push(InlinePolicy { name, document });
            }
        }
        h.attached_policies = or_gone!(self.attached_list(user));
        h.groups = or_gone!(self.group_list(user));
        Ok(Some(h))
    }

    /// Only what the credentials of `kinds` need (see [`crate::users::api::Change::holdings_of`]);
    /// `Ok(None)` when the user does not exist (or vanished while read).
    pub(super) async fn read_credentials(
        &self,
        user: &str,
        kinds: &[Kind],
        only: Option<&str>,
    ) -> Result<Option<Holdings>, Error> {
        let mut h = Holdings {
            user_name: user.to_string(),
            ..Holdings::default()
        };
        // `GetUser` (the password's last use) only for a password; beside it, the access keys.
        // Every listing answers NoSuchEntity for a user that does not exist, so none needs
        // `GetUser` to tell that; the name, ARN and creation time stay the audit's.
        let want_user = kinds.contains(&Kind::Password);
        let want_keys = kinds.contains(&Kind::AccessKey);
        let (got, keys) = futures::join!(
            async {
                if !want_user {
                    return Ok(None);
                }
                gone(self.get_user(user).await).map(Some)
            },
            async {
                if !want_keys {
                    return Ok(Some(Vec::new()));
                }
                self.keys(user, only).await
            },
        );
        if let Some(got) = got? {
            let Some(u) = got.as_ref().and_then(|g| g.user()) else {
                return Ok(None);
            };
            h.user_name = u.user_name().to_string();
            h.arn = u.arn().to_string();
            h.created = rfc3339(u.create_date());
            h.password_last_used = u.password_last_used().map(rfc3339).unwrap_or_default();
        }
        let Some(keys) = keys? else {
            return Ok(None);
        };
        h.access_keys = keys;
        for kind in kinds {
            match kind {
                Kind::Password => {
                    // NoSuchEntity here is no login profile: GetUser just found the user.
                    if let Some(created) = gone(self.login_profile(user).await)?.flatten() {
                        h.login_profile = true;
                        h.login_profile_created = created;
                    }
                }
                Kind::AccessKey => {}
                Kind::SshPublicKey => {
                    // The bodies are not needed to tell a key's status.
                    for (id, status, uploaded) in or_gone!(self.ssh_key_list(user)) {
                        h.ssh_public_keys.push(PublicKey {
                            id,
                            status,
                            uploaded: uploaded.as_ref().map(rfc3339).unwrap_or_default(),
                            body: String::new(),
                        });
                    }
                }
                Kind::ServiceSpecificCredential => {
                    h.service_specific_credentials = or_gone!(self.service_credential_list(user));
                }
                Kind::SigningCertificate => {
                    h.signing_certificates = or_gone!(self.certificate_list(user));
                }
            }
        }
        Ok(Some(h))
    }

    /// The user's access keys with their last use (only `only`'s, asked beside the listing, when
    /// given; else every key's side by side); `Ok(None)` when the user does not exist.
    async fn keys(&self, user: &str, only: Option<&str>) -> Result<Option<Vec<Key>>, Error> {
        let key = |(id, status, created): (String, String, String), last_used| Key {
            id,
            status,
            created,
            last_used,
        };
        if let Some(wanted) = only {
            let (list, used) = futures::join!(self.key_list(user), self.key_last_used(wanted));
            let Some(list) = gone(list)? else {
                return Ok(None);
            };
            let Some(listed) = list.into_iter().find(|(id, _, _)| id == wanted) else {
                return Ok(Some(Vec::new()));
            };
            // A key deleted since it was listed is not held any more.
            return Ok(Some(
                gone(used)?.map(|u| key(listed, u)).into_iter().collect(),
            ));
        }
        let Some(list) = gone(self.key_list(user).await)? else {
            return Ok(None);
        };
        let used =
            futures::future::join_all(list.iter().map(|(id, _, _)| self.key_last_used(id))).await;
        let mut keys = Vec::new();
        for (listed, used) in list.into_iter().zip(used) {
            if let Some(u) = gone(used)? {
                keys.push(key(listed, u));
            }
        }
        Ok(Some(keys))
    }
}
