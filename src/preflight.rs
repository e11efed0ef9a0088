//! `rootsweep preflight`: is centralized root access usable by this caller? Each check is a row
//! with the exact AWS CLI command that fixes it. The evaluation of each answer is pure
//! ([`check`]).

pub mod check;

use crate::aws::org::Organization;
use crate::aws::sts::Caller;
use crate::aws::{Aws, ErrorKind};
use crate::call::{self, NO_CREDENTIALS};
use check::{evaluate_features, evaluate_org, evaluate_trusted, fail, pass, Check};
use check::{CALLER, ORG, ORG_USERS};

/// The IAM service principal that centralized root access needs.
pub const IAM_PRINCIPAL: &str = "iam.amazonaws.com";
/// The IAM organization features that must be enabled.
pub const FEATURES: [&str; 2] = ["RootCredentialsManagement", "RootSessions"];

/// No source of the SDK's credential chain had credentials: nothing can be checked, and the fix
/// is the same whatever the last source said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no AWS credentials found (tried: environment variables, profile `{profile}` in the AWS config and credentials files, SSO, web identity, container and EC2 instance metadata (IMDS)); run `aws configure` or `aws sso login{}`", sso_profile(.profile))]
pub struct NoCredentials {
    /// The profile that was read.
    pub profile: String,
}

fn sso_profile(profile: &str) -> String {
    if profile == "default" {
        String::new()
    } else {
        format!(" --profile {profile}")
    }
}

/// Everything preflight learned.
#[derive(Debug, Clone)]
pub struct Preflight {
    /// The checks, in order.
    pub checks: Vec<Check>,
    /// The caller, when identified.
    pub caller: Option<Caller>,
    /// The organization, when described.
    pub organization: Option<Organization>,
}

impl Preflight {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}

/// The caller identity check. Without any credentials nothing can be checked: that is an
/// error, not a failed check.
async fn caller(aws: &Aws, checks: &mut Vec<Check>) -> Result<Option<Caller>, NoCredentials> {
    match aws.caller_identity().await {
        Ok(c) => {
            checks.push(pass(
                CALLER,
                format!("{} (partition {})", c.arn, c.partition),
            ));
            Ok(Some(c))
        }
        Err(e) if e.code == NO_CREDENTIALS => Err(NoCredentials {
            profile: aws.profile().to_string(),
        }),
        Err(e) => {
            checks.push(caller_failed(&e));
            Ok(None)
        }
    }
}

/// The checks of the `users` commands: the caller, and an organization whose accounts it can
/// list. Centralized root access is not needed: member accounts are reached through a role.
pub async fn run_users(aws: &Aws) -> Result<Preflight, NoCredentials> {
    let mut checks = Vec::new();
    let caller = caller(aws, &mut checks).await?;
    let organization = match caller {
        None => None,
        Some(_) => match aws.describe_organization().await {
            Ok(org) => {
                checks.push(pass(
                    ORG_USERS,
                    format!("{} (management account {})", org.id, org.management_account),
                ));
                Some(org)
            }
            Err(e) => {
                checks.push(fail(
                    ORG_USERS,
                    e.to_string(),
                    "run rootsweep with credentials of an account of an AWS Organization that may list its accounts (the management account)",
                ));
                None
            }
        },
    };
    Ok(Preflight {
        checks,
        caller,
        organization,
    })
}

/// Runs every check in order; later checks still run when an earlier one fails, where they can.
/// Without any credentials nothing can be checked: that is an error, not a failed check.
pub async fn run(aws: &Aws) -> Result<Preflight, NoCredentials> {
    let mut checks = Vec::new();
    let Some(caller) = caller(aws, &mut checks).await? else {
        return Ok(Preflight {
            checks,
            caller: None,
            organization: None,
        });
    };
    // The organization, trusted access and the IAM features are independent reads: asked side
    // by side, the checks cost one round trip instead of three. Their rows keep their order.
    let organization_check = async {
        let org = aws.describe_organization().await?;
        let delegated = if org.management_account == caller.account {
            Ok(Vec::new())
        } else {
            aws.delegated_administrators(IAM_PRINCIPAL).await
        };
        Ok::<_, call::Error>((org, delegated))
    };
    let (described, trusted, features) = tokio::join!(
        organization_check,
        aws.service_access_enabled(IAM_PRINCIPAL),
        aws.organizations_features(),
    );
    let organization = match described {
        Ok((org, delegated)) => {
            checks.push(evaluate_org(&org, &caller, delegated));
            Some(org)
        }
        Err(e) => {
            checks.push(fail(
                ORG,
                e.to_string(),
                "run rootsweep from an account of an AWS Organization (the management account or the IAM delegated administrator)",
            ));
            None
        }
    };
    checks.push(evaluate_trusted(trusted));
    checks.push(evaluate_features(features));
    Ok(Preflight {
        checks,
        caller: Some(caller),
        organization,
    })
}

fn caller_failed(e: &call::Error) -> Check {
    let fix = match e.kind {
        ErrorKind::Credentials => {
            "renew or replace the management account's credentials: `aws sso login --profile NAME`, `aws configure`, or AWS_PROFILE / AWS_ACCESS_KEY_ID"
        }
        _ => "check the endpoint, region and network: `aws sts get-caller-identity`",
    };
    fail(CALLER, format!("{e}"), fix)
}

impl Preflight {
    /// The names of the failed checks, for the one-line error of a command that stops here.
    pub fn failed(&self) -> Vec<&'static str> {
        self.checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.check)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_credentials_names_the_profile_tried_and_both_fixes_on_one_line() {
        let text = NoCredentials {
            profile: "default".into(),
        }
        .to_string();
        assert!(
            text.starts_with(
                "no AWS credentials found (tried: environment variables, profile `default`"
            ),
            "{text}"
        );
        assert!(text.contains("SSO"), "{text}");
        assert!(text.contains("IMDS"), "{text}");
        assert!(
            text.ends_with("; run `aws configure` or `aws sso login`"),
            "{text}"
        );
        assert!(!text.contains('\n'));
        let text = NoCredentials {
            profile: "org-management".into(),
        }
        .to_string();
        assert!(text.contains("profile `org-management`"), "{text}");
        assert!(
            text.ends_with("`aws sso login --profile org-management`"),
            "{text}"
        );
    }
}
