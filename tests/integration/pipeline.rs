//! The pipeline's promises where the user sees them, through the real binary: one JSON document
//! per command, an honest exit code, outcomes true in scope, a prompt that a signal cancels,
//! recording before changing, and nothing raw reaching a terminal or a spreadsheet.

use crate::support::cli::{command, report, reports, rootsweep, Csv};
use crate::support::scenario::{eligible, org, ENABLED};
use crate::support::sim::Sim;
use serde_json::Value;
use std::io::{Read, Write};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn mfa_only(id: &str) -> String {
    format!(
        r#"[[accounts]]
id = "{id}"
name = "mfa-only-{id}"
email = "{id}@example.com"
[accounts.root]
mfa = [{{ kind = "hardware", serial = "GAHT{id}" }}]
"#
    )
}

fn unknown(id: &str) -> String {
    format!(
        r#"{}
[[faults]]
account = "{id}"
operation = "AssumeRoot"
code = "AccessDenied"
"#,
        eligible(id)
    )
}

#[test]
fn every_command_prints_exactly_one_json_document() {
    let accounts = format!("{}{}", eligible("222222220001"), eligible("222222220002"));
    for args in [
        vec!["audit", "--output", "json"],
        vec!["delete", "--dry-run", "--output", "json"],
        vec!["delete", "--yes", "--output", "json"],
    ] {
        let sim = Sim::start_toml(&org(ENABLED, &accounts));
        let dir = reports();
        let run = rootsweep(&sim, dir.path(), &args);
        run.expect_code(0);
        let doc: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e}):\n{}", run.stdout));
        assert!(doc["accounts"].is_array(), "{args:?}: {doc}");
        assert_eq!(doc["organization"], "o-testorg0001");
        if args.contains(&"--dry-run") {
            assert_eq!(doc["plan"]["entries"].as_array().map(Vec::len), Some(2));
        }
        if args.contains(&"--yes") {
            assert_eq!(doc["counts"]["deleted"], 2, "{doc}");
            assert_eq!(doc["audit_counts"]["eligible"], 2, "{doc}");
        }
    }
}

#[test]
fn recover_and_unlock_print_exactly_one_json_document() {
    let accounts =
        "[[accounts]]\nid = \"222222220001\"\nbuckets = [{ name = \"b-1\", policy = '{}' }]\n";
    for (args, key, count) in [
        (
            vec!["recover", "--accounts", "222222220001", "--yes"],
            "accounts",
            "recovered",
        ),
        (
            vec![
                "unlock",
                "s3",
                "--account",
                "222222220001",
                "--bucket",
                "b-1",
                "--yes",
            ],
            "resources",
            "unlocked",
        ),
    ] {
        let sim = Sim::start_toml(&org(ENABLED, accounts));
        let dir = reports();
        let mut args = args.clone();
        args.extend(["--output", "json"]);
        let run = rootsweep(&sim, dir.path(), &args);
        run.expect_code(0);
        let doc: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e}):\n{}", run.stdout));
        assert_eq!(
            doc[key].as_array().map(Vec::len),
            Some(1),
            "{args:?}: {doc}"
        );
        assert_eq!(doc["counts"][count], 1, "{args:?}: {doc}");
        assert!(doc["plan"]["entries"].is_array(), "{doc}");
    }
}

#[test]
fn skip_blocked_with_an_unknown_account_exits_4_even_when_nothing_is_left_to_change() {
    // An already clean organization plus one account whose state cannot be read.
    let sim = Sim::start_toml(&org(ENABLED, &unknown("222222220009")));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--yes", "--skip-blocked"]);
    run.expect_code(4);
    let csv = Csv::read(&report(dir.path(), "delete-", ".csv"));
    assert_eq!(csv.account("222222220009")["outcome"], "skipped-unknown");
    assert_eq!(sim.mutating_calls(), Vec::<Value>::new());
}

#[test]
fn only_login_profile_reports_an_mfa_only_account_as_nothing_in_scope_and_keeps_its_device() {
    let sim = Sim::start_toml(&org(
        ENABLED,
        &format!("{}{}", mfa_only("222222220001"), eligible("222222220002")),
    ));
    let dir = reports();
    let run = rootsweep(
        &sim,
        dir.path(),
        &["delete", "--yes", "--only", "login-profile"],
    );
    run.expect_code(0);
    let csv = Csv::read(&report(dir.path(), "delete-", ".csv"));
    let row = csv.account("222222220001");
    assert_eq!(row["outcome"], "nothing-in-scope", "{row:?}");
    assert_eq!(row["verified"], "n/a");
    assert!(row["error"].contains("1 MFA device(s) remain"), "{row:?}");
    assert_eq!(
        sim.root("222222220001")["mfa_devices"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(csv.account("222222220002")["outcome"], "deleted");
}

/// Output of a child collected on a thread, so a test can wait for a prompt.
fn collect(mut from: impl Read + Send + 'static) -> Arc<Mutex<Vec<u8>>> {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let sink = buf.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = from.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock().expect("buffer").extend_from_slice(&chunk[..n]);
        }
    });
    buf
}

fn text(buf: &Arc<Mutex<Vec<u8>>>) -> String {
    String::from_utf8_lossy(&buf.lock().expect("buffer")).into_owned()
}

/// `rootsweep ARGS` on a pseudo-terminal (util-linux `script`) with the hermetic environment.
fn on_a_terminal(sim: &Sim, dir: &std::path::Path, args: &str) -> std::process::Child {
    on_a_terminal_with(sim, dir, args, false)
}

/// As [`on_a_terminal`]; `no_reports` leaves out `--report-dir` (for `preflight`).
fn on_a_terminal_with(
    sim: &Sim,
    dir: &std::path::Path,
    args: &str,
    no_reports: bool,
) -> std::process::Child {
    let inner = if no_reports {
        format!("{} {args}", env!("CARGO_BIN_EXE_rootsweep"))
    } else {
        format!(
            "{} {args} --report-dir {}",
            env!("CARGO_BIN_EXE_rootsweep"),
            dir.display()
        )
    };
    let cmd = command(sim, &[]);
    std::process::Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .env_clear()
        .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .env("TERM", "dumb")
        .env("COLUMNS", "100")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs rootsweep on a pty")
}

#[test]
fn ctrl_c_at_the_confirmation_prompt_cancels_at_once_and_changes_nothing() {
    let sim = Sim::start_toml(&org(ENABLED, &eligible("222222220001")));
    let dir = reports();
    let mut child = on_a_terminal(&sim, dir.path(), "delete");
    let screen = collect(child.stdout.take().expect("stdout"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !text(&screen).contains("Type 1 to") {
        assert!(Instant::now() < deadline, "no prompt:\n{}", text(&screen));
        std::thread::sleep(Duration::from_millis(20));
    }
    // Ctrl-C typed on the terminal: the line discipline sends SIGINT to rootsweep.
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"\x03").expect("type Ctrl-C");
    let typed = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status.code().unwrap_or(-1);
        }
        if typed.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!(
                "still waiting 10 s after Ctrl-C at the prompt:\n{}",
                text(&screen)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    assert_eq!(code, 130, "{}", text(&screen));
    assert!(
        text(&screen).contains("nothing was changed"),
        "{}",
        text(&screen)
    );
    assert_eq!(sim.mutating_calls(), Vec::<Value>::new());
}

const HOSTILE: &str = r#"[[accounts]]
id = "222222220001"
name = "=HYPERLINK(\"http://x\")"
email = "a@example.com"
[accounts.root]
login_profile = { created = "2021-01-01T00:00:00Z" }

[[accounts]]
id = "222222220002"
name = "\u001b[31mred\u001b[0m\u0007bell\rback"
email = "b@example.com"
[accounts.root]
login_profile = { created = "2021-01-01T00:00:00Z" }
"#;

#[test]
fn control_characters_reach_no_terminal_raw_and_formulas_reach_no_spreadsheet() {
    let sim = Sim::start_toml(&org(ENABLED, HOSTILE));
    let dir = reports();
    let child = on_a_terminal(&sim, dir.path(), "delete --dry-run");
    let out = child.wait_with_output().expect("wait");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{screen}");
    assert!(
        screen.contains(r"222222220002 (\e[31mred\e[0m\abell\rback)"),
        "{screen}"
    );
    // (The progress bar's own line-clearing sequences are the only escapes expected.)
    assert!(
        !screen.contains("\u{1b}[31m"),
        "raw ESC from a name: {screen:?}"
    );
    assert!(
        !screen.contains("\u{1b}[0m"),
        "raw ESC from a name: {screen:?}"
    );
    assert!(
        !screen.contains('\u{7}'),
        "raw BEL on the terminal: {screen:?}"
    );
    let table = screen
        .lines()
        .filter(|l| l.starts_with(['│', '┌', '└', '╞', '├']));
    for line in table {
        assert!(
            line.chars().count() <= 100,
            "wider than the terminal: {line}"
        );
    }

    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["delete", "--yes"]);
    run.expect_code(0);
    for prefix in ["audit-", "delete-"] {
        let raw = std::fs::read_to_string(report(dir.path(), prefix, ".csv")).expect("csv");
        assert!(
            raw.contains(r#"'=HYPERLINK(""http://x"")"#),
            "{prefix} CSV runs the formula: {raw}"
        );
    }
}

/// Runs rootsweep with files limited to `bytes` (RLIMIT_FSIZE), so a report write fails like
/// a full disk part-way through the run.
fn with_file_limit(sim: &Sim, dir: &std::path::Path, args: &[&str], bytes: u64) -> (i32, String) {
    use std::os::unix::process::CommandExt;
    let mut cmd = command(sim, args);
    cmd.arg("--report-dir").arg(dir);
    // SAFETY: only async-signal-safe calls (setrlimit, signal) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().expect("run rootsweep");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_report_that_cannot_be_written_starts_no_further_account_and_says_where_the_record_is() {
    let accounts: String = (0..60)
        .map(|i| eligible(&format!("2222222200{i:02}")))
        .collect();
    let sim = Sim::start_toml(&org(ENABLED, &format!("{accounts}\n[latency]\niam = 20\n")));
    let dir = reports();
    let (code, stderr) = with_file_limit(
        &sim,
        dir.path(),
        &["delete", "--yes", "--concurrency", "2"],
        2048,
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("no further account was started"),
        "{stderr}"
    );
    // Neither report could hold the run: the record is on stderr, as one JSON document.
    assert!(
        stderr.contains("The record of this run follows"),
        "{stderr}"
    );
    let assumed = sim
        .calls()
        .iter()
        .filter(|c| c["operation"] == "AssumeRoot")
        .count();
    assert!(
        assumed < 30,
        "{assumed} accounts started after the write failed"
    );
    assert_eq!(sim.mutating_calls(), Vec::<Value>::new(), "nothing changed");
}

#[test]
fn the_state_field_decides_not_the_deprecated_status_and_an_empty_first_page_is_followed() {
    let suspended_but_status_active = r#"[[accounts]]
id = "222222220005"
name = "suspended"
email = "s@example.com"
state = "SUSPENDED"
status = "ACTIVE"
[accounts.root]
login_profile = { created = "2021-01-01T00:00:00Z" }
"#;
    let sim = Sim::start_toml(&org(
        &format!("{ENABLED}\nempty_first_page = true"),
        &format!("{}{suspended_but_status_active}", eligible("222222220001")),
    ));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit"]).expect_code(0);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(
        csv.rows.len(),
        3,
        "every account, past the empty first page"
    );
    let row = csv.account("222222220005");
    assert_eq!(row["state"], "SUSPENDED");
    assert_eq!(row["verdict"], "skipped");
    assert!(row["error"].contains("SUSPENDED, not ACTIVE"), "{row:?}");
    assert_eq!(csv.account("222222220001")["verdict"], "eligible");
}

#[test]
fn an_iam_page_truncated_without_a_marker_makes_the_account_unknown_never_a_shorter_list() {
    let sim = Sim::start_toml(&org(
        ENABLED,
        &format!(
            "{}{}[[faults]]\naccount = \"222222220001\"\noperation = \"ListMFADevices\"\naction = \"truncated-no-marker\"\n",
            eligible("222222220001"),
            eligible("222222220002")
        ),
    ));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit"]).expect_code(4);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    let row = csv.account("222222220001");
    assert_eq!(row["verdict"], "unknown", "{row:?}");
    assert_eq!(row["mfa_devices"], "unknown");
    assert!(
        row["error"].contains("ListMFADevices: IncompletePage"),
        "{row:?}"
    );
    assert_eq!(csv.account("222222220002")["verdict"], "eligible");
}

/// What a terminal shows: escape sequences removed, one entry per line (a carriage return
/// starts the line again, as the progress bar redraws it).
fn screen_lines(raw: &str) -> Vec<String> {
    let mut text = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters final-byte; other escapes are two characters.
            if chars.next_if_eq(&'[').is_some() {
                for p in chars.by_ref() {
                    if ('\x40'..='\x7e').contains(&p) {
                        break;
                    }
                }
            } else {
                chars.next();
            }
            continue;
        }
        text.push(c);
    }
    text.split(['\n', '\r']).map(str::to_string).collect()
}

#[test]
fn on_a_100_column_terminal_every_line_fits_even_with_long_aws_errors() {
    let long = "User: arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/someone@example.com is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::222222220002:root because no identity-based policy allows the sts:AssumeRoot action";
    let accounts = format!(
        "{}{}\n[[faults]]\naccount = \"222222220002\"\noperation = \"AssumeRoot\"\ncode = \"AccessDenied\"\nmessage = \"{long}\"\n",
        eligible("222222220001"),
        eligible("222222220002"),
    );
    let sim = Sim::start_toml(&org(ENABLED, &accounts));
    let dir = reports();
    for args in ["audit", "delete --dry-run", "preflight"] {
        let mut child = on_a_terminal_with(&sim, dir.path(), args, args == "preflight");
        let screen = collect(child.stdout.take().expect("stdout"));
        let status = child.wait().expect("wait");
        // `collect` reads on a thread: wait for the end of the stream.
        std::thread::sleep(Duration::from_millis(200));
        let shown = text(&screen);
        assert!(status.code().is_some(), "{args}: {shown}");
        // Table rows (box drawing) and progress lines are drawn to fit; plain sentences (a
        // report path, the timing line) are left to the terminal to wrap.
        let lines = screen_lines(&shown);
        let drawn = |l: &&String| l.contains(['│', '─', '┆', '═']) || l.starts_with("audit ");
        let wide: Vec<&String> = lines
            .iter()
            .filter(drawn)
            .filter(|l| l.chars().count() > 100)
            .collect();
        assert!(
            wide.is_empty(),
            "{args}: lines wider than 100 columns: {wide:#?}"
        );
        assert!(
            shown.contains('│'),
            "{args}: a fitted table on a terminal:\n{shown}"
        );
        if args == "audit" {
            assert!(shown.contains("222222220002"), "{shown}");
            assert!(
                shown.contains('…'),
                "the long error is cut on screen:\n{shown}"
            );
        }
    }
    // The CSV keeps the whole message.
    let csvs: Vec<_> = std::fs::read_dir(dir.path())
        .expect("reports")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    let text = std::fs::read_to_string(&csvs[0]).expect("csv");
    assert!(text.contains(long), "{text}");
}
