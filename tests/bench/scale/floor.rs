//! The AWS SDK's own CPU for an audit's calls: a reference for rootsweep's CPU per account.
//!
//! Against the same running simulator, this process makes the calls of one root audit per account
//! — AssumeRoot, then GetLoginProfile, ListMFADevices, ListAccessKeys, GetUser and
//! ListSigningCertificates side by side — through rootsweep's own SDK clients (`Aws::connect`: the
//! same configuration, HTTP client and allocator) with its own session credentials and per-call
//! override (`session_credentials`, `session_config`), the same number of accounts at a time, and
//! nothing else: no retry loop, no enumeration, no report. Its CPU per account is what the SDK
//! needs on this machine for what an audit must ask; rootsweep cannot go below it while it makes
//! those calls.

use crate::sim::cpu_from_stat;
use anyhow::Context;
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::result::SdkError;
use futures::stream::{self, StreamExt};
use rootsweep::aws::iam::session_config;
use rootsweep::aws::sts::{session_credentials, TaskPolicy};
use rootsweep::aws::{Aws, Settings};
use std::time::Duration;

/// CPU milliseconds per account for `accounts` audits' calls, `concurrency` at a time.
pub fn ms_per_account(
    url: &str,
    credentials: Credentials,
    accounts: &[String],
    concurrency: usize,
) -> anyhow::Result<f64> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting a runtime")?;
    let settings = Settings {
        region: Some("us-east-1".into()),
        endpoint_url: Some(url.to_string()),
        max_attempts: 1,
        call_timeout: Duration::from_secs(60),
        credentials: Some(credentials),
        ..Settings::default()
    };
    runtime.block_on(async {
        let aws = Aws::connect(&settings, Default::default()).await;
        let before = own_cpu()?;
        let failed = stream::iter(accounts)
            .map(|account| audit_calls(&aws, account))
            .buffer_unordered(concurrency.max(1))
            .filter(|ok| std::future::ready(!ok))
            .count()
            .await;
        let cpu = own_cpu()? - before;
        anyhow::ensure!(
            failed == 0,
            "{failed} of {} reference audits failed",
            accounts.len()
        );
        Ok(cpu * 1000.0 / accounts.len().max(1) as f64)
    })
}

/// One account's calls; whether each was answered (an IAM error answer counts: it is a call).
async fn audit_calls(aws: &Aws, account: &str) -> bool {
    let policy = aws_sdk_sts::types::PolicyDescriptorType::builder()
        .arn(TaskPolicy::Audit.arn("aws"))
        .build();
    let Ok(out) = aws
        .sts
        .assume_root()
        .target_principal(account)
        .task_policy_arn(policy)
        .duration_seconds(900)
        .send()
        .await
    else {
        return false;
    };
    let Ok(creds) = session_credentials("AssumeRoot", out.credentials()) else {
        return false;
    };
    let session = || session_config(&creds);
    let iam = &aws.iam;
    let (a, b, c, d, e) = tokio::join!(
        iam.get_login_profile()
            .customize()
            .config_override(session())
            .send(),
        iam.list_mfa_devices()
            .customize()
            .config_override(session())
            .send(),
        iam.list_access_keys()
            .customize()
            .config_override(session())
            .send(),
        iam.get_user().customize().config_override(session()).send(),
        iam.list_signing_certificates()
            .customize()
            .config_override(session())
            .send(),
    );
    answered(&a) && answered(&b) && answered(&c) && answered(&d) && answered(&e)
}

/// A call that got an HTTP answer, success or AWS error (GetLoginProfile's NoSuchEntity is one).
fn answered<T, E, R>(result: &Result<T, SdkError<E, R>>) -> bool {
    match result {
        Ok(_) => true,
        Err(e) => e.raw_response().is_some(),
    }
}

/// This process's user + system CPU, seconds.
fn own_cpu() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").context("reading /proc/self/stat")?;
    cpu_from_stat(&stat)
}
