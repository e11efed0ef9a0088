//! An optional refusal before an account is read: a command may hand the pipeline a check that
//! refuses an account up front, with the reason, so that the job never reads it (no session is
//! opened). The pipeline knows nothing of what the check looks at.

use crate::model::Account;
use futures::future::BoxFuture;
use std::sync::Arc;

/// The check: `Some(reason)` refuses the account.
pub type Check = dyn Fn(&Account) -> BoxFuture<'static, Option<String>> + Send + Sync;

/// A check the read stage runs before each selected account.
#[derive(Clone)]
pub struct Guard(pub Arc<Check>);

impl Guard {
    /// Why `account` is refused up front, if it is.
    pub async fn refuse(&self, account: &Account) -> Option<String> {
        (self.0)(account).await
    }
}

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Guard")
    }
}
