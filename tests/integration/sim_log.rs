//! The simulator's call log and seed: every request that reaches it is logged (unknown
//! operations and malformed requests included), and one seed replays its random decisions.

use crate::support::scenario::{eligible, org, ENABLED};
use crate::support::sim::{Sim, READ_ONLY_OPERATIONS, SEED_ENV};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const IAM: &str = "2010-05-08";
const STS: &str = "2011-06-15";

fn logged<'a>(calls: &'a [Value], operation: &str) -> &'a Value {
    calls
        .iter()
        .find(|c| c["operation"] == operation)
        .unwrap_or_else(|| panic!("{operation} missing from the call log: {calls:#?}"))
}

#[test]
fn an_unimplemented_operation_is_logged_and_counts_as_a_non_read_call() {
    let sim = Sim::start_toml(&org(ENABLED, &eligible("222222222222")));
    let (status, body) = sim.query(&sim.management(), IAM, "CreateUser", &[("UserName", "bob")]);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>InvalidAction</Code>"), "{body}");

    let calls = sim.calls();
    let call = logged(&calls, "CreateUser");
    assert_eq!(call["service"], "iam");
    assert_eq!(call["caller"], "AKIAMANAGEMENT000001");
    assert_eq!(call["caller_account"], "111111111111");
    assert_eq!(call["status"], 400);
    assert_eq!(call["error"], "InvalidAction");
    assert_eq!(
        call["mutating"], false,
        "the mutating flag keeps its meaning"
    );
    let non_read: Vec<_> = sim
        .non_read_calls()
        .iter()
        .map(|c| c["operation"].clone())
        .collect();
    assert_eq!(non_read, [json!("CreateUser")]);
    assert_eq!(sim.mutating_calls(), sim.non_read_calls());
}

#[test]
fn malformed_foreign_and_non_post_requests_are_logged_with_what_they_sent() {
    let sim = Sim::start_toml(&org(ENABLED, ""));
    let m = sim.management();
    let json = |target: &str, body: &str| {
        let headers = [
            ("X-Amz-Target", target),
            ("Content-Type", "application/x-amz-json-1.1"),
        ];
        sim.post(&m, &headers, body).0
    };
    assert_eq!(json("AWSOrganizationsV20161128.CloseAccount", "{}"), 400);
    assert_eq!(
        json("AWSOrganizationsV20161128.ListAccounts", "{not json"),
        400
    );
    assert_eq!(json("AmazonSQS.ListQueues", "{}"), 400);
    let (status, _) = sim.post(&m, &[], "Action=GetCallerIdentity");
    assert_eq!(
        status, 400,
        "no Version: not a request the simulator understands"
    );
    let (status, _) = sim.query(&m, STS, "GetSessionToken", &[]);
    assert_eq!(status, 400);
    let status = match ureq::get(&format!("{}/bucket", sim.url())).call() {
        Err(ureq::Error::Status(code, _)) => code,
        other => panic!("a GET that is no bucket-policy request must be refused: {other:?}"),
    };
    assert_eq!(status, 405);
    // An unsigned S3 bucket-policy request is S3's AccessDenied.
    let status = match ureq::get(&format!("{}/bucket?policy", sim.url())).call() {
        Err(ureq::Error::Status(code, _)) => code,
        other => panic!("an unsigned GetBucketPolicy must be denied: {other:?}"),
    };
    assert_eq!(status, 403);

    let calls = sim.calls();
    let summary: Vec<(String, String, String)> = calls
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (s("service"), s("operation"), s("error"))
        })
        .collect();
    let expected = [
        ("organizations", "CloseAccount", "UnknownOperationException"),
        ("organizations", "ListAccounts", "SerializationException"),
        ("sqs", "ListQueues", "InvalidAction"),
        ("unknown", "GetCallerIdentity", "MissingAction"),
        ("sts", "GetSessionToken", "InvalidAction"),
        ("unknown", "GET /bucket", "MethodNotAllowed"),
        ("s3", "GetBucketPolicy", "AccessDenied"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(summary, expected);
    assert!(calls[..5]
        .iter()
        .all(|c| c["caller"] == "AKIAMANAGEMENT000001" && c["status"] == 400));
    assert_eq!(calls[5]["status"], 405);
    let non_read: Vec<_> = sim
        .non_read_calls()
        .iter()
        .map(|c| c["operation"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        non_read,
        [
            "CloseAccount",
            "ListQueues",
            "GetSessionToken",
            "GET /bucket"
        ],
        "only the read-only allow-list is exempt"
    );
}

#[test]
fn read_only_allow_list_names_no_credential_change() {
    for op in [
        "DeleteLoginProfile",
        "CreateLoginProfile",
        "DeactivateMFADevice",
        "DeleteVirtualMFADevice",
        "DeleteAccessKey",
        "DeleteSigningCertificate",
        "DeleteBucketPolicy",
        "SetQueueAttributes",
    ] {
        assert!(!READ_ONLY_OPERATIONS.contains(&op), "{op}");
    }
}

/// `rootsweep sim serve` with extra arguments; returns the child, its URL and its seed line.
fn serve(scenario: &str, extra: &[&str]) -> (Child, String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, scenario).expect("write scenario");
    let ready = dir.path().join("ready");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rootsweep"))
        .args(["sim", "serve", "--scenario"])
        .arg(&path)
        .arg("--ready-file")
        .arg(&ready)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rootsweep sim serve");
    let stderr = child.stderr.take().expect("piped stderr");
    let mut line = String::new();
    BufReader::new(stderr)
        .read_line(&mut line)
        .expect("read stderr");
    let deadline = Instant::now() + Duration::from_secs(10);
    let url = loop {
        if let Ok(text) = std::fs::read_to_string(&ready) {
            if text.ends_with('\n') {
                break text.trim().to_string();
            }
        }
        assert!(Instant::now() < deadline, "no ready file; stderr: {line}");
        std::thread::sleep(Duration::from_millis(20));
    };
    (child, url, line.trim().to_string())
}

fn seed_of(url: &str) -> (Value, Value) {
    let get = |path: &str| -> Value {
        ureq::get(&format!("{url}{path}"))
            .call()
            .expect("GET")
            .into_json()
            .expect("JSON")
    };
    (
        get("/_sim/seed")["seed"].clone(),
        get("/_sim/state")["seed"].clone(),
    )
}

#[test]
fn serve_announces_its_seed_and_the_flag_wins_over_the_scenario() {
    let scenario = format!("seed = 1234\n{}", org(ENABLED, ""));
    let (mut child, url, line) = serve(&scenario, &[]);
    assert_eq!(line, "seed=1234");
    assert_eq!(seed_of(&url), (json!(1234), json!(1234)));
    let _ = child.kill();
    let _ = child.wait();

    let (mut child, url, line) = serve(&scenario, &["--seed", "99"]);
    assert_eq!(line, "seed=99");
    assert_eq!(seed_of(&url), (json!(99), json!(99)));
    let _ = child.kill();
    let _ = child.wait();

    let (mut child, url, line) = serve(&org(ENABLED, ""), &[]);
    let (seed, _) = seed_of(&url);
    let seed = seed.as_u64().expect("a random seed is still a number");
    assert_eq!(line, format!("seed={seed}"));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn the_same_seed_replays_session_keys_and_probabilistic_throttling() {
    let throttled = "[[throttle]]\noperation = \"GetCallerIdentity\"\nprobability = 0.5\n";
    let run = |seed: u64| {
        let text = format!(
            "seed = {seed}\n{}",
            org(ENABLED, &format!("{}{throttled}", eligible("222222222222")))
        );
        let sim = Sim::start_toml(&text);
        let keys: Vec<String> = (0..3)
            .map(|_| {
                sim.assume_root("222222222222", "IAMAuditRootUserCredentials")
                    .key
            })
            .collect();
        let outcomes: Vec<u16> = (0..24)
            .map(|_| {
                sim.query(&sim.management(), STS, "GetCallerIdentity", &[])
                    .0
            })
            .collect();
        (sim.seed(), keys, outcomes)
    };
    let first = run(5);
    if std::env::var_os(SEED_ENV).is_none() {
        assert_eq!(first.0, 5, "the scenario's seed is used");
    }
    assert_eq!(run(first.0), first, "same seed, same keys and throttles");
    assert!(
        first.2.contains(&200) && first.2.contains(&400),
        "probability 0.5 over 24 calls both lets through and throttles: {:?}",
        first.2
    );
}
