//! `rootsweep users audit` end to end against `sim serve`'s users scenario: every verdict, the
//! management account read with the caller's own credentials, accounts that cannot be read as
//! `unknown` (never "no users"), the credential report waited for, throttling ridden out, the
//! exact CSV with formula cells neutralised, and proof from the call log that nothing changed.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::shipped;
use crate::support::sim::Sim;
use std::collections::HashMap;

const HEADER: &str = "account_id,account_name,user_name,user_arn,created,password_enabled,password_last_used,access_key_1_last_used,access_key_2_last_used,mfa_active,last_activity,last_issued,days_inactive,verdict,groups,direct_policies,redundant_direct_policies,unrecorded_credentials,findings,error,controls";

/// The shipped users scenario with `extra` appended (faults, throttles).
fn users_with(extra: &str) -> String {
    let text = std::fs::read_to_string(shipped("users.toml")).expect("users scenario");
    format!("{text}\n{extra}\n")
}

/// The row of one user (`""`: the account's own row).
fn row<'a>(csv: &'a Csv, account: &str, user: &str) -> &'a HashMap<String, String> {
    let rows: Vec<_> = csv
        .rows
        .iter()
        .filter(|r| r["account_id"] == account && r["user_name"] == user)
        .collect();
    assert_eq!(rows.len(), 1, "rows for {account}/{user}: {:?}", csv.rows);
    rows[0]
}

fn verdict(csv: &Csv, account: &str, user: &str) -> String {
    row(csv, account, user)["verdict"].clone()
}

/// `users audit` of every account whose role opens without an external id; expects `code`.
fn audit_reachable(sim: &Sim, code: i32) -> Csv {
    let dir = reports();
    rootsweep(
        sim,
        dir.path(),
        &["users", "audit", "--exclude", "222222222203,222222222205"],
    )
    .expect_code(code);
    Csv::read(&report(dir.path(), "users-audit-", ".csv"))
}

fn calls_of(sim: &Sim, operation: &str) -> Vec<serde_json::Value> {
    sim.calls()
        .into_iter()
        .filter(|c| c["operation"] == operation)
        .collect()
}

#[test]
fn users_audit_judges_every_user_and_changes_nothing() {
    let sim = Sim::start(shipped("users.toml"));
    let dir = reports();
    // An account without the role and one whose role needs an external id are unknown.
    let run = rootsweep(&sim, dir.path(), &["users", "audit"]);
    run.expect_code(4);

    let path = report(dir.path(), "users-audit-", ".csv");
    let csv = Csv::read(&path);
    assert_eq!(csv.header, HEADER);
    // The caller's own user, used yesterday and the caller: active; the rest by their use.
    assert_eq!(verdict(&csv, "111111111111", "admin"), "active");
    assert_eq!(verdict(&csv, "111111111111", "breakglass"), "stale");
    assert_eq!(verdict(&csv, "222222222201", "alice"), "active");
    assert_eq!(verdict(&csv, "222222222201", "ci-bot"), "active");
    assert_eq!(verdict(&csv, "222222222202", "olduser"), "stale");
    assert_eq!(verdict(&csv, "222222222202", "newbie"), "new");
    assert_eq!(verdict(&csv, "222222222202", "keyold"), "stale");
    assert_eq!(verdict(&csv, "222222222204", ""), "skipped");
    // An active SSH public key has no use record: never provably stale, and named.
    let git = row(&csv, "222222222202", "git-user");
    assert_eq!(git["verdict"], "unverifiable");
    assert!(
        git["unrecorded_credentials"].starts_with("ssh_public_key:APKA"),
        "{git:?}"
    );
    assert!(
        git["unrecorded_credentials"].contains(";signing_certificate:"),
        "{git:?}"
    );
    assert!(git["findings"].contains("active_credentials_without_use_record"));
    // A key created yesterday is activity, whatever the user's age.
    let rekeyed = row(&csv, "222222222202", "rekeyed");
    assert_eq!(rekeyed["verdict"], "active");
    assert_eq!(rekeyed["days_inactive"], "1");
    // Only the users the report alone makes stale have their unrecorded credentials listed:
    // breakglass and signer; =cmd+1; olduser, keyold and git-user (not newbie, rekeyed, admin,
    // alice…).
    for operation in ["ListSSHPublicKeys", "ListServiceSpecificCredentials"] {
        let per_account = |account: &str| {
            calls_of(&sim, operation)
                .iter()
                .filter(|c| c["account"] == account)
                .count()
        };
        let counts = [
            per_account("111111111111"),
            per_account("222222222201"),
            per_account("222222222202"),
        ];
        assert_eq!(counts, [2, 1, 3], "{operation}");
    }
    // Certificates are listed only where the report shows an active one: signer, git-user.
    let certificates: Vec<String> = calls_of(&sim, "ListSigningCertificates")
        .iter()
        .map(|c| c["account"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(certificates.len(), 2, "{certificates:?}");
    assert_eq!(verdict(&csv, "111111111111", "signer"), "unverifiable");

    // Never "no users": the account whose role cannot be assumed is one unknown row, with the code.
    let denied = row(&csv, "222222222203", "");
    assert_eq!(denied["verdict"], "unknown");
    assert!(
        denied["error"].starts_with("AssumeRole: AccessDenied"),
        "{denied:?}"
    );
    assert!(csv.rows.iter().all(|r| r["user_name"] != "hidden"));

    // The root user's row of the credential report is never an IAM user.
    assert!(csv
        .rows
        .iter()
        .all(|r| !r["user_name"].contains("root_account")));

    let alice = row(&csv, "222222222201", "alice");
    assert_eq!(alice["groups"], "admins");
    assert_eq!(
        alice["direct_policies"],
        "arn:aws:iam::aws:policy/AdministratorAccess;arn:aws:iam::aws:policy/ReadOnlyAccess;inline:s3-read"
    );
    assert_eq!(
        alice["redundant_direct_policies"],
        "arn:aws:iam::aws:policy/AdministratorAccess"
    );
    assert_eq!(alice["password_enabled"], "yes");
    assert_eq!(alice["mfa_active"], "yes");
    assert_eq!(alice["days_inactive"], "10");
    let ci = row(&csv, "222222222201", "ci-bot");
    assert_eq!(
        ci["findings"],
        "access_key_1_older_than_90_days;two_active_access_keys"
    );
    assert!(
        ci["user_arn"].ends_with(":user/automation/ci-bot"),
        "{ci:?}"
    );
    let breakglass = row(&csv, "111111111111", "breakglass");
    assert_eq!(breakglass["password_last_used"], "never");
    assert!(breakglass["findings"].contains("mfa_off_with_password"));
    let newbie = row(&csv, "222222222202", "newbie");
    assert_eq!(newbie["days_inactive"], "5");
    assert_eq!(newbie["last_activity"], "");

    // A name a spreadsheet would run as a formula is written as text.
    let text = std::fs::read_to_string(&path).expect("csv");
    assert!(text.contains(",'=cmd+1,"), "{text}");
    assert_eq!(verdict(&csv, "222222222201", "'=cmd+1"), "stale");

    // The JSON beside it has the same rows under `users`, and the counts per verdict.
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(report(dir.path(), "users-audit-", ".json")).expect("json"),
    )
    .expect("valid json");
    assert_eq!(json["users"].as_array().map(Vec::len), Some(csv.rows.len()));
    assert_eq!(json["counts"]["skipped"], 1);
    assert_eq!(json["counts"]["new"], 1);

    // The CIS / Security Hub controls, per credential: keyold's key unused 120 days and created
    // 600 days ago; alice's direct policies; breakglass's password without MFA; rekeyed's new
    // key nothing.
    assert_eq!(
        row(&csv, "222222222202", "keyold")["controls"],
        "IAM.22:access_key_1;IAM.8:access_key_1;IAM.3:access_key_1"
    );
    assert!(alice["controls"].ends_with("IAM.2"), "{alice:?}");
    assert!(
        breakglass["controls"].contains("IAM.5:password"),
        "{breakglass:?}"
    );
    assert_eq!(rekeyed["controls"], "");
    let keyold = json["users"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["user_name"] == "keyold"))
        .expect("keyold in the JSON");
    let unused = &keyold["controls"][0];
    assert_eq!(unused["fsbp"], "IAM.22");
    assert_eq!(unused["cis_v3"], "1.12");
    assert_eq!(unused["cis_v7"], "2.11");
    assert_eq!(unused["credential"], "access_key_1");
    assert_eq!(unused["status"], "failed");
    assert!(
        unused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("(120 days ago)")),
        "{unused}"
    );
    assert_eq!(keyold["controls"][2]["cis_v1_2"], "1.4");
    assert!(run.stdout.contains("222222222203"), "{}", run.stdout);

    // The management account is read with the caller's own credentials, never through a role.
    assert!(calls_of(&sim, "AssumeRole")
        .iter()
        .all(|c| c["account"] != "111111111111"));
    assert!(calls_of(&sim, "GetAccountAuthorizationDetails")
        .iter()
        .any(|c| c["caller"] == sim.access_key() && c["account"] == "111111111111"));
    assert!(
        sim.mutating_calls().is_empty(),
        "{:?}",
        sim.mutating_calls()
    );
}

#[test]
fn the_external_id_opens_the_role_that_requires_it() {
    let sim = Sim::start(shipped("users.toml"));
    let dir = reports();
    rootsweep(
        &sim,
        dir.path(),
        &[
            "users",
            "audit",
            "--accounts",
            "222222222205",
            "--external-id",
            "rootsweep-external-1",
        ],
    )
    .expect_code(0);
    let csv = Csv::read(&report(dir.path(), "users-audit-", ".csv"));
    assert_eq!(verdict(&csv, "222222222205", "partner"), "active");
}

#[test]
fn a_report_still_in_progress_is_waited_for_not_reported() {
    let text = std::fs::read_to_string(shipped("users.toml"))
        .expect("users scenario")
        .replace("report_generation_polls = 1", "report_generation_polls = 3");
    let sim = Sim::start_toml(&text);
    let dir = reports();
    rootsweep(
        &sim,
        dir.path(),
        &["users", "audit", "--accounts", "222222222202"],
    )
    .expect_code(0);
    let csv = Csv::read(&report(dir.path(), "users-audit-", ".csv"));
    assert_eq!(verdict(&csv, "222222222202", "newbie"), "new");
    assert_eq!(calls_of(&sim, "GenerateCredentialReport").len(), 4);
}

#[test]
fn a_report_that_keeps_failing_is_unknown_with_its_code_and_the_others_are_read() {
    let sim = Sim::start_toml(&users_with(
        "[[faults]]\naccount = \"222222222201\"\noperation = \"GenerateCredentialReport\"\ncode = \"ServiceFailure\"\nstatus = 500\n\n[[faults]]\naccount = \"222222222202\"\noperation = \"GetAccountAuthorizationDetails\"\naction = \"truncated-no-marker\"\n",
    ));
    let csv = audit_reachable(&sim, 4);
    let failing = row(&csv, "222222222201", "");
    assert_eq!(failing["verdict"], "unknown");
    assert!(
        failing["error"].starts_with("GenerateCredentialReport: ServiceFailure"),
        "{failing:?}"
    );
    let cut = row(&csv, "222222222202", "");
    assert!(
        cut["error"].starts_with("GetAccountAuthorizationDetails: IncompletePage"),
        "{cut:?}"
    );
    assert!(csv.rows.iter().all(|r| r["user_name"] != "alice"));
    assert_eq!(verdict(&csv, "111111111111", "breakglass"), "stale");
}

#[test]
fn throttling_on_a_third_of_the_calls_fails_no_account() {
    let sim = Sim::start_toml(&users_with(
        "[[throttle]]\nservice = \"iam\"\nprobability = 0.3\n\n[[throttle]]\nservice = \"sts\"\nprobability = 0.3\n",
    ));
    let csv = audit_reachable(&sim, 0);
    assert!(csv.rows.iter().all(|r| r["verdict"] != "unknown"));
    assert_eq!(verdict(&csv, "222222222202", "keyold"), "stale");
    let throttled = sim
        .calls()
        .iter()
        .filter(|c| c.to_string().contains("Throttling"))
        .count();
    assert!(throttled > 0, "the scenario must throttle something");
}
