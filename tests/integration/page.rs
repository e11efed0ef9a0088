//! The page `report-<UTC>.html` end to end: `audit --html`, `users audit --html` and
//! `guardrails --html` against the simulator write one self-contained page beside the reports,
//! naming every account of the report, with no script; an account named like a script stays
//! text. When Chromium is on PATH the page is rendered headless: its DOM still holds the escaped
//! text and no script element, and a screenshot is taken (`ROOTSWEEP_PAGE_SCREENSHOT=FILE` keeps
//! the demo's, as `reports/demo-page.png` was made). Without Chromium the test says so and checks the
//! rest.

use crate::support::cli::{report, reports, rootsweep, Run};
use crate::support::scenario::{org, shipped, ENABLED};
use crate::support::sim::Sim;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const HOSTILE: &str = "<script>alert(1)</script>";
const HOSTILE_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";

/// The first of `chromium`, `chromium-browser`, `google-chrome` on PATH.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Runs Chromium headless with `args` (and a profile of its own) for at most 90 s; its stdout.
fn headless(browser: &Path, args: &[String]) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().expect("poll chromium").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 90 s: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("chromium output");
    assert!(
        out.status.success(),
        "chromium {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Renders `page` headless when Chromium is present: the DOM it built, after a screenshot was
/// taken and checked to be a non-empty PNG (copied to `ROOTSWEEP_PAGE_SCREENSHOT` when `keep`).
/// `None` (said on stderr) without Chromium.
fn render(page: &Path, keep: bool) -> Option<String> {
    let Some(browser) = chromium() else {
        eprintln!(
            "page: no chromium, chromium-browser or google-chrome on PATH: the page was not \
             rendered; the checks of its text still ran"
        );
        return None;
    };
    let url = format!("file://{}", page.display());
    let dom = headless(&browser, &["--dump-dom".to_string(), url.clone()]);
    let dir = tempfile::tempdir().expect("screenshot dir");
    let shot = dir.path().join("page.png");
    headless(
        &browser,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1000,1400".to_string(),
            "--hide-scrollbars".to_string(),
            url,
        ],
    );
    let png = std::fs::read(&shot).expect("the screenshot was written");
    assert!(png.len() > 1000, "a screenshot of {} bytes", png.len());
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    match std::env::var_os("ROOTSWEEP_PAGE_SCREENSHOT") {
        Some(to) if keep => {
            std::fs::copy(&shot, &to).expect("keep the screenshot");
        }
        _ => {}
    }
    Some(dom)
}

/// The page of a run, after checking it was announced and shares the run's timestamp.
fn page_of(run: &Run, dir: &Path, prefix: &str) -> (PathBuf, String, Value) {
    let page = report(dir, "report-", ".html");
    assert!(
        run.stderr
            .contains(&format!("rootsweep: page: {}", page.display())),
        "{}",
        run.stderr
    );
    let json = report(dir, prefix, ".json");
    let stamp = |p: &Path, pre: &str, ext: &str| {
        let name = p.file_name().and_then(|n| n.to_str()).expect("name");
        name[pre.len()..name.len() - ext.len()].to_string()
    };
    assert_eq!(
        stamp(&page, "report-", ".html"),
        stamp(&json, prefix, ".json")
    );
    let text = std::fs::read_to_string(&page).expect("page");
    let doc = serde_json::from_str(&std::fs::read_to_string(&json).expect("report"))
        .expect("report JSON");
    (page, text, doc)
}

/// `& < > " '` as the page escapes them.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Every account of the report's rows is on the page, by id and escaped name.
fn assert_names_every_account(page: &str, rows: &[Value]) {
    assert!(!rows.is_empty());
    for row in rows {
        let id = row["account_id"].as_str().expect("id");
        let name = row["account_name"].as_str().expect("name");
        assert!(page.contains(id), "{id} missing");
        assert!(page.contains(&escaped(name)), "{name} missing");
    }
}

/// The browser's DOM holds the page's elements and no other: as many rows, cells and list items
/// as the file (a script would have added or changed some).
fn assert_same_elements(page: &str, dom: &str) {
    for tag in ["<tr", "<td", "<li", "<span", "<code"] {
        assert_eq!(
            dom.matches(tag).count(),
            page.matches(tag).count(),
            "{tag} in the DOM and the file"
        );
    }
}

/// No script and nothing fetched.
fn assert_inert(page: &str) {
    let lower = page.to_lowercase();
    assert!(!lower.contains("<script"), "a script element");
    assert!(!lower.contains("http://") && !lower.contains("https://"));
    assert!(!lower.contains(" src=") && !lower.contains("url("));
}

#[test]
fn the_demo_audit_writes_a_page_naming_every_account_without_script() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit", "--html"]);
    assert_ne!(run.code, 0, "the demo has unknown accounts: exit 4");
    let (page, text, doc) = page_of(&run, dir.path(), "audit-");
    assert_names_every_account(&text, doc["accounts"].as_array().expect("accounts"));
    assert_inert(&text);
    for part in ["Prod", "Dev", "ControlTower", "IAMAuditRootUserCredentials"] {
        assert!(text.contains(part), "{part}");
    }
    assert!(text.contains("arn:aws:iam::111111111111:user/admin"));
    assert!(text.contains("No earlier findings file"));
    if let Some(dom) = render(&page, true) {
        assert_inert(&dom);
        assert_same_elements(&text, &dom);
        assert_names_every_account(&dom, doc["accounts"].as_array().expect("accounts"));
    }
    // A second run compares with the first: the page says what changed (nothing).
    std::fs::remove_file(&page).expect("remove the first page");
    let first = report(dir.path(), "audit-", ".json");
    std::fs::rename(&first, first.with_extension("json.first")).expect("set the first aside");
    let again = rootsweep(&sim, dir.path(), &["audit", "--html"]);
    let (_, text, _) = page_of(&again, dir.path(), "audit-");
    assert!(text.contains("<b>0 new</b>"), "{text}");
    assert!(text.contains("<b>0 resolved</b>"), "{text}");
}

#[test]
fn users_audit_and_guardrails_write_their_page_with_every_account() {
    let sim = Sim::start(shipped("users.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["users", "audit", "--html"]);
    let (page, text, doc) = page_of(&run, dir.path(), "users-audit-");
    let rows = doc["users"].as_array().expect("users");
    assert_names_every_account(&text, rows);
    assert_inert(&text);
    for row in rows.iter().filter(|r| r["verdict"] == "stale") {
        let user = row["user_name"].as_str().expect("user");
        assert!(
            text.contains(&format!("<td>{}</td>", escaped(user))),
            "{user}"
        );
    }
    if let Some(dom) = render(&page, false) {
        assert_inert(&dom);
    }
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["guardrails", "--html"]);
    let (_, text, doc) = page_of(&run, dir.path(), "guardrails-");
    assert_names_every_account(&text, doc["tasks"].as_array().expect("tasks"));
    assert_inert(&text);
}

#[test]
fn an_account_named_like_a_script_stays_text_on_the_page_and_in_the_browser() {
    let accounts = format!(
        r#"[[accounts]]
id = "333333333301"
name = "{HOSTILE}"
email = "hostile@example.com"
[accounts.root]
login_profile = {{ created = "2021-01-01T00:00:00Z" }}
"#
    );
    let sim = Sim::start_toml(&org(ENABLED, &accounts));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit", "--html"]);
    run.expect_code(0);
    let (page, text, _) = page_of(&run, dir.path(), "audit-");
    assert!(text.contains(HOSTILE_ESCAPED), "{text}");
    assert!(!text.contains(HOSTILE));
    assert_inert(&text);
    if let Some(dom) = render(&page, false) {
        assert!(dom.contains(HOSTILE_ESCAPED), "{dom}");
        assert!(!dom.to_lowercase().contains("<script"), "{dom}");
        assert_same_elements(&text, &dom);
    }
}

/// The subcommand paths (`users audit`) under `cmd` that take `--html`.
fn taking_html(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
    if cmd.get_arguments().any(|a| a.get_long() == Some("html")) {
        out.push(path.trim().to_string());
    }
    for sub in cmd.get_subcommands() {
        taking_html(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

/// A command that takes `--html` must write the page: only the three whose reports a page is
/// built from do (a changing command's findings carry what it changed, its page would not).
#[test]
fn only_the_commands_that_write_a_page_take_html() {
    use clap::CommandFactory;
    let mut found = Vec::new();
    taking_html(&rootsweep::cli::Cli::command(), "", &mut found);
    found.sort();
    assert_eq!(found, ["audit", "guardrails", "users audit"]);
}
