//! The preflight checks themselves: one row each, and the pure evaluation of each answer into a
//! row with the exact AWS CLI command that fixes it.

use super::FEATURES;
use crate::aws::org::Organization;
use crate::aws::sts::Caller;
use crate::aws::Error;

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

// The checks' names, as their rows show them.
pub(super) const CALLER: &str = "caller identity";
pub(super) const ORG: &str = "organization and caller role";
pub(super) const ORG_USERS: &str = "organization";
const TRUSTED: &str = "trusted access for iam.amazonaws.com";
const FEATURES_CHECK: &str = "IAM root access features";

/// A check that passed.
pub(super) fn pass(check: &'static str, result: String) -> Check {
    Check {
        check,
        ok: true,
        result,
        fix: String::new(),
    }
}

/// A check that failed, with its fix.
pub(super) fn fail(check: &'static str, result: String, fix: &str) -> Check {
    Check {
        check,
        ok: false,
        result,
        fix: fix.to_string(),
    }
}

/// The organization must have all features, and the caller must be its management account or
/// the delegated administrator for IAM.
pub fn evaluate_org(
    org: &Organization,
    caller: &Caller,
    delegated: Result<Vec<String>, Error>,
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
pub fn evaluate_trusted(enabled: Result<bool, Error>) -> Check {
    let fix = "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com";
    match enabled {
        Ok(true) => pass(TRUSTED, "enabled".into()),
        Ok(false) => fail(TRUSTED, "not enabled".into(), fix),
        Err(e) => fail(TRUSTED, e.to_string(), fix),
    }
}

/// Both root access features must be enabled; IAM's specific errors are explained.
pub fn evaluate_features(features: Result<Vec<String>, Error>) -> Check {
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
    use crate::aws::ErrorKind;

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
        let err = Error::new(
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
    fn trusted_access_off_fails_with_the_enable_command() {
        let check = evaluate_trusted(Ok(false));
        assert!(!check.ok);
        assert!(check
            .fix
            .starts_with("aws organizations enable-aws-service-access"));
    }
}
