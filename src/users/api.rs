//! The users job's seam at the AWS edge, as narrow traits: opening a session in an account (a
//! role for members, the caller's own credentials in its own account) and the three reads an
//! audit makes there. `src/aws/users.rs` implements them over the SDK; `users::fake` in memory.
//! A [`Read`] session can only read; the changes of `users delete` and `users tidy` are a
//! [`Change`], opened separately, so the audit cannot mutate. Both make the fresh reads of one
//! user ([`Fresh`]): a plan's, right after the audit in its session, and a change's re-check
//! and verification.

use super::deactivate::Kind;
use super::model::{Attachments, AuthorizationDetails, Call, Credential, Holdings, ReportState};
use crate::call::Error;
use std::future::Future;

/// The IAM reads of a users audit in one account, and the fresh reads of a user ([`Fresh`]) a
/// plan makes after it in the same session.
pub trait Read: Fresh {
    /// `GenerateCredentialReport`: the generation's state.
    fn generate_credential_report(&self) -> impl Future<Output = Result<ReportState, Error>>;
    /// `GetCredentialReport`: the report's CSV text. A report not ready arrives as the error
    /// `ReportInProgress` (or `ReportNotPresent` / `ReportExpired`), by code.
    fn credential_report(&self) -> impl Future<Output = Result<String, Error>>;
    /// `GetAccountAuthorizationDetails` with `Filter=User,Group`, all pages.
    fn authorization_details(&self) -> impl Future<Output = Result<AuthorizationDetails, Error>>;
    /// The credentials of `user` whose use IAM never records, every page: `ListSSHPublicKeys`,
    /// `ListServiceSpecificCredentials` and, when `certificates`, `ListSigningCertificates`.
    fn credentials(
        &self,
        user: &str,
        certificates: bool,
    ) -> impl Future<Output = Result<Vec<Credential>, Error>>;
}

/// A fresh read of one user's dependents: the plan's read (in the audit's own session, which
/// only reads) and a change's re-check and verification (in its change session).
pub trait Fresh {
    /// `GetUser` and the listings of every dependent of `user` (policy documents included, never
    /// a secret); `Ok(None)` only when `GetUser` answers NoSuchEntity.
    fn holdings(&self, user: &str) -> impl Future<Output = Result<Option<Holdings>, Error>>;
    /// Only what the credentials of `kinds` need, as holdings whose other lists are empty: each
    /// kind's listing, an access key's last use (only `id`'s when given), a password's login
    /// profile and last use. The user's ARN and creation time may be left empty (only a
    /// password needs `GetUser`): a caller compares the audit's. `Ok(None)` when the user does
    /// not exist. By default, everything [`Fresh::holdings`] reads.
    fn holdings_of(
        &self,
        user: &str,
        _kinds: &[Kind],
        _id: Option<&str>,
    ) -> impl Future<Output = Result<Option<Holdings>, Error>> {
        self.holdings(user)
    }
}

/// What `users delete` and `users tidy` ask of one account: a fresh read of one user's
/// dependents ([`Fresh`]), and one mutating IAM call at a time.
pub trait Change: Fresh {
    /// `GetUser` alone: whether `user` exists (NoSuchEntity: it does not).
    fn exists(&self, user: &str) -> impl Future<Output = Result<bool, Error>>;
    /// `ListGroupsForUser` and `ListAttachedUserPolicies`: the user's groups and directly attached
    /// managed policy ARNs; `Ok(None)` when the user does not exist (NoSuchEntity).
    fn attachments(&self, user: &str) -> impl Future<Output = Result<Option<Attachments>, Error>>;
    /// `ListAttachedGroupPolicies` of one group: its managed policy ARNs.
    fn group_policies(&self, group: &str) -> impl Future<Output = Result<Vec<String>, Error>>;
    /// Makes one mutating call.
    fn make(&self, call: &Call) -> impl Future<Output = Result<(), Error>>;
}

/// Opens read sessions in accounts.
pub trait Sessions {
    /// A session's reads.
    type Read: Read;
    /// A session that changes IAM users.
    type Change: Change;
    /// A change session in `account_id`: the caller's own credentials when `own`, else the role.
    fn open_change(
        &self,
        account_id: &str,
        own: bool,
    ) -> impl Future<Output = Result<Self::Change, Error>>;
    /// `sts:AssumeRole` into the run's role in a member account.
    fn assume_role(&self, account_id: &str) -> impl Future<Output = Result<Self::Read, Error>>;
    /// The caller's own credentials, for the caller's own account.
    fn own(&self) -> Self::Read;
}
