//! Tests of the request pipeline without sockets: session lifetimes (`role_session_seconds`,
//! expiry, the `expire-session` fault), the fault actions that issue or use credentials mid-run,
//! and how a credential status update is answered and logged.

use crate::sim::test_world::{scenario, texts};
use crate::sim::wire::calls::Log;
use crate::sim::wire::dispatch::{handle, Sim};
use crate::sim::wire::faults::Shaping;
use crate::sim::world::dice::Dice;
use crate::sim::world::model::iso8601;
use axum::http::{HeaderMap, HeaderValue};
use std::sync::Arc;
use time::OffsetDateTime;
use tokio::sync::watch;

const ACCOUNT: &str = r#"
[[accounts]]
id = "222222222222"
[[accounts.users]]
name = "alice"
[[accounts.users]]
name = "bob"
ssh_keys = [{}]
access_keys = [{ id = "AKIABOBACTIVE0000001", last_used_days_ago = 30, service = "iam", region = "eu-west-1" }, { id = "AKIABOBINACTIVE00001", active = false }]
"#;

const ROLE: &str = "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole";

fn sim(organization_extra: &str, rest: &str) -> Sim {
    let text = scenario(organization_extra, &format!("{ACCOUNT}{rest}"));
    let s = crate::sim::Scenario::from_toml_str(&text, "t.toml").expect("valid scenario");
    let dice = Arc::new(Dice::new(3));
    let (_stop, shutdown) = watch::channel(false);
    Sim {
        world: s.world(dice.clone()),
        shaping: Shaping::new(
            s.latency.clone(),
            s.throttles.clone(),
            s.faults.clone(),
            dice,
        ),
        calls: Log::default(),
        shutdown,
    }
}

/// Access key id and session token of a signer.
type Creds = (String, Option<String>);

async fn call(sim: &Sim, creds: &Creds, version: &str, params: &[(&str, &str)]) -> (u16, String) {
    let mut headers = HeaderMap::new();
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={}/20250101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
        creds.0
    );
    headers.insert(
        "authorization",
        HeaderValue::from_str(&auth).expect("header"),
    );
    if let Some(token) = &creds.1 {
        headers.insert(
            "x-amz-security-token",
            HeaderValue::from_str(token).expect("header"),
        );
    }
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("Version", version);
    for (k, v) in params {
        form.append_pair(k, v);
    }
    let response = handle(sim, &headers, form.finish().as_bytes()).await;
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, String::from_utf8(body.to_vec()).expect("UTF-8"))
}

fn management() -> Creds {
    ("AKIAMANAGEMENT000001".into(), None)
}

/// AssumeRole into 222222222222 asking for an hour; the credentials and the `Expiration` text.
async fn assume(sim: &Sim) -> (Creds, String) {
    let params = [
        ("Action", "AssumeRole"),
        ("RoleArn", ROLE),
        ("RoleSessionName", "test"),
        ("DurationSeconds", "3600"),
    ];
    let (status, xml) = call(sim, &management(), "2011-06-15", &params).await;
    assert_eq!(status, 200, "{xml}");
    let creds = (
        texts(&xml, "AccessKeyId")[0].to_string(),
        Some(texts(&xml, "SessionToken")[0].to_string()),
    );
    (creds, texts(&xml, "Expiration")[0].to_string())
}

async fn get_user(sim: &Sim, creds: &Creds) -> (u16, String) {
    let params = [("Action", "GetUser"), ("UserName", "alice")];
    call(sim, creds, "2010-05-08", &params).await
}

/// ListUsers of the caller's account (the management caller's has no `alice`).
async fn list_users(sim: &Sim, creds: &Creds) -> (u16, String) {
    call(sim, creds, "2010-05-08", &[("Action", "ListUsers")]).await
}

fn expired(answer: &(u16, String)) -> bool {
    answer.0 == 403
        && texts(&answer.1, "Code") == ["ExpiredToken"]
        && texts(&answer.1, "Message") == ["The security token included in the request is expired"]
}

#[tokio::test]
async fn role_sessions_last_role_session_seconds_and_expiration_says_so() {
    let sim = sim("role_session_seconds = 2", "");
    let before = OffsetDateTime::now_utc();
    let (creds, expiration) = assume(&sim).await;
    let ends = sim.world.lock().sessions[&creds.0].expires;
    assert_eq!(
        expiration,
        iso8601(ends),
        "Expiration is when the session ends"
    );
    let lasts = ends - before;
    assert!(
        (2.0..=3.0).contains(&lasts.as_seconds_f64()),
        "2 s, not the hour asked for: {lasts}"
    );
    assert_eq!(get_user(&sim, &creds).await.0, 200);
    let plain = self::sim("", "");
    let (_, expiration) = assume(&plain).await;
    assert!(
        expiration > iso8601(before + time::Duration::minutes(59)),
        "{expiration}"
    );
}

#[tokio::test]
async fn iam_calls_of_an_expired_role_session_answer_expired_token() {
    let sim = sim("", "");
    let (creds, _) = assume(&sim).await;
    crate::sim::world::effects::expire_session(&sim.world, &creds.0);
    assert!(expired(&get_user(&sim, &creds).await));
    assert_eq!(list_users(&sim, &management()).await.0, 200);
}

#[tokio::test]
async fn expire_session_ends_the_calling_session_at_once_and_spares_long_term_callers() {
    let fault = "[[faults]]\naction = \"expire-session\"\noperation = \"ListUsers\"\ntimes = 1\n";
    let sim = sim("", fault);
    assert_eq!(
        list_users(&sim, &management()).await.0,
        200,
        "long-term keys do not expire"
    );
    let (creds, _) = assume(&sim).await;
    assert!(expired(&list_users(&sim, &creds).await), "the fault's call");
    let after = get_user(&sim, &creds).await;
    assert!(
        expired(&after),
        "and every later call of the session: {after:?}"
    );
    let (fresh, _) = assume(&sim).await;
    assert_eq!(list_users(&sim, &fresh).await.0, 200, "times = 1");
}

#[tokio::test]
async fn issuing_faults_add_credentials_before_the_call_runs() {
    let faults = "[[faults]]\naction = \"upload-ssh-key\"\noperation = \"ListSSHPublicKeys\"\ntimes = 1\n\
                  [[faults]]\naction = \"add-service-credential\"\noperation = \"ListServiceSpecificCredentials\"\ntimes = 1\n";
    let sim = sim("", faults);
    let (creds, _) = assume(&sim).await;
    let ssh = [("Action", "ListSSHPublicKeys"), ("UserName", "bob")];
    let (status, xml) = call(&sim, &creds, "2010-05-08", &ssh).await;
    assert_eq!(status, 200, "{xml}");
    assert_eq!(
        texts(&xml, "Status"),
        ["Active", "Active"],
        "the new key is in this very answer"
    );
    let (_, again) = call(&sim, &creds, "2010-05-08", &ssh).await;
    assert_eq!(texts(&again, "SSHPublicKeyId").len(), 2, "times = 1");
    let all = [
        ("Action", "ListServiceSpecificCredentials"),
        ("AllUsers", "true"),
    ];
    let (_, xml) = call(&sim, &creds, "2010-05-08", &all).await;
    assert_eq!(texts(&xml, "UserName"), ["alice", "bob"]);
    assert_eq!(texts(&xml, "ServiceName"), ["codecommit.amazonaws.com"; 2]);
    assert_eq!(
        texts(&xml, "ServiceUserName"),
        ["alice-at-222222222222", "bob-at-222222222222"]
    );
}

#[tokio::test]
async fn an_update_answers_an_empty_response_and_is_logged_as_mutating() {
    let sim = sim("", "");
    let (creds, _) = assume(&sim).await;
    let update = [
        ("Action", "UpdateAccessKey"),
        ("UserName", "BOB"),
        ("AccessKeyId", "AKIABOBACTIVE0000001"),
        ("Status", "Inactive"),
    ];
    let (status, xml) = call(&sim, &creds, "2010-05-08", &update).await;
    assert_eq!(status, 200, "{xml}");
    assert!(
        xml.starts_with("<UpdateAccessKeyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ResponseMetadata><RequestId>"),
        "{xml}"
    );
    assert!(!xml.contains("Result"), "{xml}");
    let (status, xml) = call(&sim, &creds, "2010-05-08", &update[..3]).await;
    assert_eq!(
        (status, texts(&xml, "Code")),
        (400, vec!["ValidationError"])
    );
    let log: serde_json::Value = serde_json::from_slice(&sim.calls.to_json()).expect("log");
    let updates: Vec<(&serde_json::Value, &serde_json::Value)> = log
        .as_array()
        .expect("calls")
        .iter()
        .filter(|c| c["operation"] == "UpdateAccessKey")
        .map(|c| (&c["status"], &c["mutating"]))
        .collect();
    assert_eq!(
        updates,
        [(&200.into(), &true.into()), (&400.into(), &true.into())]
    );
}

/// GetAccessKeyLastUsed of `key`: (LastUsedDate, ServiceName, Region) texts.
async fn last_used(sim: &Sim, creds: &Creds, key: &str) -> (Vec<String>, String, String) {
    let params = [("Action", "GetAccessKeyLastUsed"), ("AccessKeyId", key)];
    let (status, xml) = call(sim, creds, "2010-05-08", &params).await;
    assert_eq!(status, 200, "{xml}");
    let one = |name| texts(&xml, name).concat();
    let date = texts(&xml, "LastUsedDate")
        .iter()
        .map(|d| d.to_string())
        .collect();
    (date, one("ServiceName"), one("Region"))
}

#[tokio::test]
async fn use_access_key_uses_every_active_key_of_the_account_before_the_call_runs() {
    let fault =
        "[[faults]]\naction = \"use-access-key\"\noperation = \"UpdateAccessKey\"\ntimes = 1\n";
    let sim = sim("report_generation_polls = 0", fault);
    let (creds, _) = assume(&sim).await;
    let before = last_used(&sim, &creds, "AKIABOBACTIVE0000001").await;
    assert_eq!((before.1.as_str(), before.2.as_str()), ("iam", "eu-west-1"));
    let report = [("Action", "GenerateCredentialReport")];
    call(&sim, &creds, "2010-05-08", &report).await;
    let update = [
        ("Action", "UpdateAccessKey"),
        ("UserName", "bob"),
        ("AccessKeyId", "AKIABOBACTIVE0000001"),
        ("Status", "Inactive"),
    ];
    let started = iso8601(OffsetDateTime::now_utc() - time::Duration::seconds(1));
    assert_eq!(call(&sim, &creds, "2010-05-08", &update).await.0, 200);
    let (date, service, region) = last_used(&sim, &creds, "AKIABOBACTIVE0000001").await;
    assert!(
        date.len() == 1 && date[0] >= started,
        "used now: {date:?} (from {started})"
    );
    assert_eq!((service.as_str(), region.as_str()), ("s3", "us-east-1"));
    let inactive = last_used(&sim, &creds, "AKIABOBINACTIVE00001").await;
    assert_eq!(
        inactive,
        (vec![], "N/A".to_string(), "N/A".to_string()),
        "an inactive key is not used"
    );
    let (_, xml) = call(
        &sim,
        &creds,
        "2010-05-08",
        &[("Action", "GetCredentialReport")],
    )
    .await;
    let csv = aws_smithy_types::base64::decode(texts(&xml, "Content")[0]).expect("base64");
    let csv = String::from_utf8(csv).expect("UTF-8");
    let bob: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("bob,"))
        .expect("bob")
        .split(',')
        .collect();
    assert_eq!(
        (bob[8], bob[11], bob[12]),
        ("true", "eu-west-1", "iam"),
        "the report generated before the use is still served, as after a sign-in: {bob:?}"
    );
}
