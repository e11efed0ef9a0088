//! The guardrails job's seam at the AWS edge: the Organizations reads it needs, as one narrow
//! trait. `src/aws/policies.rs` implements it over the SDK (with its cache); tests implement it
//! in memory.

use crate::call::Error;
use std::future::Future;

/// Which kind of policy to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `SERVICE_CONTROL_POLICY`.
    Scp,
    /// `RESOURCE_CONTROL_POLICY`.
    Rcp,
}

/// A policy attached to a target, as `ListPoliciesForTarget` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    /// `p-…`.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// The Organizations reads of the guardrails evaluation.
pub trait Policies {
    /// The root and the OUs above `account_id`, top-down (`ListParents`, repeatedly).
    fn parents(&self, account_id: &str) -> impl Future<Output = Result<Vec<String>, Error>>;
    /// The policies of `kind` attached directly to a root, OU or account (all pages).
    fn attached(
        &self,
        target: &str,
        kind: Kind,
    ) -> impl Future<Output = Result<Vec<Attached>, Error>>;
    /// A policy's document (`DescribePolicy`'s `Content`).
    fn content(&self, policy_id: &str) -> impl Future<Output = Result<String, Error>>;
}
