//! Scenario files: malformed ones are rejected with file, line and key; shipped ones load; the
//! wire-level scenario options (Status apart from State, empty first pages, IAM paging and its
//! faults, hostile names) do what they say.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::{org, ENABLED};
use crate::support::sim::{xml_text, Sim};
use rootsweep::sim::{scenario, Scenario};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name)
}

/// Runs `rootsweep sim serve` on a bad scenario and returns its stderr.
fn serve_fails(name: &str) -> String {
    let path = scenario_path(name);
    let out = Command::new(env!("CARGO_BIN_EXE_rootsweep"))
        .args(["sim", "serve", "--scenario"])
        .arg(&path)
        .output()
        .expect("run rootsweep");
    assert!(!out.status.success(), "{name} must be rejected");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn malformed_scenarios_exit_non_zero_naming_file_line_and_key() {
    for (name, location, key) in [
        ("bad/unknown_key.toml", "unknown_key.toml:12", "`colour`"),
        ("bad/wrong_type.toml", "wrong_type.toml:13", "`name`"),
        (
            "bad/duplicate_account.toml",
            "duplicate_account.toml:16",
            "`id`",
        ),
    ] {
        let stderr = serve_fails(name);
        assert!(
            stderr.contains(location),
            "{name}: expected {location} in {stderr}"
        );
        assert!(stderr.contains(key), "{name}: expected {key} in {stderr}");
    }
}

#[test]
fn library_errors_carry_the_same_location() {
    match Scenario::load(&scenario_path("bad/duplicate_account.toml")) {
        Err(scenario::Error::Invalid {
            line, key, message, ..
        }) => {
            assert_eq!((line, key.as_str()), (16, "id"));
            assert!(message.contains("duplicate"), "{message}");
        }
        other => panic!("expected a duplicate-id error, got {other:?}"),
    }
}

#[test]
fn shipped_scenarios_load_and_the_demo_matches_its_file() {
    let demo = Scenario::load(&scenario_path("demo.toml")).expect("demo.toml");
    let builtin = Scenario::demo();
    assert_eq!(
        demo.account_ids().collect::<Vec<_>>(),
        builtin.account_ids().collect::<Vec<_>>()
    );
    assert_eq!(builtin.management_access_key().0, "AKIAMANAGEMENT000001");
    let large = Scenario::load(&scenario_path("large.toml")).expect("large.toml");
    assert_eq!(large.account_ids().count(), 1001);
    let hostile = Scenario::load(&scenario_path("hostile-names.toml")).expect("hostile-names.toml");
    assert_eq!(hostile.account_ids().count(), 5);
    let users = Scenario::load(&scenario_path("users.toml")).expect("users.toml");
    assert_eq!(users.account_ids().count(), 6);
    let users_large = Scenario::load(&scenario_path("users-large.toml")).expect("users-large.toml");
    assert_eq!(users_large.account_ids().count(), 1001);
}

#[test]
fn served_demo_state_lists_every_account_and_no_calls_yet() {
    let sim = Sim::start(scenario_path("demo.toml"));
    let state = sim.state();
    let accounts = state["accounts"].as_object().expect("accounts");
    assert_eq!(accounts.len(), Scenario::demo().account_ids().count());
    assert_eq!(accounts["222222222211"]["state"], "CLOSED");
    assert_eq!(
        accounts["222222222203"]["root"]["mfa_devices"][0]["serial"],
        "GAHT12345678"
    );
    assert_eq!(state["organization"]["management_account"], "111111111111");
    assert!(sim.calls().is_empty());
}

fn list_accounts(sim: &Sim, token: Option<&str>) -> Value {
    let body = match token {
        Some(t) => json!({ "NextToken": t }),
        None => json!({}),
    };
    let (status, page) = sim.organizations("ListAccounts", &body);
    assert_eq!(status, 200, "{page}");
    page
}

fn listed<'a>(page: &'a Value, id: &str) -> &'a Value {
    page["Accounts"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["Id"] == id))
        .unwrap_or_else(|| panic!("{id} not in {page}"))
}

#[test]
fn status_is_listed_apart_from_state_and_either_can_be_left_out() {
    let rest = r#"
[[accounts]]
id = "222222222201"
state = "SUSPENDED"
status = "ACTIVE"

[[accounts]]
id = "222222222202"
state = ""
status = "SUSPENDED"

[[accounts]]
id = "222222222203"
status = ""

[[accounts]]
id = "222222222204"
state = "PENDING_CLOSURE"
"#;
    let sim = Sim::start_toml(&org(ENABLED, rest));
    let page = list_accounts(&sim, None);
    let fields = |id: &str| {
        let a = listed(&page, id);
        (a.get("State").cloned(), a.get("Status").cloned())
    };
    assert_eq!(
        fields("222222222201"),
        (Some(json!("SUSPENDED")), Some(json!("ACTIVE")))
    );
    assert_eq!(fields("222222222202"), (None, Some(json!("SUSPENDED"))));
    assert_eq!(fields("222222222203"), (Some(json!("ACTIVE")), None));
    assert_eq!(
        fields("222222222204"),
        (
            Some(json!("PENDING_CLOSURE")),
            Some(json!("PENDING_CLOSURE"))
        )
    );
    // The account without a listed State behaves as its Status says: no root session.
    let arn = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
    let (status, body) = sim.query(
        &sim.management(),
        "2011-06-15",
        "AssumeRoot",
        &[
            ("TargetPrincipal", "222222222202"),
            ("TaskPolicyArn.arn", arn),
        ],
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        sim.state()["accounts"]["222222222202"]["state"],
        "SUSPENDED"
    );
}

#[test]
fn empty_first_page_carries_a_token_to_the_real_first_page() {
    let sim = Sim::start_toml(&org(
        &format!("{ENABLED}\nempty_first_page = true"),
        &(0..25)
            .map(|i| format!("[[accounts]]\nid = \"2222222222{i:02}\"\n"))
            .collect::<String>(),
    ));
    let first = list_accounts(&sim, None);
    assert_eq!(first["Accounts"], json!([]));
    let mut token = first["NextToken"]
        .as_str()
        .expect("an empty page still carries a NextToken")
        .to_string();
    let mut ids = Vec::new();
    let mut pages = 1;
    loop {
        let page = list_accounts(&sim, Some(&token));
        pages += 1;
        let accounts = page["Accounts"].as_array().expect("Accounts");
        assert!(!accounts.is_empty(), "only the first page is empty");
        ids.extend(accounts.iter().map(|a| a["Id"].clone()));
        match page["NextToken"].as_str() {
            Some(t) => token = t.to_string(),
            None => break,
        }
    }
    assert_eq!((ids.len(), pages), (26, 3), "{ids:?}");
    let (status, page) = sim.organizations(
        "ListAccountsForParent",
        &json!({ "ParentId": "r-t001", "MaxResults": 5 }),
    );
    assert_eq!(status, 200);
    assert_eq!(page["Accounts"], json!([]));
    assert!(page["NextToken"].is_string(), "{page}");
}

/// An account with two of each listed credential, served in IAM pages of one item.
fn iam_paged(faults: &str) -> Sim {
    let rest = format!(
        r#"[[accounts]]
id = "222222222222"
name = "paged"
[accounts.root]
mfa = [{{ kind = "virtual", name = "phone" }}, {{ kind = "fido", name = "key" }}]
access_keys = [{{ id = "AKIAPAGEDROOTKEY0001" }}, {{ id = "AKIAPAGEDROOTKEY0002", status = "Inactive" }}]
signing_certificates = [{{ id = "CERTPAGED00000000000000000000001" }}, {{ id = "CERTPAGED00000000000000000000002" }}]
{faults}"#
    );
    Sim::start_toml(&org(&format!("{ENABLED}\niam_page_size = 1"), &rest))
}

#[test]
fn iam_lists_page_with_marker_down_to_one_item() {
    let sim = iam_paged("");
    let session = sim.assume_root("222222222222", "IAMAuditRootUserCredentials");
    for (op, id) in [
        ("ListMFADevices", "SerialNumber"),
        ("ListAccessKeys", "AccessKeyId"),
        ("ListSigningCertificates", "CertificateId"),
    ] {
        let mut seen = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let mut params = vec![("MaxItems", "100")];
            if let Some(m) = &marker {
                params.push(("Marker", m.as_str()));
            }
            let (status, xml) = sim.query(&session, "2010-05-08", op, &params);
            assert_eq!(status, 200, "{op}: {xml}");
            seen.push(xml_text(&xml, id).unwrap_or_default().to_string());
            match xml_text(&xml, "IsTruncated") {
                Some("true") => {
                    marker = Some(xml_text(&xml, "Marker").expect("a Marker").to_string());
                }
                Some("false") => {
                    assert!(xml_text(&xml, "Marker").is_none(), "{xml}");
                    break;
                }
                other => panic!("{op}: IsTruncated {other:?} in {xml}"),
            }
        }
        assert_eq!(seen.len(), 2, "{op}: {seen:?}");
        assert_ne!(seen[0], seen[1], "{op}: pages overlap");
    }
}

#[test]
fn truncated_no_marker_fault_says_truncated_without_a_marker() {
    let sim = iam_paged(
        "[[faults]]\naccount = \"222222222222\"\noperation = \"ListAccessKeys\"\naction = \"truncated-no-marker\"\ntimes = 1\n",
    );
    let session = sim.assume_root("222222222222", "IAMAuditRootUserCredentials");
    let (status, xml) = sim.query(&session, "2010-05-08", "ListAccessKeys", &[]);
    assert_eq!(status, 200, "{xml}");
    assert_eq!(xml_text(&xml, "IsTruncated"), Some("true"));
    assert!(!xml.contains("<Marker>"), "{xml}");
    assert_eq!(xml_text(&xml, "AccessKeyId"), Some("AKIAPAGEDROOTKEY0001"));
    let (_, again) = sim.query(&session, "2010-05-08", "ListAccessKeys", &[]);
    assert!(again.contains("<Marker>"), "times = 1: {again}");
}

#[test]
fn hostile_account_names_are_returned_byte_for_byte_json_escaped() {
    let sim = Sim::start(scenario_path("hostile-names.toml"));
    let headers = [
        ("X-Amz-Target", "AWSOrganizationsV20161128.ListAccounts"),
        ("Content-Type", "application/x-amz-json-1.1"),
    ];
    let (status, raw) = sim.post(&sim.management(), &headers, "{}");
    assert_eq!(status, 200);
    assert!(
        !raw.chars().any(|c| c.is_control()),
        "control characters travel escaped: {raw:?}"
    );
    assert!(raw.contains(r"\u001b[31mred\u001b[0m\u0007"), "{raw}");
    let page: Value = serde_json::from_str(&raw).expect("JSON");
    for (id, name) in [
        ("333333333301", "=HYPERLINK(\"x\")"),
        ("333333333302", "\u{1b}[31mred\u{1b}[0m\u{7}"),
        ("333333333303", "harmless\roverwritten"),
        ("333333333304", "@SUM(1+1)"),
    ] {
        assert_eq!(listed(&page, id)["Name"], name);
        assert_eq!(sim.state()["accounts"][id]["name"], name);
    }
}

#[test]
fn rootsweep_audit_follows_iam_markers_over_one_item_pages() {
    let sim = iam_paged("");
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit"]);
    assert!(
        [0, 4].contains(&run.code),
        "audit failed\n{}\n{}",
        run.stdout,
        run.stderr
    );
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    let row = csv.account("222222222222");
    assert_eq!(
        (
            row["mfa_devices"].as_str(),
            row["access_keys"].as_str(),
            row["signing_certificates"].as_str()
        ),
        ("2", "2", "2"),
        "{row:?}"
    );
    for op in [
        "ListMFADevices",
        "ListAccessKeys",
        "ListSigningCertificates",
    ] {
        let pages = sim
            .calls()
            .iter()
            .filter(|c| {
                c["operation"] == op && c["account"] == "222222222222" && c["status"] == 200
            })
            .count();
        assert!(pages >= 2, "{op}: {pages} page(s) read");
    }
}
