//! `rootsweep guardrails` end to end against `guardrails.toml`: each account's verdict per task
//! matches what the scenario declares the simulator denies (and by which policy), long-term
//! root is judged apart, the management account is never evaluated, no root session is opened,
//! and `audit` meets exactly the denials `guardrails` announced.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::shipped;
use crate::support::sim::Sim;
use std::collections::HashMap;

/// The actions each task sends in a root session, as the README documents them.
const TASKS: &[(&str, &[&str])] = &[
    (
        "audit",
        &[
            "iam:GetLoginProfile",
            "iam:ListMFADevices",
            "iam:ListAccessKeys",
            "iam:GetAccessKeyLastUsed",
            "iam:ListSigningCertificates",
            "iam:GetUser",
        ],
    ),
    (
        "delete",
        &[
            "iam:GetLoginProfile",
            "iam:ListMFADevices",
            "iam:DeleteLoginProfile",
            "iam:DeactivateMFADevice",
        ],
    ),
    (
        "recover",
        &["iam:GetLoginProfile", "iam:CreateLoginProfile"],
    ),
    (
        "unlock s3",
        &["s3:GetBucketPolicy", "s3:DeleteBucketPolicy"],
    ),
    (
        "unlock sqs",
        &["sqs:GetQueueAttributes", "sqs:SetQueueAttributes"],
    ),
];

/// A declared denial: its accounts, action patterns, and the policy (None: no SCP allows).
struct Declared {
    accounts: Vec<String>,
    actions: Vec<String>,
    policy: Option<String>,
}

fn declared() -> Vec<Declared> {
    let text = std::fs::read_to_string(shipped("guardrails.toml")).expect("scenario");
    let doc: toml::Value = toml::from_str(&text).expect("toml");
    let strings = |v: &toml::Value| -> Vec<String> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|s| s.as_str().expect("string").to_string())
            .collect()
    };
    doc["guardrails"]["denials"]
        .as_array()
        .expect("denials")
        .iter()
        .map(|d| Declared {
            accounts: strings(&d["accounts"]),
            actions: strings(&d["actions"]),
            policy: d.get("policy").and_then(|p| p.as_str()).map(str::to_string),
        })
        .collect()
}

/// `*`-wildcard match regardless of case (the scenario's action patterns).
fn matches(pattern: &str, action: &str) -> bool {
    let (p, a) = (pattern.to_ascii_lowercase(), action.to_ascii_lowercase());
    match p.split_once('*') {
        None => p == a,
        Some((head, tail)) => {
            a.len() >= head.len() + tail.len() && a.starts_with(head) && a.ends_with(tail)
        }
    }
}

/// What the scenario says of a task in an account's root session: `(verdict, policy)`.
fn expected(declared: &[Declared], account: &str, task: &str) -> Option<(&'static str, String)> {
    let actions = TASKS.iter().find(|(t, _)| *t == task).map(|(_, a)| *a)?;
    declared
        .iter()
        .filter(|d| d.accounts.iter().any(|a| a == account))
        .find(|d| {
            actions
                .iter()
                .any(|action| d.actions.iter().any(|p| matches(p, action)))
        })
        .map(|d| match &d.policy {
            Some(p) => ("denied", p.clone()),
            None => ("not-allowed", String::new()),
        })
}

fn run_guardrails(sim: &Sim) -> (Csv, String) {
    let dir = reports();
    let run = rootsweep(sim, dir.path(), &["guardrails"]);
    run.expect_code(0);
    let csv = Csv::read(&report(dir.path(), "guardrails-", ".csv"));
    let json = std::fs::read_to_string(report(dir.path(), "guardrails-", ".json")).expect("json");
    (csv, format!("{}\n{json}", run.stdout))
}

#[test]
fn each_account_s_verdict_per_task_matches_the_denials_the_scenario_declares() {
    let sim = Sim::start(shipped("guardrails.toml"));
    let (csv, _) = run_guardrails(&sim);
    let declared = declared();
    let mut checked = 0;
    for row in csv.rows.iter().filter(|r| !r["task"].is_empty()) {
        let (account, task) = (row["account_id"].as_str(), row["task"].as_str());
        match expected(&declared, account, task) {
            Some((verdict, policy)) => {
                assert_eq!(row["verdict"], verdict, "{account} {task}: {row:?}");
                assert_eq!(row["policy_id"], policy, "{account} {task}: {row:?}");
            }
            None => assert!(
                matches!(row["verdict"].as_str(), "allowed" | "depends"),
                "{account} {task}: the simulator lets it through, rootsweep says {row:?}"
            ),
        }
        checked += 1;
    }
    assert_eq!(checked, 9 * TASKS.len(), "every member account, every task");
    let row = |account: &str, task: &str| -> &HashMap<String, String> {
        csv.rows
            .iter()
            .find(|r| r["account_id"] == account && r["task"] == task)
            .unwrap_or_else(|| panic!("no row {account} {task}"))
    };
    // The deny of iam:DeleteLoginProfile alone: audit allowed, delete denied, named fully.
    assert_eq!(row("222222222203", "audit")["verdict"], "allowed");
    let delete = row("222222222203", "delete");
    assert_eq!(
        (
            delete["action"].as_str(),
            delete["policy_name"].as_str(),
            delete["attached_to"].as_str(),
            delete["sid"].as_str()
        ),
        (
            "iam:DeleteLoginProfile",
            "KeepRootPasswords",
            "222222222203",
            "KeepPasswords"
        )
    );
    // Control Tower's control, at the OU, with its Sid.
    let ct = row("222222222201", "audit");
    assert_eq!(
        (ct["attached_to"].as_str(), ct["sid"].as_str()),
        ("ou-gr01-ctroot01", "GRRESTRICTROOTUSER")
    );
    // The OU whose SCPs allow only ec2:* names the level without an allow.
    assert_eq!(
        row("222222222204", "audit")["attached_to"],
        "ou-gr01-ec2only1"
    );
    // The source-IP condition: depends, the key named.
    for (task, _) in TASKS {
        let r = row("222222222206", task);
        assert_eq!(
            (r["verdict"].as_str(), r["condition_key"].as_str()),
            ("depends", "aws:SourceIp"),
            "{task}"
        );
    }
    // The RCP denies only the S3 unlock.
    assert_eq!(
        row("222222222207", "unlock s3")["policy_id"],
        "p-keepbkt0001"
    );
    assert_eq!(row("222222222207", "audit")["verdict"], "allowed");
}

#[test]
fn long_term_root_is_judged_apart_and_the_management_account_is_never_evaluated() {
    let sim = Sim::start(shipped("guardrails.toml"));
    let (csv, output) = run_guardrails(&sim);
    let rows = |account: &str| -> Vec<&HashMap<String, String>> {
        csv.rows
            .iter()
            .filter(|r| r["account_id"] == account)
            .collect()
    };
    for account in ["222222222202", "222222222209"] {
        for r in rows(account) {
            assert_eq!(
                (r["verdict"].as_str(), r["long_term_root"].as_str()),
                ("allowed", "denied"),
                "{r:?}"
            );
            assert_eq!(r["long_term_root_guardrail"], "yes", "{r:?}");
        }
    }
    assert_eq!(
        rows("222222222202")[0]["long_term_root_policy_id"],
        "p-rootdeny001"
    );
    for r in rows("222222222208") {
        assert_eq!(
            (
                r["long_term_root"].as_str(),
                r["long_term_root_guardrail"].as_str()
            ),
            ("allowed", "no")
        );
    }
    let management = rows("111111111111");
    assert_eq!(management.len(), 1);
    assert_eq!(management[0]["verdict"], "not-subject");
    assert!(
        management[0]["error"].contains("not subject to SCPs or RCPs"),
        "{:?}",
        management[0]
    );
    // The table shows only what needs attention: nothing of the unguarded account.
    assert!(
        !output
            .lines()
            .take_while(|l| !l.starts_with("verdict"))
            .any(|l| l.contains("222222222208")),
        "{output}"
    );
    assert!(
        output.contains("\"tasks\""),
        "the JSON report's rows are tasks: {output}"
    );
    // Nothing but Organizations reads: no root session, no policy read of the management account.
    let calls = sim.calls();
    assert!(
        calls.iter().all(|c| c["operation"] != "AssumeRoot"),
        "{calls:?}"
    );
    let described = calls
        .iter()
        .filter(|c| c["operation"] == "DescribePolicy")
        .count();
    assert_eq!(described, 10, "one DescribePolicy per distinct policy");
}

#[test]
fn audit_meets_exactly_the_denials_guardrails_announced() {
    let sim = Sim::start(shipped("guardrails.toml"));
    let (guardrails, _) = run_guardrails(&sim);
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit"]);
    let audit = Csv::read(&report(dir.path(), "audit-", ".csv"));
    for row in guardrails.rows.iter().filter(|r| r["task"] == "audit") {
        let account = &row["account_id"];
        let audited = audit.account(account);
        let refused = audited["error"].contains("AccessDenied");
        let announced = matches!(row["verdict"].as_str(), "denied" | "not-allowed");
        assert_eq!(
            refused, announced,
            "{account}: guardrails said {row:?}, audit found {audited:?}"
        );
    }
}

#[test]
fn recommend_prints_the_long_term_root_scp_as_json_without_calling_aws() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rootsweep"))
        .args(["guardrails", "--recommend"])
        .env_clear()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .output()
        .expect("run rootsweep");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scp: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is the policy JSON");
    let statement = &scp["Statement"][0];
    assert_eq!(statement["Effect"], "Deny");
    assert_eq!(statement["Condition"]["Null"]["aws:AssumedRoot"], "true");
    assert_eq!(
        statement["Condition"]["ArnLike"]["aws:PrincipalArn"],
        "arn:*:iam::*:root"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("aws organizations create-policy --type SERVICE_CONTROL_POLICY"),
        "{stderr}"
    );
}

#[test]
fn delete_dry_run_refuses_certainly_denied_accounts_up_front_names_the_fix_and_never_assumes_root_there(
) {
    let sim = Sim::start(shipped("guardrails.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--dry-run"]);
    // Certainly denied for delete: Control Tower's OU, the deny of iam:DeleteLoginProfile, the
    // ec2-only OU, the NotAction deny.
    let refused = [
        "222222222201",
        "222222222203",
        "222222222204",
        "222222222205",
    ];
    assert!(
        run.stderr
            .contains("4 account(s) refused up front by their guardrails (no AssumeRoot made)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("222222222201: iam:GetLoginProfile is denied by SCP or RCP p-ctroot0001 (aws-guardrails-RestrictRoot) attached to ou-gr01-ctroot01, Sid GRRESTRICTROOTUSER; fix: re-enable Control Tower's AWS-GR_RESTRICT_ROOT_USER on ou-gr01-ctroot01 with the parameter ExemptAssumeRoot"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("222222222203: iam:DeleteLoginProfile is denied by SCP or RCP p-keeppwd0001 (KeepRootPasswords) attached to 222222222203, Sid KeepPasswords; fix: add \"Null\": {\"aws:AssumedRoot\": \"true\"}"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "222222222204: no SCP attached to ou-gr01-ec2only1 allows iam:GetLoginProfile"
        ),
        "{}",
        run.stderr
    );
    let assumed: Vec<String> = sim
        .calls()
        .iter()
        .filter(|c| c["operation"] == "AssumeRoot")
        .filter_map(|c| c["account"].as_str().map(str::to_string))
        .collect();
    for account in refused {
        assert!(
            !assumed.iter().any(|a| a == account),
            "AssumeRoot into {account}: {assumed:?}"
        );
    }
    // What may work is attempted: the source-IP condition depends, the RCP spares IAM.
    for account in ["222222222206", "222222222207", "222222222208"] {
        assert!(
            assumed.iter().any(|a| a == account),
            "{account} not attempted: {assumed:?}"
        );
    }
    let audit = Csv::read(&report(dir.path(), "audit-", ".csv"));
    let row = audit.account("222222222203");
    assert_eq!(row["verdict"], "blocked");
    assert!(
        row["error"].contains(
            "blocked: refused up front, no session opened: iam:DeleteLoginProfile is denied"
        ),
        "{row:?}"
    );
    // The plan lists them as refused, each with its fix, and says the change would be refused.
    assert!(
        run.stdout
            .contains("Refused: 4 account(s) would not be touched:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("  222222222201 (ct-restricted): iam:GetLoginProfile is denied by SCP or RCP p-ctroot0001 (aws-guardrails-RestrictRoot) attached to ou-gr01-ctroot01, Sid GRRESTRICTROOTUSER; fix: re-enable Control Tower's AWS-GR_RESTRICT_ROOT_USER"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("  222222222204 (ec2-only): no SCP attached to ou-gr01-ec2only1 allows iam:GetLoginProfile; fix: attach one"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("With these flags the change would be REFUSED (exit 3)"),
        "{}",
        run.stdout
    );
    let json = rootsweep(
        &sim,
        dir.path(),
        &["delete", "--dry-run", "--output", "json"],
    );
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).expect("plan json");
    let blocked: Vec<&str> = plan["plan"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["disposition"] == "blocked")
        .filter_map(|e| e["account_id"].as_str())
        .collect();
    assert_eq!(blocked, refused, "{plan}");
}

#[test]
fn delete_refuses_while_guardrails_block_and_with_skip_blocked_reports_them_skipped_blocked() {
    let sim = Sim::start(shipped("guardrails.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--yes"]);
    run.expect_code(3);
    assert!(
        run.stderr
            .contains("refusing to change anything: 4 account(s) are blocked or unknown"),
        "{}",
        run.stderr
    );
    assert!(
        sim.mutating_calls().is_empty(),
        "{:?}",
        sim.mutating_calls()
    );

    let run = rootsweep(&sim, dir.path(), &["delete", "--yes", "--skip-blocked"]);
    let result = Csv::read(&report(dir.path(), "delete-", ".csv"));
    for account in [
        "222222222201",
        "222222222203",
        "222222222204",
        "222222222205",
    ] {
        let row = result.account(account);
        assert_eq!(row["outcome"], "skipped-blocked", "{row:?}");
        assert!(row["error"].contains("; fix: "), "{row:?}");
    }
    assert_eq!(result.account("222222222208")["outcome"], "deleted");
    assert!(
        !sim.calls()
            .iter()
            .any(|c| c["operation"] == "AssumeRoot" && c["account"] == "222222222203"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_audit_names_the_statement_behind_each_guardrail_denial_it_meets() {
    let sim = Sim::start(shipped("guardrails.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit"]);
    let audit = Csv::read(&report(dir.path(), "audit-", ".csv"));
    let ct = &audit.account("222222222201")["error"];
    assert!(
        ct.contains("with an explicit deny in a service control policy [guardrails: iam:")
            && ct.contains(" is denied by p-ctroot0001 (aws-guardrails-RestrictRoot) attached to ou-gr01-ctroot01, Sid GRRESTRICTROOTUSER]"),
        "{ct}\n{}",
        run.stderr
    );
    let ec2 = &audit.account("222222222204")["error"];
    assert!(
        ec2.contains("[guardrails: no SCP attached to ou-gr01-ec2only1 allows iam:"),
        "{ec2}"
    );
    // Nothing is added where no guardrail denied anything.
    assert_eq!(audit.account("222222222208")["error"], "");
}

#[test]
fn a_denial_in_the_change_names_the_statement_and_cross_checks_the_policy_aws_names() {
    // Two denials the preflight cannot foresee: the office-network SCP (it depends on the
    // source IP) denies the delete of 206, and 208's delete is denied by a policy whose content,
    // as rootsweep read it, denies nothing (as if changed after it was read).
    let text = std::fs::read_to_string(shipped("guardrails.toml")).expect("scenario");
    let text = format!(
        "{text}
[[guardrails.denials]]
accounts = [\"222222222206\"]
actions = [\"iam:DeleteLoginProfile\"]
policy = \"p-officeip001\"
policy_arn_in_message = true

[[guardrails.policies]]
id = \"p-changed0001\"
name = \"ChangedSinceRead\"
type = \"SERVICE_CONTROL_POLICY\"
targets = [\"222222222208\"]
content = '{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}]}}'

[[guardrails.denials]]
accounts = [\"222222222208\"]
actions = [\"iam:DeleteLoginProfile\"]
policy = \"p-changed0001\"
policy_arn_in_message = true
"
    );
    let sim = Sim::start_toml(&text);
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--yes", "--skip-blocked"]);
    run.expect_code(4);
    let result = Csv::read(&report(dir.path(), "delete-", ".csv"));
    let office = result.account("222222222206");
    assert_eq!(office["outcome"], "failed", "{office:?}");
    assert!(
        office["error"].contains(
            "service_control_policy/p-officeip001 [guardrails: iam:DeleteLoginProfile turns on \
             aws:SourceIp in p-officeip001 (OfficeNetworkOnly) attached to 222222222206, Sid \
             DenyOutsideOffice; AWS's message names the same policy]"
        ),
        "{office:?}"
    );
    let unguarded = result.account("222222222208");
    assert_eq!(unguarded["outcome"], "failed", "{unguarded:?}");
    assert!(
        unguarded["error"].contains(
            "[guardrails: rootsweep's reading of the SCPs and RCPs on the account's path finds \
             nothing refusing iam:DeleteLoginProfile (a policy may have changed since it was \
             read); AWS's message names p-changed0001]"
        ),
        "{unguarded:?}"
    );
}
