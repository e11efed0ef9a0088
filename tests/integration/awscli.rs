//! Fidelity check with an independent client: the AWS CLI v1 drives every simulated operation,
//! errors included, and its parsed JSON output is compared with the scenario.

use crate::support::sim::Sim;
use serde_json::{json, Value};
use std::process::Command;

const DEMO: &str = include_str!("../scenarios/demo.toml");
const AUDIT: &str = "arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
const DELETE: &str = "arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials";
const MEMBER_KEY: &str = "AKIAMEMBERCALLER0001";
const OUTSIDER_KEY: &str = "AKIAOUTSIDERCALLER01";

/// The demo organization plus a delegated administrator, more callers, an account with two MFA
/// devices and a never-used key, 25 generated accounts (so ListAccounts spans pages) and IAM
/// pages of one item (so the CLI has to follow `Marker`).
fn scenario() -> String {
    let extra_org = "iam_features = [\"RootCredentialsManagement\", \"RootSessions\"]\n\
        delegated_administrators = [{ account = \"222222222206\", service_principal = \"iam.amazonaws.com\" }]\n\
        iam_page_size = 1\n";
    let mut text = DEMO.replacen(
        "iam_features = [\"RootCredentialsManagement\", \"RootSessions\"]\n",
        extra_org,
        1,
    );
    text.push_str(&format!(
        r#"
[[callers]]
access_key_id = "{MEMBER_KEY}"
secret_access_key = "member"
account = "222222222201"

[[callers]]
access_key_id = "{OUTSIDER_KEY}"
secret_access_key = "outsider"
account = "999999999999"

[[accounts]]
id = "222222222214"
name = "two-mfa-devices"
[accounts.root]
mfa = [{{ kind = "virtual", name = "phone" }}, {{ kind = "fido", name = "key" }}]
access_keys = [{{ id = "AKIANEVERUSEDKEY0001" }}]

[generate]
count = 25
seed = 3
"#
    ));
    text
}

/// Result of one CLI invocation.
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

    /// Asserts a service error (awscli v1 exits 255 on ClientError, v2 254) naming `code`.
    fn err(self, code: &str) {
        assert!(
            matches!(self.code, 254 | 255),
            "expected a client error, got exit {}: {}",
            self.code,
            self.stderr
        );
        assert!(
            self.stderr.contains(&format!("({code})")),
            "expected {code} in: {}",
            self.stderr
        );
    }
}

/// Credentials the CLI runs with.
#[derive(Clone)]
struct Creds {
    key: String,
    secret: String,
    token: Option<String>,
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
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_RETRY_MODE", "standard");
    if let Some(token) = &creds.token {
        cmd.env("AWS_SESSION_TOKEN", token);
    }
    let out = cmd.output().expect("run aws");
    let stdout = String::from_utf8_lossy(&out.stdout);
    Out {
        code: out.status.code().unwrap_or(-1),
        json: serde_json::from_str(&stdout).unwrap_or(Value::Null),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn aws_cli_available() -> bool {
    if Command::new("aws")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return true;
    }
    if std::env::var("ROOTSWEEP_SKIP_AWSCLI").as_deref() == Ok("1") {
        eprintln!("skipping: aws CLI not found and ROOTSWEEP_SKIP_AWSCLI=1");
        return false;
    }
    panic!("the AWS CLI v1 is required for this test: `pip install awscli` (or set ROOTSWEEP_SKIP_AWSCLI=1)");
}

fn management(sim: &Sim) -> Creds {
    Creds {
        key: sim.access_key().into(),
        secret: sim.secret().into(),
        token: None,
    }
}

fn other(key: &str) -> Creds {
    Creds {
        key: key.into(),
        secret: "x".into(),
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
    let key = c["AccessKeyId"].as_str().expect("AccessKeyId").to_string();
    assert!(key.starts_with("ASIA") && key.len() == 20, "{key}");
    assert_eq!(c["SecretAccessKey"].as_str().map(str::len), Some(40));
    assert!(
        c["Expiration"].as_str().is_some_and(|e| e.ends_with('Z')),
        "{out}"
    );
    assert!(out.get("SourceIdentity").is_none());
    Creds {
        key,
        secret: c["SecretAccessKey"].as_str().unwrap_or_default().into(),
        token: c["SessionToken"].as_str().map(String::from),
    }
}

fn ids(v: &Value, list: &str, field: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap_or_else(|| panic!("{list} missing in {v}"))
        .iter()
        .map(|x| x[field].as_str().unwrap_or_default().to_string())
        .collect()
}

fn organizations_operations(sim: &Sim) {
    let m = management(sim);
    let state = sim.state();
    let mut expected: Vec<String> = state["accounts"]
        .as_object()
        .expect("accounts")
        .keys()
        .cloned()
        .collect();
    expected.sort();
    assert!(expected.len() > 20);
    for extra in [&[][..], &["--page-size", "7"][..]] {
        let mut args = vec!["organizations", "list-accounts"];
        args.extend_from_slice(extra);
        let mut got = ids(&aws(sim, &m, &args).ok(), "Accounts", "Id");
        got.sort();
        assert_eq!(
            got, expected,
            "list-accounts {extra:?} returns every account once"
        );
    }
    let first = aws(
        sim,
        &m,
        &["organizations", "list-accounts", "--max-items", "5"],
    )
    .ok();
    let token = first["NextToken"]
        .as_str()
        .expect("--max-items leaves a NextToken")
        .to_string();
    let second = aws(
        sim,
        &m,
        &[
            "organizations",
            "list-accounts",
            "--max-items",
            "5",
            "--starting-token",
            &token,
        ],
    )
    .ok();
    let (a, b) = (
        ids(&first, "Accounts", "Id"),
        ids(&second, "Accounts", "Id"),
    );
    assert_eq!((a.len(), b.len()), (5, 5));
    assert!(
        a.iter().all(|id| !b.contains(id)),
        "pages overlap: {a:?} {b:?}"
    );
    aws(
        sim,
        &m,
        &["organizations", "list-accounts", "--page-size", "21"],
    )
    .err("InvalidInputException");

    let org = aws(sim, &m, &["organizations", "describe-organization"]).ok();
    assert_eq!(org["Organization"]["Id"], "o-a1b2c3d4e5");
    assert_eq!(org["Organization"]["MasterAccountId"], "111111111111");
    let access = aws(
        sim,
        &m,
        &["organizations", "list-aws-service-access-for-organization"],
    )
    .ok();
    assert_eq!(
        ids(&access, "EnabledServicePrincipals", "ServicePrincipal"),
        ["iam.amazonaws.com"]
    );
    let admins = aws(
        sim,
        &m,
        &[
            "organizations",
            "list-delegated-administrators",
            "--service-principal",
            "iam.amazonaws.com",
        ],
    )
    .ok();
    assert_eq!(
        ids(&admins, "DelegatedAdministrators", "Id"),
        ["222222222206"]
    );
    assert!(admins["DelegatedAdministrators"][0]["DelegationEnabledDate"].is_number());
    let roots = aws(sim, &m, &["organizations", "list-roots"]).ok();
    assert_eq!(ids(&roots, "Roots", "Id"), ["r-a1b2"]);
    let ou = aws(
        sim,
        &m,
        &[
            "organizations",
            "describe-organizational-unit",
            "--organizational-unit-id",
            "ou-a1b2-prod0001",
        ],
    )
    .ok();
    assert_eq!(ou["OrganizationalUnit"]["Name"], "Prod");
    aws(
        sim,
        &m,
        &[
            "organizations",
            "describe-organizational-unit",
            "--organizational-unit-id",
            "ou-a1b2-nothere1",
        ],
    )
    .err("OrganizationalUnitNotFoundException");
    let children = aws(
        sim,
        &m,
        &[
            "organizations",
            "list-organizational-units-for-parent",
            "--parent-id",
            "ou-a1b2-prod0001",
        ],
    )
    .ok();
    assert_eq!(
        ids(&children, "OrganizationalUnits", "Id"),
        ["ou-a1b2-dev00001"]
    );
    let dev = aws(
        sim,
        &m,
        &[
            "organizations",
            "list-accounts-for-parent",
            "--parent-id",
            "ou-a1b2-dev00001",
        ],
    )
    .ok();
    assert_eq!(
        ids(&dev, "Accounts", "Id"),
        ["222222222204", "222222222205", "222222222212"]
    );
    aws(
        sim,
        &m,
        &[
            "organizations",
            "list-accounts-for-parent",
            "--parent-id",
            "ou-a1b2-nothere1",
        ],
    )
    .err("ParentNotFoundException");
    let parents = aws(
        sim,
        &m,
        &[
            "organizations",
            "list-parents",
            "--child-id",
            "222222222204",
        ],
    )
    .ok();
    assert_eq!(parents["Parents"][0]["Id"], "ou-a1b2-dev00001");
    assert_eq!(parents["Parents"][0]["Type"], "ORGANIZATIONAL_UNIT");
    let closed = aws(
        sim,
        &m,
        &[
            "organizations",
            "describe-account",
            "--account-id",
            "222222222211",
        ],
    )
    .ok();
    assert_eq!(closed["Account"]["State"], "CLOSED");
    assert!(
        closed["Account"].get("Status").is_none(),
        "CLOSED has no legacy Status"
    );
    assert_eq!(
        closed["Account"]["Paths"][0],
        "o-a1b2c3d4e5/r-a1b2/222222222211/"
    );
    aws(
        sim,
        &m,
        &[
            "organizations",
            "describe-account",
            "--account-id",
            "999999999999",
        ],
    )
    .err("AccountNotFoundException");

    let member = other(MEMBER_KEY);
    assert_eq!(
        aws(sim, &member, &["organizations", "describe-organization"]).ok()["Organization"]["Id"],
        "o-a1b2c3d4e5"
    );
    aws(sim, &member, &["organizations", "list-accounts"]).err("AccessDeniedException");
    aws(
        sim,
        &other(OUTSIDER_KEY),
        &["organizations", "describe-organization"],
    )
    .err("AWSOrganizationsNotInUseException");
    aws(
        sim,
        &other("AKIAUNKNOWNCALLER001"),
        &["organizations", "list-roots"],
    )
    .err("UnrecognizedClientException");
}

fn audit_operations(sim: &Sim) {
    let m = management(sim);
    let me = aws(sim, &m, &["sts", "get-caller-identity"]).ok();
    assert_eq!(
        (me["Account"].as_str(), me["Arn"].as_str()),
        (
            Some("111111111111"),
            Some("arn:aws:iam::111111111111:user/admin")
        )
    );
    aws(
        sim,
        &other("AKIAUNKNOWNCALLER001"),
        &["sts", "get-caller-identity"],
    )
    .err("InvalidClientTokenId");
    let features = aws(sim, &m, &["iam", "list-organizations-features"]).ok();
    assert_eq!(features["OrganizationId"], "o-a1b2c3d4e5");
    assert_eq!(
        features["EnabledFeatures"],
        serde_json::json!(["RootCredentialsManagement", "RootSessions"])
    );
    aws(
        sim,
        &other(MEMBER_KEY),
        &["iam", "list-organizations-features"],
    )
    .err("AccountNotManagementOrDelegatedAdministratorException");

    let s = assume_root(sim, "arn:aws:iam::222222222214:root", AUDIT);
    let me = aws(sim, &s, &["sts", "get-caller-identity"]).ok();
    assert_eq!(me["Arn"], "arn:aws:iam::222222222214:root");
    let mfa = aws(sim, &s, &["iam", "list-mfa-devices"]).ok();
    assert_eq!(
        ids(&mfa, "MFADevices", "SerialNumber"),
        [
            "arn:aws:iam::222222222214:mfa/phone",
            "arn:aws:iam::222222222214:u2f/root/key"
        ]
    );
    let page = aws(sim, &s, &["iam", "list-mfa-devices", "--max-items", "1"]).ok();
    assert!(
        page["NextToken"].is_string(),
        "one-item IAM pages are truncated: {page}"
    );
    let keys = aws(sim, &s, &["iam", "list-access-keys"]).ok();
    assert_eq!(
        ids(&keys, "AccessKeyMetadata", "AccessKeyId"),
        ["AKIANEVERUSEDKEY0001"]
    );
    let never = aws(
        sim,
        &s,
        &[
            "iam",
            "get-access-key-last-used",
            "--access-key-id",
            "AKIANEVERUSEDKEY0001",
        ],
    )
    .ok();
    assert_eq!(
        never["AccessKeyLastUsed"],
        serde_json::json!({ "ServiceName": "N/A", "Region": "N/A" })
    );
    aws(sim, &s, &["iam", "get-login-profile"]).err("NoSuchEntity");
    aws(sim, &s, &["iam", "delete-login-profile"]).err("AccessDenied");
    let user = aws(sim, &s, &["iam", "get-user"]).ok();
    assert_eq!(
        (
            user["User"]["UserId"].as_str(),
            user["User"]["Arn"].as_str()
        ),
        (Some("222222222214"), Some("arn:aws:iam::222222222214:root"))
    );
    let summary = aws(sim, &s, &["iam", "get-account-summary"]).ok();
    assert_eq!(
        (
            summary["SummaryMap"]["AccountMFAEnabled"].as_i64(),
            summary["SummaryMap"]["AccountAccessKeysPresent"].as_i64()
        ),
        (Some(1), Some(1))
    );

    let s = assume_root(sim, "222222222212", AUDIT);
    aws(sim, &s, &["iam", "list-mfa-devices"]).err("ServiceFailure");

    let target = |account: &str, policy: &str| {
        aws(
            sim,
            &m,
            &[
                "sts",
                "assume-root",
                "--target-principal",
                account,
                "--task-policy-arn",
                policy,
            ],
        )
    };
    target("111111111111", AUDIT).err("AccessDenied");
    target("222222222209", AUDIT).err("AccessDenied");
    target("999999999999", AUDIT).err("AccessDenied");
    target("222222222213", AUDIT).err("AccessDenied");
    target(
        "222222222201",
        "arn=arn:aws:iam::aws:policy/root-task/NoSuchTask",
    )
    .err("ValidationError");
    aws(
        sim,
        &m,
        &[
            "sts",
            "assume-root",
            "--target-principal",
            "222222222201",
            "--task-policy-arn",
            AUDIT,
            "--duration-seconds",
            "901",
        ],
    )
    .err("ValidationError");
    aws(
        sim,
        &other(MEMBER_KEY),
        &[
            "sts",
            "assume-root",
            "--target-principal",
            "222222222202",
            "--task-policy-arn",
            AUDIT,
        ],
    )
    .err("AccessDenied");
}

fn delete_operations(sim: &Sim) {
    let s = assume_root(sim, "222222222205", DELETE);
    let serial = "arn:aws:iam::222222222205:mfa/root-authenticator";
    aws(sim, &s, &["iam", "delete-login-profile"]).ok();
    aws(
        sim,
        &s,
        &["iam", "deactivate-mfa-device", "--serial-number", serial],
    )
    .ok();
    aws(
        sim,
        &s,
        &["iam", "deactivate-mfa-device", "--serial-number", serial],
    )
    .err("NoSuchEntity");
    aws(
        sim,
        &s,
        &[
            "iam",
            "delete-virtual-mfa-device",
            "--serial-number",
            serial,
        ],
    )
    .err("AccessDenied");
    aws(sim, &s, &["iam", "get-login-profile"]).err("NoSuchEntity");
    let root = sim.root("222222222205");
    assert_eq!(root["login_profile"], Value::Null);
    assert_eq!(root["mfa_devices"], serde_json::json!([]));
    assert_eq!(
        root["unassigned_virtual_mfa"],
        serde_json::json!([serial]),
        "a deactivated virtual device remains"
    );

    // Read before the deletions below (the audit thread runs concurrently elsewhere).
    let s = assume_root(sim, "222222222207", AUDIT);
    let lp = aws(sim, &s, &["iam", "get-login-profile"]).ok();
    assert_eq!(lp["LoginProfile"]["CreateDate"], "2019-01-01T00:00:00Z");
    let used = aws(
        sim,
        &s,
        &[
            "iam",
            "get-access-key-last-used",
            "--access-key-id",
            "AKIALEGACYROOTKEY001",
        ],
    )
    .ok();
    assert_eq!(used["AccessKeyLastUsed"]["ServiceName"], "s3");
    assert_eq!(
        used["AccessKeyLastUsed"]["LastUsedDate"],
        "2024-10-01T12:00:00Z"
    );
    let s = assume_root(sim, "222222222208", AUDIT);
    let certs = aws(sim, &s, &["iam", "list-signing-certificates"]).ok();
    assert_eq!(ids(&certs, "Certificates", "Status"), ["Active"]);
    assert!(certs["Certificates"][0]["CertificateBody"]
        .as_str()
        .is_some_and(|b| b.contains("BEGIN CERTIFICATE")));
    let s = assume_root(sim, "222222222207", DELETE);
    aws(
        sim,
        &s,
        &[
            "iam",
            "delete-access-key",
            "--access-key-id",
            "AKIALEGACYROOTKEY001",
        ],
    )
    .ok();
    aws(
        sim,
        &s,
        &[
            "iam",
            "delete-access-key",
            "--access-key-id",
            "AKIALEGACYROOTKEY001",
        ],
    )
    .err("NoSuchEntity");
    assert_eq!(
        sim.root("222222222207")["access_keys"],
        serde_json::json!([])
    );
    let s = assume_root(sim, "222222222208", DELETE);
    aws(
        sim,
        &s,
        &[
            "iam",
            "delete-signing-certificate",
            "--certificate-id",
            "CERTLEGACYROOT0000000000000000001",
        ],
    )
    .ok();
    assert_eq!(
        sim.root("222222222208")["signing_certificates"],
        serde_json::json!([])
    );
    aws(sim, &s, &["iam", "get-account-summary"]).err("AccessDenied");
}

fn throttling_and_disabled_access() {
    let text = "[organization]\nid = \"o-t9h8r7o6t5\"\nmanagement_account = \"111111111111\"\n\
        [[callers]]\naccess_key_id = \"AKIAMANAGEMENT000001\"\nsecret_access_key = \"s\"\naccount = \"111111111111\"\n\
        [[throttle]]\nservice = \"sts\"\nprobability = 1.0\n\
        [[throttle]]\noperation = \"ListAccounts\"\nprobability = 1.0\n";
    let sim = Sim::start_toml(text);
    let m = management(&sim);
    aws(&sim, &m, &["sts", "get-caller-identity"]).err("Throttling");
    aws(&sim, &m, &["organizations", "list-accounts"]).err("TooManyRequestsException");
    aws(&sim, &m, &["iam", "list-organizations-features"]).err("ServiceAccessNotEnabledException");
    let calls = sim.calls();
    let errors: Vec<_> = calls
        .iter()
        .map(|c| c["error"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        errors,
        [
            "Throttling",
            "TooManyRequestsException",
            "ServiceAccessNotEnabledException"
        ]
    );
}

#[test]
fn aws_cli_v1_understands_every_simulated_operation_and_error() {
    if !aws_cli_available() {
        return;
    }
    let sim = Sim::start_toml(&scenario());
    std::thread::scope(|scope| {
        scope.spawn(|| organizations_operations(&sim));
        scope.spawn(|| audit_operations(&sim));
        scope.spawn(|| delete_operations(&sim));
        scope.spawn(throttling_and_disabled_access);
    });
    let mutating = sim.mutating_calls();
    let ok: Vec<_> = mutating
        .iter()
        .filter(|c| c["status"] == 200)
        .map(|c| c["operation"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        ok,
        [
            "DeleteLoginProfile",
            "DeactivateMFADevice",
            "DeleteAccessKey",
            "DeleteSigningCertificate"
        ]
    );
    assert!(
        mutating
            .iter()
            .all(|c| c["task_policy"].is_string() && c["account"].is_string()),
        "{mutating:?}"
    );
}

/// Accounts whose `Status` differs from `State` or lacks one of them, hostile names, an empty
/// first ListAccounts page, one-item IAM pages and a page truncated without a `Marker`.
fn wire_quirks_scenario() -> String {
    let hostile = include_str!("../scenarios/hostile-names.toml");
    let hostile_accounts = &hostile[hostile
        .find("# Eligible: a spreadsheet formula")
        .expect("hostile-names.toml lists its accounts after this comment")..];
    crate::support::scenario::org(
        &format!(
            "{}\nempty_first_page = true\niam_page_size = 1",
            crate::support::scenario::ENABLED
        ),
        &format!(
            r#"{hostile_accounts}
[[accounts]]
id = "222222222201"
name = "suspended-but-status-active"
state = "SUSPENDED"
status = "ACTIVE"

[[accounts]]
id = "222222222202"
name = "status-only"
state = ""
status = "SUSPENDED"

[[accounts]]
id = "222222222203"
name = "paged"
[accounts.root]
mfa = [{{ kind = "virtual", name = "phone" }}, {{ kind = "fido", name = "key" }}, {{ kind = "hardware", serial = "GAHT22222203" }}]
access_keys = [{{ id = "AKIAPAGEDROOTKEY0001" }}, {{ id = "AKIAPAGEDROOTKEY0002" }}]
signing_certificates = [{{ id = "CERTPAGED00000000000000000000001" }}, {{ id = "CERTPAGED00000000000000000000002" }}]

[[faults]]
account = "222222222203"
operation = "ListSigningCertificates"
action = "truncated-no-marker"
times = 1
"#
        ),
    )
}

#[test]
fn aws_cli_v1_follows_empty_pages_and_marker_pages_and_reads_status_apart_from_state() {
    if !aws_cli_available() {
        return;
    }
    let sim = Sim::start_toml(&wire_quirks_scenario());
    let m = management(&sim);
    for extra in [&[][..], &["--page-size", "2"][..]] {
        let mut args = vec!["organizations", "list-accounts"];
        args.extend_from_slice(extra);
        let out = aws(&sim, &m, &args).ok();
        let accounts = out["Accounts"].as_array().expect("Accounts");
        assert_eq!(
            accounts.len(),
            8,
            "list-accounts {extra:?} follows the empty first page: {out}"
        );
        let find = |id: &str| {
            accounts
                .iter()
                .find(|a| a["Id"] == id)
                .unwrap_or_else(|| panic!("{id} missing: {out}"))
        };
        let suspended = find("222222222201");
        assert_eq!(
            (&suspended["State"], &suspended["Status"]),
            (&json!("SUSPENDED"), &json!("ACTIVE"))
        );
        let status_only = find("222222222202");
        assert!(status_only.get("State").is_none(), "{status_only}");
        assert_eq!(status_only["Status"], "SUSPENDED");
        assert_eq!(find("333333333301")["Name"], "=HYPERLINK(\"x\")");
        assert_eq!(find("333333333302")["Name"], "\u{1b}[31mred\u{1b}[0m\u{7}");
        assert_eq!(find("333333333303")["Name"], "harmless\roverwritten");
    }
    let first = aws(
        &sim,
        &m,
        &["organizations", "list-accounts", "--max-items", "1"],
    )
    .ok();
    assert_eq!(
        ids(&first, "Accounts", "Id").len(),
        1,
        "--max-items 1 reaches past the empty page: {first}"
    );

    let s = assume_root(&sim, "222222222203", AUDIT);
    for extra in [&[][..], &["--page-size", "1"][..]] {
        let mut args = vec!["iam", "list-mfa-devices"];
        args.extend_from_slice(extra);
        let mfa = aws(&sim, &s, &args).ok();
        assert_eq!(
            ids(&mfa, "MFADevices", "SerialNumber"),
            [
                "arn:aws:iam::222222222203:mfa/phone",
                "arn:aws:iam::222222222203:u2f/root/key",
                "GAHT22222203"
            ],
            "list-mfa-devices {extra:?} follows Marker over one-item pages"
        );
    }
    let keys = aws(&sim, &s, &["iam", "list-access-keys", "--page-size", "1"]).ok();
    assert_eq!(
        ids(&keys, "AccessKeyMetadata", "AccessKeyId"),
        ["AKIAPAGEDROOTKEY0001", "AKIAPAGEDROOTKEY0002"]
    );
    // IsTruncated=true without a Marker: the CLI's paginator has no token to follow and stops
    // after the first page without an error, exactly the silent loss a client must not copy.
    let cut = aws(&sim, &s, &["iam", "list-signing-certificates"]).ok();
    assert_eq!(
        ids(&cut, "Certificates", "CertificateId"),
        ["CERTPAGED00000000000000000000001"]
    );
    let whole = aws(&sim, &s, &["iam", "list-signing-certificates"]).ok();
    assert_eq!(ids(&whole, "Certificates", "CertificateId").len(), 2);

    aws(&sim, &m, &["iam", "create-user", "--user-name", "bob"]).err("InvalidAction");
    let non_read: Vec<_> = sim
        .non_read_calls()
        .iter()
        .map(|c| c["operation"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(non_read, ["CreateUser"], "the unimplemented call is logged");
}

const USERS: &str = include_str!("../scenarios/users.toml");

/// `users.toml` with IAM pages of one item, so the CLI follows every `Marker`.
fn users_scenario() -> String {
    USERS.replacen(
        "report_generation_polls = 1\n",
        "report_generation_polls = 1\niam_page_size = 1\n",
        1,
    )
}

fn assume_role(sim: &Sim, account: &str) -> Creds {
    let arn = format!("arn:aws:iam::{account}:role/OrganizationAccountAccessRole");
    let out = aws(
        sim,
        &management(sim),
        &[
            "sts",
            "assume-role",
            "--role-arn",
            &arn,
            "--role-session-name",
            "rootsweep",
        ],
    )
    .ok();
    assert_eq!(
        out["AssumedRoleUser"]["Arn"],
        format!("arn:aws:sts::{account}:assumed-role/OrganizationAccountAccessRole/rootsweep")
    );
    let c = &out["Credentials"];
    let key = c["AccessKeyId"].as_str().expect("AccessKeyId").to_string();
    assert!(key.starts_with("ASIA") && key.len() == 20, "{key}");
    Creds {
        key,
        secret: c["SecretAccessKey"].as_str().unwrap_or_default().into(),
        token: c["SessionToken"].as_str().map(String::from),
    }
}

fn names(v: &Value, list: &str, field: &str) -> Vec<String> {
    ids(v, list, field)
}

fn user_reads(sim: &Sim) {
    let m = management(sim);
    let me = aws(sim, &m, &["sts", "get-caller-identity"]).ok();
    assert_eq!(me["Arn"], "arn:aws:iam::111111111111:user/admin");
    let users = aws(sim, &m, &["iam", "list-users"]).ok();
    assert_eq!(
        names(&users, "Users", "UserName"),
        ["admin", "breakglass", "signer"]
    );
    let arn = |account: &str| format!("arn:aws:iam::{account}:role/OrganizationAccountAccessRole");
    for denied in ["222222222203", "111111111111", "222222222204"] {
        aws(
            sim,
            &m,
            &[
                "sts",
                "assume-role",
                "--role-arn",
                &arn(denied),
                "--role-session-name",
                "rootsweep",
            ],
        )
        .err("AccessDenied");
    }
    let external = arn("222222222205");
    let base = [
        "sts",
        "assume-role",
        "--role-arn",
        &external,
        "--role-session-name",
        "rootsweep",
    ];
    aws(sim, &m, &base).err("AccessDenied");
    let mut with_id = base.to_vec();
    with_id.extend(["--external-id", "rootsweep-external-1"]);
    aws(sim, &m, &with_id).ok();
    let mut short = base.to_vec();
    short.extend([
        "--external-id",
        "rootsweep-external-1",
        "--duration-seconds",
        "899",
    ]);
    let out = aws(sim, &m, &short);
    assert_ne!(out.code, 0, "DurationSeconds below 900 is refused");

    let s = assume_role(sim, "222222222201");
    aws(sim, &s, &["iam", "get-credential-report"]).err("ReportNotPresent");
    let started = aws(sim, &s, &["iam", "generate-credential-report"]).ok();
    assert_eq!(started["State"], "STARTED");
    aws(sim, &s, &["iam", "get-credential-report"]).err("ReportInProgress");
    let done = aws(sim, &s, &["iam", "generate-credential-report"]).ok();
    assert_eq!(done["State"], "COMPLETE");
    let report = aws(sim, &s, &["iam", "get-credential-report"]).ok();
    assert_eq!(report["ReportFormat"], "text/csv");
    let content = report["Content"].as_str().expect("Content");
    let csv = String::from_utf8(aws_smithy_types::base64::decode(content).expect("base64"))
        .expect("utf-8");
    let header = csv.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("user,arn,user_creation_time,password_enabled,password_last_used,")
            && header.ends_with(",cert_2_active,cert_2_last_rotated")
            && header.split(',').count() == 22,
        "{header}"
    );
    assert!(csv
        .lines()
        .nth(1)
        .is_some_and(|r| r.starts_with("<root_account>,arn:aws:iam::222222222201:root,")));

    let details = aws(
        sim,
        &s,
        &[
            "iam",
            "get-account-authorization-details",
            "--filter",
            "User",
            "Group",
        ],
    )
    .ok();
    assert_eq!(
        names(&details, "UserDetailList", "UserName"),
        ["alice", "ci-bot", "=cmd+1"]
    );
    assert_eq!(
        names(&details, "GroupDetailList", "GroupName"),
        ["admins", "readers"]
    );
    let alice = &details["UserDetailList"][0];
    assert_eq!(alice["GroupList"], json!(["admins"]));
    assert_eq!(
        alice["AttachedManagedPolicies"][0]["PolicyName"],
        "AdministratorAccess"
    );
    assert_eq!(
        alice["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"], "s3:Get*",
        "the CLI URL-decodes and parses the document: {alice}"
    );
    let first = aws(
        sim,
        &s,
        &[
            "iam",
            "get-account-authorization-details",
            "--filter",
            "User",
            "Group",
            "--max-items",
            "2",
        ],
    )
    .ok();
    assert!(first["NextToken"].is_string(), "{first}");
    assert_eq!(
        names(&first, "UserDetailList", "UserName"),
        ["alice", "ci-bot"]
    );
    aws(
        sim,
        &s,
        &[
            "iam",
            "get-account-authorization-details",
            "--filter",
            "Users",
        ],
    )
    .err("ValidationError");

    let users = aws(sim, &s, &["iam", "list-users"]).ok();
    assert_eq!(
        names(&users, "Users", "UserName"),
        ["alice", "ci-bot", "=cmd+1"]
    );
    let alice = aws(sim, &s, &["iam", "get-user", "--user-name", "alice"]).ok();
    assert!(alice["User"]["PasswordLastUsed"].is_string(), "{alice}");
    aws(sim, &s, &["iam", "get-user", "--user-name", "nobody"]).err("NoSuchEntity");
    aws(sim, &s, &["iam", "list-access-keys"]).err("ValidationError");
    let keys = aws(
        sim,
        &s,
        &["iam", "list-access-keys", "--user-name", "ci-bot"],
    )
    .ok();
    let key_ids = names(&keys, "AccessKeyMetadata", "AccessKeyId");
    assert_eq!(key_ids.len(), 2, "{keys}");
    let used = aws(
        sim,
        &s,
        &[
            "iam",
            "get-access-key-last-used",
            "--access-key-id",
            &key_ids[0],
        ],
    )
    .ok();
    assert_eq!(used["UserName"], "ci-bot");
    assert_eq!(used["AccessKeyLastUsed"]["Region"], "eu-west-1");
    let mfa = aws(
        sim,
        &s,
        &["iam", "list-mfa-devices", "--user-name", "alice"],
    )
    .ok();
    assert_eq!(
        names(&mfa, "MFADevices", "SerialNumber"),
        ["arn:aws:iam::222222222201:mfa/alice"]
    );
    let profile = aws(
        sim,
        &s,
        &["iam", "get-login-profile", "--user-name", "alice"],
    )
    .ok();
    assert_eq!(profile["LoginProfile"]["UserName"], "alice");
    aws(
        sim,
        &s,
        &["iam", "get-login-profile", "--user-name", "ci-bot"],
    )
    .err("NoSuchEntity");
    let groups = aws(
        sim,
        &s,
        &["iam", "list-groups-for-user", "--user-name", "alice"],
    )
    .ok();
    assert_eq!(names(&groups, "Groups", "GroupName"), ["admins"]);
    let attached = aws(
        sim,
        &s,
        &["iam", "list-attached-user-policies", "--user-name", "alice"],
    )
    .ok();
    assert_eq!(
        attached["AttachedPolicies"].as_array().map(Vec::len),
        Some(2),
        "{attached}"
    );
    let inline = aws(
        sim,
        &s,
        &["iam", "list-user-policies", "--user-name", "alice"],
    )
    .ok();
    assert_eq!(inline["PolicyNames"], json!(["s3-read"]));
    let doc = aws(
        sim,
        &s,
        &[
            "iam",
            "get-user-policy",
            "--user-name",
            "alice",
            "--policy-name",
            "s3-read",
        ],
    )
    .ok();
    assert_eq!(doc["PolicyDocument"]["Version"], "2012-10-17");
    aws(
        sim,
        &s,
        &[
            "iam",
            "get-user-policy",
            "--user-name",
            "alice",
            "--policy-name",
            "none",
        ],
    )
    .err("NoSuchEntity");
    let group = aws(
        sim,
        &s,
        &[
            "iam",
            "list-attached-group-policies",
            "--group-name",
            "readers",
        ],
    )
    .ok();
    assert_eq!(
        names(&group, "AttachedPolicies", "PolicyName"),
        ["ReadOnlyAccess"]
    );
    aws(
        sim,
        &s,
        &[
            "iam",
            "list-attached-group-policies",
            "--group-name",
            "nobody",
        ],
    )
    .err("NoSuchEntity");
}

fn user_deletes(sim: &Sim) {
    let s = assume_role(sim, "222222222202");
    let user = ["--user-name", "olduser"];
    let run = |args: &[&str]| {
        let mut all = vec!["iam"];
        all.extend_from_slice(args);
        aws(sim, &s, &all)
    };
    run(&["delete-user", user[0], user[1]]).err("DeleteConflict");
    let certs = run(&["list-signing-certificates", user[0], user[1]]).ok();
    let cert = names(&certs, "Certificates", "CertificateId").remove(0);
    let ssh = run(&["list-ssh-public-keys", user[0], user[1]]).ok();
    let ssh = names(&ssh, "SSHPublicKeys", "SSHPublicKeyId").remove(0);
    let creds = run(&["list-service-specific-credentials", user[0], user[1]]).ok();
    assert_eq!(
        creds["ServiceSpecificCredentials"][0]["ServiceName"],
        "codecommit.amazonaws.com"
    );
    let cred = names(
        &creds,
        "ServiceSpecificCredentials",
        "ServiceSpecificCredentialId",
    )
    .remove(0);
    let keys = run(&["list-access-keys", user[0], user[1]]).ok();
    let key = names(&keys, "AccessKeyMetadata", "AccessKeyId").remove(0);
    let mfa = run(&["list-mfa-devices", user[0], user[1]]).ok();
    let serials = names(&mfa, "MFADevices", "SerialNumber");
    assert_eq!(serials.len(), 2, "{mfa}");
    let steps: Vec<Vec<&str>> = vec![
        vec!["delete-login-profile", "--user-name", "olduser"],
        vec![
            "delete-access-key",
            "--user-name",
            "olduser",
            "--access-key-id",
            &key,
        ],
        vec![
            "delete-signing-certificate",
            "--user-name",
            "olduser",
            "--certificate-id",
            &cert,
        ],
        vec![
            "delete-ssh-public-key",
            "--user-name",
            "olduser",
            "--ssh-public-key-id",
            &ssh,
        ],
        vec![
            "delete-service-specific-credential",
            "--user-name",
            "olduser",
            "--service-specific-credential-id",
            &cred,
        ],
        vec![
            "deactivate-mfa-device",
            "--user-name",
            "olduser",
            "--serial-number",
            &serials[0],
        ],
        vec![
            "deactivate-mfa-device",
            "--user-name",
            "olduser",
            "--serial-number",
            &serials[1],
        ],
        vec!["delete-virtual-mfa-device", "--serial-number", &serials[0]],
        vec![
            "delete-user-policy",
            "--user-name",
            "olduser",
            "--policy-name",
            "legacy",
        ],
        vec![
            "detach-user-policy",
            "--user-name",
            "olduser",
            "--policy-arn",
            "arn:aws:iam::222222222202:policy/deploy",
        ],
        vec![
            "remove-user-from-group",
            "--user-name",
            "olduser",
            "--group-name",
            "developers",
        ],
    ];
    for step in &steps {
        run(step).ok();
        run(step).err("NoSuchEntity");
    }
    run(&["delete-user", user[0], user[1]]).ok();
    run(&["delete-user", user[0], user[1]]).err("NoSuchEntity");
    let left = names(&run(&["list-users"]).ok(), "Users", "UserName");
    assert_eq!(left, ["newbie", "keyold", "git-user", "rekeyed"]);
}

#[test]
fn aws_cli_v1_understands_the_iam_user_operations_and_errors() {
    if !aws_cli_available() {
        return;
    }
    let sim = Sim::start_toml(&users_scenario());
    std::thread::scope(|scope| {
        scope.spawn(|| user_reads(&sim));
        scope.spawn(|| user_deletes(&sim));
    });
    let changed: Vec<String> = sim
        .non_read_calls()
        .iter()
        .filter(|c| c["status"] == 200)
        .map(|c| c["operation"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(changed.len(), 12, "{changed:?}");
    assert!(changed.iter().all(|op| op.starts_with("Delete")
        || op.starts_with("Deactivate")
        || op == "DetachUserPolicy"
        || op == "RemoveUserFromGroup"));
}

const CREATE_PASSWORD: &str = "arn=arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword";

#[test]
fn aws_cli_v1_creates_a_root_login_profile_without_a_password_and_reads_its_errors() {
    if !aws_cli_available() {
        return;
    }
    let sim = Sim::start_toml(&scenario());
    // 222222222202 has no root login profile.
    let s = assume_root(&sim, "222222222202", CREATE_PASSWORD);
    aws(&sim, &s, &["iam", "get-login-profile"]).err("NoSuchEntity");
    let created = aws(&sim, &s, &["iam", "create-login-profile"]).ok();
    assert!(
        created["LoginProfile"]["CreateDate"]
            .as_str()
            .is_some_and(|d| d.ends_with('Z')),
        "{created}"
    );
    assert_eq!(created["LoginProfile"]["PasswordResetRequired"], false);
    aws(&sim, &s, &["iam", "create-login-profile"]).err("EntityAlreadyExists");
    let read = aws(&sim, &s, &["iam", "get-login-profile"]).ok();
    assert_eq!(
        read["LoginProfile"]["CreateDate"],
        created["LoginProfile"]["CreateDate"]
    );
    aws(&sim, &s, &["iam", "delete-login-profile"]).err("AccessDenied");
    aws(&sim, &s, &["iam", "list-mfa-devices"]).err("AccessDenied");
    let audit = assume_root(&sim, "222222222204", AUDIT);
    aws(&sim, &audit, &["iam", "create-login-profile"]).err("AccessDenied");
    assert!(sim.root("222222222202")["login_profile"].is_object());
    assert_eq!(sim.root("222222222204")["login_profile"], Value::Null);
    let ok: Vec<_> = sim
        .mutating_calls()
        .into_iter()
        .filter(|c| c["status"] == 200)
        .map(|c| (c["operation"].clone(), c["task_policy"].clone()))
        .collect();
    assert_eq!(
        ok,
        [(
            json!("CreateLoginProfile"),
            json!("IAMCreateRootUserPassword")
        )]
    );
}

const S3_UNLOCK: &str = "arn=arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy";

#[test]
fn aws_cli_v1_reads_and_deletes_a_bucket_policy_in_an_unlock_session_and_reads_s3_errors() {
    if !aws_cli_available() {
        return;
    }
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::locked-bucket"}]}"#;
    let text = format!(
        "{}\n[[accounts]]\nid = \"222222222220\"\nname = \"data\"\nbuckets = [{{ name = \"locked-bucket\", policy = '{policy}' }}, {{ name = \"open-bucket\" }}]\n",
        scenario()
    );
    let sim = Sim::start_toml(&text);
    let s = assume_root(&sim, "222222222220", S3_UNLOCK);
    let got = aws(
        &sim,
        &s,
        &["s3api", "get-bucket-policy", "--bucket", "locked-bucket"],
    )
    .ok();
    assert_eq!(got["Policy"], policy);
    aws(
        &sim,
        &s,
        &["s3api", "get-bucket-policy", "--bucket", "open-bucket"],
    )
    .err("NoSuchBucketPolicy");
    aws(
        &sim,
        &s,
        &["s3api", "get-bucket-policy", "--bucket", "no-such-bucket"],
    )
    .err("NoSuchBucket");
    let deleted = aws(
        &sim,
        &s,
        &["s3api", "delete-bucket-policy", "--bucket", "locked-bucket"],
    );
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    aws(
        &sim,
        &s,
        &["s3api", "get-bucket-policy", "--bucket", "locked-bucket"],
    )
    .err("NoSuchBucketPolicy");
    // Other task policies, and other accounts' unlock sessions, are denied.
    let audit = assume_root(&sim, "222222222220", AUDIT);
    aws(
        &sim,
        &audit,
        &["s3api", "get-bucket-policy", "--bucket", "open-bucket"],
    )
    .err("AccessDenied");
    let other = assume_root(&sim, "222222222201", S3_UNLOCK);
    aws(
        &sim,
        &other,
        &["s3api", "delete-bucket-policy", "--bucket", "open-bucket"],
    )
    .err("AccessDenied");
    aws(&sim, &s, &["iam", "get-login-profile"]).err("AccessDenied");
    let deletes: Vec<_> = sim
        .calls()
        .into_iter()
        .filter(|c| c["operation"] == "DeleteBucketPolicy")
        .map(|c| (c["status"].clone(), c["task_policy"].clone()))
        .collect();
    assert_eq!(
        deletes,
        [
            (json!(204), json!("S3UnlockBucketPolicy")),
            (json!(403), json!("S3UnlockBucketPolicy"))
        ]
    );
}

const SQS_UNLOCK: &str = "arn=arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy";

#[test]
fn aws_cli_v1_reads_and_removes_a_queue_policy_in_an_unlock_session_and_reads_sqs_errors() {
    if !aws_cli_available() {
        return;
    }
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"}]}"#;
    let text = format!(
        "{}\n[[accounts]]\nid = \"222222222220\"\nname = \"data\"\nqueues = [{{ name = \"jobs\", policy = '{policy}' }}, {{ name = \"open\" }}]\n",
        scenario()
    );
    let sim = Sim::start_toml(&text);
    // The AWS CLI v1 ignores AWS_ENDPOINT_URL for sqs in us-east-1: pass it explicitly.
    let sqs = |creds: &Creds, args: &[&str]| {
        let mut all = vec!["sqs", "--endpoint-url", sim.url()];
        all.extend_from_slice(args);
        aws(&sim, creds, &all)
    };
    let jobs = "https://sqs.us-east-1.amazonaws.com/222222222220/jobs";
    let open = "https://sqs.us-east-1.amazonaws.com/222222222220/open";
    let missing = "https://sqs.us-east-1.amazonaws.com/222222222220/missing";
    let s = assume_root(&sim, "222222222220", SQS_UNLOCK);
    let got = sqs(
        &s,
        &[
            "get-queue-attributes",
            "--queue-url",
            jobs,
            "--attribute-names",
            "Policy",
        ],
    )
    .ok();
    assert_eq!(got["Attributes"]["Policy"], policy);
    let none = sqs(
        &s,
        &[
            "get-queue-attributes",
            "--queue-url",
            open,
            "--attribute-names",
            "Policy",
        ],
    );
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert!(none.json.get("Attributes").is_none(), "{}", none.json);
    sqs(
        &s,
        &[
            "get-queue-attributes",
            "--queue-url",
            missing,
            "--attribute-names",
            "Policy",
        ],
    )
    .err("AWS.SimpleQueueService.NonExistentQueue");
    let set = sqs(
        &s,
        &[
            "set-queue-attributes",
            "--queue-url",
            jobs,
            "--attributes",
            "Policy=",
        ],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    let after = sqs(
        &s,
        &[
            "get-queue-attributes",
            "--queue-url",
            jobs,
            "--attribute-names",
            "Policy",
        ],
    );
    assert!(after.json.get("Attributes").is_none(), "{}", after.json);
    // Other task policies, and other accounts' unlock sessions, are denied.
    let audit = assume_root(&sim, "222222222220", AUDIT);
    sqs(
        &audit,
        &[
            "get-queue-attributes",
            "--queue-url",
            open,
            "--attribute-names",
            "Policy",
        ],
    )
    .err("AccessDenied");
    let other = assume_root(&sim, "222222222201", SQS_UNLOCK);
    sqs(
        &other,
        &[
            "set-queue-attributes",
            "--queue-url",
            open,
            "--attributes",
            "Policy=",
        ],
    )
    .err("AccessDenied");
    let sets: Vec<_> = sim
        .calls()
        .into_iter()
        .filter(|c| c["operation"] == "SetQueueAttributes")
        .map(|c| (c["status"].clone(), c["task_policy"].clone()))
        .collect();
    assert_eq!(
        sets,
        [
            (json!(200), json!("SQSUnlockQueuePolicy")),
            (json!(403), json!("SQSUnlockQueuePolicy"))
        ]
    );
}

#[test]
fn aws_cli_v1_reads_the_wrong_region_answers_of_s3_and_sqs() {
    if !aws_cli_available() {
        return;
    }
    let policy = r#"{"Statement":[]}"#;
    let text = format!(
        "{}\n[[accounts]]\nid = \"222222222220\"\nname = \"data\"\n\
         buckets = [{{ name = \"dublin-bucket\", policy = '{policy}', region = \"eu-west-1\" }}]\n\
         queues = [{{ name = \"dublin\", policy = '{policy}', region = \"eu-west-1\" }}]\n",
        scenario()
    );
    let sim = Sim::start_toml(&text);
    let statuses = |op: &str| -> Vec<(Value, Value)> {
        sim.calls()
            .into_iter()
            .filter(|c| c["operation"] == op)
            .map(|c| (c["status"].clone(), c["error"].clone()))
            .collect()
    };
    // botocore follows S3's redirect to the region named in `x-amz-bucket-region`, as it does
    // against AWS: the simulator's 301 is one it recognises.
    let s3 = assume_root(&sim, "222222222220", S3_UNLOCK);
    let got = aws(
        &sim,
        &s3,
        &["s3api", "get-bucket-policy", "--bucket", "dublin-bucket"],
    )
    .ok();
    assert_eq!(got["Policy"], policy);
    assert_eq!(
        statuses("GetBucketPolicy"),
        [
            (json!(301), json!("PermanentRedirect")),
            (json!(200), Value::Null)
        ]
    );
    // SQS signed for us-east-1 has no such queue; signed for its own region it has.
    let s = assume_root(&sim, "222222222220", SQS_UNLOCK);
    let url = "https://sqs.eu-west-1.amazonaws.com/222222222220/dublin";
    let read = |region: &str| {
        aws(
            &sim,
            &s,
            &[
                "sqs",
                "--endpoint-url",
                sim.url(),
                "--region",
                region,
                "get-queue-attributes",
                "--queue-url",
                url,
                "--attribute-names",
                "Policy",
            ],
        )
    };
    read("us-east-1").err("AWS.SimpleQueueService.NonExistentQueue");
    assert_eq!(read("eu-west-1").ok()["Attributes"]["Policy"], policy);
}

// The IAM failure modes the users commands must handle: boundaries and tags, SSH key bodies,
// a credential report older than a recreated user, stale reads, sessions that end early,
// paged service-specific credentials, names in any case, credentials issued mid-run.

/// A throwaway key made with `ssh-keygen -t rsa -b 2048`; `ssh-keygen -E md5 -lf` printed
/// `FINGERPRINT` for it.
const SSH_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDXefP67oP145ufWUe0P7o98bSI8SjaAZwb7Ar+eqi7OnHkFarasbZZzDUuXIyrV/ltmL77rp5nR0b/8BqqlyVXJBuuqlofLsD8xMTY2Gg/jMvzkaTz+QT+gYAVmp6GACRGOs6a5t6wx5aYhs8fBheDBFIco9Yo8D1c5caG5DG0wqOE/jNxOeGQbnDQ2enKJ9c46IBdZ1DlOAhR6U4IbW1ZKuQPtA92oGiYKZKclhzO16c1iaE9dLyc4dLxEPqkYGx/2zH5bhP+2TA0dkGFvU1zLnKnDcaczQqWoq/BKGjAmVdtTVDRbWt8ge+BA5RJXHEkq3qnILr6LGtXNZjSNTtn test@example";
const FINGERPRINT: &str = "2f:8e:2c:b6:5e:16:21:8a:6e:0f:cc:6e:96:ed:16:0a";

/// One member account with a recreated user `Alice` (boundary, tags, two SSH keys, two service
/// credentials, an `earlier` predecessor) and `bob`; IAM pages of one item; `organization`
/// lines and `rest` added.
fn failure_modes_scenario(organization: &str, rest: &str) -> String {
    format!(
        r#"
[organization]
id = "o-f4i1u2r3e5"
management_account = "111111111111"
iam_page_size = 1
{organization}

[[callers]]
access_key_id = "AKIAMANAGEMENT000001"
secret_access_key = "failure-modes-secret"
account = "111111111111"

[[accounts]]
id = "222222222201"

[[accounts.groups]]
name = "Developers"

[[accounts.users]]
name = "Alice"
created_days_ago = 0
groups = ["developers"]
permissions_boundary = "arn:aws:iam::aws:policy/PowerUserAccess"
tags = [{{ key = "team", value = "data" }}, {{ key = "cost-centre", value = "42" }}, {{ key = "owner", value = "" }}]
attached_policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/job-function/Billing"]
ssh_keys = [{{ id = "APKAGIVENKEY00000001", body = "{SSH_KEY}" }}, {{ id = "APKAMADEKEY000000001", active = false }}]
service_credentials = [{{ service = "codecommit.amazonaws.com", id = "ACCAALICE00000000001" }}, {{ service = "cassandra.amazonaws.com", id = "ACCAALICE00000000002" }}]
earlier = {{ created_days_ago = 400, password = {{ last_used_days_ago = 200 }}, access_keys = [{{ id = "AKIAEARLIERALICE0001", created_days_ago = 390, last_used_days_ago = 300 }}] }}

[[accounts.users]]
name = "bob"
service_credentials = [{{ service = "codecommit.amazonaws.com", id = "ACCABOB0000000000001" }}]

[[accounts.users]]
name = "carol"

{rest}
"#
    )
}

fn iam_run<'a>(sim: &'a Sim, creds: &'a Creds) -> impl Fn(&[&str]) -> Out + 'a {
    move |args: &[&str]| {
        let mut all = vec!["iam"];
        all.extend_from_slice(args);
        aws(sim, creds, &all)
    }
}

#[test]
fn aws_cli_v1_reads_boundaries_and_tags_of_users_found_in_any_case() {
    if !aws_cli_available() {
        return;
    }
    let sim = Sim::start_toml(&failure_modes_scenario("", ""));
    let s = assume_role(&sim, "222222222201");
    let iam = iam_run(&sim, &s);
    let user = iam(&["get-user", "--user-name", "ALICE"]).ok();
    let u = &user["User"];
    assert_eq!(u["UserName"], "Alice", "answered with the stored spelling");
    assert_eq!(
        u["PermissionsBoundary"],
        json!({ "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                "PermissionsBoundaryArn": "arn:aws:iam::aws:policy/PowerUserAccess" })
    );
    assert_eq!(
        u["Tags"],
        json!([{ "Key": "team", "Value": "data" }, { "Key": "cost-centre", "Value": "42" },
               { "Key": "owner", "Value": "" }])
    );
    let bob = iam(&["get-user", "--user-name", "bob"]).ok();
    assert!(bob["User"].get("Tags").is_none() && bob["User"].get("PermissionsBoundary").is_none());
    let users = iam(&["list-users"]).ok();
    assert!(users["Users"]
        .as_array()
        .is_some_and(|u| u.len() == 3 && u.iter().all(|u| u.get("Tags").is_none())));
    // The CLI follows the one-tag pages itself, or stops where --max-items says.
    let tags = iam(&["list-user-tags", "--user-name", "alice"]).ok();
    assert_eq!(tags["Tags"], u["Tags"], "{tags}");
    let first = iam(&["list-user-tags", "--user-name", "alice", "--max-items", "1"]).ok();
    assert_eq!(first["Tags"], json!([{ "Key": "team", "Value": "data" }]));
    assert!(first["NextToken"].is_string(), "{first}");
    assert_eq!(
        iam(&["list-user-tags", "--user-name", "bob"]).ok()["Tags"],
        json!([])
    );
    iam(&["list-user-tags", "--user-name", "dave"]).err("NoSuchEntity");
    let details = iam(&["get-account-authorization-details", "--filter", "User"]).ok();
    let alice = &details["UserDetailList"][0];
    assert_eq!(alice["UserName"], "Alice");
    assert_eq!(alice["PermissionsBoundary"], u["PermissionsBoundary"]);
    assert_eq!(alice["Tags"], u["Tags"]);
    assert_eq!(alice["GroupList"], json!(["Developers"]));
    let keys = iam(&["list-access-keys", "--user-name", "BOB"]).ok();
    assert_eq!(keys["AccessKeyMetadata"], json!([]));
    let groups = iam(&["list-groups-for-user", "--user-name", "alice"]).ok();
    assert_eq!(names(&groups, "Groups", "GroupName"), ["Developers"]);
    let state = sim.state();
    let stored = &state["accounts"]["222222222201"]["users"]["Alice"];
    assert_eq!(
        stored["permissions_boundary"],
        "arn:aws:iam::aws:policy/PowerUserAccess"
    );
    assert_eq!(stored["tags"][2], json!({ "key": "owner", "value": "" }));
}

#[test]
fn aws_cli_v1_reads_ssh_public_key_bodies_in_both_encodings_and_their_errors() {
    if !aws_cli_available() {
        return;
    }
    let sim = Sim::start_toml(&failure_modes_scenario("", ""));
    let s = assume_role(&sim, "222222222201");
    let iam = iam_run(&sim, &s);
    let get = |id: &str, encoding: &str| {
        iam(&[
            "get-ssh-public-key",
            "--user-name",
            "alice",
            "--ssh-public-key-id",
            id,
            "--encoding",
            encoding,
        ])
    };
    let ssh = get("APKAGIVENKEY00000001", "SSH").ok();
    let key = &ssh["SSHPublicKey"];
    assert_eq!(key["UserName"], "Alice");
    assert_eq!(key["SSHPublicKeyBody"], SSH_KEY);
    assert_eq!(key["Fingerprint"], FINGERPRINT);
    assert_eq!(key["Status"], "Active");
    assert!(key["UploadDate"].is_string(), "{ssh}");
    let pem = get("APKAGIVENKEY00000001", "PEM").ok();
    let body = pem["SSHPublicKey"]["SSHPublicKeyBody"]
        .as_str()
        .unwrap_or_default();
    assert!(
        body.starts_with("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA13nz+u6D9eObn1lHtD+6\n")
            && body.ends_with("ZwIDAQAB\n-----END PUBLIC KEY-----\n"),
        "the PEM form ssh-keygen -e -m PKCS8 prints: {body}"
    );
    let made = get("APKAMADEKEY000000001", "SSH").ok();
    let made = &made["SSHPublicKey"];
    assert!(made["SSHPublicKeyBody"].as_str().is_some_and(|b| b
        .starts_with("ssh-rsa AAAAB3NzaC1yc2E")
        && b.ends_with(" APKAMADEKEY000000001")));
    assert_eq!(made["Status"], "Inactive");
    assert_eq!(made["Fingerprint"].as_str().map(str::len), Some(47));
    get("APKANOSUCHKEY0000001", "SSH").err("NoSuchEntity");
    get("APKAGIVENKEY00000001", "RSA").err("ValidationError");
    let listed = iam(&["list-ssh-public-keys", "--user-name", "alice"]).ok();
    assert_eq!(
        names(&listed, "SSHPublicKeys", "SSHPublicKeyId"),
        ["APKAGIVENKEY00000001", "APKAMADEKEY000000001"]
    );
}

#[test]
fn aws_cli_v1_reads_the_predecessors_row_in_the_credential_report_of_a_recreated_user() {
    if !aws_cli_available() {
        return;
    }
    let sim = Sim::start_toml(&failure_modes_scenario("", ""));
    let s = assume_role(&sim, "222222222201");
    let iam = iam_run(&sim, &s);
    assert_eq!(
        iam(&["generate-credential-report"]).ok()["State"],
        "STARTED"
    );
    assert_eq!(
        iam(&["generate-credential-report"]).ok()["State"],
        "COMPLETE"
    );
    let report = iam(&["get-credential-report"]).ok();
    let content = report["Content"].as_str().expect("Content");
    let csv = String::from_utf8(aws_smithy_types::base64::decode(content).expect("base64"))
        .expect("utf-8");
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("Alice,"))
        .unwrap_or_else(|| panic!("no Alice row: {csv}"))
        .split(',')
        .collect();
    let state = sim.state();
    let stored = &state["accounts"]["222222222201"]["users"]["Alice"];
    let report_time = |iso: &Value| iso.as_str().unwrap_or_default().replace('Z', "+00:00");
    assert_eq!(row[1], "arn:aws:iam::222222222201:user/Alice");
    assert_eq!(
        row[2],
        report_time(&stored["earlier"]["created"]),
        "the earlier user's creation"
    );
    assert_eq!(&row[3..4], ["true"], "the earlier user had a password");
    assert_eq!(row[8], "true", "and an access key");
    assert_ne!(row[10], "N/A", "used 300 days ago");
    let user = iam(&["get-user", "--user-name", "Alice"]).ok();
    assert_eq!(
        user["User"]["CreateDate"], stored["created"],
        "GetUser shows the current user"
    );
    assert_ne!(
        user["User"]["CreateDate"]
            .as_str()
            .map(|d| d.replace('Z', "+00:00")),
        Some(row[2].to_string())
    );
    assert_eq!(
        iam(&["list-access-keys", "--user-name", "Alice"]).ok()["AccessKeyMetadata"],
        json!([])
    );
    iam(&["get-login-profile", "--user-name", "Alice"]).err("NoSuchEntity");
    let used = iam(&[
        "get-access-key-last-used",
        "--access-key-id",
        "AKIAEARLIERALICE0001",
    ]);
    used.err("NoSuchEntity");
}

#[test]
fn aws_cli_v1_sees_a_deleted_user_and_a_detached_policy_until_iam_is_consistent() {
    if !aws_cli_available() {
        return;
    }
    use std::time::{Duration, Instant};
    // Long enough for two AWS CLI calls (a Python start each) on a loaded 2-core machine.
    const WINDOW: Duration = Duration::from_secs(30);
    let sim = Sim::start_toml(&failure_modes_scenario("iam_consistency_ms = 30000", ""));
    let s = assume_role(&sim, "222222222201");
    let iam = iam_run(&sim, &s);
    // Each stale read comes right after its change, and is checked against the clock: a
    // machine so loaded that two CLI calls take the whole window says so instead of failing
    // obscurely.
    let in_window = |since: Instant, what: &str| {
        assert!(
            since.elapsed() < WINDOW,
            "{what} took longer than iam_consistency_ms; the machine is too slow for this test"
        );
    };
    let readonly = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    let detach = [
        "detach-user-policy",
        "--user-name",
        "alice",
        "--policy-arn",
        readonly,
    ];
    let detached = Instant::now();
    iam(&detach).ok();
    let attached = iam(&["list-attached-user-policies", "--user-name", "alice"]).ok();
    in_window(detached, "DetachUserPolicy and the read after it");
    assert_eq!(
        names(&attached, "AttachedPolicies", "PolicyArn"),
        [readonly, "arn:aws:iam::aws:policy/job-function/Billing"],
        "the detached policy is still listed where it stood"
    );
    let deleted = Instant::now();
    iam(&["delete-user", "--user-name", "CAROL"]).ok();
    // The simulator's window opened before the call returned: it has closed a window later.
    let consistent_at = Instant::now() + WINDOW + Duration::from_millis(300);
    let user = iam(&["get-user", "--user-name", "carol"]).ok();
    in_window(deleted, "DeleteUser and the read after it");
    assert_eq!(
        user["User"]["UserName"], "carol",
        "GetUser still answers the deleted user"
    );
    iam(&["list-access-keys", "--user-name", "carol"]).err("NoSuchEntity");
    iam(&["list-groups-for-user", "--user-name", "carol"]).err("NoSuchEntity");
    iam(&detach).err("NoSuchEntity");
    let state = sim.state();
    assert!(state["accounts"]["222222222201"]["users"]
        .get("carol")
        .is_none());
    std::thread::sleep(consistent_at.saturating_duration_since(Instant::now()));
    iam(&["get-user", "--user-name", "carol"]).err("NoSuchEntity");
    let attached = iam(&["list-attached-user-policies", "--user-name", "alice"]).ok();
    assert_eq!(
        names(&attached, "AttachedPolicies", "PolicyArn"),
        ["arn:aws:iam::aws:policy/job-function/Billing"]
    );
}

#[test]
fn aws_cli_v1_reads_expired_token_when_a_role_session_ends_sooner_than_asked() {
    if !aws_cli_available() {
        return;
    }
    use time::format_description::well_known::Rfc3339;
    use time::{Duration, OffsetDateTime};
    let sim = Sim::start_toml(&failure_modes_scenario("role_session_seconds = 3", ""));
    let arn = "arn:aws:iam::222222222201:role/OrganizationAccountAccessRole";
    let started = OffsetDateTime::now_utc();
    let out = aws(
        &sim,
        &management(&sim),
        &[
            "sts",
            "assume-role",
            "--role-arn",
            arn,
            "--role-session-name",
            "long-job",
            "--duration-seconds",
            "3600",
        ],
    )
    .ok();
    let answered = OffsetDateTime::now_utc();
    let expiration = out["Credentials"]["Expiration"]
        .as_str()
        .unwrap_or_default();
    let ends = OffsetDateTime::parse(expiration, &Rfc3339).expect("RFC 3339 Expiration");
    // Issued between `started` and `answered`, for 3 s rounded up to a whole second.
    assert!(
        ends >= started + Duration::seconds(3) - Duration::milliseconds(1)
            && ends <= answered + Duration::seconds(4),
        "Expiration says 3 s, not the hour asked for: {expiration}"
    );
    let c = &out["Credentials"];
    let s = Creds {
        key: c["AccessKeyId"].as_str().unwrap_or_default().into(),
        secret: c["SecretAccessKey"].as_str().unwrap_or_default().into(),
        token: c["SessionToken"].as_str().map(String::from),
    };
    let wait = (ends - OffsetDateTime::now_utc()).as_seconds_f64() + 0.3;
    std::thread::sleep(std::time::Duration::from_secs_f64(wait.max(0.0)));
    aws(&sim, &s, &["iam", "get-user", "--user-name", "alice"]).err("ExpiredToken");
    aws(&sim, &s, &["iam", "list-users"]).err("ExpiredToken");
    let expired: Vec<Value> = sim
        .calls()
        .into_iter()
        .filter(|c| c["error"] == "ExpiredToken")
        .map(|c| c["status"].clone())
        .collect();
    assert_eq!(expired, [json!(403), json!(403)]);
}

#[test]
fn aws_cli_v1_reads_expired_token_when_a_session_is_cut_short_by_expire_session() {
    if !aws_cli_available() {
        return;
    }
    let fault =
        "[[faults]]\naction = \"expire-session\"\noperation = \"ListSSHPublicKeys\"\ntimes = 1\n";
    let sim = Sim::start_toml(&failure_modes_scenario("", fault));
    let m = management(&sim);
    aws(
        &sim,
        &m,
        &["iam", "list-ssh-public-keys", "--user-name", "nobody"],
    )
    .err("NoSuchEntity");
    let cut = assume_role(&sim, "222222222201");
    let ssh = ["iam", "list-ssh-public-keys", "--user-name", "alice"];
    let first = aws(&sim, &cut, &ssh);
    assert!(
        first
            .stderr
            .contains("The security token included in the request is expired"),
        "{}",
        first.stderr
    );
    first.err("ExpiredToken");
    aws(&sim, &cut, &["iam", "list-users"]).err("ExpiredToken");
    let fresh = assume_role(&sim, "222222222201");
    aws(&sim, &fresh, &ssh).ok();
    let sessions = sim.sessions();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    let now = time::OffsetDateTime::now_utc();
    let ends = |s: &Value| {
        let at = s["expires"].as_str().unwrap_or_default();
        time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
            .expect("expires")
    };
    let cut_session = sessions
        .iter()
        .find(|s| s["access_key_id"] == cut.key.as_str())
        .expect("the cut session");
    assert!(
        ends(cut_session) <= now,
        "expired when the fault fired: {cut_session}"
    );
    assert!(sessions
        .iter()
        .any(|s| ends(s) > now + time::Duration::minutes(50)));
}

#[test]
fn aws_cli_v1_pages_service_specific_credentials_of_one_user_and_of_all_users() {
    if !aws_cli_available() {
        return;
    }
    let sim = Sim::start_toml(&failure_modes_scenario("", ""));
    let s = assume_role(&sim, "222222222201");
    let iam = iam_run(&sim, &s);
    // No CLI paginator for this operation: every call is one page, followed by hand.
    let pages = |args: &[&str]| {
        let mut seen = Vec::new();
        let mut marker: Option<String> = None;
        for _ in 0..10 {
            let mut all = vec!["list-service-specific-credentials"];
            all.extend_from_slice(args);
            if let Some(m) = &marker {
                all.extend(["--marker", m.as_str()]);
            }
            let page = iam(&all).ok();
            let creds = page["ServiceSpecificCredentials"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert!(creds.len() <= 1, "iam_page_size = 1: {page}");
            seen.extend(creds.iter().map(|c| {
                format!(
                    "{}:{}",
                    c["UserName"].as_str().unwrap_or_default(),
                    c["ServiceSpecificCredentialId"]
                        .as_str()
                        .unwrap_or_default()
                )
            }));
            match (&page["IsTruncated"], page["Marker"].as_str()) {
                (Value::Bool(true), Some(m)) => marker = Some(m.to_string()),
                (Value::Bool(false), None) => return seen,
                other => panic!("a page is truncated with a marker or complete without: {other:?}"),
            }
        }
        panic!("more pages than credentials");
    };
    assert_eq!(
        pages(&["--user-name", "alice"]),
        ["Alice:ACCAALICE00000000001", "Alice:ACCAALICE00000000002"]
    );
    assert_eq!(
        pages(&["--all-users"]),
        [
            "Alice:ACCAALICE00000000001",
            "Alice:ACCAALICE00000000002",
            "bob:ACCABOB0000000000001"
        ]
    );
    assert_eq!(
        pages(&["--all-users", "--service-name", "codecommit.amazonaws.com"]),
        ["Alice:ACCAALICE00000000001", "bob:ACCABOB0000000000001"]
    );
    let two = iam(&[
        "list-service-specific-credentials",
        "--all-users",
        "--max-items",
        "2",
    ])
    .ok();
    assert_eq!(
        two["ServiceSpecificCredentials"].as_array().map(Vec::len),
        Some(1),
        "iam_page_size wins: {two}"
    );
    iam(&[
        "list-service-specific-credentials",
        "--all-users",
        "--user-name",
        "bob",
    ])
    .err("ValidationError");
    iam(&["list-service-specific-credentials"]).err("ValidationError");
}

#[test]
fn aws_cli_v1_meets_credentials_issued_between_the_audit_and_the_change() {
    if !aws_cli_available() {
        return;
    }
    let faults = "[[faults]]\naction = \"upload-ssh-key\"\noperation = \"DeleteUser\"\ntimes = 1\n\
                  [[faults]]\naction = \"add-service-credential\"\noperation = \"DeleteUser\"\ntimes = 1\n";
    let sim = Sim::start_toml(&failure_modes_scenario("", faults));
    let s = assume_role(&sim, "222222222201");
    let iam = iam_run(&sim, &s);
    assert_eq!(
        iam(&["list-ssh-public-keys", "--user-name", "carol"]).ok()["SSHPublicKeys"],
        json!([])
    );
    let first = iam(&["delete-user", "--user-name", "carol"]);
    assert!(first.stderr.contains("SSH public keys"), "{}", first.stderr);
    first.err("DeleteConflict");
    let keys = iam(&["list-ssh-public-keys", "--user-name", "carol"]).ok();
    let key = &keys["SSHPublicKeys"][0];
    assert_eq!(key["Status"], "Active");
    let id = key["SSHPublicKeyId"]
        .as_str()
        .expect("a new key")
        .to_string();
    let uploaded = time::OffsetDateTime::parse(
        key["UploadDate"].as_str().unwrap_or_default(),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("UploadDate");
    assert!(
        (time::OffsetDateTime::now_utc() - uploaded).whole_seconds() < 60,
        "uploaded now"
    );
    let body = iam(&[
        "get-ssh-public-key",
        "--user-name",
        "carol",
        "--ssh-public-key-id",
        &id,
        "--encoding",
        "SSH",
    ])
    .ok();
    assert!(body["SSHPublicKey"]["SSHPublicKeyBody"]
        .as_str()
        .is_some_and(|b| b.starts_with("ssh-rsa ")));
    iam(&[
        "delete-ssh-public-key",
        "--user-name",
        "carol",
        "--ssh-public-key-id",
        &id,
    ])
    .ok();
    let second = iam(&["delete-user", "--user-name", "carol"]);
    assert!(
        second.stderr.contains("service-specific credentials"),
        "{}",
        second.stderr
    );
    second.err("DeleteConflict");
    let creds = iam(&["list-service-specific-credentials", "--user-name", "carol"]).ok();
    let cred = &creds["ServiceSpecificCredentials"][0];
    assert_eq!(
        (&cred["ServiceName"], &cred["Status"]),
        (&json!("codecommit.amazonaws.com"), &json!("Active"))
    );
    assert_eq!(cred["ServiceUserName"], "carol-at-222222222201");
    let cred_id = cred["ServiceSpecificCredentialId"]
        .as_str()
        .expect("id")
        .to_string();
    iam(&[
        "delete-service-specific-credential",
        "--user-name",
        "carol",
        "--service-specific-credential-id",
        &cred_id,
    ])
    .ok();
    iam(&["delete-user", "--user-name", "carol"]).ok();
    let bob = iam(&["list-ssh-public-keys", "--user-name", "bob"]).ok();
    assert_eq!(
        bob["SSHPublicKeys"].as_array().map(Vec::len),
        Some(1),
        "every user of the account got one"
    );
}

#[test]
fn aws_cli_v1_updates_credential_statuses_and_reads_them_back() {
    if !aws_cli_available() {
        return;
    }
    let sim = Sim::start_toml(&users_scenario());
    let s = assume_role(&sim, "222222222202");
    let iam = iam_run(&sim, &s);
    let statuses = |v: &Value, list: &str| names(v, list, "Status");
    let keys = iam(&["list-access-keys", "--user-name", "keyold"]).ok();
    let key = names(&keys, "AccessKeyMetadata", "AccessKeyId").remove(0);
    assert_eq!(statuses(&keys, "AccessKeyMetadata"), ["Active"]);
    let update_key = |user: &str, status: &str| {
        iam(&[
            "update-access-key",
            "--user-name",
            user,
            "--access-key-id",
            &key,
            "--status",
            status,
        ])
    };
    let answer = update_key("KEYOLD", "Inactive").ok();
    assert_eq!(answer, Value::Null, "no output, as AWS answers");
    let keys = iam(&["list-access-keys", "--user-name", "keyold"]).ok();
    assert_eq!(statuses(&keys, "AccessKeyMetadata"), ["Inactive"]);
    update_key("keyold", "Inactive").ok();
    update_key("git-user", "Active").err("NoSuchEntity");
    update_key("nobody", "Active").err("NoSuchEntity");
    let wrong = update_key("keyold", "Expired");
    assert!(
        wrong
            .stderr
            .contains("Member must satisfy enum value set: [Active, Inactive]"),
        "{}",
        wrong.stderr
    );
    wrong.err("ValidationError");

    let ssh = iam(&["list-ssh-public-keys", "--user-name", "git-user"]).ok();
    let ssh_id = names(&ssh, "SSHPublicKeys", "SSHPublicKeyId").remove(0);
    iam(&[
        "update-ssh-public-key",
        "--user-name",
        "git-user",
        "--ssh-public-key-id",
        &ssh_id,
        "--status",
        "Inactive",
    ])
    .ok();
    let ssh = iam(&["list-ssh-public-keys", "--user-name", "git-user"]).ok();
    assert_eq!(statuses(&ssh, "SSHPublicKeys"), ["Inactive"]);
    let one = iam(&[
        "get-ssh-public-key",
        "--user-name",
        "git-user",
        "--ssh-public-key-id",
        &ssh_id,
        "--encoding",
        "SSH",
    ])
    .ok();
    assert_eq!(one["SSHPublicKey"]["Status"], "Inactive");

    let creds = iam(&[
        "list-service-specific-credentials",
        "--user-name",
        "olduser",
    ])
    .ok();
    let cred = names(
        &creds,
        "ServiceSpecificCredentials",
        "ServiceSpecificCredentialId",
    )
    .remove(0);
    assert_eq!(statuses(&creds, "ServiceSpecificCredentials"), ["Inactive"]);
    iam(&[
        "update-service-specific-credential",
        "--user-name",
        "olduser",
        "--service-specific-credential-id",
        &cred,
        "--status",
        "Active",
    ])
    .ok();
    let creds = iam(&[
        "list-service-specific-credentials",
        "--user-name",
        "olduser",
    ])
    .ok();
    assert_eq!(statuses(&creds, "ServiceSpecificCredentials"), ["Active"]);

    let changed: Vec<String> = sim
        .non_read_calls()
        .iter()
        .filter(|c| c["status"] == 200 && c["mutating"] == true)
        .map(|c| c["operation"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        changed,
        [
            "UpdateAccessKey",
            "UpdateAccessKey",
            "UpdateSSHPublicKey",
            "UpdateServiceSpecificCredential"
        ]
    );
}
