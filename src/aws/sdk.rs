//! The run's one SDK configuration and the management clients derived from it (one HTTP client,
//! no SDK retries), and the check that a named profile exists before any call.

use super::{Aws, Limiter, Settings, Stats, DEFAULT_REGION};
use crate::cancel::Cancel;
use aws_config::default_provider::region::DefaultRegionChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use std::sync::Arc;
use std::time::Duration;

impl Aws {
    /// Loads the SDK configuration once; every client of the run derives from it and so shares
    /// one HTTP connection pool. `cancel` is the run's interruption flag: once set, no call
    /// waits or retries any more (see [`Aws::send`]).
    pub async fn connect(settings: &Settings, cancel: Cancel) -> Aws {
        let sdk = load(settings).await;
        // No SDK retry quota or adaptive rate limiter either: jittered backoff per call, the
        // AssumeRoot pacer and `--max-rps` take their place.
        let stats = Stats::default();
        let org = aws_sdk_organizations::Client::from_conf(
            aws_sdk_organizations::config::Builder::from(&sdk)
                .retry_config(RetryConfig::disabled())
                .interceptor(stats.clone())
                .build(),
        );
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&sdk)
                .retry_config(RetryConfig::disabled())
                .interceptor(stats.clone())
                .build(),
        );
        let iam = aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::config::Builder::from(&sdk)
                .retry_config(RetryConfig::disabled())
                .interceptor(stats.clone())
                .build(),
        );
        let s3 = s3_client(&sdk, &stats);
        let sqs = aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::config::Builder::from(&sdk)
                .retry_config(RetryConfig::disabled())
                .interceptor(stats.clone())
                .build(),
        );
        let limiter = settings.max_rps.map(|rps| Arc::new(Limiter::new(rps)));
        Aws {
            sdk,
            stats,
            cancel,
            limiter,
            halt: Arc::default(),
            explain: Arc::default(),
            assume_pacer: Arc::default(),
            walk_pacer: Arc::default(),
            max_attempts: settings.max_attempts.max(1),
            profile: profile_name(settings),
            org,
            sts,
            iam,
            s3,
            sqs,
        }
    }
}

/// The SDK configuration of the run: the standard chain with `settings`' overrides, one HTTPS
/// client, and none of the SDK's own retries.
async fn load(settings: &Settings) -> SdkConfig {
    // The SDK's own retries are off: its backoff sleeps cannot be interrupted, and two
    // nested retry loops multiply attempts. `send_with` retries instead, every wait raced
    // against the interruption.
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(settings.call_timeout)
                .build(),
        )
        .region(region_chain(settings).await);
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(creds) = &settings.credentials {
        loader = loader.credentials_provider(creds.clone());
    }
    // One HTTP client for every client of the run, per-account session clients included.
    // Without it each derived client builds its own default client: a new connection pool
    // (a TCP connection per call) and a new TLS root store per account.
    loader = loader.http_client(
        aws_smithy_http_client::Builder::new()
            .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                aws_smithy_http_client::tls::rustls_provider::CryptoMode::AwsLc,
            ))
            .build_https(),
    );
    // Each attempt already has a timeout (`--call-timeout`); the extra per-response watchdog
    // of stalled-stream protection costs CPU on every call and adds nothing here.
    loader = loader.stalled_stream_protection(
        aws_config::stalled_stream_protection::StalledStreamProtectionConfig::disabled(),
    );
    loader.load().await
}

/// The S3 client. A custom endpoint (the simulator, a local S3) is an address, not a domain:
/// buckets go in the path there. Against AWS the SDK's default (virtual-hosted style) stays.
fn s3_client(sdk: &SdkConfig, stats: &Stats) -> aws_sdk_s3::Client {
    let custom_endpoint = sdk.endpoint_url().is_some()
        || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some_and(|v| !v.is_empty());
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .retry_config(RetryConfig::disabled())
            .force_path_style(custom_endpoint)
            .interceptor(stats.clone())
            .build(),
    )
}

/// A named profile (`--profile`, the config file, or `AWS_PROFILE`) that is defined nowhere.
#[derive(Debug, thiserror::Error)]
#[error("AWS profile `{name}` is not defined in the AWS config or credentials file{}; create it with `aws configure --profile {name}` (or `aws configure sso`), or name another (`aws configure list-profiles`)", detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
pub struct ProfileNotFound {
    /// The profile name.
    pub name: String,
    /// Why the files could not be read, if they could not.
    pub detail: Option<String>,
}

/// An endpoint variable of the SDK (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`) that is
/// set but empty: the SDK would take it as an endpoint and fail on the first call.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0} is set but empty; unset it (`unset {0}`) or set it to an endpoint URL")]
pub struct EmptyEndpoint(pub String);

/// The first endpoint variable among `vars` (name, value) that is set but empty.
pub fn empty_endpoint<'a>(
    vars: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), EmptyEndpoint> {
    for (name, value) in vars {
        let endpoint = name == "AWS_ENDPOINT_URL" || name.starts_with("AWS_ENDPOINT_URL_");
        if endpoint && value.trim().is_empty() {
            return Err(EmptyEndpoint(name.to_string()));
        }
    }
    Ok(())
}

/// Checks, before any AWS call, that a named profile exists in the shared config files.
pub async fn check_profile(settings: &Settings) -> Result<(), ProfileNotFound> {
    let name = match (&settings.profile, std::env::var("AWS_PROFILE")) {
        (Some(name), _) => name.clone(),
        (None, Ok(name)) if !name.is_empty() => name,
        _ => return Ok(()),
    };
    if settings.credentials.is_some() {
        return Ok(());
    }
    let files = aws_runtime::env_config::file::EnvConfigFiles::default();
    let env = aws_types::os_shim_internal::Env::real();
    let fs = aws_types::os_shim_internal::Fs::real();
    match aws_config::profile::load(&fs, &env, &files, None).await {
        Ok(set) if set.get_profile(&name).is_some() => Ok(()),
        Ok(_) => Err(ProfileNotFound { name, detail: None }),
        Err(e) => Err(ProfileNotFound {
            name,
            detail: Some(e.to_string()),
        }),
    }
}

fn profile_name(settings: &Settings) -> String {
    settings
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
        .unwrap_or_else(|| "default".to_string())
}

async fn region_chain(settings: &Settings) -> Region {
    if let Some(region) = &settings.region {
        return Region::new(region.clone());
    }
    let mut chain = DefaultRegionChain::builder();
    if let Some(profile) = &settings.profile {
        chain = chain.profile_name(profile);
    }
    match chain.build().region().await {
        Some(region) => region,
        None => Region::from_static(DEFAULT_REGION),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_variable_set_but_empty_is_named() {
        assert_eq!(
            empty_endpoint([("HOME", ""), ("AWS_ENDPOINT_URL_SQS", " ")]),
            Err(EmptyEndpoint("AWS_ENDPOINT_URL_SQS".into()))
        );
        assert_eq!(
            empty_endpoint([("AWS_ENDPOINT_URL", "")]),
            Err(EmptyEndpoint("AWS_ENDPOINT_URL".into()))
        );
        assert_eq!(
            empty_endpoint([
                ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
                ("AWS_ENDPOINT_URLX", "")
            ]),
            Ok(())
        );
    }
}
