//! The same generator and checker over the real SDK and wire path: each seed's organization
//! becomes a simulator scenario (with a fault plan the simulator itself applies: every error
//! class, dropped connections, a change made whose answer is lost, IAM listings truncated
//! without a marker, ListAccounts token cycles), `rootsweep audit` or `delete --yes` runs
//! through the command layer, its AWS SDK clients and HTTP against that simulator in this
//! process, and the reports and the simulator's final state are checked as the in-memory runs
//! are. So the fakes cannot drift from the simulator unnoticed.
//!
//! A signal comes at a call the simulator holds unanswered. `cargo test` runs 24 cases per job;
//! `ROOTSWEEP_INVARIANT_CASES` / `_SEED` apply here too
//! (one case takes about half a second of real time: the SDK's retries wait for real).

use super::check::{self, Job, Observed, Report};
use super::faulty::Seen;
use super::generate::{Case, CODES, MANAGEMENT};
use super::parse_csv;
use crate::root::fake::Root;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The HTTP status AWS answers each generated error code with.
pub(super) fn status(code: &str) -> u16 {
    match code {
        "ServiceFailure" => 500,
        "EntityTemporarilyUnmodifiable" | "LimitExceeded" => 409,
        "AccessDenied" | "ExpiredToken" | "RegionDisabledException" => 403,
        _ => 400,
    }
}

/// Reads of a root audit, and the changes of a delete, as the simulator names them.
const READS: [&str; 5] = [
    "GetLoginProfile",
    "ListMFADevices",
    "ListAccessKeys",
    "GetAccessKeyLastUsed",
    "ListSigningCertificates",
];
const CHANGES: [&str; 2] = ["DeleteLoginProfile", "DeactivateMFADevice"];

/// One `[[faults]]` entry of the scenario.
fn fault(rng: &mut SmallRng, account: &str) -> String {
    let mut f = format!("\n[[faults]]\naccount = \"{account}\"\n");
    match rng.gen_range(0..10) {
        0..=4 => {
            let op = match rng.gen_range(0..3) {
                0 => "AssumeRoot",
                1 => CHANGES[rng.gen_range(0..CHANGES.len())],
                _ => READS[rng.gen_range(0..READS.len())],
            };
            let code = CODES[rng.gen_range(0..CODES.len())];
            // Throttling is retried for up to a minute of real time: never more than twice.
            let times = if code == "Throttling" {
                rng.gen_range(1..=2)
            } else {
                rng.gen_range(1..=3)
            };
            let _ = write!(
                f,
                "operation = \"{op}\"\naction = \"error\"\ncode = \"{code}\"\nstatus = {}\ntimes = {times}\n",
                status(code)
            );
        }
        5 => {
            let op = READS[rng.gen_range(0..READS.len())];
            let _ = write!(f, "operation = \"{op}\"\naction = \"reset\"\ntimes = 1\n");
        }
        6 | 7 => {
            let op = CHANGES[rng.gen_range(0..CHANGES.len())];
            let _ = write!(
                f,
                "operation = \"{op}\"\naction = \"apply-then-reset\"\ntimes = 1\n"
            );
        }
        _ => {
            let op = [
                "ListMFADevices",
                "ListAccessKeys",
                "ListSigningCertificates",
            ][rng.gen_range(0..3)];
            let _ = write!(
                f,
                "operation = \"{op}\"\naction = \"truncated-no-marker\"\ntimes = 1\n"
            );
        }
    }
    f
}

/// A signal the test sends the run, at a call the simulator holds unanswered until it does.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Signal {
    /// The account of the held call.
    account: String,
    /// Its operation.
    operation: &'static str,
    /// Whether it is the account's first such call (the read stage) or its second (a
    /// change's re-check, when there is one).
    reading: bool,
}

/// The signal of a case, if it has one.
fn signal(case: &Case) -> Option<Signal> {
    let mut rng = SmallRng::seed_from_u64(case.seed ^ 0x5161);
    let active: Vec<&String> = case
        .accounts
        .iter()
        .filter(|(id, state, _)| id != MANAGEMENT && state == "ACTIVE")
        .map(|(id, _, _)| id)
        .collect();
    if active.is_empty() || !rng.gen_bool(0.4) {
        return None;
    }
    let reading = rng.gen_bool(0.6);
    Some(Signal {
        account: active[rng.gen_range(0..active.len())].clone(),
        operation: if reading {
            READS[rng.gen_range(0..3)]
        } else {
            "GetLoginProfile"
        },
        reading,
    })
}

/// A generated scenario's organization (centralized root access on), its management caller
/// (`caller`: the caller's `arn` or `user` line) and the management account.
pub(super) fn header(seed: u64, caller: &str) -> String {
    format!(
        "seed = {seed}\n\n[organization]\nid = \"o-invariant01\"\npartition = \"aws\"\n\
         management_account = \"{MANAGEMENT}\"\nmanagement_email = \"management@example.com\"\n\
         root_id = \"r-inv1\"\nfeature_set = \"ALL\"\ntrusted_access = [\"iam.amazonaws.com\"]\n\
         iam_features = [\"RootCredentialsManagement\", \"RootSessions\"]\n\n[[callers]]\n\
         access_key_id = \"AKIAINVARIANT0000001\"\nsecret_access_key = \"invariant-secret-0001\"\n\
         account = \"{MANAGEMENT}\"\n{caller}\n\n\
         [[accounts]]\nid = \"{MANAGEMENT}\"\nname = \"management\"\n"
    )
}

/// The case's organization as a scenario, with a fault plan drawn from its seed.
fn scenario(case: &Case) -> String {
    let mut rng = SmallRng::seed_from_u64(case.seed ^ 0x3173);
    let mut toml = header(
        case.seed,
        &format!("arn = \"arn:aws:iam::{MANAGEMENT}:user/admin\""),
    );
    let parents = ous(&mut rng, &mut toml);
    let members: Vec<&String> = case
        .accounts
        .iter()
        .map(|(id, _, _)| id)
        .filter(|id| *id != MANAGEMENT)
        .collect();
    let mut faults = String::new();
    for (id, state, root) in case.accounts.iter().filter(|(id, _, _)| id != MANAGEMENT) {
        let parent = &parents[rng.gen_range(0..parents.len())];
        let ou = if parent.starts_with("ou-") {
            format!("ou = \"{parent}\"\n")
        } else {
            String::new()
        };
        let _ = write!(
            toml,
            "\n[[accounts]]\nid = \"{id}\"\nname = \"a{id}\"\nstate = \"{state}\"\n{ou}[accounts.root]\n"
        );
        if root.login_profile {
            toml.push_str("login_profile = { created = \"2021-01-01T00:00:00Z\" }\n");
        }
        let mfa: Vec<String> = root
            .mfa
            .iter()
            .map(|s| match s.as_str() {
                "GAHT1" => "{ kind = \"hardware\" }".to_string(),
                "FIDO-1" => "{ kind = \"fido\" }".to_string(),
                _ => "{ kind = \"virtual\", name = \"root\" }".to_string(),
            })
            .collect();
        let _ = writeln!(toml, "mfa = [{}]", mfa.join(", "));
        let keys: Vec<String> = root
            .keys
            .iter()
            .map(|k| format!("{{ id = \"{k}{id}\" }}"))
            .collect();
        let _ = writeln!(toml, "access_keys = [{}]", keys.join(", "));
        let certs: Vec<String> = root
            .certs
            .iter()
            .map(|c| format!("{{ id = \"{c}{id}\" }}"))
            .collect();
        let _ = writeln!(toml, "signing_certificates = [{}]", certs.join(", "));
        if state == "ACTIVE" && rng.gen_bool(0.25) {
            faults.push_str(&fault(&mut rng, id));
        }
    }
    // Accounts moved to another parent while the tree is walked.
    if parents.len() > 1 && !members.is_empty() {
        for _ in 0..rng.gen_range(0..=2) {
            let account = members[rng.gen_range(0..members.len())];
            let to = &parents[rng.gen_range(0..parents.len())];
            let _ = write!(
                faults,
                "\n[[moves]]\naccount = \"{account}\"\nto = \"{to}\"\nafter = {}\n",
                rng.gen_range(1..=4)
            );
        }
    }
    // The call the signal waits for is held until the simulator stops.
    if let Some(signal) = signal(case) {
        let _ = write!(
            faults,
            "\n[[faults]]\naccount = \"{}\"\noperation = \"{}\"\naction = \"hang\"\nafter = {}\ntimes = 1\n",
            signal.account,
            signal.operation,
            u8::from(!signal.reading)
        );
    }
    // Now and then the account listing hands back a token it gave before: the run ends there.
    if rng.gen_bool(0.08) {
        faults.push_str(
            "\n[[faults]]\noperation = \"ListAccounts\"\naction = \"token-cycle\"\ntimes = 1\n",
        );
    }
    toml + &faults
}

/// An OU tree up to four levels deep (often none) written into `toml`; every parent an account
/// can have, the root first.
pub(super) fn ous(rng: &mut SmallRng, toml: &mut String) -> Vec<String> {
    let mut parents = vec![("r-inv1".to_string(), 0)];
    if rng.gen_bool(0.4) {
        return vec![parents.remove(0).0];
    }
    for i in 0..rng.gen_range(1..=6) {
        let candidates: Vec<&(String, usize)> = parents.iter().filter(|(_, d)| *d < 4).collect();
        let (parent, depth) = candidates[rng.gen_range(0..candidates.len())].clone();
        let id = format!("ou-inv1-{:08}", i + 1);
        let _ = write!(
            toml,
            "\n[[ous]]\nid = \"{id}\"\nname = \"OU{i}\"\nparent = \"{parent}\"\n"
        );
        parents.push((id, depth + 1));
    }
    parents.into_iter().map(|(id, _)| id).collect()
}

/// Every root user of the simulator's state document.
fn roots(state: &Value) -> BTreeMap<String, Root> {
    let ids = |v: &Value, field: &str| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x[field].as_str().map(str::to_string))
            .collect()
    };
    state["accounts"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(id, a)| {
            let r = &a["root"];
            let root = Root {
                login_profile: r["login_profile"].is_object(),
                mfa: ids(&r["mfa_devices"], "serial"),
                keys: ids(&r["access_keys"], "id"),
                certs: ids(&r["signing_certificates"], "id"),
            };
            (id.clone(), root)
        })
        .collect()
}

/// What the simulator's call log shows, as the in-memory runs' fault wrapper would say it:
/// accounts whose read finally failed before the change stage, the changes answered, and
/// those made where the root user held keys or certificates.
fn seen(calls: &[Value], before: &BTreeMap<String, Root>) -> Seen {
    let changing = calls
        .iter()
        .position(|c| c["task_policy"] == "IAMDeleteRootUserCredentials")
        .unwrap_or(calls.len());
    // The last answer of each (account, read) of the read stage decides.
    let mut last: BTreeMap<(String, String), bool> = BTreeMap::new();
    for c in &calls[..changing] {
        let (Some(account), Some(op)) = (c["account"].as_str(), c["operation"].as_str()) else {
            continue;
        };
        if c["mutating"] == true || account == MANAGEMENT {
            continue;
        }
        let code = c["error"].as_str().unwrap_or("");
        let ok = c["status"].as_u64().is_some_and(|s| s < 300) || code == "NoSuchEntity";
        last.insert((account.to_string(), op.to_string()), ok);
    }
    let reads_failed: BTreeSet<String> = last
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|((account, _), _)| account)
        .collect();
    let made: Vec<(String, String)> = calls
        .iter()
        .filter(|c| c["mutating"] == true && c["status"].as_u64().is_some_and(|s| s < 300))
        .filter_map(|c| {
            Some((
                c["operation"].as_str()?.to_string(),
                c["account"].as_str()?.to_string(),
            ))
        })
        .collect();
    let unsafe_changes = made
        .iter()
        .filter(|(_, a)| {
            before
                .get(a)
                .is_some_and(|r| !r.keys.is_empty() || !r.certs.is_empty())
        })
        .cloned()
        .collect();
    Seen {
        reads_failed,
        made,
        unsafe_changes,
        signalled: false,
        signalled_reading: false,
        signalled_at: None,
    }
}

/// The one report of `stem` in `dir` (`stem-<UTC>.json` and `.csv`).
fn report(dir: &Path, stem: &str) -> Option<Report> {
    let file = |ext: &str| {
        std::fs::read_dir(dir).ok()?.flatten().find_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let rest = name.strip_prefix(&format!("{stem}-"))?;
            let starts_with_digit = rest.starts_with(|c: char| c.is_ascii_digit());
            (starts_with_digit && rest.ends_with(ext)).then(|| e.path())
        })
    };
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(file(".json")?).ok()?).ok()?;
    let csv = file(".csv")
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    Some(Report {
        rows: doc["accounts"].as_array().cloned().unwrap_or_default(),
        complete: doc["complete"].as_bool().unwrap_or(false),
        incomplete_reason: doc["incomplete_reason"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        csv: parse_csv(&csv),
        plan: doc["plan"]["entries"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
        json_written: true,
        ..Report::default()
    })
}

/// Fetches one of the simulator's introspection documents.
pub(super) async fn introspect(url: &str, path: &str) -> Value {
    let url = format!("{url}{path}");
    tokio::task::spawn_blocking(move || {
        ureq::get(&url)
            .call()
            .ok()
            .and_then(|r| r.into_json::<Value>().ok())
            .unwrap_or(Value::Null)
    })
    .await
    .unwrap_or(Value::Null)
}

/// A simulator serving the scenario `text` of `case`, its URL, and a command context signed by
/// its management caller that writes its reports into `dir`.
pub(super) async fn serve(
    text: &str,
    case: &Case,
    dir: &Path,
) -> (crate::sim::Running, String, crate::commands::Ctx) {
    let scenario = crate::sim::Scenario::from_toml_str(text, "generated.toml")
        .unwrap_or_else(|e| panic!("seed {}: the generated scenario: {e}\n{text}", case.seed));
    let (key, secret) = scenario.management_access_key();
    let credentials = aws_credential_types::Credentials::new(key, secret, None, None, "invariant");
    let server = crate::sim::Server::start(scenario, ([127, 0, 0, 1], 0).into())
        .await
        .expect("simulator");
    let url = server.url();
    let config = crate::config::Config {
        aws: crate::aws::Settings {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some(url.clone()),
            max_attempts: 3,
            call_timeout: std::time::Duration::from_secs(10),
            max_rps: None,
            credentials: Some(credentials),
        },
        concurrency: case.concurrency,
        report_dir: dir.to_path_buf(),
        accounts: Vec::new(),
        ous: Vec::new(),
        exclude: Vec::new(),
        role_name: crate::users::DEFAULT_ROLE_NAME.to_string(),
    };
    let ctx = crate::commands::with_config(config, crate::cli::Output::Json)
        .await
        .expect("context");
    (server, url, ctx)
}

/// Runs `job` (audit or delete) on `case` through the SDK against the simulator; with what its
/// findings file (written from its reports, as the command writes it) breaks.
async fn run(job: Job, case: &Case) -> (Observed, Option<Vec<String>>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, url, ctx) = serve(&scenario(case), case, dir.path()).await;
    let before = roots(&introspect(&url, "/_sim/state").await);
    // SIGINT, as the run receives it, once the held call has arrived.
    let sent = Arc::new(Mutex::new(None::<Instant>));
    let watcher = signal(case).map(|signal| {
        let (url, cancel, sent) = (url.clone(), ctx.cancel.clone(), sent.clone());
        tokio::spawn(async move {
            loop {
                let calls = introspect(&url, "/_sim/calls").await;
                let held = calls.as_array().into_iter().flatten().filter(|c| {
                    c["account"] == signal.account.as_str() && c["operation"] == signal.operation
                });
                if held.count() > usize::from(!signal.reading) {
                    *sent.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
                    cancel.cancel(false);
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        })
    });
    let pre = crate::preflight::run(&ctx.aws).await.expect("preflight");
    let request = match job {
        Job::Audit => crate::commands::change::Request::READ,
        _ => crate::commands::change::Request {
            mode: crate::run::Mode::Change {
                skip_blocked: case.skip_blocked,
            },
            yes: true,
            command_line: "rootsweep delete --yes",
        },
    };
    let scope = crate::root::plan::Scope::ALL;
    let finished = crate::commands::root::pipeline(&ctx, &pre, request, scope).await;
    let ended = Instant::now();
    if let Some(w) = watcher {
        w.abort();
    }
    let sent = *sent.lock().unwrap_or_else(|e| e.into_inner());
    let exit = match finished {
        Ok(finished) => finished.exit.code(),
        // As `main` maps an error that ends the run.
        Err(e) if e.downcast_ref::<crate::commands::UsageError>().is_some() => {
            crate::exit::Exit::Usage.code()
        }
        Err(_) => crate::exit::Exit::Fatal.code(),
    };
    let run_id = crate::report::file::stamp(ctx.started_at);
    let command = if job == Job::Audit {
        crate::findings::file::Command::Audit
    } else {
        crate::findings::file::Command::Delete
    };
    let findings = super::findings::of_run(dir.path(), command, &run_id);
    let calls = introspect(&url, "/_sim/calls").await;
    let calls = calls.as_array().cloned().unwrap_or_default();
    let after = roots(&introspect(&url, "/_sim/state").await);
    server.shutdown().await;
    let accounts = case
        .accounts
        .iter()
        .filter(|(id, _, _)| id != MANAGEMENT)
        .map(|(id, state, _)| {
            let root = before.get(id).cloned().unwrap_or_default();
            (id.clone(), state.clone(), root)
        })
        .collect();
    let observed = Observed {
        job,
        changing: job != Job::Audit,
        accounts,
        named: Vec::new(),
        read: report(dir.path(), "audit").unwrap_or_default(),
        change: (job != Job::Audit)
            .then(|| report(dir.path(), "delete"))
            .flatten(),
        seen: Seen {
            signalled: sent.is_some(),
            // Held at the account's first such call, it came while the read stage ran.
            signalled_reading: sent.is_some() && signal(case).is_some_and(|s| s.reading),
            ..seen(&calls, &before)
        },
        after,
        exit,
        after_signal: sent.map(|at| ended.duration_since(at)),
        write_failed: false,
    };
    (observed, findings)
}

/// Every seed of `job` over the wire (24 unless `ROOTSWEEP_INVARIANT_CASES` says otherwise).
fn soak(job: Job) {
    let seeds = match std::env::var("ROOTSWEEP_INVARIANT_CASES") {
        Ok(_) => super::seeds(),
        Err(_) if std::env::var("ROOTSWEEP_INVARIANT_SEED").is_ok() => super::seeds(),
        Err(_) => (0..24).collect(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut failures = Vec::new();
    let mut exits = BTreeSet::new();
    let (mut changed, mut failed, mut signalled) = (0, 0, 0);
    let mut checked_findings = 0;
    for &seed in &seeds {
        let (observed, findings) = runtime.block_on(run(job, &Case::of(seed)));
        exits.insert(observed.exit);
        changed += usize::from(!observed.seen.made.is_empty());
        failed += usize::from(!observed.seen.reads_failed.is_empty());
        signalled += usize::from(observed.seen.signalled);
        let mut broken = check::check(&observed);
        checked_findings += usize::from(findings.is_some());
        broken.extend(
            findings
                .into_iter()
                .flatten()
                .map(|f| format!("findings: {f}")),
        );
        if !broken.is_empty() {
            failures.push(format!(
                "{job:?} over the wire, seed {seed} (replay: ROOTSWEEP_INVARIANT_SEED={seed}): {}",
                broken.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!(
        "{job:?} over the wire: exits {exits:?}, {changed} changing, {failed} with a failed \
         read, {signalled} signalled"
    );
    if seeds.len() >= 24 {
        // The cases reach what they must: clean runs, partial ones, failed reads, changes.
        assert!(signalled >= 2, "{job:?}: {signalled} signalled cases");
        for code in [0, 4, 130] {
            assert!(
                exits.contains(&code),
                "{job:?}: no case exits {code}: {exits:?}"
            );
        }
        assert!(failed >= 3, "{job:?}: {failed} cases with a failed read");
        // Every case that wrote its audit report had its findings held to it: most of them.
        assert!(
            checked_findings >= seeds.len() / 2,
            "{job:?}: findings checked in {checked_findings} cases"
        );
        if job == Job::Delete {
            assert!(
                changed >= seeds.len() / 4,
                "{job:?}: {changed} changing cases"
            );
        }
    }
}

#[test]
fn invariant_audit_over_the_wire() {
    soak(Job::Audit);
}

#[test]
fn invariant_delete_over_the_wire() {
    soak(Job::Delete);
}

#[test]
fn a_generated_scenario_is_valid_and_holds_the_case_s_accounts_and_faults() {
    let (mut faults, mut deepest, mut moves) = (0, 0, 0);
    for seed in 0..64 {
        let case = Case::of(seed);
        let text = scenario(&case);
        let parsed = crate::sim::Scenario::from_toml_str(&text, "generated.toml")
            .unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
        let members = case
            .accounts
            .iter()
            .filter(|(id, _, _)| id != MANAGEMENT)
            .count();
        assert_eq!(parsed.accounts.len(), members + 1, "seed {seed}");
        faults += parsed.faults.len();
        assert!(text.matches("token-cycle").count() <= 1, "seed {seed}");
        deepest = deepest.max(text.matches("[[ous]]").count());
        moves += text.matches("[[moves]]").count();
    }
    assert!(faults >= 32, "{faults} faults in 64 cases");
    assert!(
        deepest >= 4 && moves >= 8,
        "{deepest} OUs at most, {moves} moves"
    );
}
