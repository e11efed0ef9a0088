//! `rootsweep unlock s3` end to end: the policy saved to `unlock-<UTC>.json` before
//! DeleteBucketPolicy, per-bucket outcomes for a bucket without a policy and a missing one, a dry
//! run without any mutating call, the task policy enforced, and the RootSessions dependency.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::{org, ENABLED};
use crate::support::sim::Sim;
use serde_json::Value;

const OWNER: &str = "222222220001";
const OTHER: &str = "222222220002";
const DENY_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAll","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::locked-bucket","arn:aws:s3:::locked-bucket/*"]}]}"#;

fn scenario(organization: &str) -> String {
    let rest = format!(
        r#"[[accounts]]
id = "{OWNER}"
name = "data"
email = "data@example.com"
buckets = [
  {{ name = "locked-bucket", policy = '{DENY_ALL}' }},
  {{ name = "open-bucket" }},
]

[[accounts]]
id = "{OTHER}"
name = "other"
email = "other@example.com"
buckets = [{{ name = "others-bucket", policy = '{{"Statement":[]}}' }}]
"#
    );
    org(organization, &rest)
}

fn bucket_policy(sim: &Sim, account: &str, bucket: &str) -> Value {
    sim.state()["accounts"][account]["buckets"]
        .as_array()
        .and_then(|bs| bs.iter().find(|b| b["name"] == bucket).cloned())
        .map(|b| b["policy"].clone())
        .unwrap_or_else(|| panic!("no bucket {bucket} in {account}"))
}

#[test]
fn unlock_saves_the_policy_before_deleting_it_and_reports_every_bucket() {
    let sim = Sim::start_toml(&scenario(ENABLED));
    let dir = reports();
    let list = dir.path().join("buckets.csv");
    std::fs::write(
        &list,
        format!("account_id,resource\n{OWNER},locked-bucket\n{OWNER},open-bucket\n{OWNER},no-such-bucket\n"),
    )
    .expect("write list");
    let list = list.to_string_lossy().into_owned();
    rootsweep(
        &sim,
        dir.path(),
        &["unlock", "s3", "--file", &list, "--yes"],
    )
    .expect_code(0);
    assert_eq!(bucket_policy(&sim, OWNER, "locked-bucket"), Value::Null);
    assert_eq!(
        bucket_policy(&sim, OTHER, "others-bucket"),
        r#"{"Statement":[]}"#
    );

    // The evidence holds the exact document, and was written before the deletion.
    let evidence_path = report(dir.path(), "unlock-2", ".json");
    let evidence: Value =
        serde_json::from_str(&std::fs::read_to_string(&evidence_path).expect("evidence"))
            .expect("json");
    assert_eq!(
        evidence["caller"],
        "arn:aws:iam::111111111111:user/AKIAMANAGEMENT000001"
    );
    assert_eq!(evidence["task_policy"], "S3UnlockBucketPolicy");
    assert_eq!(evidence["policies"][0]["account_id"], OWNER);
    assert_eq!(evidence["policies"][0]["resource"], "locked-bucket");
    assert_eq!(evidence["policies"][0]["policy"], DENY_ALL);
    let saved_at = evidence["policies"][0]["saved_at"]
        .as_str()
        .expect("saved_at");
    assert!(saved_at.ends_with('Z'), "{saved_at}");

    let calls = sim.calls();
    let deletes: Vec<&Value> = calls
        .iter()
        .filter(|c| c["operation"] == "DeleteBucketPolicy")
        .collect();
    assert_eq!(deletes.len(), 1, "{deletes:?}");
    assert_eq!(deletes[0]["service"], "s3");
    assert_eq!(deletes[0]["status"], 204);
    assert_eq!(deletes[0]["task_policy"], "S3UnlockBucketPolicy");
    assert_eq!(deletes[0]["account"], OWNER);

    let csv = Csv::read(&report(dir.path(), "unlock-result-", ".csv"));
    assert_eq!(
        csv.header,
        "account_id,account_name,resource,outcome,policy_removed,verified,error"
    );
    let outcome = |bucket: &str| {
        csv.rows
            .iter()
            .find(|r| r["resource"] == bucket)
            .map(|r| (r["outcome"].clone(), r["policy_removed"].clone()))
            .unwrap_or_else(|| panic!("no row for {bucket}"))
    };
    assert_eq!(outcome("locked-bucket"), ("unlocked".into(), "yes".into()));
    assert_eq!(outcome("open-bucket"), ("no-policy".into(), "n/a".into()));
    assert_eq!(
        outcome("no-such-bucket"),
        ("not-found".into(), "n/a".into())
    );
    let check = Csv::read(&report(dir.path(), "unlock-check-", ".csv"));
    let locked = check
        .rows
        .iter()
        .find(|r| r["resource"] == "locked-bucket")
        .expect("check row");
    assert_eq!(locked["verdict"], "policy-present");
    assert_eq!(locked["policy"], DENY_ALL);
}

#[test]
fn unlock_dry_run_prints_the_policy_and_makes_no_mutating_call() {
    let sim = Sim::start_toml(&scenario(ENABLED));
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
            "locked-bucket",
            "--dry-run",
        ],
    );
    run.expect_code(0);
    assert!(run.stdout.contains("DenyAll"), "{}", run.stdout);
    assert!(
        sim.non_read_calls().is_empty(),
        "{:?}",
        sim.non_read_calls()
    );
    assert_eq!(ops(&sim, "GetBucketPolicy").len(), 1);
    assert_eq!(bucket_policy(&sim, OWNER, "locked-bucket"), DENY_ALL);
}

fn ops(sim: &Sim, op: &str) -> Vec<Value> {
    sim.calls()
        .into_iter()
        .filter(|c| c["operation"] == op)
        .collect()
}

#[test]
fn preflight_says_root_sessions_is_needed_when_it_is_off() {
    let off = r#"feature_set = "ALL"
trusted_access = ["iam.amazonaws.com"]
iam_features = ["RootCredentialsManagement"]"#;
    let sim = Sim::start_toml(&scenario(off));
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
            "locked-bucket",
            "--yes",
        ],
    );
    run.expect_code(1);
    assert!(run.stdout.contains("RootSessions"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("aws iam enable-organizations-root-sessions"),
        "{}",
        run.stdout
    );
    assert!(ops(&sim, "AssumeRoot").is_empty());
    // And the simulator refuses the session itself without the feature.
    let (status, body) = sim.query(
        &sim.management(),
        "2011-06-15",
        "AssumeRoot",
        &[
            ("TargetPrincipal", OWNER),
            (
                "TaskPolicyArn.arn",
                "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy",
            ),
        ],
    );
    assert_eq!(status, 403, "{body}");
}

#[test]
fn bucket_policy_calls_are_denied_outside_an_s3_unlock_session() {
    let sim = Sim::start_toml(&scenario(ENABLED));
    let dir = reports();
    // An unlock run in another account leaves this account's bucket alone.
    let run = rootsweep(
        &sim,
        dir.path(),
        &[
            "unlock",
            "s3",
            "--account",
            OTHER,
            "--bucket",
            "others-bucket",
            "--yes",
        ],
    );
    run.expect_code(0);
    assert_eq!(bucket_policy(&sim, OTHER, "others-bucket"), Value::Null);
    // The audit and delete task policies do not allow S3 calls.
    let audit = sim.assume_root(OWNER, "IAMAuditRootUserCredentials");
    let url = format!("{}/locked-bucket?policy", sim.url());
    let status = raw_s3(&url, "DELETE", &audit);
    assert_eq!(status.0, 403, "{}", status.1);
    assert!(
        status.1.contains("<Code>AccessDenied</Code>"),
        "{}",
        status.1
    );
    let delete = sim.assume_root(OWNER, "IAMDeleteRootUserCredentials");
    assert_eq!(raw_s3(&url, "DELETE", &delete).0, 403);
    assert_eq!(bucket_policy(&sim, OWNER, "locked-bucket"), DENY_ALL);
    // An unlock session in another account cannot touch this account's bucket.
    let other = sim.assume_root(OTHER, "S3UnlockBucketPolicy");
    assert_eq!(raw_s3(&url, "DELETE", &other).0, 403);
    let unlock = sim.assume_root(OWNER, "S3UnlockBucketPolicy");
    let missing = raw_s3(
        &format!("{}/missing-bucket?policy", sim.url()),
        "GET",
        &unlock,
    );
    assert_eq!(missing.0, 404);
    assert!(
        missing.1.contains("<Code>NoSuchBucket</Code>"),
        "{}",
        missing.1
    );
    let open = raw_s3(&format!("{}/open-bucket?policy", sim.url()), "GET", &unlock);
    assert_eq!(open.0, 404);
    assert!(
        open.1.contains("<Code>NoSuchBucketPolicy</Code>"),
        "{}",
        open.1
    );
}

/// A signed-looking path-style S3 request (the simulator reads the key id, not the signature).
fn raw_s3(url: &str, method: &str, signer: &crate::support::sim::Signer) -> (u16, String) {
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={}/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
        signer.key
    );
    let mut req = ureq::request(method, url).set("Authorization", &auth);
    if let Some(token) = &signer.token {
        req = req.set("X-Amz-Security-Token", token);
    }
    match req.call() {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
        Err(e) => panic!("{e}"),
    }
}

const QUEUE_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"}]}"#;

fn queue_scenario() -> String {
    let rest = format!(
        r#"[[accounts]]
id = "{OWNER}"
name = "data"
email = "data@example.com"
queues = [
  {{ name = "jobs", policy = '{QUEUE_POLICY}' }},
  {{ name = "open" }},
]
"#
    );
    org(ENABLED, &rest)
}

fn queue_policy(sim: &Sim, name: &str) -> Value {
    sim.state()["accounts"][OWNER]["queues"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["name"] == name).cloned())
        .map(|q| q["policy"].clone())
        .unwrap_or_else(|| panic!("no queue {name}"))
}

fn queue_url(name: &str) -> String {
    format!("https://sqs.us-east-1.amazonaws.com/{OWNER}/{name}")
}

#[test]
fn unlock_sqs_saves_the_queue_policy_before_removing_it() {
    let sim = Sim::start_toml(&queue_scenario());
    let dir = reports();
    let list = dir.path().join("queues.csv");
    std::fs::write(
        &list,
        format!(
            "{OWNER},{}\n{OWNER},{}\n{OWNER},{}\n",
            queue_url("jobs"),
            queue_url("open"),
            queue_url("missing")
        ),
    )
    .expect("write list");
    let list = list.to_string_lossy().into_owned();
    rootsweep(
        &sim,
        dir.path(),
        &["unlock", "sqs", "--file", &list, "--yes"],
    )
    .expect_code(0);
    assert_eq!(queue_policy(&sim, "jobs"), Value::Null);
    let evidence: Value = serde_json::from_str(
        &std::fs::read_to_string(report(dir.path(), "unlock-2", ".json")).expect("evidence"),
    )
    .expect("json");
    assert_eq!(evidence["task_policy"], "SQSUnlockQueuePolicy");
    assert_eq!(evidence["policies"][0]["resource"], queue_url("jobs"));
    assert_eq!(evidence["policies"][0]["policy"], QUEUE_POLICY);
    let sets = ops(&sim, "SetQueueAttributes");
    assert_eq!(sets.len(), 1, "{sets:?}");
    assert_eq!(sets[0]["service"], "sqs");
    assert_eq!(sets[0]["status"], 200);
    assert_eq!(sets[0]["task_policy"], "SQSUnlockQueuePolicy");
    let csv = Csv::read(&report(dir.path(), "unlock-result-", ".csv"));
    let outcome = |url: String| {
        csv.rows
            .iter()
            .find(|r| r["resource"] == url)
            .map(|r| r["outcome"].clone())
            .unwrap_or_else(|| panic!("no row for {url}"))
    };
    assert_eq!(outcome(queue_url("jobs")), "unlocked");
    assert_eq!(outcome(queue_url("open")), "no-policy");
    assert_eq!(outcome(queue_url("missing")), "not-found");
}

#[test]
fn unlock_sqs_dry_run_makes_no_mutating_call() {
    let sim = Sim::start_toml(&queue_scenario());
    let dir = reports();
    let url = queue_url("jobs");
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
            "--dry-run",
        ],
    );
    run.expect_code(0);
    assert!(run.stdout.contains("sqs:*"), "{}", run.stdout);
    assert!(
        sim.non_read_calls().is_empty(),
        "{:?}",
        sim.non_read_calls()
    );
    assert_eq!(ops(&sim, "GetQueueAttributes").len(), 1);
    assert_eq!(queue_policy(&sim, "jobs"), QUEUE_POLICY);
}

#[test]
fn a_queue_url_of_another_account_is_a_usage_error_before_any_call() {
    let sim = Sim::start_toml(&queue_scenario());
    let dir = reports();
    let url = queue_url("jobs");
    let run = rootsweep(
        &sim,
        dir.path(),
        &[
            "unlock",
            "sqs",
            "--account",
            OTHER,
            "--queue-url",
            &url,
            "--yes",
        ],
    );
    run.expect_code(2);
    assert!(run.stderr.contains("belongs to account"), "{}", run.stderr);
    assert!(sim.calls().is_empty());
}
