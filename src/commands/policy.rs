//! `rootsweep policy`: the least-privilege IAM policy for the operator's identity.

use crate::aws::sts::TaskPolicy;
use crate::cli::PolicyArgs;
use serde_json::{json, Value};

/// Every Organizations action rootsweep calls.
pub const ORGANIZATIONS_ACTIONS: [&str; 9] = [
    "organizations:DescribeOrganization",
    "organizations:ListAccounts",
    "organizations:ListRoots",
    "organizations:ListAWSServiceAccessForOrganization",
    "organizations:ListDelegatedAdministrators",
    "organizations:DescribeOrganizationalUnit",
    "organizations:ListParents",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListAccountsForParent",
];

/// The Organizations reads of `guardrails` and of the guardrails preflight of `delete`,
/// `recover` and `unlock`: the policies attached on each account's path and their documents
/// (`ListParents` is already among [`ORGANIZATIONS_ACTIONS`]).
pub const GUARDRAILS_ACTIONS: [&str; 2] = [
    "organizations:ListPoliciesForTarget",
    "organizations:DescribePolicy",
];

/// Organizations actions only the root commands' preflight calls.
const ROOT_PREFLIGHT_ONLY: [&str; 2] = [
    "organizations:ListAWSServiceAccessForOrganization",
    "organizations:ListDelegatedAdministrators",
];

/// The IAM reads of `users audit` in one account (the member role's, and the operator's in its
/// own account): the report and the details for every user, and — for the users those alone would
/// make stale — the credentials IAM records no use for.
pub const USERS_AUDIT_ACTIONS: [&str; 6] = [
    "iam:GenerateCredentialReport",
    "iam:GetCredentialReport",
    "iam:GetAccountAuthorizationDetails",
    "iam:ListSSHPublicKeys",
    "iam:ListServiceSpecificCredentials",
    "iam:ListSigningCertificates",
];

/// What `users tidy` needs in a member account: re-read the user's groups and their policies,
/// then detach the redundant direct policy.
pub const USERS_TIDY_ACTIONS: [&str; 4] = [
    "iam:ListGroupsForUser",
    "iam:ListAttachedGroupPolicies",
    "iam:ListAttachedUserPolicies",
    "iam:DetachUserPolicy",
];

/// What `users delete` needs in a member account: re-check last use, record what the user had
/// (tags and SSH key bodies too), remove its nine kinds of dependents, delete it.
pub const USERS_DELETE_ACTIONS: [&str; 25] = [
    "iam:GetUser",
    "iam:ListUserTags",
    "iam:GetSSHPublicKey",
    "iam:GetLoginProfile",
    "iam:DeleteLoginProfile",
    "iam:ListAccessKeys",
    "iam:GetAccessKeyLastUsed",
    "iam:DeleteAccessKey",
    "iam:ListSigningCertificates",
    "iam:DeleteSigningCertificate",
    "iam:ListSSHPublicKeys",
    "iam:DeleteSSHPublicKey",
    "iam:ListServiceSpecificCredentials",
    "iam:DeleteServiceSpecificCredential",
    "iam:ListMFADevices",
    "iam:DeactivateMFADevice",
    "iam:DeleteVirtualMFADevice",
    "iam:ListUserPolicies",
    "iam:GetUserPolicy",
    "iam:DeleteUserPolicy",
    "iam:ListAttachedUserPolicies",
    "iam:DetachUserPolicy",
    "iam:ListGroupsForUser",
    "iam:RemoveUserFromGroup",
    "iam:DeleteUser",
];

/// What `users deactivate` needs in a member account: the fresh read of each candidate user
/// (before the plan, right before each change, and to verify), then the four status updates,
/// and the password deletion of `--console`. `users reactivate` needs the same reads and the
/// four updates.
pub const USERS_DEACTIVATE_ACTIONS: [&str; 12] = [
    "iam:GetUser",
    "iam:GetLoginProfile",
    "iam:ListAccessKeys",
    "iam:GetAccessKeyLastUsed",
    "iam:ListSigningCertificates",
    "iam:ListSSHPublicKeys",
    "iam:ListServiceSpecificCredentials",
    "iam:UpdateAccessKey",
    "iam:UpdateSSHPublicKey",
    "iam:UpdateServiceSpecificCredential",
    "iam:UpdateSigningCertificate",
    "iam:DeleteLoginProfile",
];

/// The `users` commands' policies: `operator` for the identity running rootsweep (list the
/// accounts, assume the role, read — and for tidy and delete, change — users in its own account) and `member_role` for the role in
/// each member account (audit, tidy and delete, one statement each).
pub fn users_documents(partition: &str, role_name: &str) -> Value {
    let organizations: Vec<&str> = ORGANIZATIONS_ACTIONS
        .into_iter()
        .filter(|a| !ROOT_PREFLIGHT_ONLY.contains(a))
        .collect();
    let statement = |sid: &str, actions: &[&str]| json!({ "Sid": sid, "Effect": "Allow", "Action": actions, "Resource": "*" });
    json!({
        "operator": {
            "Version": "2012-10-17",
            "Statement": [
                statement("ReadOrganization", &organizations),
                {
                    "Sid": "AssumeMemberRole",
                    "Effect": "Allow",
                    "Action": ["sts:AssumeRole"],
                    "Resource": crate::aws::users::role_arn(partition, "*", role_name)
                },
                statement("ReadUsersInOwnAccount", &USERS_AUDIT_ACTIONS),
                // The caller's own account is changed with the caller's own credentials: these
                // are needed only for `users tidy`, `users delete` and `users deactivate|reactivate`.
                statement("TidyUsersInOwnAccount", &USERS_TIDY_ACTIONS),
                statement("DeleteUsersInOwnAccount", &USERS_DELETE_ACTIONS),
                statement("DeactivateUsersInOwnAccount", &USERS_DEACTIVATE_ACTIONS)
            ]
        },
        "member_role": {
            "Version": "2012-10-17",
            "Statement": [
                statement("UsersAudit", &USERS_AUDIT_ACTIONS),
                statement("UsersTidy", &USERS_TIDY_ACTIONS),
                statement("UsersDelete", &USERS_DELETE_ACTIONS),
                statement("UsersDeactivate", &USERS_DEACTIVATE_ACTIONS)
            ]
        }
    })
}

/// The policy document: the audit task policy plus `also` (e.g. the delete or the
/// password-creation task policy). `sts:GetCallerIdentity` needs no permission, so it is not
/// listed.
pub fn document(partition: &str, also: &[TaskPolicy]) -> Value {
    let task_policies: Vec<String> = std::iter::once(TaskPolicy::Audit)
        .chain(also.iter().copied())
        .map(|p| p.arn(partition))
        .collect();
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadOrganization",
                "Effect": "Allow",
                "Action": ORGANIZATIONS_ACTIONS,
                "Resource": "*"
            },
            {
                "Sid": "ReadRootAccessFeatures",
                "Effect": "Allow",
                "Action": ["iam:ListOrganizationsFeatures"],
                "Resource": "*"
            },
            {
                "Sid": "RootTaskSessions",
                "Effect": "Allow",
                "Action": ["sts:AssumeRoot"],
                "Resource": format!("arn:{partition}:iam::*:root"),
                "Condition": { "StringEquals": { "sts:TaskPolicyArn": task_policies } }
            },
            {
                "Sid": "ReadGuardrails",
                "Effect": "Allow",
                "Action": GUARDRAILS_ACTIONS,
                "Resource": "*"
            }
        ]
    })
}

/// Prints the policy (with `--users`, one JSON object holding both policies).
pub fn run(args: &PolicyArgs) -> anyhow::Result<()> {
    let policy = if args.users {
        users_documents(&args.partition, &args.role_name)
    } else {
        let mut also = Vec::new();
        if args.delete {
            also.push(TaskPolicy::Delete);
        }
        if args.recover {
            also.push(TaskPolicy::CreatePassword);
        }
        if args.unlock {
            also.extend([TaskPolicy::S3Unlock, TaskPolicy::SqsUnlock]);
        }
        document(&args.partition, &also)
    };
    println!("{}", serde_json::to_string_pretty(&policy)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_operator_may_assume_only_the_named_role_and_needs_no_root_access_reads() {
        let docs = users_documents("aws-us-gov", "Auditor");
        let operator = &docs["operator"]["Statement"];
        assert_eq!(
            operator[1]["Resource"],
            "arn:aws-us-gov:iam::*:role/Auditor"
        );
        let org_actions = operator[0]["Action"].as_array().expect("actions");
        assert!(org_actions.contains(&json!("organizations:ListAccounts")));
        assert!(!org_actions.contains(&json!("organizations:ListDelegatedAdministrators")));
        let text = docs.to_string();
        assert!(!text.contains("AssumeRoot"), "{text}");
        let role = &docs["member_role"]["Statement"];
        assert_eq!(role[0]["Action"], json!(USERS_AUDIT_ACTIONS));
        assert_eq!(role[2]["Action"].as_array().map(Vec::len), Some(25));
    }

    #[test]
    fn the_operator_may_tidy_and_delete_in_its_own_account_as_the_role_does_elsewhere() {
        let docs = users_documents("aws", "OrganizationAccountAccessRole");
        let operator = &docs["operator"]["Statement"];
        let role = &docs["member_role"]["Statement"];
        assert_eq!(operator[3]["Sid"], "TidyUsersInOwnAccount");
        assert_eq!(operator[3]["Action"], role[1]["Action"]);
        assert_eq!(operator[4]["Sid"], "DeleteUsersInOwnAccount");
        assert_eq!(operator[4]["Action"], role[2]["Action"]);
        assert_eq!(role[1]["Action"], json!(USERS_TIDY_ACTIONS));
        assert_eq!(operator[5]["Sid"], "DeactivateUsersInOwnAccount");
        assert_eq!(operator[5]["Action"], role[3]["Action"]);
        assert_eq!(role[3]["Action"], json!(USERS_DEACTIVATE_ACTIONS));
    }

    #[test]
    fn assume_root_is_limited_to_the_audit_policy_unless_delete() {
        let audit = document("aws", &[]);
        let arns = &audit["Statement"][2]["Condition"]["StringEquals"]["sts:TaskPolicyArn"];
        assert_eq!(
            arns,
            &json!(["arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"])
        );
        let delete = document("aws-us-gov", &[TaskPolicy::Delete]);
        let arns = &delete["Statement"][2]["Condition"]["StringEquals"]["sts:TaskPolicyArn"];
        assert_eq!(arns.as_array().map(Vec::len), Some(2));
        assert!(arns[1]
            .as_str()
            .is_some_and(|a| a.starts_with("arn:aws-us-gov:")));
    }

    #[test]
    fn the_guardrails_reads_are_a_statement_of_their_own() {
        let doc = document("aws", &[]);
        let last = &doc["Statement"][3];
        assert_eq!(last["Sid"], "ReadGuardrails");
        assert_eq!(last["Action"], json!(GUARDRAILS_ACTIONS));
        assert_eq!(doc["Statement"].as_array().map(Vec::len), Some(4));
    }

    #[test]
    fn recover_adds_only_the_password_creation_task_policy() {
        let doc = document("aws", &[TaskPolicy::CreatePassword]);
        let arns = &doc["Statement"][2]["Condition"]["StringEquals"]["sts:TaskPolicyArn"];
        assert_eq!(
            arns,
            &json!([
                "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
                "arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword"
            ])
        );
    }
}
