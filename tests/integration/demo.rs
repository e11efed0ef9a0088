//! `rootsweep demo`: the README's first command works on its own and says it is simulated.

use std::process::Command;

#[test]
fn demo_runs_the_audit_the_dry_run_plan_a_users_audit_and_the_users_dry_runs_against_simulated_organizations(
) {
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
    // No address that is gone when the demo ends.
    assert!(!stdout.contains("127.0.0.1"), "{stdout}");
    assert!(!stdout.contains("http://"), "{stdout}");
    // Why the skipped accounts were skipped.
    assert!(
        stdout.contains("Skipped (not read): 4 account(s):"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 management account is never targeted: 111111111111"),
        "{stdout}"
    );
    assert!(stdout.contains(", not ACTIVE: "), "{stdout}");
    // The plan says the real delete would be refused, and what would clean the rest.
    assert!(stdout.contains("REFUSED (exit 3)"), "{stdout}");
    assert!(
        stdout.contains("\n  rootsweep delete --skip-blocked\n"),
        "{stdout}"
    );
    // It ends with what to try against a real organization.
    let tail: String = stdout.lines().rev().take(10).collect::<Vec<_>>().join("\n");
    assert!(tail.contains("rootsweep policy"), "{tail}");
    assert!(tail.contains("rootsweep preflight --profile"), "{tail}");
    assert!(
        stdout.contains("Step 3: `rootsweep users audit`"),
        "{stdout}"
    );
    // The users organization's account without the role is shown with its reason.
    assert!(stdout.contains("222222222203"), "{stdout}");
    assert!(stdout.contains("AccessDenied"), "{stdout}");
    // Step 4: the dry runs of users tidy and users delete show their plans.
    assert!(
        stdout.contains("DetachUserPolicy alice arn:aws:iam::aws:policy/AdministratorAccess"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "delete IAM user olduser (re-checked first): DeleteLoginProfile; DeleteAccessKey "
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("DeleteVirtualMFADevice arn:aws:iam::222222222202:mfa/olduser"),
        "{stdout}"
    );
    assert!(stdout.contains("  rootsweep users delete --stale-days 90 --skip-blocked\n"));
    // ... and users deactivate: one unused key per credential, no undo record (a dry run).
    assert!(
        stdout.contains(
            "UpdateAccessKey AKIA2222222222020005 Inactive (user keyold; last used 120 days ago)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("  rootsweep users deactivate --skip-blocked\n"));
    let mut reports: Vec<String> = std::fs::read_dir(dir.path())
        .expect("reports")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .map(|name| {
            name.rsplit_once('-')
                .map(|(stem, _)| stem.to_string())
                .unwrap_or(name)
        })
        .collect();
    reports.sort();
    // Each dry run re-audits (its read stage) and changes nothing: no tidy, delete, restore,
    // deactivate or undo report.
    assert_eq!(
        reports,
        [
            "audit",
            "audit",
            "unlock-check",
            "unlock-check",
            "users-audit",
            "users-audit",
            "users-audit",
            "users-audit",
            "users-audit",
            "users-audit",
            "users-audit",
            "users-audit"
        ],
        "the demo writes the audits' and the unlock check's CSV and JSON only"
    );
    assert!(stdout.contains("Step 2b"), "{stdout}");
    assert!(stdout.contains("DenyEveryone"), "{stdout}");
}
