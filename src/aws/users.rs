//! The users job's AWS edge: `sts:AssumeRole` into the run's role in member accounts, the
//! caller's own credentials in its own account, and the three IAM reads of a users audit
//! (GenerateCredentialReport, GetCredentialReport, GetAccountAuthorizationDetails), every call
//! through [`Aws::send`] so retries, throttling, cancellation and counters apply.

use super::iam::session_config;
use super::sts::session_credentials;
use super::{pages, Aws, CallError};
use crate::users::api::{UsersRead, UsersSessions};
use crate::users::model::{AuthorizationDetails, GroupDetail, ReportState, UserDetail};
use aws_credential_types::Credentials;
use aws_sdk_iam::types::{EntityType, ReportStateType};

/// `RoleSessionName` of every session (CloudTrail shows it).
pub const SESSION_NAME: &str = "rootsweep";
/// Session length in seconds: AssumeRole's minimum.
const SESSION_SECONDS: i32 = 900;

/// The role ARN in a member account.
///
/// ```
/// use rootsweep::aws::users::role_arn;
/// assert_eq!(
///     role_arn("aws-cn", "222222222222", "OrganizationAccountAccessRole"),
///     "arn:aws-cn:iam::222222222222:role/OrganizationAccountAccessRole"
/// );
/// ```
pub fn role_arn(partition: &str, account_id: &str, role_name: &str) -> String {
    format!("arn:{partition}:iam::{account_id}:role/{role_name}")
}

/// Opens users-audit sessions with the run's shared AWS access.
#[derive(Clone)]
pub struct AwsUsersSessions {
    aws: Aws,
    partition: String,
    role_name: String,
    external_id: Option<String>,
}

impl Aws {
    /// Sessions through `role_name` (with `external_id` when the role's trust policy asks for
    /// one) in member accounts of `partition`.
    pub fn users_sessions(
        &self,
        partition: &str,
        role_name: &str,
        external_id: Option<&str>,
    ) -> AwsUsersSessions {
        AwsUsersSessions {
            aws: self.clone(),
            partition: partition.to_string(),
            role_name: role_name.to_string(),
            external_id: external_id.map(str::to_string),
        }
    }
}

/// IAM reads in one account: a role session's credentials set per call, or none (the caller's
/// own credentials).
pub struct UsersSession {
    pub(super) aws: Aws,
    credentials: Option<Credentials>,
}

impl UsersSessions for AwsUsersSessions {
    type Read = UsersSession;
    type Change = UsersSession;

    async fn open_change(&self, account_id: &str, own: bool) -> Result<UsersSession, CallError> {
        self.change_session(account_id, own).await
    }

    async fn assume_role(&self, account_id: &str) -> Result<UsersSession, CallError> {
        self.aws.not_halted("AssumeRole")?;
        let arn = role_arn(&self.partition, account_id, &self.role_name);
        let out = self
            .aws
            .send("AssumeRole", || {
                self.aws
                    .sts
                    .assume_role()
                    .role_arn(&arn)
                    .role_session_name(SESSION_NAME)
                    .set_external_id(self.external_id.clone())
                    .duration_seconds(SESSION_SECONDS)
                    .send()
            })
            .await
            .inspect_err(|e| self.aws.trip_on_credentials(e))?;
        Ok(UsersSession {
            aws: self.aws.clone(),
            credentials: Some(session_credentials("AssumeRole", out.credentials())?),
        })
    }

    fn own(&self) -> UsersSession {
        UsersSession {
            aws: self.aws.clone(),
            credentials: None,
        }
    }

    fn halted(&self) -> Option<CallError> {
        self.aws.halted().cloned()
    }
}

impl UsersSession {
    /// The per-call override: the session's credentials, or nothing for the caller's own.
    pub(super) fn config(&self) -> aws_sdk_iam::config::Builder {
        match &self.credentials {
            Some(credentials) => session_config(credentials),
            None => aws_sdk_iam::config::Builder::default(),
        }
    }

    /// The caller's own credentials refused in its own account stop the run, as elsewhere.
    pub(super) fn checked<T>(&self, result: Result<T, CallError>) -> Result<T, CallError> {
        if self.credentials.is_none() {
            if let Err(e) = &result {
                self.aws.trip_on_credentials(e);
            }
        }
        result
    }
}

impl UsersRead for UsersSession {
    async fn generate_credential_report(&self) -> Result<ReportState, CallError> {
        let out = self
            .aws
            .send("GenerateCredentialReport", || {
                self.aws
                    .iam
                    .generate_credential_report()
                    .customize()
                    .config_override(self.config())
                    .send()
            })
            .await;
        Ok(match self.checked(out)?.state() {
            Some(ReportStateType::Complete) => ReportState::Complete,
            Some(ReportStateType::Started) => ReportState::Started,
            _ => ReportState::InProgress,
        })
    }

    async fn credential_report(&self) -> Result<String, CallError> {
        const OP: &str = "GetCredentialReport";
        let out = self
            .aws
            .send(OP, || {
                self.aws
                    .iam
                    .get_credential_report()
                    .customize()
                    .config_override(self.config())
                    .send()
            })
            .await;
        let out = self.checked(out)?;
        let bytes = out
            .content()
            .map(|c| c.as_ref().to_vec())
            .unwrap_or_default();
        String::from_utf8(bytes).map_err(|_| {
            CallError::new(
                OP,
                "MalformedResponse",
                "the credential report is not UTF-8 text",
                super::ErrorKind::Transient,
            )
        })
    }

    async fn authorization_details(&self) -> Result<AuthorizationDetails, CallError> {
        const OP: &str = "GetAccountAuthorizationDetails";
        let pages = pages::collect(OP, |marker| async move {
            let out = self
                .aws
                .send(OP, || {
                    self.aws
                        .iam
                        .get_account_authorization_details()
                        .filter(EntityType::User)
                        .filter(EntityType::Group)
                        .set_marker(marker.clone())
                        .customize()
                        .config_override(self.config())
                        .send()
                })
                .await;
            let out = self.checked(out)?;
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
