//! Preflight end to end: each check fails on its own cause with the fixing AWS CLI command, and
//! `audit` stops before any AssumeRoot when preflight fails.

use crate::support::cli::{report, reports, rootsweep, rootsweep_env, Csv};
use crate::support::scenario::{eligible, org, ENABLED};
use crate::support::sim::Sim;

fn assume_roots(sim: &Sim) -> usize {
    sim.calls()
        .iter()
        .filter(|c| c["operation"] == "AssumeRoot")
        .count()
}

#[test]
fn preflight_passes_for_the_management_account() {
    let sim = Sim::start_toml(&org(ENABLED, &eligible("222222220001")));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["preflight"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("caller is the management account"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("FAIL"));
}

#[test]
fn trusted_access_off_fails_preflight_and_audit_makes_no_assume_root() {
    let sim = Sim::start_toml(&org(
        "feature_set = \"ALL\"\ntrusted_access = []\niam_features = []",
        &eligible("222222220001"),
    ));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["preflight"]);
    run.expect_code(1);
    assert!(run.stdout.contains(
        "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com"
    ));
    assert!(
        run.stdout
            .contains("trusted access for iam.amazonaws.com is not enabled"),
        "{}",
        run.stdout
    );
    let audit = rootsweep(&sim, dir.path(), &["audit"]);
    audit.expect_code(1);
    assert!(
        audit.stderr.contains("preflight failed"),
        "{}",
        audit.stderr
    );
    // One stream for the checks, whichever command ran them.
    assert!(
        audit.stdout.contains(
            "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com"
        ),
        "{}",
        audit.stdout
    );
    assert!(!audit.stderr.contains("FAIL"), "{}", audit.stderr);
    assert_eq!(assume_roots(&sim), 0);
}

#[test]
fn a_missing_root_sessions_feature_names_its_enable_command() {
    let sim = Sim::start_toml(&org(
        "feature_set = \"ALL\"\ntrusted_access = [\"iam.amazonaws.com\"]\niam_features = [\"RootCredentialsManagement\"]",
        &eligible("222222220001"),
    ));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["preflight", "--output", "json"]);
    run.expect_code(1);
    let checks: serde_json::Value = serde_json::from_str(&run.stdout).expect("json checks");
    let failed: Vec<&serde_json::Value> = checks
        .as_array()
        .expect("array")
        .iter()
        .filter(|c| c["ok"] == false)
        .collect();
    assert_eq!(failed.len(), 1, "{checks}");
    assert_eq!(
        failed[0]["fix"],
        "aws iam enable-organizations-root-sessions"
    );
}

#[test]
fn consolidated_billing_organization_fails_with_enable_all_features() {
    let sim = Sim::start_toml(&org(
        "feature_set = \"CONSOLIDATED_BILLING\"\ntrusted_access = [\"iam.amazonaws.com\"]\niam_features = [\"RootCredentialsManagement\", \"RootSessions\"]",
        &eligible("222222220001"),
    ));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["preflight"]);
    run.expect_code(1);
    assert!(
        run.stdout.contains("aws organizations enable-all-features"),
        "{}",
        run.stdout
    );
}

const MEMBER_CALLER: &str = r#"
[[callers]]
access_key_id = "AKIAMEMBERCALLER0001"
secret_access_key = "member-secret"
account = "222222220001"
"#;

#[test]
fn a_member_account_that_is_not_delegated_administrator_fails_preflight() {
    let sim = Sim::start_toml(&org(
        ENABLED,
        &format!("{}{MEMBER_CALLER}", eligible("222222220001")),
    ));
    let dir = reports();
    let run = rootsweep_env(
        &sim,
        dir.path(),
        &["audit"],
        &[("AWS_ACCESS_KEY_ID", "AKIAMEMBERCALLER0001")],
    );
    run.expect_code(1);
    // The checks go to stdout, as `preflight` prints them; stderr has the one-line error.
    assert!(run.stdout.contains("FAIL"), "{}", run.stdout);
    assert!(
        run.stdout.contains("register-delegated-administrator"),
        "{}",
        run.stdout
    );
    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].starts_with("rootsweep: error: preflight failed (organization and caller role"),
        "{}",
        run.stderr
    );
    assert!(
        errors[0].ends_with(
            "the fix for each is in the checks on stdout. Nothing was audited or changed"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(assume_roots(&sim), 0);
}

#[test]
fn the_iam_delegated_administrator_passes_and_audits() {
    let sim = Sim::start_toml(&org(
        &format!(
            "{ENABLED}\ndelegated_administrators = [{{ account = \"222222220001\", service_principal = \"iam.amazonaws.com\" }}]"
        ),
        &format!("{}{}{MEMBER_CALLER}", eligible("222222220001"), eligible("222222220002")),
    ));
    let dir = reports();
    let run = rootsweep_env(
        &sim,
        dir.path(),
        &["audit"],
        &[("AWS_ACCESS_KEY_ID", "AKIAMEMBERCALLER0001")],
    );
    run.expect_code(0);
    assert!(run.stderr.contains("preflight ok"), "{}", run.stderr);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(csv.account("222222220002")["verdict"], "eligible");
}

#[test]
fn arns_use_the_callers_partition() {
    let text = org(ENABLED, &eligible("222222220001"))
        .replace("partition = \"aws\"", "partition = \"aws-us-gov\"");
    let sim = Sim::start_toml(&text);
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit"]).expect_code(0);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(
        csv.account("222222220001")["mfa_serials"],
        "arn:aws-us-gov:iam::222222220001:mfa/root"
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(report(dir.path(), "audit-", ".json")).expect("json"),
    )
    .expect("valid");
    assert_eq!(json["partition"], "aws-us-gov");
}

#[test]
fn missing_credentials_fail_preflight_with_exit_1_and_a_clear_fix() {
    let sim = Sim::start_toml(&org(ENABLED, &eligible("222222220001")));
    let dir = reports();
    for args in [
        vec!["preflight"],
        vec!["audit", "--report-dir", "REPORTS"],
        vec!["delete", "--dry-run", "--report-dir", "REPORTS"],
        vec!["preflight", "--output", "json"],
    ] {
        let args: Vec<&str> = args
            .iter()
            .map(|a| {
                if *a == "REPORTS" {
                    dir.path().to_str().expect("utf8")
                } else {
                    a
                }
            })
            .collect();
        let mut cmd = crate::support::cli::command(&sim, &args);
        cmd.env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY");
        let out = cmd.output().expect("run");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stdout, "", "{args:?}: nothing was checked, so no table");
        let expected = String::from(
            "rootsweep: error: no AWS credentials found (tried: environment variables, profile `default` in the AWS config and credentials files, SSO, web identity, container and EC2 instance metadata (IMDS)); run `aws configure` or `aws sso login`"
        );
        assert_eq!(stderr.trim_end(), expected, "{args:?}");
        assert!(!stderr.contains("IMDS is disabled"), "{stderr}");
    }
    assert!(sim.calls().is_empty());
}

/// An instance metadata endpoint that refuses every request, as off EC2 behind some proxies.
fn refusing_imds() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    url
}

#[test]
fn an_instance_metadata_refusal_is_reported_as_no_credentials_not_as_the_imds_error() {
    let sim = Sim::start_toml(&org(ENABLED, &eligible("222222220001")));
    let mut cmd = crate::support::cli::command(&sim, &["preflight"]);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_EC2_METADATA_DISABLED")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", refusing_imds());
    let out = cmd.output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("rootsweep: error: no AWS credentials found (tried: "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("session token"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
}
