//! Account enumeration: resolves the target filters, then streams accounts into the fan-out as
//! they are found (accounts start while later pages are still loading): ListAccounts for a flat
//! organization, the OU tree walked in parallel for one with OUs.

mod ou_names;
pub mod selection;

pub use selection::{list_all, resolve, Resolved, SelectError};

use super::directory::{Directory, Feed, Node, OuPage};
use super::walk::{walk, Parent, Seen, Stop};
use crate::call;
use crate::model::Account;
use ou_names::{OuNames, Roots};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Starts the enumeration. Accounts already listed are replayed. Otherwise ListAccounts pages
/// are fetched and forwarded as they arrive while, beside the first pages, the organization's
/// shape is read (`ListRoots`, each root's first page of child OUs): an organization with OUs is
/// then walked (see [`super::walk`]), its parents side by side, and the ListAccounts chain stops
/// after its page in flight; a flat one (or one whose tree cannot be read) goes on with
/// ListAccounts alone, as fast as before. Each account is sent once. OU paths from the subtree
/// walk fill accounts whose listing carried no `Paths`; OU names fill `ou_path`.
pub fn spawn<D: Directory>(aws: D, resolved: &Resolved) -> mpsc::Receiver<Feed> {
    let (tx, rx) = mpsc::channel(256);
    let listed = resolved.listed.clone();
    let ou_paths = resolved.selector.ou_members.clone().unwrap_or_default();
    tokio::spawn(async move {
        let roots = Roots::default();
        if let Some(accounts) = listed {
            let mut names = OuNames::new(&roots);
            names.learn(&aws, &ou_paths, &accounts).await;
            for a in accounts {
                let a = names.fill(&aws, &ou_paths, a).await;
                if tx.send(Feed::Account(a)).await.is_err() {
                    return;
                }
            }
            return;
        }
        let seen = Seen::default();
        let walking = Arc::new(AtomicBool::new(false));
        let chain = list_chain(&aws, &tx, &seen, &walking, &ou_paths, &roots);
        tokio::pin!(chain);
        let probe = shape(&aws, &roots);
        tokio::pin!(probe);
        let (shape, chain_failed) = tokio::select! {
            shape = &mut probe => (shape, None),
            done = &mut chain => match done {
                // Every account was listed before the shape was known.
                Ok(()) => return,
                // The chain failed: the walk may still list everything.
                Err(e) => ((&mut probe).await, Some(e)),
            },
        };
        let trees = match shape {
            Ok(roots) if roots.iter().any(|(_, first)| has_children(first)) => roots,
            other => {
                if let Err(e) = other {
                    tracing::debug!(error = %e, "the OU tree cannot be read; listing accounts with ListAccounts alone");
                }
                let result = match chain_failed {
                    Some(e) => Err(e),
                    None => chain.await,
                };
                if let Err(e) = result {
                    let _ = tx.send(Feed::Failed(e)).await;
                }
                return;
            }
        };
        walking.store(true, Ordering::SeqCst);
        let roots = trees
            .into_iter()
            .map(|(root, first)| (Parent::root(&root), first))
            .collect();
        let (walked, _) = tokio::join!(walk(aws.clone(), roots, tx.clone(), seen.clone()), async {
            if chain_failed.is_none() {
                // Stops after its page in flight; what it listed is already sent.
                let _ = (&mut chain).await;
            }
        });
        if let Err(Stop::Failed(e)) = walked {
            let _ = tx.send(Feed::Failed(e)).await;
        }
    });
    rx
}

/// The organization's roots, each with the first page of its child OUs.
async fn shape<D: Directory>(aws: &D, roots: &Roots) -> Result<Vec<(Node, OuPage)>, call::Error> {
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

/// The ListAccounts chain: pages one after another, each new account sent. Once `walking` is
/// set (the tree walk lists the rest) it asks for no further page, but the page it holds is
/// still sent: the walk reaches those accounts only later, and `seen` keeps each one to one send.
async fn list_chain<D: Directory>(
    aws: &D,
    tx: &mpsc::Sender<Feed>,
    seen: &Seen,
    walking: &AtomicBool,
    ou_paths: &HashMap<String, String>,
    roots: &Roots,
) -> Result<(), call::Error> {
    let mut names = OuNames::new(roots);
    let mut token = None;
    loop {
        let page = aws.list_accounts_page(token).await?;
        let fresh: Vec<Account> = {
            let seen = seen.lock().expect("seen");
            page.accounts
                .into_iter()
                .filter(|a| !seen.contains(&a.id))
                .collect()
        };
        names.learn(aws, ou_paths, &fresh).await;
        for a in fresh {
            let a = names.fill(aws, ou_paths, a).await;
            if !seen.lock().expect("seen").insert(a.id.clone()) {
                continue;
            }
            if tx.send(Feed::Account(a)).await.is_err() {
                return Ok(());
            }
        }
        match page.next_token {
            Some(next) if !walking.load(Ordering::SeqCst) => token = Some(next),
            _ => return Ok(()),
        }
    }
}
