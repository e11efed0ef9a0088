//! The only code that names `aws_sdk_*` types: one shared SDK configuration, the management
//! clients, and per-account session clients (root sessions, role sessions) derived from it.

mod bucket_region;
mod directory;
mod error;
pub mod iam;
pub mod org;
mod pacer;
mod pages;
pub mod policies;
mod rate;
mod retry;
pub mod root;
mod sdk;
mod stats;
pub mod sts;
pub mod unlock;
pub mod users;
pub mod users_change;
mod users_holdings;
mod users_listings;
mod users_session;

pub use crate::call::{classify, Error, ErrorKind};
pub use rate::Limiter;
pub use retry::{READ_GRACE, THROTTLE_BUDGET};
pub use sdk::{check_profile, empty_endpoint, EmptyEndpoint, ProfileNotFound};
pub use stats::Stats;

use crate::cancel::Cancel;
use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use std::sync::Arc;
use std::time::Duration;

/// The region used when neither the command line, the config file, the environment nor the
/// profile names one. AssumeRoot needs a regional STS endpoint, so some region is required.
pub const DEFAULT_REGION: &str = "us-east-1";

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

/// What to add to an `AccessDenied` error's message, if anything (e.g. the policy and statement
/// that deny it). It sees only the error; it must never depend on its message's shape.
pub type Explain =
    dyn Fn(&Error) -> futures::future::BoxFuture<'static, Option<String>> + Send + Sync;

/// Shared AWS access for one run.
#[derive(Clone)]
pub struct Aws {
    sdk: SdkConfig,
    stats: Stats,
    /// The run's interruption flag: it ends every wait of every call.
    cancel: Cancel,
    limiter: Option<Arc<Limiter>>,
    /// Set once the management credentials are refused (expired, invalid): no account is
    /// attempted after that.
    halt: Arc<std::sync::OnceLock<Error>>,
    /// Says what the guardrails evaluation found beside a denial by an SCP or RCP (see
    /// [`Aws::explain_denials`]); unset, AWS's message stands alone.
    explain: Arc<std::sync::OnceLock<Arc<Explain>>>,
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
    /// The profile the credential chain reads: `--profile`, else `AWS_PROFILE`, else `default`.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// The region in use.
    pub fn region(&self) -> Option<String> {
        self.sdk.region().map(|r| r.to_string())
    }

    /// Call and retry counters for the run.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The error that made the run stop using the management credentials, if any.
    pub fn halted(&self) -> Option<&Error> {
        self.halt.get()
    }

    /// From now on, every `AccessDenied` a call ends with carries what `explain` adds to it.
    /// Set once per run; a second call changes nothing.
    pub fn explain_denials(&self, explain: Arc<Explain>) {
        let _ = self.explain.set(explain);
    }

    /// `err` with what the run's [`Explain`] adds to it, when it is an `AccessDenied`.
    pub(super) async fn explained(&self, mut err: Error) -> Error {
        let Some(explain) = self
            .explain
            .get()
            .filter(|_| err.kind == ErrorKind::AccessDenied)
        else {
            return err;
        };
        if let Some(extra) = explain(&err).await {
            err.message = format!("{} {extra}", err.message);
        }
        err
    }

    /// Records a management-credential failure (expired, invalid): later accounts are not attempted.
    fn trip_on_credentials(&self, err: &Error) {
        if err.kind == ErrorKind::Credentials {
            let _ = self.halt.set(err.clone());
        }
    }

    /// One root session's IAM calls: the run's IAM client (its HTTP pool and counters) with the session's credentials set per call; nothing is cached per account.
    pub fn session_iam(&self, credentials: Credentials) -> iam::RootSession {
        iam::RootSession::new(self.iam.clone(), credentials, self.clone())
    }
}
