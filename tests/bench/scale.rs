//! `cargo bench --bench scale [-- CASE...]`: runs the release `rootsweep` binary against a
//! separately started simulator at organization scale and compares each run with the ideal
//! bound its scenario allows. It measures and reports; it changes nothing outside a temp dir.
//!
//! Without cargo bench's `--bench` flag (as under `cargo test --all-targets`) it only checks that
//! its scenarios and arithmetic are sound, so test runs stay fast.

#[path = "scale/case.rs"]
mod case;
#[path = "scale/child.rs"]
mod child;
#[path = "scale/floor.rs"]
mod floor;
#[path = "scale/ideal.rs"]
mod ideal;
#[path = "scale/outputs.rs"]
mod outputs;
#[path = "scale/sim.rs"]
mod sim;
#[path = "scale/table.rs"]
mod table;

use anyhow::{bail, Context};
use case::{Case, Command, LATENCY};
use outputs::CallSummary;
use sim::Simulator;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// The allocator rootsweep uses, so that the SDK reference (`floor`) allocates as it does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The release binary cargo built for this benchmark.
const ROOTSWEEP: &str = env!("CARGO_BIN_EXE_rootsweep");
/// A run that takes longer than this is killed and counted as a harness failure.
const RUN_DEADLINE: Duration = Duration::from_secs(20 * 60);
/// rootsweep exit codes that are results, not breakage: success and "partial" (some accounts
/// unknown or failed; the failed-accounts column shows them).
const RESULT_EXIT_CODES: [i32; 2] = [0, 4];

/// What one case measured.
#[derive(Debug)]
pub struct Measurement {
    /// Wall time of the rootsweep process, seconds.
    pub wall: f64,
    /// The ideal bound and its parts.
    pub ideal: ideal::Bound,
    /// `ideal / wall`.
    pub efficiency: f64,
    /// Simulator call-log entries per generated account.
    pub calls_per_account: f64,
    /// Call-log entries beyond paging (all but the account listings' pages — ListAccounts,
    /// ListAccountsForParent, ListOrganizationalUnitsForParent — and the authorization-details
    /// pages after an account's first) per account read.
    pub calls_per_read_account: f64,
    /// rootsweep's peak RSS, MiB.
    pub rss_mb: f64,
    /// rootsweep's user + system CPU, seconds.
    pub cpu_secs: f64,
    /// The same per generated account, milliseconds.
    pub cpu_ms_per_account: f64,
    /// Simulator CPU during the run, seconds.
    pub sim_cpu_secs: f64,
    /// Failed accounts per the CSV report.
    pub failed: usize,
    /// `users deactivate`: credentials deactivated and verified per its CSV report.
    pub deactivated: Option<usize>,
    /// `users deactivate`: its other credential rows, as `outcome verified` → count.
    pub not_deactivated: std::collections::BTreeMap<String, usize>,
    /// Successful AssumeRoot calls per second of the AssumeRoot span (throttled case only).
    pub assume_root_rps: Option<f64>,
    /// The AWS SDK's own CPU per account for an audit's calls, measured beside the run (cases
    /// with a CPU target; see the `floor` module).
    pub sdk_floor_ms: Option<f64>,
    /// rootsweep's exit code.
    pub exit_code: Option<i32>,
    /// rootsweep's timing line.
    pub timing_line: Option<String>,
    /// The simulator's call log, summarised.
    pub calls: CallSummary,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let measuring = args.iter().any(|a| a == "--bench");
    let filters: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    let cases = match select(case::all(), &filters) {
        Ok(cases) => cases,
        Err(e) => {
            eprintln!("scale: {e:#}");
            return ExitCode::from(2);
        }
    };
    if !measuring {
        return match self_check(&cases) {
            Ok(()) => {
                println!(
                    "scale: {} case(s) checked; `cargo bench --bench scale` measures them",
                    cases.len()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("scale: self-check failed: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let mut rows = Vec::new();
    let mut broken = false;
    for case in &cases {
        println!("\n== {}: {}", case.name, case.title);
        match run_case(case) {
            Ok(m) => {
                print!("{}", table::details(case, &m));
                rows.push((case, m));
            }
            Err(e) => {
                println!("  HARNESS ERROR: {e:#}");
                broken = true;
            }
        }
    }
    println!("\n{}", table::summary(&rows));
    let missed: Vec<&str> = rows
        .iter()
        .filter(|(case, m)| !case.target.misses(m).is_empty())
        .map(|(case, _)| case.name)
        .collect();
    if broken {
        eprintln!("scale: the harness failed on at least one case (see HARNESS ERROR above)");
    }
    if !missed.is_empty() {
        eprintln!("scale: target missed: {}", missed.join(", "));
    }
    if broken || !missed.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The cases named by `filters` (all when none); an unknown name is an error.
fn select(all: Vec<Case>, filters: &[&str]) -> anyhow::Result<Vec<Case>> {
    if let Some(unknown) = filters.iter().find(|f| !all.iter().any(|c| c.name == **f)) {
        let names: Vec<&str> = all.iter().map(|c| c.name).collect();
        bail!(
            "no case named {unknown:?}; the cases are {}",
            names.join(", ")
        );
    }
    Ok(all
        .into_iter()
        .filter(|c| filters.is_empty() || filters.contains(&c.name))
        .collect())
}

/// Runs one case end to end in its own temp dir; the simulator dies with the guard.
fn run_case(case: &Case) -> anyhow::Result<Measurement> {
    let dir = tempfile::tempdir().context("creating a temp dir")?;
    let scenario = dir.path().join("scenario.toml");
    std::fs::write(&scenario, case.scenario_toml()).context("writing the scenario")?;
    let bin = Path::new(ROOTSWEEP);
    let sim = Simulator::start(bin, &scenario, dir.path())?;
    let state: ideal::State = sim.state()?;
    let ideal = match case.command {
        Command::Audit => ideal::audit(&state, LATENCY, case.concurrency, case.assume_root_rps),
        Command::Delete => ideal::delete(&state, LATENCY, case.concurrency),
        Command::UsersAudit => ideal::users_audit(
            &state,
            LATENCY,
            case.concurrency,
            case::MEMBER_ROLE,
            time::OffsetDateTime::now_utc(),
        ),
        Command::UsersDeactivate => ideal::users_deactivate(
            &state,
            LATENCY,
            case.concurrency,
            case::MEMBER_ROLE,
            time::OffsetDateTime::now_utc(),
        ),
    };

    let report_dir = dir.path().join("reports");
    let mut args = case.args();
    args.push("--report-dir".into());
    args.push(report_dir.display().to_string());
    let env = [
        (
            "PATH",
            std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into()),
        ),
        ("AWS_ACCESS_KEY_ID", case::ACCESS_KEY_ID.into()),
        ("AWS_SECRET_ACCESS_KEY", case::SECRET_ACCESS_KEY.into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ENDPOINT_URL", sim.url.clone()),
        (
            "AWS_CONFIG_FILE",
            dir.path().join("no-such-config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("no-such-credentials").display().to_string(),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
    ];
    let (stdout, stderr) = (dir.path().join("stdout"), dir.path().join("stderr"));
    let sim_cpu_before = sim.cpu_secs()?;
    let usage = child::run(bin, &args, &env, &stdout, &stderr, RUN_DEADLINE)?;
    let sim_cpu_secs = sim.cpu_secs()? - sim_cpu_before;
    let calls = sim.calls()?;
    if let Some(keep) = std::env::var_os(KEEP) {
        keep_outputs(Path::new(&keep), case.name, &sim, dir.path())?;
    }
    let sdk_floor_ms = match case.target {
        case::Target::Scale { .. } => Some(
            floor::ms_per_account(
                &sim.url,
                aws_credential_types::Credentials::new(
                    case::ACCESS_KEY_ID,
                    case::SECRET_ACCESS_KEY,
                    None,
                    None,
                    "bench",
                ),
                &state.audited_ids(),
                case.concurrency,
            )
            .context("measuring the SDK's own CPU per account")?,
        ),
        _ => None,
    };
    drop(sim);

    let err_text = std::fs::read_to_string(&stderr).context("reading rootsweep's stderr")?;
    if !usage
        .exit_code
        .is_some_and(|c| RESULT_EXIT_CODES.contains(&c))
    {
        let lines: Vec<&str> = err_text.lines().collect();
        let tail = &lines[lines.len().saturating_sub(15)..];
        bail!(
            "rootsweep {} ended with {:?} (exit code; None = killed by a signal):\n{}",
            args.join(" "),
            usage.exit_code,
            tail.join("\n")
        );
    }
    let failed = outputs::failed_accounts(&report_dir, case.command)?;
    let (deactivated, not_deactivated) = match case.command {
        Command::UsersDeactivate => {
            let (done, others) = outputs::deactivated(&report_dir)?;
            (Some(done), others)
        }
        _ => (None, Default::default()),
    };
    let n = case.accounts as f64;
    let wall = usage.wall.as_secs_f64();
    let calls = CallSummary::of(&calls);
    let paging = [
        "ListAccounts",
        "ListAccountsForParent",
        "ListOrganizationalUnitsForParent",
    ]
    .iter()
    .map(|op| calls.count(op))
    .sum::<usize>()
        + ideal.extra_detail_pages
        // Two listings (SSH public keys, service-specific credentials) per stale-looking user.
        + 2 * ideal.credential_listings;
    let calls_per_read_account =
        calls.total.saturating_sub(paging) as f64 / ideal.audited.max(1) as f64;
    Ok(Measurement {
        wall,
        efficiency: ideal.total() / wall,
        ideal,
        calls_per_account: calls.total as f64 / n,
        calls_per_read_account,
        rss_mb: usage.max_rss_kib as f64 / 1024.0,
        cpu_secs: usage.cpu_secs,
        cpu_ms_per_account: usage.cpu_secs * 1000.0 / n,
        sim_cpu_secs,
        failed,
        deactivated,
        not_deactivated,
        assume_root_rps: case.assume_root_rps.map(|_| assume_root_rate(&calls)),
        sdk_floor_ms,
        exit_code: usage.exit_code,
        timing_line: outputs::timing_line(&err_text, case.command),
        calls,
    })
}

/// The environment variable naming a folder where each case's scenario, reports, rootsweep's
/// output and the simulator's full call log (`calls.json`) are copied after its run, to see
/// where the time went.
const KEEP: &str = "SCALE_KEEP";

/// Copies what the run of `case` left in `dir`, and the simulator's call log, to `keep/<case>`.
fn keep_outputs(keep: &Path, case: &str, sim: &Simulator, dir: &Path) -> anyhow::Result<()> {
    let to = keep.join(case);
    std::fs::create_dir_all(to.join("reports"))
        .with_context(|| format!("creating {}", to.display()))?;
    for name in ["scenario.toml", "stdout", "stderr", "sim.log"] {
        let _ = std::fs::copy(dir.join(name), to.join(name));
    }
    let reports = dir.join("reports");
    for entry in
        std::fs::read_dir(&reports).with_context(|| format!("listing {}", reports.display()))?
    {
        let path = entry.context("listing the reports")?.path();
        if let Some(name) = path.file_name() {
            std::fs::copy(&path, to.join("reports").join(name))
                .with_context(|| format!("copying {}", path.display()))?;
        }
    }
    let log: serde_json::Value = sim.calls_json()?;
    std::fs::write(to.join("calls.json"), log.to_string()).context("writing calls.json")?;
    println!("  kept in {}", to.display());
    Ok(())
}

/// Sustained AssumeRoot rate: successful calls after the first, over the time from the first
/// successful answer to the last (from the simulator's call log).
fn assume_root_rate(calls: &outputs::CallSummary) -> f64 {
    match calls.assume_root_span_ms {
        Some((first, last)) if last > first && calls.assume_root_ok > 1 => {
            (calls.assume_root_ok - 1) as f64 / ((last - first) as f64 / 1000.0)
        }
        _ => 0.0,
    }
}

/// Without `--bench`: every scenario loads and generates its accounts, the bound's arithmetic
/// holds on a small organization, and /proc parsing works.
fn self_check(cases: &[Case]) -> anyhow::Result<()> {
    for case in cases {
        let scenario = rootsweep::sim::Scenario::from_toml_str(&case.scenario_toml(), case.name)
            .with_context(|| format!("the scenario of {}", case.name))?;
        let listed = scenario.account_ids().count();
        if listed != case.accounts + 1 {
            bail!(
                "{}: {listed} accounts, expected {}",
                case.name,
                case.accounts + 1
            );
        }
    }
    let state: ideal::State = serde_json::from_str(SMALL_STATE).context("the sample state")?;
    let audit = ideal::audit(&state, LATENCY, 2, Some(1.0));
    let delete = ideal::delete(&state, LATENCY, 2);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    // Two audited accounts (paths 0.14 and 0.18 s), one page; two AssumeRoots at 1/s; one
    // eligible account with a password and one device: 2 × 0.1 + 4 × 0.04. No audit starts
    // before the first page (0.15 s).
    let expected = [
        (audit.enumeration, 0.15),
        (audit.serial, 0.29),
        (audit.parallel, 0.15 + 0.16),
        (audit.throttle, 2.0),
        (delete.delete, 0.36),
    ];
    if audit.audited != 2 || delete.eligible != 1 || !expected.iter().all(|(a, b)| close(*a, *b)) {
        bail!("unexpected bound: audit {audit:?}, delete {delete:?}");
    }
    let users: ideal::State = serde_json::from_str(SMALL_USERS_STATE).context("the users state")?;
    let bound = ideal::users_audit(
        &users,
        LATENCY,
        2,
        case::MEMBER_ROLE,
        time::OffsetDateTime::now_utc(),
    );
    // Management (own credentials, 20 users + 1 group: 2 report calls = 0.08 s), a member with
    // the role (0.1 + 0.08), one without (0.1), one suspended (not read); one ListAccounts page.
    // The members wait for that page (0.15 s), the management account does not: 0.15 + 0.28 / 2.
    let users_expected = [
        (bound.enumeration, 0.15),
        (bound.serial, 0.23),
        (bound.parallel, 0.15 + 0.14),
    ];
    if bound.audited != 3
        || bound.unreadable != 1
        || bound.extra_detail_pages != 0
        || !users_expected.iter().all(|(a, b)| close(*a, *b))
    {
        bail!("unexpected users bound: {bound:?}");
    }
    let now = time::OffsetDateTime::now_utc();
    let deactivate: ideal::State =
        serde_json::from_value(small_deactivate_state(now)?).context("the deactivate state")?;
    let bound = ideal::users_deactivate(&deactivate, LATENCY, 2, case::MEMBER_ROLE, now);
    // Read stage: the management account (own credentials; 2 users: 2 report calls, `a` stale by
    // its records: one listing round; both hold an active key: the plan's 2 key reads) 0.20 s;
    // the member with the role (AssumeRole 0.1; `e` stale: one round; `c` and `d` hold active
    // keys: 2 key reads) 0.30 s; the one without 0.1 s. max(0.60 / 2, 0.15 + 0.40 / 2) = 0.35.
    // Change phase: `a`'s key in the management account (3 calls, 0.12 s) and `c`'s first key in
    // the member (AssumeRole + 3 calls, 0.22 s): max(0.22, 0.34 / 2). `b`'s key was used 10 days
    // ago, `c`'s second is inactive, `d`'s is 10 days old and never used.
    let deactivate_expected = [
        (bound.parallel, 0.35),
        (bound.audit, 0.35),
        (bound.delete, 0.22),
        (bound.total(), 0.57),
    ];
    if bound.credentials != 2
        || bound.eligible != 2
        || bound.unreadable != 1
        || bound.credential_listings != 2
        || !deactivate_expected.iter().all(|(a, b)| close(*a, *b))
    {
        bail!("unexpected users deactivate bound: {bound:?}");
    }
    // A walk: OU `ou-b` two levels down holds 21 accounts (two pages): ListRoots, two child-OU
    // pages, two account pages = 5 calls; the root's one account needs 2; the chain of 2 pages
    // (22 accounts) is shorter still, 0.30 s, and wins.
    let mut accounts = serde_json::Map::new();
    for i in 0..22 {
        let parent = if i == 0 { "r-1" } else { "ou-b" };
        accounts.insert(
            format!("{:012}", 200_000_000_000u64 + i),
            serde_json::json!({"state": "ACTIVE", "parent": parent, "root": {"login_profile": null, "mfa_devices": [], "access_keys": [], "signing_certificates": []}}),
        );
    }
    let tree = serde_json::json!({
        "organization": {"management_account": "111111111111"},
        "ous": [{"id": "ou-a", "parent": "r-1"}, {"id": "ou-b", "parent": "ou-a"}],
        "accounts": accounts,
    });
    let tree: ideal::State = serde_json::from_value(tree).context("the tree state")?;
    let (walk, bound) = (
        ideal::walk(&tree, LATENCY),
        ideal::audit(&tree, LATENCY, 2, None),
    );
    if !close(walk, 0.75) || !close(bound.enumeration, 0.30) {
        bail!(
            "unexpected walk bound {walk} / enumeration {}",
            bound.enumeration
        );
    }
    let stat = "42 (rootsweep sim) S 1 42 42 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 3 0 1";
    let cpu = sim::cpu_from_stat(stat)?;
    if cpu <= 0.0 {
        bail!("cpu_from_stat read {cpu}");
    }
    Ok(())
}

/// A management account, a suspended member, a member with a key, an eligible member.
const SMALL_STATE: &str = r#"{
  "organization": {"management_account": "111111111111"},
  "accounts": {
    "111111111111": {"state": "ACTIVE", "root": {"login_profile": null, "mfa_devices": [], "access_keys": [], "signing_certificates": []}},
    "222222222222": {"state": "SUSPENDED", "root": {"login_profile": {}, "mfa_devices": [], "access_keys": [], "signing_certificates": []}},
    "333333333333": {"state": "ACTIVE", "root": {"login_profile": null, "mfa_devices": [], "access_keys": [{"id": "AKIA"}], "signing_certificates": []}},
    "444444444444": {"state": "ACTIVE", "root": {"login_profile": {"created": "x"}, "mfa_devices": [{"serial": "s"}], "access_keys": [], "signing_certificates": []}}
  }
}"#;

/// A management account whose users `a` (key last used 100 days ago) and `b` (10 days ago) hold
/// one key each; a member without the role; a suspended one; a member with the role whose `c`
/// holds a key never used in its 50 days and an inactive one, `d` a 10-day-old key never used,
/// `e` a password unused since it was set 400 days ago. Times are days before `now`.
fn small_deactivate_state(now: time::OffsetDateTime) -> anyhow::Result<serde_json::Value> {
    let ago = |days: i64| -> anyhow::Result<String> {
        (now - time::Duration::days(days))
            .format(&time::format_description::well_known::Rfc3339)
            .context("formatting a time")
    };
    let key = |id: &str, status: &str, created: i64, used: Option<i64>| -> anyhow::Result<_> {
        Ok(serde_json::json!({
            "id": id, "status": status, "created": ago(created)?,
            "last_used": used.map(ago).transpose()?,
        }))
    };
    let user = |created: i64, keys: Vec<serde_json::Value>| -> anyhow::Result<_> {
        Ok(serde_json::json!({"created": ago(created)?, "access_keys": keys}))
    };
    let root = serde_json::json!({"login_profile": null, "mfa_devices": [], "access_keys": [], "signing_certificates": []});
    let role = [case::MEMBER_ROLE];
    Ok(serde_json::json!({
        "organization": {"management_account": "111111111111"},
        "accounts": {
            "111111111111": {"state": "ACTIVE", "root": root, "users": {
                "a": user(400, vec![key("AKIAA", "Active", 400, Some(100))?])?,
                "b": user(400, vec![key("AKIAB", "Active", 400, Some(10))?])?,
            }},
            "222222222222": {"state": "SUSPENDED", "root": root, "roles": role, "users": {
                "x": user(400, vec![key("AKIAX", "Active", 400, None)?])?,
            }},
            "333333333333": {"state": "ACTIVE", "root": root, "roles": [], "users": {
                "y": user(400, vec![key("AKIAY", "Active", 400, None)?])?,
            }},
            "444444444444": {"state": "ACTIVE", "root": root, "roles": role, "users": {
                "c": user(400, vec![key("AKIAC1", "Active", 50, None)?, key("AKIAC2", "Inactive", 400, None)?])?,
                "d": user(10, vec![key("AKIAD", "Active", 10, None)?])?,
                "e": {"created": ago(400)?, "password": {"created": ago(400)?, "last_used": null}, "access_keys": []},
            }},
        },
    }))
}

/// A management account, a member with the role, one without, a suspended one.
const SMALL_USERS_STATE: &str = r#"{
  "organization": {"management_account": "111111111111"},
  "accounts": {
    "111111111111": {"state": "ACTIVE", "root": {"login_profile": null, "mfa_devices": [], "access_keys": [], "signing_certificates": []}, "users": {"a": {}}, "groups": {"g": {}}},
    "222222222222": {"state": "SUSPENDED", "root": {"login_profile": null, "mfa_devices": [], "access_keys": [], "signing_certificates": []}, "roles": ["OrganizationAccountAccessRole"]},
    "333333333333": {"state": "ACTIVE", "root": {"login_profile": null, "mfa_devices": [], "access_keys": [], "signing_certificates": []}, "roles": []},
    "444444444444": {"state": "ACTIVE", "root": {"login_profile": null, "mfa_devices": [], "access_keys": [], "signing_certificates": []}, "roles": ["OrganizationAccountAccessRole"], "users": {"b": {}}}
  }
}"#;
