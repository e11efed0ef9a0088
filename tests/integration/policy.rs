//! `rootsweep policy`: every action the tool calls is in the policy, and nothing more.

use crate::support::cli::{reports, rootsweep, rootsweep_env};
use crate::support::scenario::shipped;
use crate::support::sim::Sim;
use std::collections::BTreeSet;
use std::process::Command;

fn policy(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_rootsweep"))
        .arg("policy")
        .args(args)
        .output()
        .expect("run policy");
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).expect("policy is JSON")
}

fn actions(policy: &serde_json::Value) -> BTreeSet<String> {
    policy["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect()
}

/// Actions the operator's identities used (session calls are governed by the task policy instead).
fn used_by_caller(sim: &Sim) -> BTreeSet<String> {
    sim.calls()
        .iter()
        .filter(|c| c["caller"].as_str().is_some_and(|k| k.starts_with("AKIA")))
        .filter(|c| c["operation"] != "GetCallerIdentity") // needs no permission
        .map(|c| {
            format!(
                "{}:{}",
                c["service"].as_str().unwrap_or(""),
                c["operation"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn the_policy_covers_every_call_of_audit_and_delete_and_nothing_more() {
    // A delegated administrator also exists, so preflight's delegated-admin lookup is exercised.
    let demo = std::fs::read_to_string(shipped("demo.toml")).expect("demo");
    let text = demo.replace(
        "iam_features = [\"RootCredentialsManagement\", \"RootSessions\"]",
        "iam_features = [\"RootCredentialsManagement\", \"RootSessions\"]\ndelegated_administrators = [{ account = \"222222222206\", service_principal = \"iam.amazonaws.com\" }]",
    ) + "\n[[callers]]\naccess_key_id = \"AKIADELEGATEDADMIN01\"\nsecret_access_key = \"x\"\naccount = \"222222222206\"\n";
    let sim = Sim::start_toml(&text);
    let dir = reports();
    rootsweep_env(
        &sim,
        dir.path(),
        &["preflight"],
        &[("AWS_ACCESS_KEY_ID", "AKIADELEGATEDADMIN01")],
    )
    .expect_code(0);
    rootsweep(&sim, dir.path(), &["audit", "--ou", "ou-a1b2-prod0001"]).expect_code(4);
    rootsweep(
        &sim,
        dir.path(),
        &[
            "delete",
            "--yes",
            "--skip-blocked",
            "--exclude",
            "222222222206",
        ],
    )
    // The demo organization has unknown accounts: skipped, so not known clean.
    .expect_code(4);
    let used = used_by_caller(&sim);
    let granted = actions(&policy(&["--delete"]));
    let missing: Vec<&String> = used.difference(&granted).collect();
    assert!(missing.is_empty(), "used but not granted: {missing:?}");
    let unused: Vec<&String> = granted.difference(&used).collect();
    assert!(unused.is_empty(), "granted but never used: {unused:?}");

    let audit_only = policy(&[]);
    let arns = &audit_only["Statement"][2]["Condition"]["StringEquals"]["sts:TaskPolicyArn"];
    assert_eq!(
        arns,
        &serde_json::json!(["arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"])
    );
}

#[test]
fn the_users_policies_cover_every_call_of_users_audit() {
    let sim = Sim::start(shipped("users.toml"));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["users", "audit"]).expect_code(4);
    let docs = policy(&["--users"]);

    // The operator: every call it made is granted; what it was not seen using is only the OU
    // reads that `--ou` needs.
    let used = used_by_caller(&sim);
    assert!(used.contains("sts:AssumeRole"), "{used:?}");
    assert!(
        used.contains("iam:GetAccountAuthorizationDetails"),
        "{used:?}"
    );
    let granted = actions(&docs["operator"]);
    let missing: Vec<&String> = used.difference(&granted).collect();
    assert!(missing.is_empty(), "used but not granted: {missing:?}");
    let ou_reads: BTreeSet<String> = [
        "organizations:DescribeOrganizationalUnit",
        "organizations:ListParents",
        "organizations:ListOrganizationalUnitsForParent",
        "organizations:ListAccountsForParent",
    ]
    .map(str::to_string)
    .into();
    // The own-account tidy and delete statements are for those commands (tested below).
    let audit_grants: BTreeSet<String> = actions(&serde_json::json!({
        "Statement": docs["operator"]["Statement"].as_array().expect("statements")[..3]
    }));
    let unused: Vec<&String> = audit_grants.difference(&used).collect();
    assert!(
        unused.iter().all(|a| ou_reads.contains(*a)),
        "granted but never used: {unused:?}"
    );
    assert_eq!(
        docs["operator"]["Statement"][1]["Resource"],
        "arn:aws:iam::*:role/OrganizationAccountAccessRole"
    );

    // The member role: every call made in a role session is in its audit statement, and every
    // action of that statement was used.
    let in_sessions: BTreeSet<String> = sim
        .calls()
        .iter()
        .filter(|c| c["caller"].as_str().is_some_and(|k| !k.starts_with("AKIA")))
        .map(|c| format!("iam:{}", c["operation"].as_str().unwrap_or("")))
        .collect();
    let audit: BTreeSet<String> = docs["member_role"]["Statement"][0]["Action"]
        .as_array()
        .expect("audit actions")
        .iter()
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    assert_eq!(in_sessions, audit);
}

/// The actions of one statement of a policy.
fn statement(policy: &serde_json::Value, sid: &str) -> BTreeSet<String> {
    let statements = policy["Statement"].as_array().expect("statements");
    let found = statements
        .iter()
        .find(|s| s["Sid"] == sid)
        .unwrap_or_else(|| panic!("no statement {sid}"));
    actions(&serde_json::json!({ "Statement": [found] }))
}

/// IAM actions called in role sessions (not with the operator's own keys).
fn used_in_sessions(sim: &Sim) -> BTreeSet<String> {
    sim.calls()
        .iter()
        .filter(|c| c["caller"].as_str().is_some_and(|k| !k.starts_with("AKIA")))
        .map(|c| format!("iam:{}", c["operation"].as_str().unwrap_or("")))
        .collect()
}

#[test]
fn the_users_policies_cover_every_call_of_users_tidy_and_users_delete() {
    let docs = policy(&["--users"]);
    let role = &docs["member_role"];
    let audit = statement(role, "UsersAudit");
    let exclude = ["--exclude", "222222222203,222222222205"];
    for (command, sid, own_sid) in [
        ("tidy", "UsersTidy", "TidyUsersInOwnAccount"),
        ("delete", "UsersDelete", "DeleteUsersInOwnAccount"),
        (
            "deactivate",
            "UsersDeactivate",
            "DeactivateUsersInOwnAccount",
        ),
    ] {
        let sim = Sim::start(shipped("users.toml"));
        let dir = reports();
        let mut args = vec!["users", command, "--yes"];
        if command == "delete" {
            args.extend(["--stale-days", "90"]);
        }
        if command == "deactivate" {
            args.extend(["--console", "--include-unmonitored"]);
        }
        args.extend(exclude);
        rootsweep(&sim, dir.path(), &args).expect_code(0);
        let granted: BTreeSet<String> = audit.union(&statement(role, sid)).cloned().collect();
        let sessions = used_in_sessions(&sim);
        let missing: Vec<&String> = sessions.difference(&granted).collect();
        assert!(
            missing.is_empty(),
            "{command}: used but not granted to the role: {missing:?}"
        );
        let change = statement(role, sid);
        // The users scenario holds no active service-specific credential to deactivate.
        let unexercised = ["iam:UpdateServiceSpecificCredential".to_string()];
        let unused: Vec<&String> = change
            .difference(&sessions)
            .filter(|a| command != "deactivate" || !unexercised.contains(a))
            .collect();
        assert!(
            unused.is_empty(),
            "{command}: granted but never used: {unused:?}"
        );
        // The caller's own account is changed with the caller's keys: the operator's statement.
        let operator = actions(&docs["operator"]);
        let own: Vec<String> = used_by_caller(&sim)
            .difference(&operator)
            .cloned()
            .collect();
        assert!(
            own.is_empty(),
            "{command}: used but not granted to the operator: {own:?}"
        );
        assert_eq!(statement(&docs["operator"], own_sid), change);
    }
}

#[test]
fn the_recover_policy_covers_every_call_of_recover_within_its_task_policy() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    // 222222222202 has no root login profile, 222222222201 has one.
    rootsweep(
        &sim,
        dir.path(),
        &[
            "recover",
            "--accounts",
            "222222222201,222222222202",
            "--yes",
        ],
    )
    .expect_code(0);
    let used = used_by_caller(&sim);
    assert!(used.contains("sts:AssumeRoot"), "{used:?}");
    let granted = actions(&policy(&["--recover"]));
    let missing: Vec<&String> = used.difference(&granted).collect();
    assert!(missing.is_empty(), "used but not granted: {missing:?}");
    let arns = policy(&["--recover"])["Statement"][2]["Condition"]["StringEquals"]
        ["sts:TaskPolicyArn"]
        .clone();
    assert!(arns.as_array().expect("arns").contains(&serde_json::json!(
        "arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword"
    )));
    // Inside the sessions: only the two actions IAMCreateRootUserPassword allows.
    let in_sessions: BTreeSet<String> = sim
        .calls()
        .iter()
        .filter(|c| c["caller"].as_str().is_some_and(|k| !k.starts_with("AKIA")))
        .map(|c| c["operation"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        in_sessions,
        ["CreateLoginProfile", "GetLoginProfile"]
            .map(str::to_string)
            .into()
    );
}

#[test]
fn the_unlock_policy_covers_every_call_of_unlock_s3_within_its_task_policy() {
    let text = std::fs::read_to_string(shipped("demo.toml")).expect("demo")
        + "\n[[accounts]]\nid = \"222222222230\"\nname = \"data\"\nbuckets = [{ name = \"locked-bucket\", policy = '{\"Statement\":[]}' }]\n";
    let sim = Sim::start_toml(&text);
    let dir = reports();
    rootsweep(
        &sim,
        dir.path(),
        &[
            "unlock",
            "s3",
            "--account",
            "222222222230",
            "--bucket",
            "locked-bucket",
            "--yes",
        ],
    )
    .expect_code(0);
    let used = used_by_caller(&sim);
    let granted = actions(&policy(&["--unlock"]));
    let missing: Vec<&String> = used.difference(&granted).collect();
    assert!(missing.is_empty(), "used but not granted: {missing:?}");
    let doc = policy(&["--unlock"]);
    let arns = doc["Statement"][2]["Condition"]["StringEquals"]["sts:TaskPolicyArn"]
        .as_array()
        .cloned()
        .expect("arns");
    for name in ["S3UnlockBucketPolicy", "SQSUnlockQueuePolicy"] {
        assert!(
            arns.contains(&serde_json::json!(format!(
                "arn:aws:iam::aws:policy/root-task/{name}"
            ))),
            "{arns:?}"
        );
    }
    let in_sessions: BTreeSet<String> = sim
        .calls()
        .iter()
        .filter(|c| c["caller"].as_str().is_some_and(|k| !k.starts_with("AKIA")))
        .map(|c| format!("s3:{}", c["operation"].as_str().unwrap_or("")))
        .collect();
    // Within the S3UnlockBucketPolicy allow-list (which also has PutBucketPolicy and
    // ListAllMyBuckets, unused here).
    assert_eq!(
        in_sessions,
        ["s3:DeleteBucketPolicy", "s3:GetBucketPolicy"]
            .map(str::to_string)
            .into()
    );
}

#[test]
fn the_guardrails_policy_covers_every_call_of_guardrails_and_nothing_more() {
    let sim = Sim::start(shipped("guardrails.toml"));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["guardrails"]).expect_code(0);
    let used = used_by_caller(&sim);
    assert!(used.contains("organizations:DescribePolicy"), "{used:?}");
    let granted = actions(&policy(&[]));
    let missing: Vec<&String> = used.difference(&granted).collect();
    assert!(missing.is_empty(), "used but not granted: {missing:?}");
    // Besides the root-session grants, only the preflight's and the OU walk's reads go unused.
    let unused: BTreeSet<&String> = granted
        .difference(&used)
        .filter(|a| !a.starts_with("sts:") && !a.starts_with("iam:"))
        .collect();
    // The OU walk's reads are used or not depending on which listing answers first.
    let allowed_unused = [
        "organizations:ListAWSServiceAccessForOrganization",
        "organizations:ListDelegatedAdministrators",
        "organizations:ListParents",
        "organizations:DescribeOrganizationalUnit",
        "organizations:ListOrganizationalUnitsForParent",
        "organizations:ListAccountsForParent",
    ];
    assert!(
        unused.iter().all(|a| allowed_unused.contains(&a.as_str())),
        "granted but never used: {unused:?}"
    );
    assert!(!actions(&policy(&["--users"])["operator"]).contains("organizations:DescribePolicy"));
}
