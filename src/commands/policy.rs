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

/// The policy document. `sts:GetCallerIdentity` needs no permission, so it is not listed.
pub fn document(partition: &str, delete: bool) -> Value {
    let mut task_policies = vec![TaskPolicy::Audit.arn(partition)];
    if delete {
        task_policies.push(TaskPolicy::Delete.arn(partition));
    }
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
            }
        ]
    })
}

/// Prints the policy.
pub fn run(args: &PolicyArgs) -> anyhow::Result<()> {
    println!(
        "{}",
        serde_json::to_string_pretty(&document(&args.partition, args.delete))?
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assume_root_is_limited_to_the_audit_policy_unless_delete() {
        let audit = document("aws", false);
        let arns = &audit["Statement"][2]["Condition"]["StringEquals"]["sts:TaskPolicyArn"];
        assert_eq!(
            arns,
            &json!(["arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"])
        );
        let delete = document("aws-us-gov", true);
        let arns = &delete["Statement"][2]["Condition"]["StringEquals"]["sts:TaskPolicyArn"];
        assert_eq!(arns.as_array().map(Vec::len), Some(2));
        assert!(arns[1]
            .as_str()
            .is_some_and(|a| a.starts_with("arn:aws-us-gov:")));
    }
}
