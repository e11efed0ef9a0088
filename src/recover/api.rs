//! The recover job's seam at the AWS edge: an `IAMCreateRootUserPassword` session can read the
//! root user's login profile and create one without a password, nothing else. `src/aws/`
//! implements it over the SDK; tests implement it in memory (`recover::fake`).

use crate::call::Error;
use crate::model::LoginProfile;
use std::future::Future;

/// The calls of an `IAMCreateRootUserPassword` session.
pub trait PasswordSession {
    /// GetLoginProfile: `Ok(None)` only when IAM answers NoSuchEntity.
    fn login_profile(&self) -> impl Future<Output = Result<Option<LoginProfile>, Error>>;
    /// CreateLoginProfile with no password: `Ok(false)` when one already exists
    /// (EntityAlreadyExists).
    fn create_login_profile(&self) -> impl Future<Output = Result<bool, Error>>;
}

/// Opens `IAMCreateRootUserPassword` sessions (`sts:AssumeRoot`) in member accounts.
pub trait PasswordSessions {
    /// The session.
    type Session: PasswordSession;
    /// AssumeRoot with the `IAMCreateRootUserPassword` task policy.
    fn open(&self, account_id: &str) -> impl Future<Output = Result<Self::Session, Error>>;
}
