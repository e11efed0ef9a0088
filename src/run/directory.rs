//! The pipeline's seam to Organizations: the reads that resolve targets and enumerate accounts,
//! and what the enumeration streams to the fan-out.
//! `src/aws/` implements it over the SDK; tests implement it in memory.

use crate::call::Error;
use crate::model::Account;
use std::future::Future;

/// One page of ListAccounts.
#[derive(Debug, Clone, Default)]
pub struct AccountPage {
    /// The accounts on this page (possibly none).
    pub accounts: Vec<Account>,
    /// The token for the next page; `None` on the last.
    pub next_token: Option<String>,
}

/// A root or an OU: its id and display name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    /// `r-…` or `ou-…`.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// One page of `ListOrganizationalUnitsForParent`.
#[derive(Debug, Clone, Default)]
pub struct OuPage {
    /// The child OUs on this page (possibly none).
    pub ous: Vec<Node>,
    /// The token for the next page; `None` on the last.
    pub next_token: Option<String>,
}

/// What the enumeration sends to the fan-out. The listing is complete only when it ends with
/// [`Feed::Complete`]: a feed that closes without it (the task stopped or panicked) is not.
#[derive(Debug)]
pub enum Feed {
    /// An account of the organization.
    Account(Account),
    /// A listing call failed (after its retries); nothing more will come.
    Failed(Error),
    /// The run was interrupted: the listing stopped where it was; nothing more will come.
    Interrupted,
    /// Every account was sent: the listing is complete.
    Complete,
}

/// The Organizations reads the pipeline needs. Futures are `Send`: enumeration runs as its own
/// task so pages load while accounts are being read.
pub trait Directory: Clone + Send + Sync + 'static {
    /// One page of `ListAccounts`.
    fn list_accounts_page(
        &self,
        token: Option<String>,
    ) -> impl Future<Output = Result<AccountPage, Error>> + Send;
    /// `DescribeOrganizationalUnit`: whether the OU exists.
    fn describe_ou(&self, ou: &str) -> impl Future<Output = Result<(), Error>> + Send;
    /// The display name of a root or an OU. Without an implementation the id stands for its name.
    fn ou_name(&self, id: &str) -> impl Future<Output = Result<String, Error>> + Send {
        let id = id.to_string();
        async move { Ok(id) }
    }
    /// The OU ids from the root down to `ou` inclusive.
    fn ou_ancestry(&self, ou: &str) -> impl Future<Output = Result<Vec<String>, Error>> + Send;
    /// Child OUs of a parent (all pages).
    fn child_ous(&self, parent: &str) -> impl Future<Output = Result<Vec<String>, Error>> + Send;
    /// Account ids directly under a parent (all pages).
    fn child_accounts(
        &self,
        parent: &str,
    ) -> impl Future<Output = Result<Vec<String>, Error>> + Send;
    /// `ListRoots`, all pages: the organization's roots with their names.
    fn roots(&self) -> impl Future<Output = Result<Vec<Node>, Error>> + Send;
    /// One page of `ListAccountsForParent` (the accounts directly under a root or an OU). Calls
    /// of the tree walk share an adaptive pace, so Organizations' throttling slows the walk
    /// instead of failing it.
    fn accounts_for_parent_page(
        &self,
        parent: &str,
        token: Option<String>,
    ) -> impl Future<Output = Result<AccountPage, Error>> + Send;
    /// Why nothing more may start — the caller's own credentials were refused (expired,
    /// invalid) — if so. Without an implementation they never are.
    fn halted(&self) -> Option<String> {
        None
    }
    /// The parent (root or OU id) of an account or an OU (`ListParents`). Without an
    /// implementation it is read from [`Directory::ou_ancestry`] (the id before the child's).
    fn parent(&self, child: &str) -> impl Future<Output = Result<String, Error>> + Send {
        async move {
            let path = self.ou_ancestry(child).await?;
            Ok(path.iter().rev().nth(1).cloned().unwrap_or_default())
        }
    }
    /// One page of `ListOrganizationalUnitsForParent`.
    fn ous_for_parent_page(
        &self,
        parent: &str,
        token: Option<String>,
    ) -> impl Future<Output = Result<OuPage, Error>> + Send;
}
