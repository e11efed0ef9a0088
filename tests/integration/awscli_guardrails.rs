//! Fidelity check of the simulated Organizations policy reads and of the root-session denials a
//! scenario declares, with the AWS CLI v1 as the independent client.

use crate::support::scenario::shipped;
use crate::support::sim::Sim;
use serde_json::Value;
use std::process::Command;

const DELETE: &str = "arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials";
const AUDIT: &str = "arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
const S3_UNLOCK: &str = "arn=arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy";
const SCP: &str = "SERVICE_CONTROL_POLICY";
const RCP: &str = "RESOURCE_CONTROL_POLICY";

struct Creds {
    key: String,
    secret: String,
    token: Option<String>,
}

struct Out {
    code: i32,
    json: Value,
    stderr: String,
}

impl Out {
    fn ok(self) -> Value {
        assert_eq!(self.code, 0, "aws failed: {}", self.stderr);
        self.json
    }

    /// A service error naming `code`; its message.
    fn err(self, code: &str) -> String {
        assert!(
            matches!(self.code, 254 | 255),
            "exit {}: {}",
            self.code,
            self.stderr
        );
        assert!(
            self.stderr.contains(&format!("({code})")),
            "expected {code} in: {}",
            self.stderr
        );
        self.stderr
    }
}

fn aws(sim: &Sim, creds: &Creds, args: &[&str]) -> Out {
    let mut cmd = Command::new("aws");
    cmd.args(args)
        .args(["--output", "json"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("AWS_ACCESS_KEY_ID", &creds.key)
        .env("AWS_SECRET_ACCESS_KEY", &creds.secret)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", sim.url())
        .env("AWS_CONFIG_FILE", "/nonexistent/rootsweep/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rootsweep/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1");
    if let Some(token) = &creds.token {
        cmd.env("AWS_SESSION_TOKEN", token);
    }
    let out = cmd.output().expect("run aws");
    Out {
        code: out.status.code().unwrap_or(-1),
        json: serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn available() -> bool {
    let found = Command::new("aws")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var("ROOTSWEEP_SKIP_AWSCLI").as_deref() != Ok("1") {
        panic!("the AWS CLI v1 is required for this test (or set ROOTSWEEP_SKIP_AWSCLI=1)");
    }
    found
}

fn management(sim: &Sim) -> Creds {
    Creds {
        key: sim.access_key().into(),
        secret: sim.secret().into(),
        token: None,
    }
}

fn assume_root(sim: &Sim, account: &str, policy: &str) -> Creds {
    let out = aws(
        sim,
        &management(sim),
        &[
            "sts",
            "assume-root",
            "--target-principal",
            account,
            "--task-policy-arn",
            policy,
        ],
    )
    .ok();
    let c = &out["Credentials"];
    Creds {
        key: c["AccessKeyId"].as_str().unwrap_or_default().into(),
        secret: c["SecretAccessKey"].as_str().unwrap_or_default().into(),
        token: c["SessionToken"].as_str().map(String::from),
    }
}

fn ids(v: &Value) -> Vec<String> {
    v["Policies"]
        .as_array()
        .unwrap_or_else(|| panic!("no Policies in {v}"))
        .iter()
        .map(|p| p["Id"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn attached(sim: &Sim, target: &str, filter: &str) -> Vec<String> {
    let args = [
        "organizations",
        "list-policies-for-target",
        "--target-id",
        target,
        "--filter",
        filter,
    ];
    ids(&aws(sim, &management(sim), &args).ok())
}

#[test]
fn aws_cli_v1_lists_describes_and_pages_the_scenario_s_scps_and_rcps() {
    if !available() {
        return;
    }
    let sim = Sim::start(shipped("guardrails.toml"));
    let m = management(&sim);
    assert_eq!(attached(&sim, "r-gr01", SCP), ["p-FullAWSAccess"]);
    assert_eq!(
        attached(&sim, "ou-gr01-ctroot01", SCP),
        ["p-FullAWSAccess", "p-ctroot0001"]
    );
    assert_eq!(attached(&sim, "ou-gr01-ec2only1", SCP), ["p-ec2only0001"]);
    assert_eq!(
        attached(&sim, "222222222207", RCP),
        ["p-RCPFullAWSAccess", "p-keepbkt0001"]
    );
    assert_eq!(attached(&sim, "222222222203", RCP), ["p-RCPFullAWSAccess"]);
    assert!(attached(&sim, "222222222203", "TAG_POLICY").is_empty());
    // The CLI follows NextToken through pages of one policy.
    let all = aws(
        &sim,
        &m,
        &[
            "organizations",
            "list-policies",
            "--filter",
            SCP,
            "--page-size",
            "1",
        ],
    )
    .ok();
    assert_eq!(ids(&all).len(), 8, "{all}");
    let rcps = aws(
        &sim,
        &m,
        &["organizations", "list-policies", "--filter", RCP],
    )
    .ok();
    assert_eq!(ids(&rcps), ["p-RCPFullAWSAccess", "p-keepbkt0001"]);

    let got = aws(
        &sim,
        &m,
        &[
            "organizations",
            "describe-policy",
            "--policy-id",
            "p-keeppwd0001",
        ],
    )
    .ok();
    let summary = &got["Policy"]["PolicySummary"];
    assert_eq!(
        summary["Arn"],
        "arn:aws:organizations::111111111111:policy/o-guardrails01/service_control_policy/p-keeppwd0001"
    );
    assert_eq!(
        (summary["Name"].as_str(), summary["Type"].as_str()),
        (Some("KeepRootPasswords"), Some(SCP))
    );
    assert_eq!(summary["AwsManaged"], false);
    let content: Value =
        serde_json::from_str(got["Policy"]["Content"].as_str().unwrap_or_default())
            .expect("Content is the JSON document");
    assert_eq!(content["Statement"][0]["Sid"], "KeepPasswords");
    let full = aws(
        &sim,
        &m,
        &[
            "organizations",
            "describe-policy",
            "--policy-id",
            "p-FullAWSAccess",
        ],
    )
    .ok();
    assert_eq!(
        full["Policy"]["PolicySummary"]["Arn"],
        "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
    );
    assert_eq!(full["Policy"]["PolicySummary"]["AwsManaged"], true);

    let parents = aws(
        &sim,
        &m,
        &[
            "organizations",
            "list-parents",
            "--child-id",
            "222222222203",
        ],
    )
    .ok();
    assert_eq!(parents["Parents"][0]["Id"], "ou-gr01-workload");
    assert_eq!(parents["Parents"][0]["Type"], "ORGANIZATIONAL_UNIT");

    aws(
        &sim,
        &m,
        &[
            "organizations",
            "describe-policy",
            "--policy-id",
            "p-nosuchpolicy",
        ],
    )
    .err("PolicyNotFoundException");
    let bad_target = [
        "organizations",
        "list-policies-for-target",
        "--target-id",
        "999999999999",
        "--filter",
        SCP,
    ];
    aws(&sim, &m, &bad_target).err("TargetNotFoundException");
    let bad_filter = [
        "organizations",
        "list-policies-for-target",
        "--target-id",
        "r-gr01",
        "--filter",
        "NO_SUCH_POLICY",
    ];
    aws(&sim, &m, &bad_filter).err("InvalidInputException");
    let member = assume_root(&sim, "222222222208", AUDIT);
    aws(
        &sim,
        &member,
        &["organizations", "list-policies", "--filter", SCP],
    )
    .err("AccessDeniedException");
}

#[test]
fn aws_cli_v1_reads_the_scp_and_rcp_denials_the_scenario_declares_in_root_sessions() {
    if !available() {
        return;
    }
    let sim = Sim::start(shipped("guardrails.toml"));
    let keeps = assume_root(&sim, "222222222203", DELETE);
    aws(&sim, &keeps, &["iam", "get-login-profile"]).ok();
    let message = aws(&sim, &keeps, &["iam", "delete-login-profile"]).err("AccessDenied");
    assert!(
        message.contains(
            "User: arn:aws:iam::222222222203:root is not authorized to perform: iam:DeleteLoginProfile \
             on resource: arn:aws:iam::222222222203:root with an explicit deny in a service control \
             policy: arn:aws:organizations::111111111111:policy/o-guardrails01/service_control_policy/p-keeppwd0001"
        ),
        "{message}"
    );
    let ec2 = assume_root(&sim, "222222222204", AUDIT);
    let message = aws(&sim, &ec2, &["iam", "get-login-profile"]).err("AccessDenied");
    assert!(
        message.contains("because no service control policy allows the iam:GetLoginProfile action"),
        "{message}"
    );
    let ct = assume_root(&sim, "222222222201", AUDIT);
    let message = aws(&sim, &ct, &["iam", "list-mfa-devices"]).err("AccessDenied");
    assert!(
        message.contains("with an explicit deny in a service control policy"),
        "{message}"
    );
    assert!(!message.contains("arn:aws:organizations"), "{message}");
    let kept = assume_root(&sim, "222222222207", S3_UNLOCK);
    aws(
        &sim,
        &kept,
        &[
            "s3api",
            "get-bucket-policy",
            "--bucket",
            "kept-policy-bucket",
        ],
    )
    .ok();
    let message = aws(
        &sim,
        &kept,
        &[
            "s3api",
            "delete-bucket-policy",
            "--bucket",
            "kept-policy-bucket",
        ],
    )
    .err("AccessDenied");
    assert!(
        message.contains("with an explicit deny in a resource control policy: arn:aws:organizations::111111111111:policy/o-guardrails01/resource_control_policy/p-keepbkt0001"),
        "{message}"
    );
    // The undeclared account's root session goes through.
    let open = assume_root(&sim, "222222222208", DELETE);
    let deleted = aws(&sim, &open, &["iam", "delete-login-profile"]);
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
}
