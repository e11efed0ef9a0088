//! `rootsweep demo`: the README's first command works on its own and says it is simulated.

use std::process::Command;

#[test]
fn demo_runs_the_audit_the_dry_run_plan_and_a_users_audit_against_simulated_organizations() {
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
    assert!(
        stdout.contains("Step 3: `rootsweep users audit`"),
        "{stdout}"
    );
    // The users organization's account without the role is shown with its reason.
    assert!(stdout.contains("222222222203"), "{stdout}");
    assert!(stdout.contains("AccessDenied"), "{stdout}");
    assert!(
        stdout.trim_end().ends_with("is contacted or changed ==="),
        "{stdout}"
    );
    let mut reports: Vec<String> = std::fs::read_dir(dir.path())
        .expect("reports")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .map(|name| name.split('-').next().unwrap_or("").to_string())
        .collect();
    reports.sort();
    assert_eq!(
        reports,
        ["audit", "audit", "users", "users"],
        "the demo writes the audit's and the users audit's CSV and JSON"
    );
}
