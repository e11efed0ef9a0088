//! `rootsweep demo`: the README's first command works on its own and says it is simulated.

use std::process::Command;

#[test]
fn demo_runs_the_audit_and_the_dry_run_plan_against_the_simulated_organization() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_rootsweep"))
        .args(["demo", "--report-dir"])
        .arg(dir.path())
        .env_remove("AWS_PROFILE")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("=== SIMULATED ORGANIZATION"), "{stdout}");
    assert!(stdout.contains("ok   IAM root access features"), "{stdout}");
    assert!(
        stdout.contains("Plan (login-profile, mfa): 5 account(s) would change."),
        "{stdout}"
    );
    assert!(stdout.contains("deactivate MFA device arn:aws:iam::222222222204:u2f/root/yubi"));
    let reports = std::fs::read_dir(dir.path()).expect("reports").count();
    assert_eq!(reports, 2, "the demo writes its audit CSV and JSON");
}
