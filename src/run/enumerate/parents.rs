//! OU ancestries from `ListParents`, for accounts whose listing carried no `Paths` (optional in
//! AWS's model; other implementations of Organizations omit it) and that the tree walk did not
//! reach: the account's parent, then that parent's ancestry, each parent's looked up once per run.

use super::stop::{guarded, Stop};
use crate::cancel::Cancel;
use crate::run::directory::Directory;
use std::collections::HashMap;

/// Ancestries (`r-x/ou-a/ou-b`) by parent id, each parent's read once.
#[derive(Default)]
pub(super) struct Parents {
    ancestry: HashMap<String, String>,
}

impl Parents {
    /// The ancestry ids of `account`, root first, down to its parent inclusive (at least the
    /// root's id, for an account of the organization), or why it cannot be read.
    pub(super) async fn of<D: Directory>(
        &mut self,
        dir: &D,
        cancel: &Cancel,
        account: &str,
    ) -> Result<String, Stop> {
        let parent = guarded(cancel, dir.parent(account)).await?;
        if parent.is_empty() || parent.starts_with("r-") {
            return Ok(parent);
        }
        if let Some(known) = self.ancestry.get(&parent) {
            return Ok(known.clone());
        }
        let ids = guarded(cancel, dir.ou_ancestry(&parent)).await?.join("/");
        self.ancestry.insert(parent, ids.clone());
        Ok(ids)
    }
}
