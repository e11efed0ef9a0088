//! The only code that names `aws_sdk_*` types: one shared SDK configuration, the management
//! clients, and per-account session clients (root sessions, role sessions) derived from it.

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
pub mod unlock;
pub mod users;
pub mod users_change;
mod users_holdings;
mod users_session;

pub use crate::call::{classify, CallError, ErrorKind};
pub use rate::RateLimiter;
pub use stats::CallStats;

use crate::cancel::Cancel;
use aws_config::default_provider::region::DefaultRegionChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// The region used when neither the command line, the config file, the environment nor the
/// profile names one. AssumeRoot needs a regional STS endpoint, so some region is required.
pub const DEFAULT_REGION: &str = "us-east-1";

/// How long one call keeps retrying throttling errors.
pub const THROTTLE_BUDGET: Duration = Duration::from_secs(300);
/// Upper bound of the jittered wait between retries.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(2);
/// How long a read already on the wire may still answer after the run is interrupted. Long
/// enough for a healthy call (so an account in flight finishes, as the first signal promises);
/// short enough that a hung read does not hold the exit for the whole `--call-timeout`.
pub const READ_GRACE: Duration = Duration::from_secs(2);

/// Full-jitter exponential backoff before retry number `attempt` (1-based): up to 50 ms doubled
/// per attempt, at most [`MAX_RETRY_WAIT`].
fn backoff(attempt: u32) -> Duration {
    let cap = Duration::from_millis(50)
        .saturating_mul(1 << attempt.min(16))
        .min(MAX_RETRY_WAIT);
    cap.mul_f64(rand::random::<f64>())
}

/// Whether a call only reads or changes something: decides what an interruption may cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// Dropping it is harmless: an attempt on the wire is abandoned [`READ_GRACE`] after the
    /// interruption.
    Read,
    /// Its result must be known: an attempt on the wire always completes.
    Change,
}

/// The run was interrupted while a call was waiting (or, for a read, still on the wire).
#[derive(Debug)]
struct Stopped;

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
    /// Attempts per call for server errors, timeouts and dropped connections. Throttling is
    /// retried for up to [`THROTTLE_BUDGET`] instead; other errors are not retried.
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
    /// The run's interruption flag: it ends every wait of every call.
    cancel: Cancel,
    limiter: Option<Arc<RateLimiter>>,
    /// Set once the management credentials are refused (expired, invalid): no account is
    /// attempted after that.
    halt: Arc<std::sync::OnceLock<CallError>>,
    /// Paces AssumeRoot to what STS accepts (see the `pacer` module).
    assume_pacer: Arc<pacer::Pacer>,
    /// Paces the OU-tree walk's Organizations calls to what Organizations accepts.
    walk_pacer: Arc<pacer::Pacer>,
    /// Attempts per call for server errors, timeouts and dropped connections.
    max_attempts: u32,
    /// The profile the credential chain reads (for messages).
    profile: String,
    /// Organizations client (management credentials).
    pub org: aws_sdk_organizations::Client,
    /// STS client (management credentials), regional endpoint.
    pub sts: aws_sdk_sts::Client,
    /// IAM client (management credentials).
    pub iam: aws_sdk_iam::Client,
    /// S3 client; only ever used with unlock-session credentials set per call.
    pub s3: aws_sdk_s3::Client,
    /// SQS client; only ever used with unlock-session credentials set per call.
    pub sqs: aws_sdk_sqs::Client,
}

impl Aws {
    /// Loads the SDK configuration once; every client of the run derives from it and so shares
    /// one HTTP connection pool. `cancel` is the run's interruption flag: once set, no call
    /// waits or retries any more (see [`Aws::send`]).
    pub async fn connect(settings: &Settings, cancel: Cancel) -> Aws {
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
        let sdk = loader.load().await;
        // No SDK retry quota or adaptive rate limiter either: jittered backoff per call, the
        // AssumeRoot pacer and `--max-rps` take their place.
        let stats = CallStats::default();
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
        // A custom endpoint (the simulator, a local S3) is an address, not a domain: buckets go
        // in the path there. Against AWS the SDK's default (virtual-hosted style) stays.
        let custom_endpoint = sdk.endpoint_url().is_some()
            || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some_and(|v| !v.is_empty());
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .retry_config(RetryConfig::disabled())
                .force_path_style(custom_endpoint)
                .interceptor(stats.clone())
                .build(),
        );
        let sqs = aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::config::Builder::from(&sdk)
                .retry_config(RetryConfig::disabled())
                .interceptor(stats.clone())
                .build(),
        );
        let limiter = settings.max_rps.map(|rps| Arc::new(RateLimiter::new(rps)));
        Aws {
            sdk,
            stats,
            cancel,
            limiter,
            halt: Arc::default(),
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

    /// The profile the credential chain reads: `--profile`, else `AWS_PROFILE`, else `default`.
    pub fn profile(&self) -> &str {
        &self.profile
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

    /// Sends one read-only call: waits for the client-side rate limit, then retries throttling
    /// with jittered backoff for up to [`THROTTLE_BUDGET`] (a throttled API slows the run down
    /// instead of failing accounts) and server errors, timeouts and dropped connections up to
    /// the run's attempt limit. Any other error returns at once.
    ///
    /// Once the run is interrupted nothing waits: a rate-limit slot, a backoff or a retry ends
    /// the call with `Interrupted`. An attempt that needs no wait is still made, so an account
    /// in flight can finish; an attempt on the wire is abandoned after [`READ_GRACE`].
    pub(crate) async fn send<T, E, F, Fut>(
        &self,
        operation: &'static str,
        call: F,
    ) -> Result<T, CallError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.send_with(operation, Effect::Read, None, call).await
    }

    /// Sends one read of the OU-tree walk: as [`Aws::send`], paced by the walk's shared pacer,
    /// so Organizations' throttling (low, unpublished limits) slows the walk down instead of
    /// exhausting its retries.
    pub(crate) async fn send_walk<T, E, F, Fut>(
        &self,
        operation: &'static str,
        call: F,
    ) -> Result<T, CallError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.send_with(operation, Effect::Read, Some(&self.walk_pacer), call)
            .await
    }

    /// Sends one call that changes something (a Delete, Deactivate, Create, Detach, Remove,
    /// Set…). Retries as [`Aws::send`] does, and likewise neither waits nor retries once the
    /// run is interrupted; but an attempt on the wire always completes, so whether the change
    /// happened is known.
    pub(crate) async fn send_change<T, E, F, Fut>(
        &self,
        operation: &'static str,
        call: F,
    ) -> Result<T, CallError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.send_with(operation, Effect::Change, None, call).await
    }

    /// The one retry loop of every call. With a pacer (AssumeRoot), every attempt also waits
    /// for its slot and reports its outcome, so throttling sets the pace the service accepts.
    async fn send_with<T, E, F, Fut>(
        &self,
        operation: &'static str,
        effect: Effect,
        pacer: Option<&pacer::Pacer>,
        mut call: F,
    ) -> Result<T, CallError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let start = Instant::now();
        let mut last: Option<CallError> = None;
        let mut transient = 1;
        let mut throttled = 0;
        let interrupted =
            |last: &Option<CallError>| CallError::interrupted(operation, last.as_ref());
        loop {
            if let Some(limiter) = &self.limiter {
                self.wait_until(limiter.reserve())
                    .await
                    .map_err(|Stopped| interrupted(&last))?;
            }
            if let Some(slot) = pacer.and_then(pacer::Pacer::reserve) {
                self.wait_until(slot)
                    .await
                    .map_err(|Stopped| interrupted(&last))?;
            }
            let result = self
                .attempt(effect, call())
                .await
                .map_err(|Stopped| interrupted(&last))?;
            let now = Instant::now();
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
                ErrorKind::Transient if transient < self.max_attempts => {
                    transient += 1;
                    transient
                }
                _ => return Err(err),
            };
            if self.cancel.is_cancelled() {
                return Err(CallError::interrupted(operation, Some(&err)));
            }
            tracing::debug!(error = %err, retry, "retrying");
            last = Some(err);
            self.stats.own_retry();
            self.wait_until(now + backoff(retry))
                .await
                .map_err(|Stopped| interrupted(&last))?;
        }
    }

    /// One attempt. A change always runs to its answer; a read is abandoned [`READ_GRACE`]
    /// after the run is interrupted.
    async fn attempt<O>(
        &self,
        effect: Effect,
        attempt: impl Future<Output = O>,
    ) -> Result<O, Stopped> {
        match effect {
            Effect::Change => Ok(attempt.await),
            Effect::Read => {
                tokio::select! {
                    out = attempt => Ok(out),
                    () = async {
                        self.cancel.cancelled().await;
                        tokio::time::sleep(READ_GRACE).await;
                    } => Err(Stopped),
                }
            }
        }
    }

    /// Sleeps until `deadline`, unless the run is (or gets) interrupted first. A deadline that
    /// has passed costs no wait and is never refused.
    async fn wait_until(&self, deadline: Instant) -> Result<(), Stopped> {
        if deadline <= Instant::now() {
            return Ok(());
        }
        tokio::select! {
            biased;
            () = self.cancel.cancelled() => Err(Stopped),
            () = tokio::time::sleep_until(deadline) => Ok(()),
        }
    }

    /// One root session's IAM calls: the run's IAM client (its HTTP pool and counters) with the session's credentials set per call; nothing is cached per account.
    pub fn session_iam(&self, credentials: Credentials) -> iam::RootSession {
        iam::RootSession::new(self.iam.clone(), credentials, self.clone())
    }
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
    use aws_sdk_iam::operation::delete_login_profile::DeleteLoginProfileError;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;
    use std::cell::Cell;

    /// What a real call's future yields: the SDK's own (large) error type, unboxed.
    type Sent = Result<(), SdkError<DeleteLoginProfileError, HttpResponse>>;

    /// An `Aws` that never reaches a network: every test call is a closure.
    async fn aws(cancel: &Cancel, max_rps: Option<f64>) -> Aws {
        let settings = Settings {
            region: Some("us-east-1".into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
            max_attempts: 3,
            call_timeout: Duration::from_secs(30),
            max_rps,
            credentials: Some(Credentials::for_tests()),
            ..Settings::default()
        };
        Aws::connect(&settings, cancel.clone()).await
    }

    #[allow(clippy::result_large_err)] // the shape every SDK call returns
    fn failure(code: &str, status: u16) -> Sent {
        let meta = ErrorMetadata::builder()
            .code(code)
            .message("from the test")
            .build();
        let raw = HttpResponse::new(
            StatusCode::try_from(status).expect("valid status"),
            SdkBody::empty(),
        );
        Err(SdkError::service_error(
            DeleteLoginProfileError::generic(meta),
            raw,
        ))
    }

    #[allow(clippy::result_large_err)] // the shape every SDK call returns
    fn ok() -> Sent {
        Ok(())
    }

    /// Cancels the run `after` from now, as a signal would.
    fn cancel_after(cancel: &Cancel, after: Duration) {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            cancel.cancel(true);
        });
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_quota_error_fails_after_one_attempt() {
        let cancel = Cancel::default();
        let aws = aws(&cancel, None).await;
        let attempts = Cell::new(0);
        let err = aws
            .send_change("DeleteLoginProfile", || {
                attempts.set(attempts.get() + 1);
                async { failure("LimitExceeded", 409) }
            })
            .await
            .expect_err("quota");
        assert_eq!(attempts.get(), 1);
        assert_eq!(err.code, "LimitExceeded");
        assert_eq!(err.kind, ErrorKind::Quota);
        assert_eq!(aws.stats().retries(), 0);
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn throttling_is_retried_for_the_whole_budget_then_reported() {
        let cancel = Cancel::default();
        let aws = aws(&cancel, None).await;
        let attempts = Cell::new(0u64);
        let start = Instant::now();
        let err = aws
            .send("ListMFADevices", || {
                attempts.set(attempts.get() + 1);
                async { failure("Throttling", 400) }
            })
            .await
            .expect_err("throttled throughout");
        assert_eq!(err.code, "Throttling");
        assert!(start.elapsed() >= THROTTLE_BUDGET, "{:?}", start.elapsed());
        assert!(start.elapsed() < THROTTLE_BUDGET + MAX_RETRY_WAIT * 2);
        // Backed off (up to 2 s, about 1 s on average), not hammering the throttled API.
        assert!(
            (100..1000).contains(&attempts.get()),
            "{} attempts",
            attempts.get()
        );
        assert_eq!(aws.stats().retries(), attempts.get() - 1);
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn server_errors_are_tried_exactly_max_attempts_times() {
        let cancel = Cancel::default();
        let aws = aws(&cancel, None).await;
        let attempts = Cell::new(0);
        let err = aws
            .send("GetUser", || {
                attempts.set(attempts.get() + 1);
                async { failure("ServiceFailure", 500) }
            })
            .await
            .expect_err("always failing");
        assert_eq!(attempts.get(), 3);
        assert_eq!(err.code, "ServiceFailure");
        assert_eq!(aws.stats().retries(), 2);
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_throttled_call_ends_at_once_when_cancelled_mid_wait() {
        let cancel = Cancel::default();
        let aws = aws(&cancel, None).await;
        cancel_after(&cancel, Duration::from_secs(120));
        let start = Instant::now();
        let err = aws
            .send("ListMFADevices", || async { failure("Throttling", 400) })
            .await
            .expect_err("interrupted");
        assert_eq!(start.elapsed(), Duration::from_secs(120));
        assert_eq!(err.code, "Interrupted");
        assert_eq!(err.kind, ErrorKind::Interrupted);
        assert_eq!(
            err.to_string(),
            "ListMFADevices: Interrupted: the run was interrupted (the last attempt failed with Throttling: from the test)"
        );
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_throttled_change_is_not_retried_after_the_interruption() {
        let cancel = Cancel::default();
        let aws = aws(&cancel, None).await;
        cancel_after(&cancel, Duration::from_secs(1));
        let attempts = Cell::new(0);
        let start = Instant::now();
        let err = aws
            .send_change("DeleteLoginProfile", || {
                attempts.set(attempts.get() + 1);
                async {
                    // Answers throttled only after the interruption.
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    failure("Throttling", 400)
                }
            })
            .await
            .expect_err("interrupted");
        assert_eq!(attempts.get(), 1);
        assert_eq!(start.elapsed(), Duration::from_secs(5));
        assert_eq!(err.kind, ErrorKind::Interrupted);
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_read_on_the_wire_is_dropped_soon_after_the_interruption() {
        let cancel = Cancel::default();
        let aws = aws(&cancel, None).await;
        cancel_after(&cancel, Duration::from_secs(1));
        let finished = Cell::new(false);
        let start = Instant::now();
        let err = aws
            .send("GetLoginProfile", || async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                finished.set(true);
                ok()
            })
            .await
            .expect_err("dropped");
        assert_eq!(start.elapsed(), Duration::from_secs(1) + READ_GRACE);
        assert!(!finished.get());
        assert_eq!(
            err.to_string(),
            "GetLoginProfile: Interrupted: the run was interrupted"
        );
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_change_on_the_wire_completes_despite_the_interruption() {
        let cancel = Cancel::default();
        let aws = aws(&cancel, None).await;
        cancel_after(&cancel, Duration::from_secs(1));
        let start = Instant::now();
        aws.send_change("DeactivateMFADevice", || async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            ok()
        })
        .await
        .expect("the change's answer is kept");
        assert_eq!(start.elapsed(), Duration::from_secs(60));
        assert!(cancel.is_cancelled());
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_call_that_needs_no_wait_still_runs_after_the_interruption() {
        let cancel = Cancel::default();
        let aws = aws(&cancel, None).await;
        cancel.cancel(false);
        aws.send("GetUser", || async { ok() })
            .await
            .expect("an account in flight can finish");
        let err = aws
            .send("GetUser", || async { failure("ServiceFailure", 500) })
            .await
            .expect_err("no retry after the interruption");
        assert_eq!(err.kind, ErrorKind::Interrupted);
        assert!(err.message.contains("ServiceFailure"), "{}", err.message);
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn the_rate_limit_wait_ends_at_the_interruption() {
        let cancel = Cancel::default();
        // One request per 100 s: the second call waits for its slot.
        let aws = aws(&cancel, Some(0.01)).await;
        aws.send("GetUser", || async { ok() })
            .await
            .expect("first slot is free");
        cancel_after(&cancel, Duration::from_secs(3));
        let ran = Cell::new(false);
        let start = Instant::now();
        let err = aws
            .send_change("DeleteLoginProfile", || {
                ran.set(true);
                async { ok() }
            })
            .await
            .expect_err("interrupted while waiting");
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        assert!(!ran.get(), "a change must not start after the interruption");
        assert_eq!(err.code, "Interrupted");
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn the_assume_root_pacer_wait_ends_at_the_interruption() {
        let cancel = Cancel::default();
        let aws = aws(&cancel, None).await;
        // A throttled window sets a pace; booking many slots pushes the next one far out.
        let t0 = Instant::now();
        for i in 0..20u64 {
            aws.assume_pacer.record(true, t0 + Duration::from_millis(i));
        }
        aws.assume_pacer
            .record(false, t0 + Duration::from_millis(1100));
        for _ in 0..100 {
            aws.assume_pacer.reserve().expect("paced");
        }
        cancel_after(&cancel, Duration::from_secs(2));
        let start = Instant::now();
        let err = aws
            .send_with(
                "AssumeRoot",
                Effect::Read,
                Some(&aws.assume_pacer),
                || async { ok() },
            )
            .await
            .expect_err("interrupted while paced");
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert_eq!(err.operation, "AssumeRoot");
        assert_eq!(err.kind, ErrorKind::Interrupted);
    }
}
