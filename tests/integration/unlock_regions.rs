//! `rootsweep unlock` for resources outside the run's region: a queue is reached in the region
//! its URL names (every host form), a bucket in the region S3 names in its redirect, a local
//! queue URL in the run's region under a custom endpoint, and a URL that names no SQS host is a
//! usage error before any call.

use crate::support::cli::{report, reports, rootsweep, rootsweep_env, Csv};
use crate::support::scenario::{org, ENABLED};
use crate::support::sim::Sim;
use serde_json::Value;

const OWNER: &str = "222222220001";
const QUEUE_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"}]}"#;
const BUCKET_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;

/// Queues in us-east-1 (the simulator's region), eu-west-1 and ap-northeast-1, and a bucket in
/// eu-west-1, all locked.
fn scenario() -> String {
    let rest = format!(
        r#"[[accounts]]
id = "{OWNER}"
name = "data"
email = "data@example.com"
queues = [
  {{ name = "home", policy = '{QUEUE_POLICY}' }},
  {{ name = "dublin", policy = '{QUEUE_POLICY}', region = "eu-west-1" }},
  {{ name = "tokyo", policy = '{QUEUE_POLICY}', region = "ap-northeast-1" }},
]
buckets = [{{ name = "dublin-bucket", policy = '{BUCKET_POLICY}', region = "eu-west-1" }}]
"#
    );
    org(ENABLED, &rest)
}

fn policy(sim: &Sim, list: &str, name: &str) -> Value {
    sim.state()["accounts"][OWNER][list]
        .as_array()
        .and_then(|l| l.iter().find(|r| r["name"] == name).cloned())
        .map(|r| r["policy"].clone())
        .unwrap_or_else(|| panic!("no {name} in {list}"))
}

fn outcomes(dir: &std::path::Path) -> Vec<(String, String)> {
    Csv::read(&report(dir, "unlock-result-", ".csv"))
        .rows
        .iter()
        .map(|r| (r["resource"].clone(), r["outcome"].clone()))
        .collect()
}

fn calls(sim: &Sim, op: &str) -> Vec<(Value, Value)> {
    sim.calls()
        .into_iter()
        .filter(|c| c["operation"] == op)
        .map(|c| (c["status"].clone(), c["error"].clone()))
        .collect()
}

#[test]
fn queues_in_other_regions_are_unlocked_in_the_region_of_their_url() {
    let sim = Sim::start_toml(&scenario());
    let dir = reports();
    let urls = [
        format!("https://queue.amazonaws.com/{OWNER}/home"),
        format!("https://sqs.eu-west-1.amazonaws.com/{OWNER}/dublin"),
        format!("https://ap-northeast-1.queue.amazonaws.com/{OWNER}/tokyo"),
    ];
    let list = dir.path().join("queues.csv");
    let lines: String = urls.iter().map(|u| format!("{OWNER},{u}\n")).collect();
    std::fs::write(&list, lines).expect("write list");
    let list = list.to_string_lossy().into_owned();
    rootsweep(
        &sim,
        dir.path(),
        &["unlock", "sqs", "--file", &list, "--yes"],
    )
    .expect_code(0);
    for name in ["home", "dublin", "tokyo"] {
        assert_eq!(policy(&sim, "queues", name), Value::Null, "{name}");
    }
    let got = outcomes(dir.path());
    for url in &urls {
        assert!(
            got.contains(&(url.clone(), "unlocked".into())),
            "{url}: {got:?}"
        );
    }
    // No call went to a region the queue is not in.
    let misses: Vec<_> = sim
        .calls()
        .into_iter()
        .filter(|c| c["service"] == "sqs" && c["status"] != 200)
        .collect();
    assert!(misses.is_empty(), "{misses:?}");
}

#[test]
fn a_bucket_in_another_region_is_unlocked_in_the_region_s3_names() {
    let sim = Sim::start_toml(&scenario());
    let dir = reports();
    let run = rootsweep(
        &sim,
        dir.path(),
        &[
            "unlock",
            "s3",
            "--account",
            OWNER,
            "--bucket",
            "dublin-bucket",
            "--yes",
        ],
    );
    run.expect_code(0);
    assert_eq!(policy(&sim, "buckets", "dublin-bucket"), Value::Null);
    assert_eq!(
        outcomes(dir.path()),
        [("dublin-bucket".to_string(), "unlocked".to_string())]
    );
    // S3 redirected the first call only: the region it named served every later one.
    let reads = calls(&sim, "GetBucketPolicy");
    assert_eq!(
        reads[0],
        (Value::from(301), Value::from("PermanentRedirect")),
        "{reads:?}"
    );
    assert!(
        reads[1..]
            .iter()
            .all(|(status, _)| status == 200 || status == 404),
        "{reads:?}"
    );
    assert_eq!(
        calls(&sim, "DeleteBucketPolicy"),
        [(Value::from(204), Value::Null)]
    );
}

#[test]
fn a_local_queue_url_is_reached_in_the_runs_region_under_a_custom_endpoint() {
    let sim = Sim::start_toml(&scenario());
    let dir = reports();
    let url = format!("{}/{OWNER}/home", sim.url());
    rootsweep(
        &sim,
        dir.path(),
        &[
            "unlock",
            "sqs",
            "--account",
            OWNER,
            "--queue-url",
            &url,
            "--yes",
        ],
    )
    .expect_code(0);
    assert_eq!(policy(&sim, "queues", "home"), Value::Null);
    assert_eq!(outcomes(dir.path()), [(url, "unlocked".to_string())]);
}

#[test]
fn a_queue_url_whose_host_is_not_sqs_is_a_usage_error_before_any_call() {
    let sim = Sim::start_toml(&scenario());
    let dir = reports();
    // No custom endpoint for SQS: the three management services still reach the simulator.
    let env = [
        ("AWS_ENDPOINT_URL", ""),
        ("AWS_ENDPOINT_URL_STS", sim.url()),
        ("AWS_ENDPOINT_URL_IAM", sim.url()),
        ("AWS_ENDPOINT_URL_ORGANIZATIONS", sim.url()),
    ];
    let url = format!("https://queues.example.com/{OWNER}/home");
    let run = rootsweep_env(
        &sim,
        dir.path(),
        &[
            "unlock",
            "sqs",
            "--account",
            OWNER,
            "--queue-url",
            &url,
            "--yes",
        ],
        &env,
    );
    run.expect_code(2);
    let line = format!("--queue-url: the queue URL `{url}` does not name an SQS endpoint of AWS");
    assert!(run.stderr.contains(&line), "{}", run.stderr);
    assert!(
        run.stderr.contains("aws sqs get-queue-url"),
        "{}",
        run.stderr
    );
    assert!(sim.calls().is_empty(), "{:?}", sim.calls());
    assert_eq!(policy(&sim, "queues", "home"), QUEUE_POLICY);
}

#[test]
fn the_simulator_answers_a_request_signed_for_another_region_as_s3_does() {
    let sim = Sim::start_toml(&scenario());
    let unlock = sim.assume_root(OWNER, "S3UnlockBucketPolicy");
    let get = |region: &str| {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={}/20250101/{region}/s3/aws4_request, SignedHeaders=host, Signature=0",
            unlock.key
        );
        let req = ureq::get(&format!("{}/dublin-bucket?policy", sim.url()))
            .set("Authorization", &auth)
            .set(
                "X-Amz-Security-Token",
                unlock.token.as_deref().unwrap_or_default(),
            );
        match req.call() {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        }
    };
    let moved = get("us-east-1");
    assert_eq!(moved.status(), 301);
    assert_eq!(moved.header("x-amz-bucket-region"), Some("eu-west-1"));
    let body = moved.into_string().expect("body");
    for part in [
        "<Code>PermanentRedirect</Code>",
        "<Endpoint>dublin-bucket.s3.eu-west-1.amazonaws.com</Endpoint>",
        "<Bucket>dublin-bucket</Bucket>",
    ] {
        assert!(body.contains(part), "{part} not in {body}");
    }
    let here = get("eu-west-1");
    assert_eq!(here.status(), 200);
    assert_eq!(here.into_string().expect("body"), BUCKET_POLICY);
    // A redirected DELETE changes nothing.
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={}/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
        unlock.key
    );
    let delete = ureq::delete(&format!("{}/dublin-bucket?policy", sim.url()))
        .set("Authorization", &auth)
        .set(
            "X-Amz-Security-Token",
            unlock.token.as_deref().unwrap_or_default(),
        )
        .call();
    let status = match delete {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r.status(),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(status, 301);
    assert_eq!(policy(&sim, "buckets", "dublin-bucket"), BUCKET_POLICY);
}

#[test]
fn a_redirect_that_names_no_region_says_in_one_line_which_flag_to_pass() {
    let faults = r#"
[[faults]]
operation = "GetBucketPolicy"
code = "AuthorizationHeaderMalformed"
status = 400
message = "The authorization header is malformed; the region 'us-east-1' is wrong."
"#;
    let sim = Sim::start_toml(&format!("{}{faults}", scenario()));
    let dir = reports();
    let run = rootsweep(
        &sim,
        dir.path(),
        &[
            "unlock",
            "s3",
            "--account",
            OWNER,
            "--bucket",
            "dublin-bucket",
            "--dry-run",
        ],
    );
    assert_ne!(run.code, 0, "{}", run.stdout);
    let csv = Csv::read(&report(dir.path(), "unlock-check-", ".csv"));
    let row = &csv.rows[0];
    assert_eq!(row["verdict"], "unknown", "{row:?}");
    assert!(
        row["error"].contains("AuthorizationHeaderMalformed")
            && row["error"].contains("the bucket is not in us-east-1")
            && row["error"].contains("run again with --region <the bucket's region>"),
        "{row:?}"
    );
    assert_eq!(policy(&sim, "buckets", "dublin-bucket"), BUCKET_POLICY);
}

#[test]
fn a_queue_of_another_partition_is_a_usage_error_before_any_session() {
    let sim = Sim::start_toml(&scenario());
    let dir = reports();
    let url = format!("https://sqs.cn-north-1.amazonaws.com.cn/{OWNER}/home");
    let run = rootsweep(
        &sim,
        dir.path(),
        &[
            "unlock",
            "sqs",
            "--account",
            OWNER,
            "--queue-url",
            &url,
            "--yes",
        ],
    );
    run.expect_code(2);
    assert!(
        run.stderr.contains(&format!(
            "the queue URL `{url}` is in the cn-north-1 region of partition aws-cn, but the caller is in partition aws"
        )),
        "{}",
        run.stderr
    );
    let sessions: Vec<_> = sim
        .calls()
        .into_iter()
        .filter(|c| c["operation"] == "AssumeRoot" || c["service"] == "sqs")
        .collect();
    assert!(sessions.is_empty(), "{sessions:?}");
}
