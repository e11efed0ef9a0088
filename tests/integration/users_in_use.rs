//! `users audit | delete | tidy` never remove access someone may still use, end to end against
//! `sim serve`: credentials whose use IAM never records, credentials issued recently, a credential
//! report older than a recreated user, names in any case, a skipped change that is never exit 0,
//! a restore record that can rebuild the user, paged service-specific credentials, IAM's eventual
//! consistency after `DeleteUser` and `DetachUserPolicy`, and role sessions that expire mid-account.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::org;
use crate::support::sim::Sim;
use serde_json::Value;
use std::collections::HashMap;

const MEMBER: &str = "222222222201";

/// One member account (reached through the default role) holding `users`, with `organization`
/// lines; the caller's own user `admin` in the management account.
fn world(organization: &str, users: &str) -> String {
    let rest = format!(
        r#"[[accounts.users]]
name = "admin"
created_days_ago = 900
access_keys = [{{ id = "AKIAMANAGEMENT000001", created_days_ago = 30, last_used_days_ago = 0 }}]

[[accounts]]
id = "{MEMBER}"
name = "member"
email = "member@example.com"

[[accounts.groups]]
name = "devs"
attached_policies = ["arn:aws:iam::aws:policy/PowerUserAccess"]

{users}
"#
    );
    let text = org(&format!("feature_set = \"ALL\"\n{organization}"), &rest);
    text.replace(
        "secret_access_key = \"test-secret\"\naccount = \"111111111111\"\n",
        "secret_access_key = \"test-secret\"\naccount = \"111111111111\"\nuser = \"admin\"\n",
    )
}

fn row<'a>(csv: &'a Csv, user: &str) -> &'a HashMap<String, String> {
    let rows: Vec<_> = csv
        .rows
        .iter()
        .filter(|r| r["account_id"] == MEMBER && r["user_name"] == user)
        .collect();
    assert_eq!(rows.len(), 1, "rows for {user}: {:?}", csv.rows);
    rows[0]
}

fn users_of(sim: &Sim) -> Vec<String> {
    let mut names: Vec<String> = sim.state()["accounts"][MEMBER]["users"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}

fn delete(sim: &Sim, dir: &std::path::Path, extra: &[&str]) -> crate::support::cli::Run {
    let mut args = vec!["users", "delete", "--accounts", MEMBER];
    args.extend_from_slice(extra);
    rootsweep(sim, dir, &args)
}

/// A user never used, created 400 days ago: stale by everything IAM records.
const STALE: &str = r#"[[accounts.users]]
name = "stale"
created_days_ago = 400
"#;

#[test]
fn a_user_with_an_active_credential_iam_records_no_use_for_is_unverifiable_and_never_deleted() {
    let users = format!(
        r#"{STALE}
[[accounts.users]]
name = "git"
created_days_ago = 400
ssh_keys = [{{ active = true, uploaded_days_ago = 400 }}]

[[accounts.users]]
name = "keyspaces"
created_days_ago = 400
service_credentials = [{{ service = "cassandra.amazonaws.com", created_days_ago = 400 }}]

[[accounts.users]]
name = "signer"
created_days_ago = 400
signing_certificates = [{{ active = true, uploaded_days_ago = 400 }}]

[[accounts.users]]
name = "unused-git"
created_days_ago = 400
ssh_keys = [{{ active = false, uploaded_days_ago = 400 }}]
"#
    );
    let sim = Sim::start_toml(&world("", &users));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["users", "audit", "--accounts", MEMBER]).expect_code(0);
    let audit = Csv::read(&report(dir.path(), "users-audit-", ".csv"));
    for (user, kind) in [
        ("git", "ssh_public_key:APKA"),
        ("keyspaces", "service_specific_credential:ACCA"),
        ("signer", "signing_certificate:"),
    ] {
        let r = row(&audit, user);
        assert_eq!(r["verdict"], "unverifiable", "{user}: {r:?}");
        assert!(
            r["unrecorded_credentials"].starts_with(kind),
            "{user}: {r:?}"
        );
    }
    // An inactive one cannot be used: that user is stale.
    assert_eq!(row(&audit, "unused-git")["verdict"], "stale");

    let run = delete(&sim, dir.path(), &["--stale-days", "90", "--yes"]);
    run.expect_code(0);
    assert_eq!(users_of(&sim), ["git", "keyspaces", "signer"]);
    // Listed by name, only --force-active deletes one.
    let file = dir.path().join("git.csv");
    std::fs::write(&file, format!("account_id,user_name\n{MEMBER},git\n")).expect("file");
    let file = file.to_str().expect("path");
    delete(&sim, dir.path(), &["--users-file", file, "--yes"]).expect_code(3);
    assert!(users_of(&sim).contains(&"git".to_string()));
    delete(
        &sim,
        dir.path(),
        &["--users-file", file, "--force-active", "--yes"],
    )
    .expect_code(0);
    assert_eq!(users_of(&sim), ["keyspaces", "signer"]);
}

#[test]
fn a_credential_issued_within_the_stale_period_makes_an_old_user_active() {
    let users = format!(
        r#"{STALE}
[[accounts.users]]
name = "new-password"
created_days_ago = 400
password = {{ created_days_ago = 1 }}

[[accounts.users]]
name = "new-key"
created_days_ago = 400
access_keys = [{{ created_days_ago = 1, active = false }}]

[[accounts.users]]
name = "new-git"
created_days_ago = 400
ssh_keys = [{{ active = false, uploaded_days_ago = 1 }}]

[[accounts.users]]
name = "new-service"
created_days_ago = 400
service_credentials = [{{ service = "codecommit.amazonaws.com", active = false, created_days_ago = 1 }}]
"#
    );
    let sim = Sim::start_toml(&world("", &users));
    let dir = reports();
    delete(&sim, dir.path(), &["--stale-days", "90", "--yes"]).expect_code(0);
    let audit = Csv::read(&report(dir.path(), "users-audit-", ".csv"));
    for user in ["new-password", "new-key", "new-git", "new-service"] {
        let r = row(&audit, user);
        assert_eq!(r["verdict"], "active", "{user}: {r:?}");
        assert_eq!(r["days_inactive"], "1", "{user}: {r:?}");
    }
    assert_eq!(
        users_of(&sim),
        ["new-git", "new-key", "new-password", "new-service"]
    );
}

#[test]
fn a_credential_report_older_than_a_recreated_user_makes_it_unknown_and_refuses_the_account() {
    // "ops" was deleted and created again yesterday; the report still shows its predecessor.
    let users = format!(
        r#"{STALE}
[[accounts.users]]
name = "ops"
created_days_ago = 1
password = {{ created_days_ago = 1, last_used_days_ago = 0 }}
earlier = {{ created_days_ago = 400 }}
"#
    );
    let sim = Sim::start_toml(&world("", &users));
    let dir = reports();
    let run = delete(&sim, dir.path(), &["--stale-days", "90", "--yes"]);
    run.expect_code(3);
    let audit = Csv::read(&report(dir.path(), "users-audit-", ".csv"));
    let ops = row(&audit, "ops");
    assert_eq!(ops["verdict"], "unknown");
    assert!(
        ops["error"].contains("row for this name is of an earlier user"),
        "{ops:?}"
    );
    // With --stale-days, an unknown user refuses its whole account: nothing is deleted.
    assert_eq!(users_of(&sim), ["ops", "stale"]);
    assert!(
        sim.mutating_calls().is_empty(),
        "{:?}",
        sim.mutating_calls()
    );
    assert!(run.stdout.contains("refuses its account"), "{}", run.stdout);
}

#[test]
fn a_users_file_names_users_as_iam_does_regardless_of_case_at_the_period_it_was_made_with() {
    let users = format!(
        r#"{STALE}
[[accounts.users]]
name = "quiet"
created_days_ago = 400
password = {{ created_days_ago = 400, last_used_days_ago = 40 }}
"#
    );
    let sim = Sim::start_toml(&world("", &users));
    let dir = reports();
    // The audit made at 30 days calls `quiet` stale; the delete judges it at 30 days too.
    rootsweep(
        &sim,
        dir.path(),
        &["users", "audit", "--accounts", MEMBER, "--stale-days", "30"],
    )
    .expect_code(0);
    let audit = report(dir.path(), "users-audit-", ".csv");
    assert_eq!(row(&Csv::read(&audit), "quiet")["verdict"], "stale");
    let file = dir.path().join("upper.csv");
    std::fs::write(
        &file,
        format!("account_id,user_name,verdict\n{MEMBER},QUIET,stale\n{MEMBER},Stale,stale\n"),
    )
    .expect("file");
    let file = file.to_str().expect("path");
    let run = delete(
        &sim,
        dir.path(),
        &["--users-file", file, "--stale-days", "30", "--yes"],
    );
    run.expect_code(0);
    assert!(users_of(&sim).is_empty(), "{:?}", users_of(&sim));
    let result = Csv::read(&report(dir.path(), "users-delete-", ".csv"));
    assert_eq!(row(&result, "quiet")["outcome"], "deleted");
    assert_eq!(row(&result, "stale")["outcome"], "deleted");
}

#[test]
fn a_user_left_alone_by_the_recheck_is_never_exit_0_and_is_on_screen_with_its_reason() {
    // An SSH key is uploaded to every user of the account between the audit and the change.
    let extra = format!(
        r#"{STALE}
[[faults]]
account = "{MEMBER}"
operation = "GetUser"
action = "upload-ssh-key"
after = 1
times = 1
"#
    );
    let sim = Sim::start_toml(&world("", &extra));
    let dir = reports();
    let run = delete(&sim, dir.path(), &["--stale-days", "90", "--yes"]);
    run.expect_code(4);
    let result = Csv::read(&report(dir.path(), "users-delete-", ".csv"));
    let stale = row(&result, "stale");
    assert_eq!(stale["outcome"], "skipped-active");
    assert!(stale["error"].contains("SSH public key APKA"), "{stale:?}");
    assert_eq!(users_of(&sim), ["stale"]);
    assert!(run.stdout.contains("skipped"), "{}", run.stdout);
    assert!(run.stdout.contains("stale: "), "{}", run.stdout);
}

#[test]
fn the_restore_record_holds_what_rebuilds_the_user_but_its_secrets() {
    let users = r#"[[accounts.users]]
name = "rebuild"
path = "/ops/"
created_days_ago = 400
permissions_boundary = "arn:aws:iam::aws:policy/PowerUserAccess"
tags = [{ key = "team", value = "platform" }, { key = "cost-center", value = "42" }]
password = { created_days_ago = 400 }
ssh_keys = [{ active = false, uploaded_days_ago = 400 }]
signing_certificates = [{ active = false, uploaded_days_ago = 400 }]
service_credentials = [{ service = "codecommit.amazonaws.com", active = false, created_days_ago = 400 }, { service = "cassandra.amazonaws.com", active = false, created_days_ago = 400 }]
mfa = [{ kind = "virtual", name = "rebuild" }, { kind = "fido", name = "key" }, { kind = "hardware" }]
groups = ["devs"]
"#;
    // Every list one item a page: the two service credentials take two pages.
    let sim = Sim::start_toml(&world("iam_page_size = 1", users));
    let dir = reports();
    delete(&sim, dir.path(), &["--stale-days", "90", "--yes"]).expect_code(0);
    assert!(users_of(&sim).is_empty());
    let record: Value = serde_json::from_str(
        &std::fs::read_to_string(report(dir.path(), "users-deleted-", ".json")).expect("record"),
    )
    .expect("valid JSON");
    let u = &record["users"][0];
    assert_eq!(u["user_name"], "rebuild");
    assert_eq!(u["path"], "/ops/");
    assert_eq!(
        u["permissions_boundary"],
        "arn:aws:iam::aws:policy/PowerUserAccess"
    );
    assert_eq!(u["tags"].as_array().map(Vec::len), Some(2));
    assert_eq!(u["tags"][0]["key"], "team");
    assert!(u["login_profile_created"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert!(
        u["ssh_public_keys"][0]["body"]
            .as_str()
            .is_some_and(|b| b.starts_with("ssh-rsa ")),
        "{u}"
    );
    assert!(
        u["signing_certificates"][0]["body"]
            .as_str()
            .is_some_and(|b| b.contains("BEGIN CERTIFICATE")),
        "{u}"
    );
    let services: Vec<&str> = u["service_specific_credentials"]
        .as_array()
        .expect("service credentials")
        .iter()
        .filter_map(|c| c["service_name"].as_str())
        .collect();
    assert_eq!(
        services,
        ["codecommit.amazonaws.com", "cassandra.amazonaws.com"]
    );
    assert!(u["service_specific_credentials"][0]["service_user_name"]
        .as_str()
        .is_some_and(|n| n.starts_with("rebuild-at-")));
    let kinds: Vec<&str> = u["mfa_devices"]
        .as_array()
        .expect("devices")
        .iter()
        .filter_map(|d| d["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["virtual", "fido", "hardware"]);
    assert!(record["not_recorded"]
        .as_str()
        .is_some_and(|t| t.contains("virtual MFA seeds")));
    let text = record.to_string();
    assert!(
        !text.contains("SecretAccessKey") && !text.contains("ServicePassword"),
        "{text}"
    );
}

#[test]
fn a_deleted_user_iam_still_shows_for_a_moment_is_deleted_and_a_detach_is_detached() {
    let users = format!(
        r#"{STALE}
[[accounts.users]]
name = "dev"
created_days_ago = 400
password = {{ created_days_ago = 400, last_used_days_ago = 1 }}
groups = ["devs"]
attached_policies = ["arn:aws:iam::aws:policy/PowerUserAccess"]
"#
    );
    let sim = Sim::start_toml(&world("iam_consistency_ms = 1500", &users));
    let dir = reports();
    let run = delete(&sim, dir.path(), &["--stale-days", "90", "--yes"]);
    run.expect_code(0);
    let result = Csv::read(&report(dir.path(), "users-delete-", ".csv"));
    assert_eq!(row(&result, "stale")["outcome"], "deleted");
    let run = rootsweep(
        &sim,
        dir.path(),
        &["users", "tidy", "--accounts", MEMBER, "--yes"],
    );
    run.expect_code(0);
    let tidy = Csv::read(&report(dir.path(), "users-tidy-", ".csv"));
    assert_eq!(row(&tidy, "dev")["outcome"], "detached");
    assert_eq!(
        sim.state()["accounts"][MEMBER]["users"]["dev"]["attached_policies"],
        serde_json::json!([])
    );
}

#[test]
fn a_role_session_that_runs_out_mid_account_is_renewed_and_every_user_deleted() {
    // Sessions last 2 s and every IAM call takes 50 ms: deleting three users outlasts several.
    let users = (1..=3)
        .map(|i| {
            format!(
                r#"[[accounts.users]]
name = "old{i}"
created_days_ago = 400
password = {{ created_days_ago = 400 }}
mfa = [{{ kind = "virtual", name = "old{i}" }}]
groups = ["devs"]
"#
            )
        })
        .collect::<String>();
    let extra = format!(
        r#"{users}
[latency]
iam = 50

[[faults]]
account = "{MEMBER}"
operation = "RemoveUserFromGroup"
action = "expire-session"
times = 1
"#
    );
    let sim = Sim::start_toml(&world("role_session_seconds = 2", &extra));
    let dir = reports();
    let run = delete(&sim, dir.path(), &["--stale-days", "90", "--yes"]);
    run.expect_code(0);
    assert!(users_of(&sim).is_empty(), "{:?}", users_of(&sim));
    let roles = sim
        .calls()
        .into_iter()
        .filter(|c| c["operation"] == "AssumeRole" && c["account"] == MEMBER)
        .count();
    // One for the audit, one for the plan's reads, one for the apply, and renewals.
    assert!(roles > 3, "{roles} AssumeRole calls");
    let result = Csv::read(&report(dir.path(), "users-delete-", ".csv"));
    for i in 1..=3 {
        assert_eq!(row(&result, &format!("old{i}"))["outcome"], "deleted");
    }
}
