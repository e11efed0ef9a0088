//! The root job's seam at the AWS edge: what it may ask of AWS, as narrow traits. `src/aws/`
//! implements them over the SDK; tests implement them in memory (`root::fake`).
//!
//! Reading and changing are separate traits, and a session opened for an audit is a
//! [`Read`] only: code that holds an audit session cannot call a mutating operation.

use super::model::{MfaDevice, SigningCertificate};
use crate::call::Error;
use crate::model::LoginProfile;
use aws_smithy_types::DateTime;
use std::future::Future;

/// The reads of an `IAMAuditRootUserCredentials` session (also allowed in a delete session).
pub trait Read {
    /// GetLoginProfile: `Ok(None)` only when IAM answers NoSuchEntity.
    fn login_profile(&self) -> impl Future<Output = Result<Option<LoginProfile>, Error>>;
    /// ListMFADevices, all pages.
    fn mfa_devices(&self) -> impl Future<Output = Result<Vec<MfaDevice>, Error>>;
    /// ListAccessKeys, all pages: (key id, status).
    fn access_key_ids(&self) -> impl Future<Output = Result<Vec<(String, String)>, Error>>;
    /// GetAccessKeyLastUsed for one key: `Ok(None)` when never used.
    fn access_key_last_used(
        &self,
        key_id: &str,
    ) -> impl Future<Output = Result<Option<DateTime>, Error>>;
    /// ListSigningCertificates, all pages.
    fn signing_certificates(&self) -> impl Future<Output = Result<Vec<SigningCertificate>, Error>>;
    /// GetUser's `PasswordLastUsed` (`Ok(None)`: never used or not reported).
    fn password_last_used(&self) -> impl Future<Output = Result<Option<DateTime>, Error>>;
}

/// The changes of an `IAMDeleteRootUserCredentials` session.
pub trait Change: Read {
    /// DeleteLoginProfile: `Ok(false)` when there was none (NoSuchEntity).
    fn delete_login_profile(&self) -> impl Future<Output = Result<bool, Error>>;
    /// DeactivateMFADevice for one serial.
    fn deactivate_mfa(&self, serial: &str) -> impl Future<Output = Result<(), Error>>;
}

/// Opens root sessions (`sts:AssumeRoot`) in member accounts.
pub trait Sessions {
    /// An audit session.
    type Read: Read;
    /// A delete session.
    type Change: Change;
    /// AssumeRoot with the audit task policy.
    fn open_audit(&self, account_id: &str) -> impl Future<Output = Result<Self::Read, Error>>;
    /// AssumeRoot with the delete task policy.
    fn open_delete(&self, account_id: &str) -> impl Future<Output = Result<Self::Change, Error>>;
}
