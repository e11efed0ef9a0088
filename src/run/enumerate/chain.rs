//! The ListAccounts pass and its reconciliation with the tree walk. The pass reads every page,
//! to the last, whatever the walk does: an account moved between OUs while the tree is walked
//! can be missed by the walk (listed under neither parent), never by ListAccounts. Before the
//! walk starts, an account with its ancestry is sent at once; after, and for any account whose
//! listing has no `Paths`, it is held; once both listings are done, every held account the walk
//! did not send is sent (its ancestry from `ListParents` when the walk missed it or the listing
//! had no `Paths`, else from `Paths`), so each account of either listing is sent exactly once.

use super::ou_names::{OuNames, Roots};
use super::parents::Parents;
use super::stop::{guarded, Stop};
use crate::cancel::Cancel;
use crate::model::Account;
use crate::paging::Tokens;
use crate::run::directory::{Directory, Feed};
use crate::run::walk::Seen;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use tokio::sync::mpsc;

/// What the pass, the walk and the reconciliation share.
#[derive(Default)]
pub(super) struct Shared {
    /// Account ids already sent to the fan-out.
    pub seen: Seen,
    /// Set once the tree walk has started: the pass then holds what it lists.
    pub walking: AtomicBool,
    /// Set when a listed account carried no `Paths`.
    pub no_paths: AtomicBool,
    /// Accounts the pass listed and did not send.
    held: Mutex<Vec<Account>>,
}

/// One run of the enumeration: the directory, the feed, what is shared, the OU members of
/// `--ou` (their ancestry) and the interruption.
pub(super) struct Listing<'a, D> {
    pub aws: &'a D,
    pub tx: &'a mpsc::Sender<Feed>,
    pub shared: &'a Shared,
    pub ou_paths: &'a HashMap<String, String>,
    pub roots: &'a Roots,
    pub cancel: &'a Cancel,
}

impl<D: Directory> Listing<'_, D> {
    /// Whether the account's ancestry is known without another call.
    fn placed(&self, a: &Account) -> bool {
        !a.ou_ids.is_empty() || self.ou_paths.contains_key(&a.id)
    }

    /// Every page of ListAccounts, to the last (see the module's doc).
    pub(super) async fn pass(&self, names: &mut OuNames) -> Result<(), Stop> {
        let mut tokens = Tokens::new("ListAccounts");
        let mut token = None;
        loop {
            let page = guarded(self.cancel, self.aws.list_accounts_page(token.take())).await?;
            let fresh: Vec<Account> = {
                let seen = self.shared.seen.lock().expect("seen");
                page.accounts
                    .into_iter()
                    .filter(|a| !seen.contains(&a.id))
                    .collect()
            };
            if fresh.iter().any(|a| a.ou_ids.is_empty()) {
                self.shared.no_paths.store(true, Ordering::SeqCst);
            }
            let walking = self.shared.walking.load(Ordering::SeqCst);
            let (now, held): (Vec<Account>, Vec<Account>) =
                fresh.into_iter().partition(|a| !walking && self.placed(a));
            self.shared.held.lock().expect("held").extend(held);
            self.send(names, now).await?;
            match tokens.next(page.next_token)? {
                Some(next) => token = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// Holds accounts listed elsewhere (the target check's full listing) for [`Self::reconcile`].
    pub(super) fn hold(&self, accounts: Vec<Account>) {
        self.shared.held.lock().expect("held").extend(accounts);
    }

    /// Once both listings are done: every held account not yet sent, with its ancestry.
    pub(super) async fn reconcile(&self, names: &mut OuNames) -> Result<(), Stop> {
        let held = std::mem::take(&mut *self.shared.held.lock().expect("held"));
        // An account the walk did not find moved (or joined) while the tree was walked: its
        // `Paths`, read before, may be stale, so its parents are read now.
        let walked = self.shared.walking.load(Ordering::SeqCst);
        let mut parents = Parents::default();
        let mut missed = Vec::new();
        for mut a in held {
            if self.shared.seen.lock().expect("seen").contains(&a.id) {
                continue;
            }
            if walked || !self.placed(&a) {
                a.ou_ids = parents.of(self.aws, self.cancel, &a.id).await?;
            }
            missed.push(a);
        }
        if !missed.is_empty() {
            tracing::debug!(
                accounts = missed.len(),
                "accounts listed by ListAccounts and not by the tree walk"
            );
        }
        self.send(names, missed).await
    }

    /// Names the accounts' OUs and sends each one not sent yet.
    async fn send(&self, names: &mut OuNames, accounts: Vec<Account>) -> Result<(), Stop> {
        if accounts.is_empty() {
            return Ok(());
        }
        tokio::select! {
            biased;
            () = self.cancel.cancelled() => return Err(Stop::Interrupted),
            () = names.learn(self.aws, self.ou_paths, &accounts) => {}
        }
        for a in accounts {
            let a = names.fill(self.aws, self.ou_paths, a).await;
            if !self.shared.seen.lock().expect("seen").insert(a.id.clone()) {
                continue;
            }
            self.tx
                .send(Feed::Account(a))
                .await
                .map_err(|_| Stop::Closed)?;
        }
        Ok(())
    }
}
