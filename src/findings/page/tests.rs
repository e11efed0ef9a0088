//! Unit tests of the page: escaping, counts, the OU tree, the attention list, the changes and
//! the run's provenance, all from report documents built here (no file, no network).

use super::file::{command_line, write, Error};
use super::subjects::{self, Standing};
use super::{build, changes, escape, tree, Invocation, Kind};
use crate::findings::file::Command;
use serde_json::{json, Value};

const HOSTILE: &str = "<script>alert(1)</script>";

fn how() -> Invocation {
    Invocation {
        command_line: "rootsweep audit --html --ou ou-a1b2-prod0001".to_string(),
        task_policies: vec!["IAMAuditRootUserCredentials".to_string()],
        sessions: String::new(),
    }
}

fn account(id: &str, name: &str, path: &str, ids: &str, verdict: &str) -> Value {
    json!({
        "account_id": id, "account_name": name, "ou_path": path, "ou_ids": ids,
        "verdict": verdict, "login_profile": "absent", "mfa_devices": "0", "access_keys": "0",
        "access_keys_active": "0", "signing_certificates": "0", "error": "",
    })
}

/// An audit report: the management account skipped, a clean account and an eligible one in
/// Prod, an unknown one in Prod/Dev, and one named like a script.
fn audit_doc() -> Value {
    let mut eligible = account(
        "222222222201",
        "prod-password-only",
        "Root/Prod",
        "r-a1b2/ou-p",
        "eligible",
    );
    eligible["login_profile"] = json!("present");
    eligible["password_last_used"] = json!("2024-01-02T03:04:05Z");
    let mut unknown = account(
        "222222222209",
        "dev-broken",
        "Root/Prod/Dev",
        "r-a1b2/ou-p/ou-d",
        "unknown",
    );
    unknown["error"] = json!("GetLoginProfile: ServiceFailure: try again");
    let mut hostile = account("333333333301", HOSTILE, "Root", "r-a1b2", "eligible");
    hostile["mfa_devices"] = json!("1");
    json!({
        "run_id": "20261203T074112.798Z", "rootsweep_version": "0.1.0",
        "caller": "arn:aws:iam::111111111111:user/admin", "organization": "o-a1b2c3d4e5",
        "partition": "aws", "region": "us-east-1",
        "started": "2026-12-03T07:41:12.798637Z", "ended": "2026-12-03T07:41:14.000000Z",
        "complete": true,
        "counts": { "clean": 1, "eligible": 2, "unknown": 1, "skipped": 1 },
        "accounts": [
            account("111111111111", "management", "Root", "r-a1b2", "skipped"),
            account("222222222202", "prod-clean", "Root/Prod", "r-a1b2/ou-p", "clean"),
            eligible, unknown, hostile,
        ],
    })
}

#[test]
fn escape_replaces_the_five_characters_html_gives_meaning_to() {
    assert_eq!(
        escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
    );
    assert_eq!(escape("plain-name 1"), "plain-name 1");
}

#[test]
fn a_name_like_a_script_stays_text_and_the_page_has_no_script_and_fetches_nothing() {
    let page = build(Kind::Audit, &audit_doc(), None, &how());
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.to_lowercase().contains("<script"), "{page}");
    assert!(!page.contains("http://") && !page.contains("https://"));
    assert!(!page.contains("url(") && !page.contains("src="));
    assert!(page.contains("<meta name=\"viewport\""));
    assert!(page.contains("default-src 'none'"));
    assert!(page.contains("max-width:100ch"));
}

#[test]
fn the_counts_are_the_report_s_per_verdict_and_the_standings_of_its_accounts() {
    let page = build(Kind::Audit, &audit_doc(), None, &how());
    for (verdict, n) in [
        ("clean", 1),
        ("eligible", 2),
        ("skipped", 1),
        ("unknown", 1),
    ] {
        assert!(
            page.contains(&format!("<tr><td>{verdict}</td><td>{n}</td></tr>")),
            "{verdict}: {page}"
        );
    }
    assert!(page.contains("Of 5 accounts:"), "{page}");
    let mut doc = audit_doc();
    doc.as_object_mut().expect("object").remove("counts");
    let page = build(Kind::Audit, &doc, None, &how());
    assert!(
        page.contains("<tr><td>eligible</td><td>2</td></tr>"),
        "{page}"
    );
}

#[test]
fn the_ou_tree_nests_by_id_and_each_ou_takes_the_worst_standing_under_it() {
    let subjects = subjects::of(Kind::Audit, &audit_doc());
    let top = tree::build(&subjects);
    assert_eq!(top.children.len(), 1);
    let root = &top.children[0];
    assert_eq!((root.key.as_str(), root.name.as_str()), ("r-a1b2", "Root"));
    assert_eq!(root.accounts.len(), 2, "management and the hostile name");
    let prod = &root.children[0];
    assert_eq!(prod.name, "Prod");
    assert_eq!(prod.tally(), [1, 1, 1, 0]);
    assert_eq!(prod.standing(), Some(Standing::Attention));
    let dev = &prod.children[0];
    assert_eq!(dev.standing(), Some(Standing::Unknown));
    assert_eq!(root.tally(), [2, 1, 1, 1]);
    let html = tree::render(&top);
    assert!(html.contains("<span class=\"ou\">Dev</span> <span class=\"s unknown\">unknown</span> <span class=\"n\">1 account: 1 unknown</span>"), "{html}");
}

#[test]
fn accounts_without_an_ou_path_sit_under_a_node_that_says_so() {
    let subjects = subjects::of(
        Kind::UsersAudit,
        &json!({ "users": [
            { "account_id": "2", "account_name": "a", "user_name": "alice", "verdict": "active",
              "controls": [] },
            { "account_id": "2", "account_name": "a", "user_name": "bob", "verdict": "stale",
              "days_inactive": "400", "controls": [] },
        ]}),
    );
    let top = tree::build(&subjects);
    assert_eq!(top.children[0].name, tree::UNPLACED);
    let leaves = &top.children[0].accounts;
    assert_eq!(leaves.len(), 1, "one leaf per account");
    assert_eq!(
        (
            leaves[0].standing,
            leaves[0].verdict.as_str(),
            leaves[0].users
        ),
        (Standing::Attention, "stale", (2, 1))
    );
    assert!(tree::render(&top).contains("2 users, 1 to look at"));
}

#[test]
fn the_attention_list_holds_what_needs_attention_or_is_unknown_with_each_reason() {
    let page = build(Kind::Audit, &audit_doc(), None, &how());
    let start = page.find("<h2>Needing attention").expect("the section");
    let end = page
        .find("<h2>Since the last run")
        .expect("the next section");
    let list = &page[start..end];
    assert!(list.contains("prod-password-only"), "{list}");
    assert!(list.contains("root password (login profile) present, last used 2024-01-02T03:04:05Z"));
    assert!(list.contains("1 root MFA device"), "{list}");
    assert!(
        list.contains("GetLoginProfile: ServiceFailure: try again"),
        "{list}"
    );
    assert!(
        !list.contains("prod-clean") && !list.contains("management"),
        "{list}"
    );
    // Attention before unknown.
    assert!(list.find("prod-password-only") < list.find("dev-broken"));
}

#[test]
fn a_user_is_listed_with_the_controls_it_fails_and_a_clean_user_is_not() {
    let doc = json!({ "users": [
        { "account_id": "2", "account_name": "a", "user_name": "alice", "verdict": "active",
          "controls": [ { "id": "IAM.5", "credential": "", "status": "failed",
            "title": "MFA should be enabled for users with a console password", "detail": "" } ] },
        { "account_id": "2", "account_name": "a", "user_name": "carol", "verdict": "active",
          "controls": [] },
        { "account_id": "3", "account_name": "b", "user_name": "", "verdict": "unknown",
          "error": "AssumeRole: AccessDenied: no role" },
    ]});
    let page = build(Kind::UsersAudit, &doc, None, &how());
    assert!(page.contains("<td>alice</td>"), "{page}");
    assert!(page.contains("IAM.5: MFA should be enabled"), "{page}");
    assert!(page.contains("AssumeRole: AccessDenied: no role"), "{page}");
    assert!(!page.contains("<td>carol</td>"), "{page}");
}

#[test]
fn a_guardrails_account_needs_attention_when_long_term_root_is_not_refused() {
    let row = |task: &str, verdict: &str, ltr: &str, guardrail: &str| {
        json!({ "account_id": "2", "account_name": "a", "ou_path": "Root", "task": task,
                "verdict": verdict, "long_term_root": ltr, "long_term_root_guardrail": guardrail })
    };
    let doc = json!({ "tasks": [
        row("audit", "allowed", "denied", "no"), row("delete", "allowed", "allowed", "no"),
        row("recover", "allowed", "allowed", "no"),
    ]});
    let s = subjects::of(Kind::Guardrails, &doc);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].standing, Standing::Attention);
    assert_eq!(
        s[0].reasons,
        ["long-term root credentials allowed: delete, recover"]
    );
    let fine = json!({ "tasks": [row("audit", "allowed", "denied", "yes")] });
    assert_eq!(
        subjects::of(Kind::Guardrails, &fine)[0].standing,
        Standing::Fine
    );
}

#[test]
fn the_since_section_names_new_resolved_and_joined_accounts_by_name() {
    let since = json!({
        "since_file": "/tmp/r/findings-20261120T100200.000Z.ocsf.json",
        "since": "2026-11-20 10:02 UTC",
        "new": ["rootsweep:IAM.9:222222222201:root:mfa"],
        "still_open": [],
        "resolved": ["rootsweep:IAM.4:222222222202:root:access_keys"],
        "accounts_joined": ["333333333301"], "accounts_left": ["444444444444"],
    });
    let page = build(Kind::Audit, &audit_doc(), Some(&since), &how());
    assert!(page.contains("Since the run of 2026-11-20 10:02 UTC (<code>findings-20261120T100200.000Z.ocsf.json</code>): <b>1 new</b>, 0 still open, <b>1 resolved</b>."), "{page}");
    assert!(page.contains("<td><code>IAM.9</code></td><td>prod-password-only <code>222222222201</code></td><td>root <code>mfa</code></td>"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; <code>333333333301</code>"));
    assert!(page.contains("left the organization: <code>444444444444</code>"));
    assert!(!page.contains("/tmp/r/"), "only the file's name");
    let first = build(Kind::Audit, &audit_doc(), None, &how());
    assert!(first.contains("No earlier findings file"));
}

#[test]
fn a_uid_splits_into_control_account_principal_and_credential() {
    let u = changes::split("rootsweep:IAM.22:2:alice:access_key_1").expect("a uid");
    assert_eq!(
        (u.control, u.account, u.principal, u.credential),
        ("IAM.22", "2", "alice", "access_key_1")
    );
    assert_eq!(
        changes::split("rootsweep:CIS-2.1.1:2:root")
            .expect("uid")
            .credential,
        ""
    );
    assert!(changes::split("other:1").is_none());
}

#[test]
fn how_the_run_was_made_names_the_caller_its_account_the_task_policies_and_the_flags() {
    let page = build(Kind::Audit, &audit_doc(), None, &how());
    assert!(page.contains(
        "<code class=\"long\">arn:aws:iam::111111111111:user/admin</code> (account 111111111111)"
    ));
    assert!(page.contains("<code>IAMAuditRootUserCredentials</code>"));
    assert!(
        page.contains("<code class=\"long\">rootsweep audit --html --ou ou-a1b2-prod0001</code>")
    );
    assert!(page.contains("2026-12-03T07:41:12.798637Z"));
    assert!(page.contains("<title>rootsweep audit of o-a1b2c3d4e5 at 2026-12-03 07:41 UTC</title>"));
    let mut doc = audit_doc();
    doc["complete"] = json!(false);
    doc["incomplete_reason"] = json!("interrupted: <stopped>");
    let page = build(Kind::Audit, &doc, None, &how());
    assert!(page.contains("This run did not read every account: interrupted: &lt;stopped&gt;"));
}

#[test]
fn the_command_line_shows_the_program_s_name_and_hides_the_external_id() {
    let args = [
        "/opt/bin/rootsweep",
        "users",
        "audit",
        "--external-id",
        "s3cret",
        "--x=a b",
    ];
    assert_eq!(
        command_line(args.map(String::from)),
        "rootsweep users audit --external-id … '--x=a b'"
    );
    assert_eq!(
        command_line(["rootsweep", "--external-id=s3cret"].map(String::from)),
        "rootsweep --external-id=…"
    );
}

#[test]
fn the_page_file_is_written_beside_the_report_with_the_run_s_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = "20261203T074112.798Z";
    std::fs::write(
        dir.path().join(format!("audit-{run}.json")),
        audit_doc().to_string(),
    )
    .expect("report");
    let since = json!({ "since_file": "f", "since": "", "new": [], "still_open": [],
        "resolved": ["rootsweep:IAM.4:222222222202:root:access_keys"],
        "accounts_joined": [], "accounts_left": [] });
    std::fs::write(
        dir.path().join(format!("findings-{run}.since.json")),
        since.to_string(),
    )
    .expect("since");
    let path = write(dir.path(), Command::Audit, run, &how()).expect("written");
    assert_eq!(path, dir.path().join(format!("report-{run}.html")));
    let page = std::fs::read_to_string(&path).expect("page");
    assert!(page.contains("<b>1 resolved</b>"), "{page}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    match write(dir.path(), Command::Guardrails, run, &how()) {
        Err(Error::NoReport(p)) => assert!(p.ends_with(format!("guardrails-{run}.json"))),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_page_that_cannot_be_written_is_an_error_and_a_failing_exit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = "X";
    std::fs::write(dir.path().join("audit-X.json"), audit_doc().to_string()).expect("report");
    crate::report::file::fail::arm(Some((1, true)));
    let result = write(dir.path(), Command::Audit, run, &how());
    let exit = super::file::announce(dir.path(), Command::Audit, run, &how());
    crate::report::file::fail::arm(None);
    assert!(matches!(result, Err(Error::Write(..))), "{result:?}");
    assert_eq!(exit, crate::exit::Exit::Fatal);
    assert!(!dir.path().join("report-X.html").exists());
}

#[test]
fn an_error_cell_is_one_reason_per_check_and_a_guardrails_note_stays_whole() {
    assert_eq!(
        subjects::errors("A: Denied: x [guardrails: p-1; Sid S]; B: Throttled: y"),
        ["A: Denied: x [guardrails: p-1; Sid S]", "B: Throttled: y"]
    );
    assert!(subjects::errors("").is_empty());
}

#[test]
fn each_read_only_command_has_the_page_of_its_own_report() {
    for (command, report) in [
        (Command::Audit, "audit"),
        (Command::UsersAudit, "users-audit"),
        (Command::Guardrails, "guardrails"),
    ] {
        let kind = Kind::of(command).expect("a page");
        assert_eq!((kind.command(), kind.report().0), (command, report));
    }
}

#[cfg(unix)]
#[test]
fn a_link_planted_at_the_page_s_name_is_replaced_and_its_target_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("audit-X.json"), audit_doc().to_string()).expect("report");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").expect("victim");
    let page = dir.path().join("report-X.html");
    std::os::unix::fs::symlink(&victim, &page).expect("link");
    write(dir.path(), Command::Audit, "X", &how()).expect("written");
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
    let meta = std::fs::symlink_metadata(&page).expect("page");
    assert!(meta.file_type().is_file(), "a regular file, not the link");
    assert!(std::fs::read_to_string(&page)
        .expect("page")
        .starts_with("<!DOCTYPE html>"));
}
