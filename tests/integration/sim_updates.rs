//! The simulator's credential status updates driven over HTTP by the AWS SDK for Rust
//! (rootsweep's own clients, `Aws::connect`): UpdateAccessKey, UpdateSigningCertificate,
//! UpdateSSHPublicKey and UpdateServiceSpecificCredential, what every read, the credential
//! report and `/_sim/state` show afterwards, their errors as the SDK parses them, and the
//! `use-access-key` fault.

use crate::support::scenario::{org, ENABLED};
use crate::support::sim::Sim;
use aws_credential_types::Credentials;
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_iam::types::StatusType::{self, Active, Inactive};
use aws_smithy_runtime_api::client::result::SdkError;
use rootsweep::aws::sts::{session_credentials, TaskPolicy};
use rootsweep::aws::{Aws, Settings};
use std::time::Duration;

const MEMBER: &str = "222222222201";

/// The management caller is the IAM user `admin` (two keys, a certificate, a CodeCommit
/// credential); member `222222222201` holds `Deploy` with one credential of each kind and
/// `other` with one key. Reports complete at once; `extra` goes at the end (faults).
fn scenario(organization_extra: &str, extra: &str) -> String {
    let rest = format!(
        r#"[[accounts.users]]
name = "admin"
access_keys = [{{ id = "AKIAMANAGEMENT000001" }}, {{ id = "AKIAADMINSECOND00001" }}]
signing_certificates = [{{ id = "CERTADMIN000000000000001" }}]
service_credentials = [{{ service = "codecommit.amazonaws.com", id = "ACCAADMIN00000000001" }}]

[[accounts]]
id = "{MEMBER}"
name = "member"
email = "member@example.com"
[[accounts.users]]
name = "Deploy"
access_keys = [{{ id = "AKIADEPLOY0000000001", last_used_days_ago = 3, service = "iam" }}]
signing_certificates = [{{ id = "CERTDEPLOY00000000000001" }}]
ssh_keys = [{{ id = "APKADEPLOY0000000001" }}]
service_credentials = [{{ service = "codecommit.amazonaws.com", id = "ACCADEPLOY0000000001" }}]
[[accounts.users]]
name = "other"
access_keys = [{{ id = "AKIAOTHER00000000001" }}]

{extra}"#
    );
    let organization = format!("{ENABLED}\nreport_generation_polls = 0\n{organization_extra}");
    org(&organization, &rest).replace(
        "secret_access_key = \"test-secret\"\n",
        "secret_access_key = \"test-secret\"\nuser = \"admin\"\n",
    )
}

/// rootsweep's AWS clients against the simulator, as its management caller, one attempt a call.
async fn connect(sim: &Sim) -> Aws {
    let settings = Settings {
        region: Some("us-east-1".into()),
        endpoint_url: Some(sim.url().to_string()),
        max_attempts: 1,
        call_timeout: Duration::from_secs(10),
        credentials: Some(Credentials::new(
            sim.access_key(),
            sim.secret(),
            None,
            None,
            "test",
        )),
        ..Settings::default()
    };
    Aws::connect(&settings, Default::default()).await
}

/// An IAM client of `aws`'s configuration signing with `credentials`.
fn client_with(aws: &Aws, credentials: Credentials) -> aws_sdk_iam::Client {
    let config = aws
        .iam
        .config()
        .to_builder()
        .credentials_provider(credentials);
    aws_sdk_iam::Client::from_conf(config.build())
}

/// An IAM client of a role session in the member account.
async fn member(aws: &Aws) -> aws_sdk_iam::Client {
    let out = aws
        .sts
        .assume_role()
        .role_arn(format!(
            "arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole"
        ))
        .role_session_name("rootsweep")
        .send()
        .await
        .expect("AssumeRole");
    let creds = session_credentials("AssumeRole", out.credentials()).expect("credentials");
    client_with(aws, creds)
}

/// The error code and HTTP status of a failed call.
fn failure<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug>(
    result: Result<T, SdkError<E, aws_smithy_runtime_api::http::Response>>,
) -> (String, u16) {
    let err = result.expect_err("the call fails");
    let status = err.raw_response().map_or(0, |r| r.status().as_u16());
    (err.code().unwrap_or_default().to_string(), status)
}

/// Every status Deploy's four credentials show, in the order: access key, signing certificate,
/// SSH key (listed), SSH key (GetSSHPublicKey), service-specific credential.
async fn deploy_statuses(iam: &aws_sdk_iam::Client) -> Vec<StatusType> {
    let keys = iam.list_access_keys().user_name("deploy").send().await;
    let certs = iam.list_signing_certificates().user_name("DEPLOY").send();
    let ssh = iam.list_ssh_public_keys().user_name("Deploy").send().await;
    let one = iam
        .get_ssh_public_key()
        .user_name("deploy")
        .ssh_public_key_id("APKADEPLOY0000000001")
        .encoding(aws_sdk_iam::types::EncodingType::Ssh)
        .send()
        .await;
    let creds = iam
        .list_service_specific_credentials()
        .user_name("deploy")
        .send()
        .await;
    let certs = certs.await.expect("ListSigningCertificates");
    vec![
        keys.expect("ListAccessKeys").access_key_metadata()[0]
            .status()
            .cloned(),
        Some(certs.certificates()[0].status().clone()),
        ssh.expect("ListSSHPublicKeys").ssh_public_keys()[0]
            .status()
            .clone()
            .into(),
        one.expect("GetSSHPublicKey")
            .ssh_public_key()
            .map(|k| k.status().clone()),
        creds
            .expect("ListServiceSpecificCredentials")
            .service_specific_credentials()[0]
            .status()
            .clone()
            .into(),
    ]
    .into_iter()
    .map(|s| s.expect("every credential has a status"))
    .collect()
}

/// Sets every one of Deploy's credentials to `status`, naming the user in some other case.
async fn update_deploy(iam: &aws_sdk_iam::Client, status: StatusType) {
    iam.update_access_key()
        .user_name("DEPLOY")
        .access_key_id("AKIADEPLOY0000000001")
        .status(status.clone())
        .send()
        .await
        .expect("UpdateAccessKey");
    iam.update_signing_certificate()
        .user_name("deploy")
        .certificate_id("CERTDEPLOY00000000000001")
        .status(status.clone())
        .send()
        .await
        .expect("UpdateSigningCertificate");
    iam.update_ssh_public_key()
        .user_name("dEPLOY")
        .ssh_public_key_id("APKADEPLOY0000000001")
        .status(status.clone())
        .send()
        .await
        .expect("UpdateSSHPublicKey");
    iam.update_service_specific_credential()
        .user_name("Deploy")
        .service_specific_credential_id("ACCADEPLOY0000000001")
        .status(status)
        .send()
        .await
        .expect("UpdateServiceSpecificCredential");
}

/// The credential report's row of `user`, as the SDK decodes it.
async fn report_row(iam: &aws_sdk_iam::Client, user: &str) -> Vec<String> {
    iam.generate_credential_report()
        .send()
        .await
        .expect("generate");
    let report = iam.get_credential_report().send().await.expect("report");
    let csv = String::from_utf8(report.content().expect("content").as_ref().to_vec()).expect("CSV");
    let row = csv
        .lines()
        .find(|l| l.starts_with(&format!("{user},")))
        .expect("the user's row");
    row.split(',').map(str::to_string).collect()
}

#[tokio::test]
async fn the_sdk_updates_all_four_statuses_and_every_read_report_and_the_state_follow() {
    let sim = Sim::start_toml(&scenario("", ""));
    let aws = connect(&sim).await;
    let iam = member(&aws).await;
    assert_eq!(
        deploy_statuses(&iam).await,
        [Active, Active, Active, Active, Active]
    );
    update_deploy(&iam, Inactive).await;
    assert_eq!(
        deploy_statuses(&iam).await,
        [Inactive, Inactive, Inactive, Inactive, Inactive]
    );
    update_deploy(&iam, Inactive).await;
    let row = report_row(&iam, "Deploy").await;
    assert_eq!(
        (&*row[8], &*row[18]),
        ("false", "false"),
        "access_key_1_active, cert_1_active"
    );
    let state = sim.state();
    let deploy = &state["accounts"][MEMBER]["users"]["Deploy"];
    for (list, id) in [
        ("access_keys", "AKIADEPLOY0000000001"),
        ("signing_certificates", "CERTDEPLOY00000000000001"),
        ("ssh_keys", "APKADEPLOY0000000001"),
        ("service_credentials", "ACCADEPLOY0000000001"),
    ] {
        assert_eq!(deploy[list][0]["id"], id, "{list}: {deploy}");
        assert_eq!(deploy[list][0]["status"], "Inactive", "{list}: {deploy}");
    }
    update_deploy(&iam, Active).await;
    assert_eq!(
        deploy_statuses(&iam).await,
        [Active, Active, Active, Active, Active]
    );
    let other = iam
        .list_access_keys()
        .user_name("other")
        .send()
        .await
        .expect("other");
    assert_eq!(other.access_key_metadata()[0].status(), Some(&Active));
    let updates: Vec<_> = sim
        .non_read_calls()
        .into_iter()
        .filter(|c| {
            c["operation"]
                .as_str()
                .is_some_and(|o| o.starts_with("Update"))
        })
        .collect();
    assert_eq!(updates.len(), 12, "three rounds of four: {updates:?}");
    assert!(
        updates
            .iter()
            .all(|c| c["mutating"] == true && c["status"] == 200),
        "{updates:?}"
    );
}

#[tokio::test]
async fn the_sdk_reads_the_update_errors_as_aws_codes() {
    let sim = Sim::start_toml(&scenario("", ""));
    let aws = connect(&sim).await;
    let iam = member(&aws).await;
    let others_key = iam
        .update_access_key()
        .user_name("deploy")
        .access_key_id("AKIAOTHER00000000001")
        .status(Inactive)
        .send()
        .await;
    assert!(
        others_key
            .as_ref()
            .err()
            .and_then(|e| e.as_service_error())
            .is_some_and(|e| e.is_no_such_entity_exception()),
        "{others_key:?}"
    );
    assert_eq!(failure(others_key), ("NoSuchEntity".into(), 404));
    let nobody = iam
        .update_service_specific_credential()
        .user_name("nobody")
        .service_specific_credential_id("ACCADEPLOY0000000001")
        .status(Inactive)
        .send()
        .await;
    assert_eq!(failure(nobody), ("NoSuchEntity".into(), 404));
    let expired = iam
        .update_ssh_public_key()
        .user_name("deploy")
        .ssh_public_key_id("APKADEPLOY0000000001")
        .status(StatusType::Expired)
        .send()
        .await;
    assert_eq!(failure(expired), ("ValidationError".into(), 400));
    let unnamed = iam
        .update_signing_certificate()
        .certificate_id("CERTDEPLOY00000000000001")
        .status(Inactive)
        .send()
        .await;
    assert_eq!(
        failure(unnamed),
        ("ValidationError".into(), 400),
        "a role session names the user"
    );
    assert_eq!(
        deploy_statuses(&iam).await,
        [Active, Active, Active, Active, Active]
    );

    let policy = aws_sdk_sts::types::PolicyDescriptorType::builder()
        .arn(TaskPolicy::Delete.arn("aws"))
        .build();
    let out = aws
        .sts
        .assume_root()
        .target_principal(MEMBER)
        .task_policy_arn(policy)
        .send()
        .await
        .expect("AssumeRoot");
    let root = client_with(
        &aws,
        session_credentials("AssumeRoot", out.credentials()).expect("creds"),
    );
    let refused = root
        .update_access_key()
        .access_key_id("AKIADEPLOY0000000001")
        .status(Inactive)
        .send()
        .await;
    assert_eq!(
        failure(refused),
        ("AccessDenied".into(), 403),
        "root sessions are refused"
    );
}

#[tokio::test]
async fn the_caller_updates_its_own_credentials_without_a_user_name() {
    let sim = Sim::start_toml(&scenario("", ""));
    let aws = connect(&sim).await;
    let iam = &aws.iam;
    iam.update_access_key()
        .access_key_id("AKIAADMINSECOND00001")
        .status(Inactive)
        .send()
        .await
        .expect("UpdateAccessKey of its own second key");
    iam.update_signing_certificate()
        .certificate_id("CERTADMIN000000000000001")
        .status(Inactive)
        .send()
        .await
        .expect("UpdateSigningCertificate");
    iam.update_service_specific_credential()
        .service_specific_credential_id("ACCAADMIN00000000001")
        .status(Inactive)
        .send()
        .await
        .expect("UpdateServiceSpecificCredential");
    let keys = iam.list_access_keys().send().await.expect("ListAccessKeys");
    let statuses: Vec<_> = keys
        .access_key_metadata()
        .iter()
        .map(|k| k.status().cloned())
        .collect();
    assert_eq!(statuses, [Some(Active), Some(Inactive)]);
    let certs = iam
        .list_signing_certificates()
        .send()
        .await
        .expect("certificates");
    assert_eq!(certs.certificates()[0].status(), &Inactive);
    let creds = iam
        .list_service_specific_credentials()
        .send()
        .await
        .expect("credentials");
    assert_eq!(creds.service_specific_credentials()[0].status(), &Inactive);
    let ssh = iam
        .update_ssh_public_key()
        .ssh_public_key_id("APKADEPLOY0000000001")
        .status(Inactive)
        .send()
        .await;
    assert_eq!(
        failure(ssh),
        ("ValidationError".into(), 400),
        "UpdateSSHPublicKey needs UserName"
    );
}

#[tokio::test]
async fn use_access_key_uses_the_keys_between_the_audit_and_the_change() {
    let fault = "[[faults]]\naction = \"use-access-key\"\naccount = \"222222222201\"\noperation = \"UpdateAccessKey\"\ntimes = 1\n";
    let sim = Sim::start_toml(&scenario("", fault));
    let aws = connect(&sim).await;
    let iam = member(&aws).await;
    let last_used = |key: &'static str| {
        let iam = iam.clone();
        async move {
            let out = iam
                .get_access_key_last_used()
                .access_key_id(key)
                .send()
                .await
                .expect("GetAccessKeyLastUsed");
            let used = out
                .access_key_last_used()
                .expect("AccessKeyLastUsed")
                .clone();
            (
                used.last_used_date().map(|d| d.secs()),
                used.service_name().to_string(),
                used.region().to_string(),
            )
        }
    };
    let audit = last_used("AKIAOTHER00000000001").await;
    assert_eq!(
        audit,
        (None, "N/A".to_string(), "N/A".to_string()),
        "never used at the audit"
    );
    let before_report = report_row(&iam, "other").await;
    assert_eq!(before_report[10], "N/A");
    iam.update_access_key()
        .user_name("deploy")
        .access_key_id("AKIADEPLOY0000000001")
        .status(Inactive)
        .send()
        .await
        .expect("UpdateAccessKey");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for key in ["AKIAOTHER00000000001", "AKIADEPLOY0000000001"] {
        let (date, service, region) = last_used(key).await;
        assert!(
            date.is_some_and(|d| (now - d).abs() < 60),
            "{key} used now: {date:?}"
        );
        assert_eq!(
            (service.as_str(), region.as_str()),
            ("s3", "us-east-1"),
            "{key}"
        );
    }
    assert_eq!(
        report_row(&iam, "other").await[10],
        "N/A",
        "the report generated at the audit is still served"
    );
    let mine = aws
        .iam
        .get_access_key_last_used()
        .access_key_id("AKIAADMINSECOND00001")
        .send()
        .await
        .expect("own key");
    assert_eq!(
        mine.access_key_last_used().map(|u| u.service_name()),
        Some("N/A"),
        "other accounts are untouched"
    );
}
