//! Account discovery by walking the OU tree: `ListAccountsForParent` and
//! `ListOrganizationalUnitsForParent` for every root and OU, several parents side by side, each
//! account streamed into the fan-out as its page arrives. ListAccounts is one sequential chain of
//! pages; the walk's chains (one per parent) run in parallel, so a large organization with OUs is
//! enumerated in a fraction of the time.
//!
//! At most [`WALK_PARALLELISM`] walk calls are in flight; the AWS side also paces them adaptively
//! (see `Aws::send_walk`), so Organizations' throttling slows the walk and never fails it while
//! retries last. Every account is sent once: `seen` is shared with the ListAccounts listing that
//! runs beside it (see `enumerate::spawn`). An interruption stops every parent's listing at once;
//! a token a parent's listing already followed is an error (see [`crate::paging`]).

use super::directory::{Directory, Feed, Node, OuPage};
use super::enumerate::stop::guarded;
pub use super::enumerate::stop::Stop;
use crate::cancel::Cancel;
use crate::paging::Tokens;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;

/// Walk calls in flight at most.
pub const WALK_PARALLELISM: usize = 8;

/// Account ids already sent to the fan-out.
pub type Seen = Arc<Mutex<HashSet<String>>>;

/// A parent (root or OU) with its ancestry, ids and names, from the root down to it inclusive.
#[derive(Debug, Clone)]
pub struct Parent {
    id: String,
    ids: String,
    names: String,
}

impl Parent {
    /// A root.
    pub fn root(root: &Node) -> Parent {
        Parent {
            id: root.id.clone(),
            ids: root.id.clone(),
            names: root.name.clone(),
        }
    }

    fn child(&self, ou: &Node) -> Parent {
        Parent {
            id: ou.id.clone(),
            ids: format!("{}/{}", self.ids, ou.id),
            names: format!("{}/{}", self.names, ou.name),
        }
    }
}

/// Walks the trees under `roots` (each with the first page of its child OUs, already read) and
/// sends every account not yet in `seen`. Returns when every parent was listed.
pub async fn walk<D: Directory>(
    dir: D,
    roots: Vec<(Parent, OuPage)>,
    tx: mpsc::Sender<Feed>,
    seen: Seen,
    cancel: Cancel,
) -> Result<(), Stop> {
    let permits = Arc::new(Semaphore::new(WALK_PARALLELISM));
    let mut tasks: JoinSet<Result<Vec<Parent>, Stop>> = JoinSet::new();
    let start = |tasks: &mut JoinSet<_>, parent: Parent, first: Option<OuPage>| {
        let (dir2, permits2, cancel2) = (dir.clone(), permits.clone(), cancel.clone());
        let accounts_parent = parent.clone();
        let (tx, seen) = (tx.clone(), seen.clone());
        tasks.spawn(async move {
            let walker = Walker {
                dir: &dir2,
                permits: &permits2,
                cancel: &cancel2,
            };
            walker.accounts(&accounts_parent, &tx, &seen).await?;
            Ok(Vec::new())
        });
        let (dir, permits, cancel) = (dir.clone(), permits.clone(), cancel.clone());
        tasks.spawn(async move {
            let walker = Walker {
                dir: &dir,
                permits: &permits,
                cancel: &cancel,
            };
            walker.child_ous(&parent, first).await
        });
    };
    for (root, first) in roots {
        start(&mut tasks, root, Some(first));
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(children)) => {
                for child in children {
                    start(&mut tasks, child, None);
                }
            }
            Ok(Err(stop)) => {
                tasks.abort_all();
                return Err(stop);
            }
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => {}
        }
    }
    Ok(())
}

/// What every listing task of the walk shares.
struct Walker<'a, D> {
    dir: &'a D,
    permits: &'a Semaphore,
    cancel: &'a Cancel,
}

impl<D: Directory> Walker<'_, D> {
    /// Every page of the accounts directly under `parent`, each new account sent with its
    /// ancestry.
    async fn accounts(
        &self,
        parent: &Parent,
        tx: &mpsc::Sender<Feed>,
        seen: &Seen,
    ) -> Result<(), Stop> {
        let mut tokens = Tokens::new("ListAccountsForParent");
        let mut token = None;
        loop {
            let page = {
                let _permit = self.permits.acquire().await.map_err(|_| Stop::Closed)?;
                let call = self.dir.accounts_for_parent_page(&parent.id, token.take());
                guarded(self.cancel, call).await?
            };
            for mut account in page.accounts {
                if !seen.lock().expect("seen").insert(account.id.clone()) {
                    continue;
                }
                account.ou_ids.clone_from(&parent.ids);
                account.ou_path.clone_from(&parent.names);
                tx.send(Feed::Account(account))
                    .await
                    .map_err(|_| Stop::Closed)?;
            }
            match tokens.next(page.next_token)? {
                Some(next) => token = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// Every child OU of `parent`, starting from its first page when already read.
    async fn child_ous(
        &self,
        parent: &Parent,
        mut page: Option<OuPage>,
    ) -> Result<Vec<Parent>, Stop> {
        let mut tokens = Tokens::new("ListOrganizationalUnitsForParent");
        let mut children = Vec::new();
        let mut token = None;
        loop {
            let current = match page.take() {
                Some(first) => first,
                None => {
                    let _permit = self.permits.acquire().await.map_err(|_| Stop::Closed)?;
                    let call = self.dir.ous_for_parent_page(&parent.id, token.take());
                    guarded(self.cancel, call).await?
                }
            };
            children.extend(current.ous.iter().map(|ou| parent.child(ou)));
            match tokens.next(current.next_token)? {
                Some(next) => token = Some(next),
                None => return Ok(children),
            }
        }
    }
}

#[cfg(test)]
#[path = "walk_tests.rs"]
mod tests;
