//! The users job's IAM sessions: how they are opened (`sts:AssumeRole` into the run's role in
//! member accounts), and one session in one account: the caller's own credentials, or a role
//! session that is renewed before it runs out (a large account's deletions can outlast the
//! 900-second minimum session) and once more when IAM says it expired anyway. Every call goes
//! through [`Aws::send`] / [`Aws::send_change`], so retries, throttling, cancellation and
//! counters apply.

use super::iam::session_config;
use super::sts::session_credentials;
use super::{Aws, ErrorKind};
use crate::call;
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::future::Future;
use std::time::{Duration, SystemTime};

/// Every page of an IAM listing of one user (`$method` of the SDK's IAM client, with `UserName`
/// and `Marker`): `|out| items` gives one page's items; `IsTruncated` and `Marker` are read
/// from `out`.
macro_rules! user_listing {
    ($session:expr, $op:literal, $method:ident, $user:expr, |$out:ident| $items:expr) => {{
        let iam = &$session.aws.iam;
        $session
            .list(
                $op,
                |cfg, marker| {
                    iam.$method()
                        .user_name($user)
                        .set_marker(marker)
                        .customize()
                        .config_override(cfg)
                        .send()
                },
                |$out| {
                    (
                        $items,
                        $out.is_truncated(),
                        $out.marker().map(str::to_string),
                    )
                },
            )
            .await
    }};
}
pub(super) use user_listing;

/// `RoleSessionName` of every session (CloudTrail shows it).
pub const SESSION_NAME: &str = "rootsweep";
/// Session length in seconds: AssumeRole's minimum.
const SESSION_SECONDS: i32 = 900;

/// The role ARN in a member account.
///
/// ```
/// use rootsweep::aws::users::role_arn;
/// assert_eq!(
///     role_arn("aws-cn", "222222222222", "OrganizationAccountAccessRole"),
///     "arn:aws-cn:iam::222222222222:role/OrganizationAccountAccessRole"
/// );
/// ```
pub fn role_arn(partition: &str, account_id: &str, role_name: &str) -> String {
    format!("arn:{partition}:iam::{account_id}:role/{role_name}")
}

/// Opens users-audit sessions with the run's shared AWS access.
#[derive(Clone)]
pub struct Sessions {
    aws: Aws,
    partition: String,
    role_name: String,
    external_id: Option<String>,
}

impl Aws {
    /// Sessions through `role_name` (with `external_id` when the role's trust policy asks for
    /// one) in member accounts of `partition`.
    pub fn users_sessions(
        &self,
        partition: &str,
        role_name: &str,
        external_id: Option<&str>,
    ) -> Sessions {
        Sessions {
            aws: self.clone(),
            partition: partition.to_string(),
            role_name: role_name.to_string(),
            external_id: external_id.map(str::to_string),
        }
    }
}

impl Sessions {
    /// The run's shared AWS access.
    pub(super) fn aws(&self) -> &Aws {
        &self.aws
    }

    /// `sts:AssumeRole` into the run's role in `account_id`: a new lease of credentials.
    pub(super) async fn lease(&self, account_id: &str) -> Result<Lease, call::Error> {
        self.aws.not_halted("AssumeRole")?;
        let arn = role_arn(&self.partition, account_id, &self.role_name);
        let out = self
            .aws
            .send("AssumeRole", || {
                self.aws
                    .sts
                    .assume_role()
                    .role_arn(&arn)
                    .role_session_name(SESSION_NAME)
                    .set_external_id(self.external_id.clone())
                    .duration_seconds(SESSION_SECONDS)
                    .send()
            })
            .await
            .inspect_err(|e| self.aws.trip_on_credentials(e))?;
        Ok(Lease::new(session_credentials(
            "AssumeRole",
            out.credentials(),
        )?))
    }
}

/// A role session is renewed when less than this, or a third of its lifetime, is left.
const RENEW_MARGIN: Duration = Duration::from_secs(60);

/// A role session's credentials and how long they were issued for.
pub(super) struct Lease {
    pub credentials: Credentials,
    pub lifetime: Duration,
}

impl Lease {
    /// Credentials from AssumeRole, issued now.
    pub fn new(credentials: Credentials) -> Self {
        let lifetime = credentials
            .expiry()
            .and_then(|e| e.duration_since(SystemTime::now()).ok())
            .unwrap_or(Duration::MAX);
        Lease {
            credentials,
            lifetime,
        }
    }

    /// Whether the credentials should be renewed before the next call.
    fn expiring(&self, now: SystemTime) -> bool {
        let margin = RENEW_MARGIN.min(self.lifetime / 3);
        match self.credentials.expiry() {
            Some(expiry) => expiry
                .duration_since(now)
                .map_or(true, |left| left < margin),
            None => false,
        }
    }
}

/// The role a session renews itself through.
struct Role {
    sessions: Sessions,
    account_id: String,
    lease: tokio::sync::Mutex<Lease>,
}

/// IAM calls in one account.
pub struct Session {
    pub(super) aws: Aws,
    role: Option<Role>,
}

impl Session {
    /// A session with the caller's own credentials.
    pub(super) fn own(aws: Aws) -> Self {
        Session { aws, role: None }
    }

    /// A role session in `account_id`, renewed through `sessions`.
    pub(super) fn role(sessions: &Sessions, account_id: &str, lease: Lease) -> Self {
        Session {
            aws: sessions.aws().clone(),
            role: Some(Role {
                sessions: sessions.clone(),
                account_id: account_id.to_string(),
                lease: tokio::sync::Mutex::new(lease),
            }),
        }
    }

    /// The per-call override with fresh credentials (renewed first when they run out soon), and
    /// their access key id; nothing for the caller's own.
    async fn config(&self) -> Result<(aws_sdk_iam::config::Builder, String), call::Error> {
        let Some(role) = &self.role else {
            return Ok((aws_sdk_iam::config::Builder::default(), String::new()));
        };
        let mut lease = role.lease.lock().await;
        if lease.expiring(SystemTime::now()) {
            *lease = role.sessions.lease(&role.account_id).await?;
        }
        let key = lease.credentials.access_key_id().to_string();
        Ok((session_config(&lease.credentials), key))
    }

    /// Renews the role session unless another call already replaced the credentials `used`.
    async fn renew(&self, used: &str) -> Result<(), call::Error> {
        if let Some(role) = &self.role {
            let mut lease = role.lease.lock().await;
            if lease.credentials.access_key_id() == used {
                *lease = role.sessions.lease(&role.account_id).await?;
            }
        }
        Ok(())
    }

    /// Sends one IAM read: `build(config)` makes the request with this session's per-call
    /// configuration.
    pub(super) async fn read<T, E, F, Fut>(
        &self,
        operation: &'static str,
        build: F,
    ) -> Result<T, call::Error>
    where
        F: Fn(aws_sdk_iam::config::Builder) -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.call(operation, false, build).await
    }

    /// Sends one mutating IAM call, as [`Session::read`] (an attempt on the wire always
    /// completes).
    pub(super) async fn change<T, E, F, Fut>(
        &self,
        operation: &'static str,
        build: F,
    ) -> Result<T, call::Error>
    where
        F: Fn(aws_sdk_iam::config::Builder) -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.call(operation, true, build).await
    }

    /// Every page of one IAM listing: `build(config, marker)` makes a page's request; `page(out)`
    /// gives its items, its `IsTruncated` and its `Marker`.
    pub(super) async fn list<T, O, E, F, Fut, P>(
        &self,
        operation: &'static str,
        build: F,
        page: P,
    ) -> Result<Vec<T>, call::Error>
    where
        F: Fn(aws_sdk_iam::config::Builder, Option<String>) -> Fut,
        Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        P: Fn(&O) -> (Vec<T>, bool, Option<String>),
    {
        let (build, page) = (&build, &page);
        super::pages::collect(operation, |marker| async move {
            let out = self
                .read(operation, |cfg| build(cfg, marker.clone()))
                .await?;
            let (items, truncated, next) = page(&out);
            let next = super::pages::iam_next(operation, truncated, next.as_deref())?;
            Ok((items, next))
        })
        .await
    }

    async fn call<T, E, F, Fut>(
        &self,
        operation: &'static str,
        change: bool,
        build: F,
    ) -> Result<T, call::Error>
    where
        F: Fn(aws_sdk_iam::config::Builder) -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut renewed = false;
        loop {
            let (config, key) = self.config().await?;
            let send = || build(config.clone());
            let result = if change {
                self.aws.send_change(operation, send).await
            } else {
                self.aws.send(operation, send).await
            };
            match result {
                // A session that ended before its stated expiry: a request refused for it was
                // never applied, so it is sent once more with new credentials.
                Err(e) if e.kind == ErrorKind::Credentials && self.role.is_some() && !renewed => {
                    renewed = true;
                    self.renew(&key).await?;
                }
                other => return self.checked(other),
            }
        }
    }

    /// The caller's own credentials refused in its own account stop the run, as elsewhere.
    fn checked<T>(&self, result: Result<T, call::Error>) -> Result<T, call::Error> {
        if self.role.is_none() {
            if let Err(e) = &result {
                self.aws.trip_on_credentials(e);
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(lifetime_secs: u64, left_secs: u64, now: SystemTime) -> Lease {
        Lease {
            credentials: Credentials::new(
                "ASIA",
                "s",
                None,
                Some(now + Duration::from_secs(left_secs)),
                "t",
            ),
            lifetime: Duration::from_secs(lifetime_secs),
        }
    }

    #[test]
    fn a_session_is_renewed_a_minute_before_it_ends_or_at_two_thirds_of_a_short_one() {
        let now = SystemTime::now();
        assert!(!lease(900, 61, now).expiring(now));
        assert!(lease(900, 59, now).expiring(now));
        // A 3-second session: renewed with less than 1 s left.
        assert!(!lease(3, 2, now).expiring(now));
        assert!(lease(3, 0, now).expiring(now));
        // Credentials without an expiry never need renewing.
        let forever = Lease {
            credentials: Credentials::new("A", "s", None, None, "t"),
            lifetime: Duration::MAX,
        };
        assert!(!forever.expiring(now));
    }
}
