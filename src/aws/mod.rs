//! The only code that names `aws_sdk_*` types: one shared SDK configuration, the management
//! clients, and per-account root-session clients derived from it.

mod directory;
mod error;
pub mod iam;
pub mod org;
mod pacer;
mod pages;
mod rate;
pub mod root;
mod stats;
pub mod sts;

pub use error::{classify, CallError, ErrorKind};
pub use rate::RateLimiter;
pub use stats::CallStats;

use aws_config::default_provider::region::DefaultRegionChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_smithy_runtime::client::retries::{RetryPartition, TokenBucket};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::sync::Arc;
use std::time::Duration;

/// The region used when neither the command line, the config file, the environment nor the
/// profile names one. AssumeRoot needs a regional STS endpoint, so some region is required.
pub const DEFAULT_REGION: &str = "us-east-1";

/// How long one call keeps retrying throttling errors beyond the SDK's own attempts.
pub const THROTTLE_BUDGET: Duration = Duration::from_secs(300);
/// Upper bound of the jittered wait between such retry rounds.
const THROTTLE_ROUND_WAIT: Duration = Duration::from_secs(2);

/// Full-jitter exponential backoff before retry number `attempt` (1-based): up to 50 ms doubled
/// per attempt, at most [`THROTTLE_ROUND_WAIT`].
fn backoff(attempt: u32) -> Duration {
    let cap = Duration::from_millis(50)
        .saturating_mul(1 << attempt.min(16))
        .min(THROTTLE_ROUND_WAIT);
    cap.mul_f64(rand::random::<f64>())
}

/// How to reach AWS: the standard credential chain plus rootsweep's overrides.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Named profile (`--profile`); otherwise the SDK's own (`AWS_PROFILE`, `default`).
    pub profile: Option<String>,
    /// Region (`--region`); otherwise the SDK's chain, then [`DEFAULT_REGION`].
    pub region: Option<String>,
    /// One endpoint for all three services (`--endpoint-url`); the SDK's `AWS_ENDPOINT_URL*`
    /// variables apply when unset.
    pub endpoint_url: Option<String>,
    /// Attempts per call, throttling retries included.
    pub max_attempts: u32,
    /// Limit on one attempt of one call.
    pub call_timeout: Duration,
    /// Client-side limit on requests per second across the run (`None`: unlimited).
    pub max_rps: Option<f64>,
    /// Explicit credentials instead of the chain (the demo uses the simulator's).
    pub credentials: Option<Credentials>,
}

/// Shared AWS access for one run.
#[derive(Clone)]
pub struct Aws {
    sdk: SdkConfig,
    stats: CallStats,
    limiter: Option<Arc<RateLimiter>>,
    /// Set once the management credentials are refused (expired, invalid): no account is
    /// attempted after that.
    halt: Arc<std::sync::OnceLock<CallError>>,
    /// Paces AssumeRoot to what STS accepts (see the `pacer` module).
    assume_pacer: Arc<pacer::Pacer>,
    /// Attempts per call for server errors and dropped connections.
    max_attempts: u32,
    /// Organizations client (management credentials).
    pub org: aws_sdk_organizations::Client,
    /// STS client (management credentials), regional endpoint.
    pub sts: aws_sdk_sts::Client,
    /// IAM client (management credentials).
    pub iam: aws_sdk_iam::Client,
}

impl Aws {
    /// Loads the SDK configuration once; every client of the run derives from it and so shares
    /// one HTTP connection pool.
    pub async fn connect(settings: &Settings) -> Aws {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(settings.max_attempts.max(1))
                    .with_initial_backoff(Duration::from_millis(100))
                    .with_max_backoff(Duration::from_secs(5)),
            )
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
        let sdk = loader.load().await;
        // Throttling is expected at scale: the default retry quota (500 tokens) would turn a
        // long throttled run into failed accounts, so the whole run shares an unlimited bucket.
        // Standard (not adaptive) mode: the adaptive client rate limiter collapses to a few
        // requests per second under steady random throttling and never recovers. Jittered
        // backoff per call, the AssumeRoot pacer and `--max-rps` take its place.
        let retry_partition = RetryPartition::custom("rootsweep")
            .token_bucket(TokenBucket::unlimited())
            .build();
        let stats = CallStats::default();
        let org = aws_sdk_organizations::Client::from_conf(
            aws_sdk_organizations::config::Builder::from(&sdk)
                .retry_partition(retry_partition.clone())
                .interceptor(stats.clone())
                .build(),
        );
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&sdk)
                .retry_partition(retry_partition.clone())
                .interceptor(stats.clone())
                .build(),
        );
        let iam = aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::config::Builder::from(&sdk)
                .retry_partition(retry_partition.clone())
                .interceptor(stats.clone())
                .build(),
        );
        let limiter = settings.max_rps.map(|rps| Arc::new(RateLimiter::new(rps)));
        Aws {
            sdk,
            stats,
            limiter,
            halt: Arc::default(),
            assume_pacer: Arc::default(),
            max_attempts: settings.max_attempts.max(1),
            org,
            sts,
            iam,
        }
    }

    /// The region in use.
    pub fn region(&self) -> Option<String> {
        self.sdk.region().map(|r| r.to_string())
    }

    /// Call and retry counters for the run.
    pub fn stats(&self) -> &CallStats {
        &self.stats
    }

    /// The error that made the run stop using the management credentials, if any.
    pub fn halted(&self) -> Option<&CallError> {
        self.halt.get()
    }

    /// Records a management-credential failure (expired, invalid): later accounts are not attempted.
    fn trip_on_credentials(&self, err: &CallError) {
        if err.kind == ErrorKind::Credentials {
            let _ = self.halt.set(err.clone());
        }
    }

    /// Sends one call. Waits for the client-side rate limit first; when the SDK's own attempts
    /// end in throttling, keeps retrying with jittered backoff for up to [`THROTTLE_BUDGET`], so
    /// a throttled API slows the run down instead of failing accounts.
    pub(crate) async fn send<T, E, R, F, Fut>(
        &self,
        operation: &'static str,
        call: F,
    ) -> Result<T, CallError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        self.send_with(operation, None, call).await
    }

    /// The retry loop of [`Aws::send`]. With a pacer (AssumeRoot, whose SDK retries are off), every
    /// attempt waits for its slot and reports its outcome, throttling is retried within
    /// [`THROTTLE_BUDGET`] at the pace the service accepts, and server errors up to the run's
    /// attempt limit; without one, only throttling that outlasted the SDK's attempts is retried.
    async fn send_with<T, E, R, F, Fut>(
        &self,
        operation: &'static str,
        pacer: Option<&pacer::Pacer>,
        mut call: F,
    ) -> Result<T, CallError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        let start = tokio::time::Instant::now();
        let mut transient = 1;
        let mut throttled = 0;
        loop {
            self.pace().await;
            if let Some(pacer) = pacer {
                pacer.wait().await;
            }
            let result = call().await;
            let now = tokio::time::Instant::now();
            let err = match result {
                Ok(out) => {
                    if let Some(pacer) = pacer {
                        pacer.record(false, now);
                    }
                    return Ok(out);
                }
                Err(e) => CallError::from_sdk(operation, e),
            };
            let retry = match err.kind {
                ErrorKind::Throttled if start.elapsed() < THROTTLE_BUDGET => {
                    if let Some(pacer) = pacer {
                        pacer.record(true, now);
                    }
                    throttled += 1;
                    throttled
                }
                ErrorKind::Transient if pacer.is_some() && transient < self.max_attempts => {
                    transient += 1;
                    transient
                }
                _ => return Err(err),
            };
            self.stats.own_retry();
            tokio::time::sleep(backoff(retry)).await;
        }
    }

    /// Waits for the client-side rate limit (`--max-rps`), if any.
    pub async fn pace(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.acquire().await;
        }
    }

    /// One root session's IAM calls: the run's IAM client (its HTTP pool, retry partition and
    /// counters) with the session's credentials set per call; nothing is cached per account.
    pub fn session_iam(&self, credentials: Credentials) -> iam::RootSession {
        iam::RootSession::new(self.iam.clone(), credentials, self.clone())
    }
}

/// A named profile (`--profile`, the config file, or `AWS_PROFILE`) that is defined nowhere.
#[derive(Debug, thiserror::Error)]
#[error("AWS profile `{name}` is not defined in the AWS config or credentials file{}", detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
pub struct ProfileNotFound {
    /// The profile name.
    pub name: String,
    /// Why the files could not be read, if they could not.
    pub detail: Option<String>,
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
