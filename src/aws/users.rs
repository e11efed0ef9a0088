//! The users job's AWS edge: its sessions (opened and renewed in `users_session`: the run's role
//! in member accounts, the caller's own credentials in its own account) and the IAM reads of a
//! users audit (GenerateCredentialReport, GetCredentialReport, GetAccountAuthorizationDetails,
//! and the listings of the credentials IAM records no use for), every call through
//! [`super::Aws::send`] so retries, throttling, cancellation and counters apply.

pub use super::users_session::{role_arn, Session, Sessions, SESSION_NAME};
use super::{pages, Error};
use crate::report::parse_time;
use crate::users::api;
use crate::users::model::{
    AuthorizationDetails, Credential, GroupDetail, ReportState, Unrecorded, UserDetail,
};
use aws_sdk_iam::types::{EntityType, ReportStateType};

impl api::Sessions for Sessions {
    type Read = Session;
    type Change = Session;

    async fn open_change(&self, account_id: &str, own: bool) -> Result<Session, Error> {
        self.change_session(account_id, own).await
    }

    async fn assume_role(&self, account_id: &str) -> Result<Session, Error> {
        let lease = self.lease(account_id).await?;
        Ok(Session::role(self, account_id, lease))
    }

    fn own(&self) -> Session {
        Session::own(self.aws().clone())
    }
}

impl api::Read for Session {
    async fn generate_credential_report(&self) -> Result<ReportState, Error> {
        let iam = &self.aws.iam;
        let out = self
            .read("GenerateCredentialReport", |cfg| {
                iam.generate_credential_report()
                    .customize()
                    .config_override(cfg)
                    .send()
            })
            .await?;
        Ok(match out.state() {
            Some(ReportStateType::Complete) => ReportState::Complete,
            Some(ReportStateType::Started) => ReportState::Started,
            _ => ReportState::InProgress,
        })
    }

    async fn credential_report(&self) -> Result<String, Error> {
        const OP: &str = "GetCredentialReport";
        let iam = &self.aws.iam;
        let out = self
            .read(OP, |cfg| {
                iam.get_credential_report()
                    .customize()
                    .config_override(cfg)
                    .send()
            })
            .await?;
        let bytes = out
            .content()
            .map(|c| c.as_ref().to_vec())
            .unwrap_or_default();
        String::from_utf8(bytes).map_err(|_| {
            Error::new(
                OP,
                "MalformedResponse",
                "the credential report is not UTF-8 text",
                super::ErrorKind::Transient,
            )
        })
    }

    async fn authorization_details(&self) -> Result<AuthorizationDetails, Error> {
        const OP: &str = "GetAccountAuthorizationDetails";
        let iam = &self.aws.iam;
        let pages = pages::collect(OP, |marker| async move {
            let out = self
                .read(OP, |cfg| {
                    iam.get_account_authorization_details()
                        .filter(EntityType::User)
                        .filter(EntityType::Group)
                        .set_marker(marker.clone())
                        .customize()
                        .config_override(cfg)
                        .send()
                })
                .await?;
            let next = pages::iam_next(OP, out.is_truncated(), out.marker())?;
            let users = out.user_detail_list().iter().map(|u| UserDetail {
                name: u.user_name().unwrap_or_default().to_string(),
                arn: u.arn().unwrap_or_default().to_string(),
                created: u.create_date().copied(),
                groups: u.group_list().to_vec(),
                attached_policies: policy_arns(u.attached_managed_policies()),
                inline_policies: u
                    .user_policy_list()
                    .iter()
                    .filter_map(|p| p.policy_name().map(str::to_string))
                    .collect(),
            });
            let groups = out.group_detail_list().iter().map(|g| GroupDetail {
                name: g.group_name().unwrap_or_default().to_string(),
                attached_policies: policy_arns(g.attached_managed_policies()),
            });
            let page: Vec<Entity> = users
                .map(Entity::User)
                .chain(groups.map(Entity::Group))
                .collect();
            Ok((page, next))
        })
        .await?;
        let mut details = AuthorizationDetails::default();
        for entity in pages {
            match entity {
                Entity::User(u) => details.users.push(u),
                Entity::Group(g) => details.groups.push(g),
            }
        }
        Ok(details)
    }

    async fn credentials(&self, user: &str, certificates: bool) -> Result<Vec<Credential>, Error> {
        // Side by side: a user costs one IAM round trip, not two or three.
        let certs = async {
            if certificates {
                self.signing_certificates(user).await
            } else {
                Ok(Vec::new())
            }
        };
        let (mut all, services, certs) = tokio::try_join!(
            self.ssh_public_keys(user),
            self.service_credentials(user),
            certs
        )?;
        all.extend(services);
        all.extend(certs);
        Ok(all)
    }
}

impl Session {
    /// `ListSSHPublicKeys` of `user`, every page.
    async fn ssh_public_keys(&self, user: &str) -> Result<Vec<Credential>, Error> {
        Ok(self
            .ssh_key_list(user)
            .await?
            .into_iter()
            .map(|(id, status, uploaded)| Credential {
                kind: Unrecorded::SshPublicKey,
                active: status == "Active",
                issued: uploaded,
                id,
            })
            .collect())
    }

    /// `ListServiceSpecificCredentials` of `user`, every page.
    async fn service_credentials(&self, user: &str) -> Result<Vec<Credential>, Error> {
        Ok(self
            .service_credential_list(user)
            .await?
            .into_iter()
            .map(|c| Credential {
                kind: Unrecorded::ServiceSpecificCredential,
                active: c.status == "Active",
                issued: parse_time(&c.created),
                id: c.id,
            })
            .collect())
    }

    /// `ListSigningCertificates` of `user`, every page.
    async fn signing_certificates(&self, user: &str) -> Result<Vec<Credential>, Error> {
        Ok(self
            .certificate_list(user)
            .await?
            .into_iter()
            .map(|c| Credential {
                kind: Unrecorded::SigningCertificate,
                active: c.status == "Active",
                issued: parse_time(&c.uploaded),
                id: c.id,
            })
            .collect())
    }
}

/// One entry of an authorization details page.
enum Entity {
    User(UserDetail),
    Group(GroupDetail),
}

fn policy_arns(policies: &[aws_sdk_iam::types::AttachedPolicy]) -> Vec<String> {
    policies
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_string))
        .collect()
}
