//! Environment mistakes: each is a clear error naming the culprit, with the documented exit code,
//! before any AWS call and without a report claiming success.

use crate::support::cli::{command, reports, rootsweep, rootsweep_env};
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
    let stdout = String::from_utf8_lossy(&out.stdout);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(
        errors,
        vec!["rootsweep: error: preflight failed (caller identity); the fix for each is in the checks on stdout. Nothing was audited or changed"],
        "{stderr}"
    );
    // The culprit and the fix, once, in the checks.
    assert_eq!(
        stdout.matches("GetCallerIdentity: ConnectionError").count(),
        1,
        "{stdout}"
    );
    assert!(
        stdout.contains("check the endpoint, region and network"),
        "{stdout}"
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
    let mut cmd = command(&sim, &["preflight"]);
    cmd.env_remove("AWS_REGION");
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
    let mut cmd = command(&sim, &["preflight", "--endpoint-url", sim.url()]);
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    let out = cmd.output().expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!sim.calls().is_empty());
}

#[test]
fn a_region_that_is_not_an_aws_region_is_a_one_line_usage_error_before_any_aws_call() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit", "--region", "xx-nowhere-9"]);
    run.expect_code(2);
    let first = run.stderr.lines().next().unwrap_or("");
    assert!(
        first.starts_with("error: invalid value 'xx-nowhere-9' for '--region <REGION>': `xx-nowhere-9` is not an AWS region name"),
        "{}",
        run.stderr
    );
    let config = dir.path().join("rootsweep.toml");
    std::fs::write(&config, "[aws]\nregion = \"xx-nowhere-9\"\n").expect("config");
    let run = rootsweep(
        &sim,
        dir.path(),
        &["preflight", "--config", config.to_str().expect("utf8")],
    );
    run.expect_code(2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("rootsweep.toml:2: key `region`: `xx-nowhere-9` is not an AWS region name"),
        "{}",
        run.stderr
    );
    assert!(sim.calls().is_empty());
}

#[test]
fn a_negative_concurrency_names_the_flag() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit", "--concurrency", "-1"]);
    run.expect_code(2);
    assert!(
        run.stderr.starts_with(
            "error: invalid value '-1' for '--concurrency <N>': -1 is not in 1..=1024"
        ),
        "{}",
        run.stderr
    );
    assert!(sim.calls().is_empty());
}

#[test]
fn a_file_where_a_folder_should_be_names_the_os_reason_once() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "a file").expect("write");
    let inside = blocker.join("x");
    let inside = inside.to_str().expect("utf8");
    for args in [
        vec!["audit", "--config", inside],
        vec!["audit", "--accounts-file", inside],
    ] {
        let run = rootsweep(&sim, dir.path(), &args);
        run.expect_code(2);
        assert_eq!(
            run.stderr.matches("Not a directory").count(),
            1,
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = rootsweep(&sim, &blocker.join("reports"), &["audit"]);
    run.expect_code(2);
    assert_eq!(
        run.stderr.matches("Not a directory").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--report-dir"), "{}", run.stderr);
    assert!(sim.calls().is_empty());
}

#[test]
fn an_endpoint_variable_set_but_empty_is_a_one_line_usage_error_not_a_crash() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    for var in ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS"] {
        let run = rootsweep_env(&sim, dir.path(), &["audit"], &[(var, "")]);
        run.expect_code(2);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{var} is set but empty")),
            "{}",
            run.stderr
        );
    }
    assert!(sim.calls().is_empty(), "{:?}", sim.calls());
}
