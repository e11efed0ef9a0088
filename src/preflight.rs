//! `rootsweep preflight`: is centralized root access usable by this caller? Each check is a row
//! with the exact AWS CLI command that fixes it. The evaluation of each answer is pure.

use crate::aws::org::Organization;
use crate::aws::sts::Caller;
use crate::aws::{Aws, CallError, ErrorKind};
use crate::call::NO_CREDENTIALS;

/// The IAM service principal that centralized root access needs.
pub const IAM_PRINCIPAL: &str = "iam.amazonaws.com";
/// The IAM organization features that must be enabled.
pub const FEATURES: [&str; 2] = ["RootCredentialsManagement", "RootSessions"];

/// One preflight check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    /// What was checked.
    pub check: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// What was found.
    pub result: String,
    /// What to do when it fails (empty when it passed).
    pub fix: String,
}

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

const CALLER: &str = "caller identity";
const ORG: &str = "organization and caller role";
const ORG_USERS: &str = "organization";
const TRUSTED: &str = "trusted access for iam.amazonaws.com";
const FEATURES_CHECK: &str = "IAM root access features";

fn pass(check: &'static str, result: String) -> Check {
    Check {
        check,
        ok: true,
        result,
        fix: String::new(),
    }
}

fn fail(check: &'static str, result: String, fix: &str) -> Check {
    Check {
        check,
        ok: false,
        result,
        fix: fix.to_string(),
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
        Ok::<_, CallError>((org, delegated))
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

fn caller_failed(e: &CallError) -> Check {
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

/// The organization must have all features, and the caller must be its management account or
/// the delegated administrator for IAM.
pub fn evaluate_org(
    org: &Organization,
    caller: &Caller,
    delegated: Result<Vec<String>, CallError>,
) -> Check {
    if org.feature_set != "ALL" {
        return fail(
            ORG,
            format!("{} has feature set {}", org.id, org.feature_set),
            "aws organizations enable-all-features",
        );
    }
    if org.management_account == caller.account {
        return pass(ORG, format!("{}: caller is the management account", org.id));
    }
    match delegated {
        Ok(ids) if ids.contains(&caller.account) => pass(
            ORG,
            format!("{}: caller is the IAM delegated administrator", org.id),
        ),
        Ok(_) => fail(
            ORG,
            format!(
                "{}: caller account {} is neither the management account ({}) nor the IAM delegated administrator",
                org.id, caller.account, org.management_account
            ),
            &format!("from the management account: aws organizations register-delegated-administrator --account-id {} --service-principal iam.amazonaws.com", caller.account),
        ),
        Err(e) => fail(
            ORG,
            format!("cannot list delegated administrators: {e}"),
            "run rootsweep with management account credentials",
        ),
    }
}

/// Trusted access for `iam.amazonaws.com` must be enabled.
pub fn evaluate_trusted(enabled: Result<bool, CallError>) -> Check {
    let fix = "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com";
    match enabled {
        Ok(true) => pass(TRUSTED, "enabled".into()),
        Ok(false) => fail(TRUSTED, "not enabled".into(), fix),
        Err(e) => fail(TRUSTED, e.to_string(), fix),
    }
}

/// Both root access features must be enabled; IAM's specific errors are explained.
pub fn evaluate_features(features: Result<Vec<String>, CallError>) -> Check {
    const ENABLE_BOTH: &str = "aws iam enable-organizations-root-credentials-management && aws iam enable-organizations-root-sessions";
    match features {
        Ok(enabled) => {
            let missing: Vec<&str> = FEATURES
                .iter()
                .copied()
                .filter(|f| !enabled.iter().any(|e| e == f))
                .collect();
            if missing.is_empty() {
                return pass(FEATURES_CHECK, FEATURES.join(", ") + " enabled");
            }
            let fix = missing
                .iter()
                .map(|f| match *f {
                    "RootCredentialsManagement" => {
                        "aws iam enable-organizations-root-credentials-management"
                    }
                    _ => "aws iam enable-organizations-root-sessions",
                })
                .collect::<Vec<_>>()
                .join(" && ");
            fail(
                FEATURES_CHECK,
                format!("not enabled: {}", missing.join(", ")),
                &fix,
            )
        }
        Err(e) => {
            let (why, fix) = match e.code.as_str() {
                "ServiceAccessNotEnabledException" => (
                    "trusted access for iam.amazonaws.com is not enabled, so IAM cannot read the organization's features",
                    "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com",
                ),
                "AccountNotManagementOrDelegatedAdministratorException" => (
                    "the caller is neither the management account nor the IAM delegated administrator",
                    "use management account credentials, or register this account: aws organizations register-delegated-administrator --account-id ID --service-principal iam.amazonaws.com",
                ),
                "OrganizationNotFoundException" => (
                    "the caller's account is not in an organization",
                    "aws organizations create-organization --feature-set ALL",
                ),
                "OrganizationNotInAllFeaturesModeException" => (
                    "the organization does not have all features enabled",
                    "aws organizations enable-all-features",
                ),
                _ => ("the features could not be read", ENABLE_BOTH),
            };
            fail(FEATURES_CHECK, format!("{why} ({e})"), fix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(management: &str, feature_set: &str) -> Organization {
        Organization {
            id: "o-abc".into(),
            feature_set: feature_set.into(),
            management_account: management.into(),
        }
    }

    fn caller(account: &str) -> Caller {
        Caller {
            account: account.into(),
            arn: format!("arn:aws:iam::{account}:user/admin"),
            partition: "aws".into(),
        }
    }

    #[test]
    fn management_account_and_delegated_admin_pass_others_fail() {
        let o = org("111111111111", "ALL");
        assert!(evaluate_org(&o, &caller("111111111111"), Ok(vec![])).ok);
        assert!(evaluate_org(&o, &caller("222222222222"), Ok(vec!["222222222222".into()])).ok);
        let other = evaluate_org(&o, &caller("333333333333"), Ok(vec!["222222222222".into()]));
        assert!(!other.ok);
        assert!(other
            .fix
            .contains("register-delegated-administrator --account-id 333333333333"));
    }

    #[test]
    fn consolidated_billing_only_fails_with_the_fix() {
        let check = evaluate_org(
            &org("111111111111", "CONSOLIDATED_BILLING"),
            &caller("111111111111"),
            Ok(vec![]),
        );
        assert!(!check.ok);
        assert_eq!(check.fix, "aws organizations enable-all-features");
    }

    #[test]
    fn missing_feature_names_the_enable_command() {
        let check = evaluate_features(Ok(vec!["RootCredentialsManagement".into()]));
        assert!(!check.ok);
        assert_eq!(check.fix, "aws iam enable-organizations-root-sessions");
        assert!(evaluate_features(Ok(FEATURES.iter().map(|f| f.to_string()).collect())).ok);
    }

    #[test]
    fn service_access_error_is_explained_not_dumped() {
        let err = CallError::new(
            "ListOrganizationsFeatures",
            "ServiceAccessNotEnabledException",
            "x",
            ErrorKind::Other,
        );
        let check = evaluate_features(Err(err));
        assert!(check
            .result
            .starts_with("trusted access for iam.amazonaws.com is not enabled"));
        assert!(check.fix.contains("enable-aws-service-access"));
    }

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

    #[test]
    fn trusted_access_off_fails_with_the_enable_command() {
        let check = evaluate_trusted(Ok(false));
        assert!(!check.ok);
        assert!(check
            .fix
            .starts_with("aws organizations enable-aws-service-access"));
    }
}
