//! Account enumeration: resolves the target filters, then streams accounts into the fan-out as
//! they are found (accounts start while later pages are still loading): ListAccounts for a flat
//! organization, the OU tree walked in parallel for one with OUs, reconciled with a full
//! ListAccounts pass. The listing says how it ended ([`Feed::Complete`] only when every account
//! was sent); the task's handle is kept, so a panic is never read as the end of the listing.

mod chain;
mod ou_names;
mod parents;
pub mod selection;
pub mod stop;

pub use selection::{list_all, resolve, Resolved, SelectError};

use super::directory::{Directory, Feed, Node, OuPage};
use super::walk::{walk, Parent};
use crate::cancel::Cancel;
use chain::{Listing, Shared};
use ou_names::{OuNames, Roots};
use std::sync::atomic::Ordering;
use stop::{guarded, Stop};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The enumeration in progress: its feed, and its task (which says why a feed closed without
/// [`Feed::Complete`]).
pub struct Enumeration {
    /// Accounts, then how the listing ended.
    pub feed: mpsc::Receiver<Feed>,
    /// The enumeration task.
    pub task: JoinHandle<()>,
}

/// Starts the enumeration. Accounts already listed are replayed. Otherwise ListAccounts pages
/// are fetched and forwarded as they arrive while, beside the first pages, the organization's
/// shape is read (`ListRoots`, each root's first page of child OUs): an organization with OUs
/// (or whose listing carries no `Paths`) is then walked (see [`super::walk`]), its parents side
/// by side, while the ListAccounts pass goes on to its last page; a flat one goes on with
/// ListAccounts alone. Each account is sent once (see [`chain`]). OU names fill `ou_path`. A
/// signal stops every listing call at once and ends the feed with [`Feed::Interrupted`].
pub fn spawn<D: Directory>(aws: D, resolved: &Resolved, cancel: Cancel) -> Enumeration {
    let (tx, feed) = mpsc::channel(256);
    let listed = resolved.listed.clone();
    let ou_paths = resolved.selector.ou_members.clone().unwrap_or_default();
    let task = tokio::spawn(async move {
        let roots = Roots::default();
        let shared = Shared::default();
        let listing = Listing {
            aws: &aws,
            tx: &tx,
            shared: &shared,
            ou_paths: &ou_paths,
            roots: &roots,
            cancel: &cancel,
        };
        let ended = match listed {
            Some(accounts) => replay(&listing, accounts).await,
            None => discover(&listing).await,
        };
        let last = match ended {
            Ok(()) => Feed::Complete,
            Err(Stop::Failed(e)) => Feed::Failed(e),
            Err(Stop::Interrupted) => Feed::Interrupted,
            Err(Stop::Closed) => return,
        };
        let _ = tx.send(last).await;
    });
    Enumeration { feed, task }
}

/// Sends the accounts already listed (by the target check), each with its ancestry.
async fn replay<D: Directory>(
    listing: &Listing<'_, D>,
    accounts: Vec<crate::model::Account>,
) -> Result<(), Stop> {
    listing.hold(accounts);
    listing.reconcile(&mut OuNames::new(listing.roots)).await
}

/// Lists the organization: the ListAccounts pass beside the shape probe, then the tree walk
/// beside the rest of the pass when there is a tree to walk, then the reconciliation.
async fn discover<D: Directory>(listing: &Listing<'_, D>) -> Result<(), Stop> {
    let mut names = OuNames::new(listing.roots);
    {
        let pass = listing.pass(&mut names);
        tokio::pin!(pass);
        let probe = guarded(listing.cancel, shape(listing.aws, listing.roots));
        tokio::pin!(probe);
        let (shape, passed) = tokio::select! {
            shape = &mut probe => (shape, None),
            done = &mut pass => ((&mut probe).await, Some(done)),
        };
        if let Some(Err(stop)) = passed {
            return Err(stop);
        }
        let trees = match shape {
            Ok(trees) => trees,
            Err(Stop::Failed(e)) => {
                tracing::debug!(error = %e, "the OU tree cannot be read; listing accounts with ListAccounts alone");
                Vec::new()
            }
            Err(stop) => return Err(stop),
        };
        // A tree is walked; so is a flat organization whose listing has no `Paths` (one walk
        // page per 20 accounts places them, instead of a ListParents call per account). Once
        // the whole pass is in with every account placed, there is nothing left to walk for.
        let tree = trees.iter().any(|(_, first)| has_children(first));
        let unplaced = listing.shared.no_paths.load(Ordering::SeqCst);
        let listed = matches!(passed, Some(Ok(()))) && !unplaced;
        if (tree || unplaced) && !trees.is_empty() && !listed {
            listing.shared.walking.store(true, Ordering::SeqCst);
            let roots = trees
                .into_iter()
                .map(|(root, first)| (Parent::root(&root), first))
                .collect();
            let walked = walk(
                listing.aws.clone(),
                roots,
                listing.tx.clone(),
                listing.shared.seen.clone(),
                listing.cancel.clone(),
            );
            match passed {
                Some(_) => walked.await?,
                None => {
                    tokio::try_join!(walked, &mut pass)?;
                }
            }
        } else if passed.is_none() {
            pass.await?;
        }
    }
    listing.reconcile(&mut names).await
}

/// The organization's roots, each with the first page of its child OUs.
async fn shape<D: Directory>(
    aws: &D,
    roots: &Roots,
) -> Result<Vec<(Node, OuPage)>, crate::call::Error> {
    let mut shaped = Vec::new();
    for root in roots.get_or_try_init(|| aws.roots()).await? {
        let first = aws.ous_for_parent_page(&root.id, None).await?;
        shaped.push((root.clone(), first));
    }
    Ok(shaped)
}

fn has_children(page: &OuPage) -> bool {
    !page.ous.is_empty() || page.next_token.is_some()
}
