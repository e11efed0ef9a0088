//! Environment mistakes: each is a clear error naming the culprit, with the documented exit code,
//! before any AWS call and without a report claiming success.

use crate::support::cli::{command, reports, rootsweep};
use crate::support::scenario::shipped;
use crate::support::sim::Sim;

fn no_report_files(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir)
        .map(|d| d.count() == 0)
        .unwrap_or(true)
}

#[test]
fn an_undefined_profile_is_a_usage_error_before_any_aws_call() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit", "--profile", "no-such-profile"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("AWS profile `no-such-profile` is not defined"),
        "{}",
        run.stderr
    );
    assert!(sim.calls().is_empty());
    assert!(no_report_files(dir.path()));
}

#[test]
fn an_unreachable_endpoint_is_fatal_with_a_one_line_error() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let mut cmd = command(&sim, &["audit", "--max-attempts", "1"]);
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .arg("--report-dir")
        .arg(dir.path());
    let out = cmd.output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "rootsweep: error: preflight: caller identity: GetCallerIdentity: ConnectionError"
        ),
        "{stderr}"
    );
    assert!(no_report_files(dir.path()));
}

#[test]
fn an_unwritable_report_folder_is_refused_before_any_aws_call() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "a file where the report folder should be").expect("write");
    let run = rootsweep(&sim, &blocker.join("reports"), &["audit"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("the report folder is not writable"),
        "{}",
        run.stderr
    );
    assert!(sim.calls().is_empty());
}

#[test]
fn without_a_configured_region_the_documented_default_is_used() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let mut cmd = command(&sim, &["preflight"]);
    cmd.env_remove("AWS_REGION")
        .arg("--report-dir")
        .arg(dir.path());
    let out = cmd.output().expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn per_service_endpoint_variables_work_as_in_the_aws_cli() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let mut cmd = command(&sim, &["audit", "--accounts", "222222222201"]);
    cmd.env_remove("AWS_ENDPOINT_URL")
        .env("AWS_ENDPOINT_URL_STS", sim.url())
        .env("AWS_ENDPOINT_URL_IAM", sim.url())
        .env("AWS_ENDPOINT_URL_ORGANIZATIONS", sim.url())
        .arg("--report-dir")
        .arg(dir.path());
    let out = cmd.output().expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let services: std::collections::BTreeSet<String> = sim
        .calls()
        .iter()
        .filter_map(|c| c["service"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        services.into_iter().collect::<Vec<_>>(),
        vec!["iam", "organizations", "sts"]
    );
}

#[test]
fn endpoint_url_flag_overrides_the_environment() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let mut cmd = command(&sim, &["preflight", "--endpoint-url", sim.url()]);
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .arg("--report-dir")
        .arg(dir.path());
    let out = cmd.output().expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!sim.calls().is_empty());
}
