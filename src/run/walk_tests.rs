//! The enumeration over an in-memory organization tree: every account found exactly once (checked
//! against a plain ListAccounts), with its OU ancestry, also when the listing has no `Paths` or
//! an account moves mid-walk; flat organizations keep ListAccounts; failures, token cycles and
//! interruptions end the feed with what happened, never with a shorter list called complete.

use super::super::directory::{AccountPage, Directory, Feed, Node, OuPage};
use super::super::enumerate::{list_all, spawn, Resolved};
use super::WALK_PARALLELISM;
use crate::call::{Error, ErrorKind};
use crate::cancel::Cancel;
use crate::model::Account;
use crate::targets::Selector;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Items per page of every listing (AWS: 20), small so that paging is exercised.
const PAGE: usize = 2;

/// An organization tree in memory: parents' child OUs and accounts, calls counted, one operation
/// optionally failing, and a latency per call (under paused time).
#[derive(Clone, Default)]
struct Tree(Arc<Mutex<State>>);

#[derive(Default)]
struct State {
    ous: BTreeMap<String, Vec<Node>>,
    accounts: BTreeMap<String, Vec<String>>,
    calls: Vec<String>,
    failing: Option<&'static str>,
    latency: Duration,
    /// ListAccounts' latency when it differs from the others'.
    list_accounts_latency: Option<Duration>,
    /// ListAccountsForParent's latency when it differs from the others'.
    for_parent_latency: Option<Duration>,
    /// ListAccountsForParent panics (a bug in a walk task).
    panics: bool,
    /// ListAccounts carries each account's ancestry (`Paths`).
    paths: bool,
    /// The third page of this operation's listings points back to its second (a token cycle).
    cycle: Option<&'static str>,
    /// (account, new parent, after this many ListAccountsForParent calls): a move mid-walk.
    moves: Option<(String, String, usize)>,
    in_flight: usize,
    max_in_flight: usize,
}

impl Tree {
    /// `r-root` with `top` OUs, each with `children` child OUs; `per_ou` accounts in every OU
    /// and `under_root` directly under the root.
    fn new(top: usize, children: usize, per_ou: usize, under_root: usize) -> Tree {
        let tree = Tree::default();
        {
            let mut s = tree.0.lock().expect("tree");
            let mut next = 0;
            let mut account = |s: &mut State, parent: &str, n: usize| {
                for _ in 0..n {
                    next += 1;
                    s.accounts
                        .entry(parent.to_string())
                        .or_default()
                        .push(format!("{:012}", 100_000_000_000u64 + next));
                }
            };
            account(&mut s, "r-root", under_root);
            for t in 0..top {
                let id = format!("ou-root-t{t:03}");
                s.ous.entry("r-root".into()).or_default().push(Node {
                    id: id.clone(),
                    name: format!("Top{t}"),
                });
                account(&mut s, &id, per_ou);
                for c in 0..children {
                    let child = format!("ou-root-t{t:03}c{c:03}");
                    s.ous.entry(id.clone()).or_default().push(Node {
                        id: child.clone(),
                        name: format!("Child{c}"),
                    });
                    account(&mut s, &child, per_ou);
                }
            }
        }
        tree
    }

    /// Every account with its expected ancestry (ids, names), by id.
    fn expected(&self) -> BTreeMap<String, (String, String)> {
        let s = self.0.lock().expect("tree");
        let mut out = BTreeMap::new();
        let mut stack = vec![(
            "r-root".to_string(),
            "r-root".to_string(),
            "Root".to_string(),
        )];
        while let Some((id, ids, names)) = stack.pop() {
            for a in s.accounts.get(&id).into_iter().flatten() {
                out.insert(a.clone(), (ids.clone(), names.clone()));
            }
            for ou in s.ous.get(&id).into_iter().flatten() {
                stack.push((
                    ou.id.clone(),
                    format!("{ids}/{}", ou.id),
                    format!("{names}/{}", ou.name),
                ));
            }
        }
        out
    }

    fn calls(&self, op: &str) -> usize {
        let s = self.0.lock().expect("tree");
        s.calls.iter().filter(|c| *c == op).count()
    }

    async fn call(&self, op: &'static str) -> Result<(), Error> {
        let latency = {
            let mut s = self.0.lock().expect("tree");
            s.calls.push(op.to_string());
            s.apply_move();
            s.in_flight += 1;
            s.max_in_flight = s.max_in_flight.max(s.in_flight);
            match (s.list_accounts_latency, s.for_parent_latency) {
                (Some(latency), _) if op == "ListAccounts" => latency,
                (_, Some(latency)) if op == "ListAccountsForParent" => latency,
                _ => s.latency,
            }
        };
        tokio::time::sleep(latency).await;
        let mut s = self.0.lock().expect("tree");
        s.in_flight -= 1;
        if s.failing == Some(op) {
            let kind = ErrorKind::AccessDenied;
            return Err(Error::new(op, "AccessDeniedException", "denied", kind));
        }
        Ok(())
    }

    fn all_accounts(&self) -> Vec<String> {
        self.expected().into_keys().collect()
    }
}

impl State {
    /// Moves the scripted account once its count of ListAccountsForParent calls is reached.
    fn apply_move(&mut self) {
        let calls = self
            .calls
            .iter()
            .filter(|c| *c == "ListAccountsForParent")
            .count();
        let Some((id, to, after)) = self.moves.clone() else {
            return;
        };
        if calls < after {
            return;
        }
        self.moves = None;
        for ids in self.accounts.values_mut() {
            ids.retain(|a| *a != id);
        }
        self.accounts.entry(to).or_default().push(id);
    }
}

fn account(id: &str) -> Account {
    Account {
        id: id.to_string(),
        name: format!("name-{id}"),
        email: format!("{id}@example.com"),
        state: "ACTIVE".into(),
        ou_ids: String::new(),
        ou_path: String::new(),
    }
}

/// A page of `items` from the offset in `token`; with `cycle`, the third page's token leads
/// back to the second page (A → B → A).
fn page<T: Clone>(items: &[T], token: Option<String>, cycle: bool) -> (Vec<T>, Option<String>) {
    let start: usize = token.and_then(|t| t.parse().ok()).unwrap_or(0);
    let end = (start + PAGE).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    let next = match next {
        Some(_) if cycle && start == 2 * PAGE => Some(PAGE.to_string()),
        other => other,
    };
    (items[start.min(end)..end].to_vec(), next)
}

impl Directory for Tree {
    async fn list_accounts_page(&self, token: Option<String>) -> Result<AccountPage, Error> {
        self.call("ListAccounts").await?;
        let expected = self.expected();
        let ids: Vec<String> = expected.keys().cloned().collect();
        let (paths, cycle) = {
            let s = self.0.lock().expect("tree");
            (s.paths, s.cycle == Some("ListAccounts"))
        };
        let (ids, next_token) = page(&ids, token, cycle);
        let listed = |id: &String| {
            let mut a = account(id);
            if paths {
                a.ou_ids.clone_from(&expected[id].0);
            }
            a
        };
        Ok(AccountPage {
            accounts: ids.iter().map(listed).collect(),
            next_token,
        })
    }
    async fn describe_ou(&self, _: &str) -> Result<(), Error> {
        Ok(())
    }
    async fn ou_ancestry(&self, ou: &str) -> Result<Vec<String>, Error> {
        self.call("ListParents").await?;
        let ids = self.expected().values().find_map(|(ids, _)| {
            let parts: Vec<&str> = ids.split('/').collect();
            let at = parts.iter().position(|p| *p == ou)?;
            Some(parts[..=at].iter().map(|p| p.to_string()).collect())
        });
        Ok(ids.unwrap_or_else(|| vec![ou.to_string()]))
    }
    async fn ou_name(&self, id: &str) -> Result<String, Error> {
        let s = self.0.lock().expect("tree");
        let name = s.ous.values().flatten().find(|ou| ou.id == id);
        Ok(name.map_or_else(|| id.to_string(), |ou| ou.name.clone()))
    }
    async fn parent(&self, child: &str) -> Result<String, Error> {
        self.call("ListParents").await?;
        let s = self.0.lock().expect("tree");
        let parent = s
            .accounts
            .iter()
            .find(|(_, ids)| ids.iter().any(|a| a == child))
            .map(|(parent, _)| parent.clone());
        Ok(parent.unwrap_or_default())
    }
    async fn child_ous(&self, _: &str) -> Result<Vec<String>, Error> {
        Ok(Vec::new())
    }
    async fn child_accounts(&self, _: &str) -> Result<Vec<String>, Error> {
        Ok(Vec::new())
    }
    async fn roots(&self) -> Result<Vec<Node>, Error> {
        self.call("ListRoots").await?;
        Ok(vec![Node {
            id: "r-root".into(),
            name: "Root".into(),
        }])
    }
    async fn accounts_for_parent_page(
        &self,
        parent: &str,
        token: Option<String>,
    ) -> Result<AccountPage, Error> {
        self.call("ListAccountsForParent").await?;
        assert!(!self.0.lock().expect("tree").panics, "directory bug");
        let (ids, cycle) = {
            let s = self.0.lock().expect("tree");
            (
                s.accounts.get(parent).cloned(),
                s.cycle == Some("ListAccountsForParent"),
            )
        };
        let (ids, next_token) = page(&ids.unwrap_or_default(), token, cycle);
        Ok(AccountPage {
            accounts: ids.iter().map(|id| account(id)).collect(),
            next_token,
        })
    }
    async fn ous_for_parent_page(
        &self,
        parent: &str,
        token: Option<String>,
    ) -> Result<OuPage, Error> {
        self.call("ListOrganizationalUnitsForParent").await?;
        let ous = self.0.lock().expect("tree").ous.get(parent).cloned();
        let (ous, next_token) = page(&ous.unwrap_or_default(), token, false);
        Ok(OuPage { ous, next_token })
    }
}

fn resolved() -> Resolved {
    Resolved {
        selector: Selector {
            management_account: "111111111111".into(),
            include_management: true,
            only: None,
            ou_members: None,
            exclude: BTreeSet::new(),
        },
        listed: None,
    }
}

/// How a drained feed ended.
#[derive(Debug, Default)]
struct Drained {
    /// The accounts in arrival order, each with its arrival time.
    arrivals: Vec<(Duration, Account)>,
    failed: Option<Error>,
    interrupted: bool,
    complete: bool,
}

impl Drained {
    fn ids(&self) -> Vec<String> {
        self.arrivals.iter().map(|(_, a)| a.id.clone()).collect()
    }
}

/// Drains the feed of an enumeration of `tree` interrupted by `cancel`.
async fn drain_until(tree: &Tree, cancel: Cancel) -> Drained {
    let start = tokio::time::Instant::now();
    let mut rx = spawn(tree.clone(), &resolved(), cancel).feed;
    let mut drained = Drained::default();
    while let Some(feed) = rx.recv().await {
        match feed {
            Feed::Account(a) => drained.arrivals.push((start.elapsed(), a)),
            Feed::Failed(e) => drained.failed = Some(e),
            Feed::Interrupted => drained.interrupted = true,
            Feed::Complete => drained.complete = true,
        }
    }
    drained
}

/// Drains the feed: the accounts in arrival order, and the failure that ended it, if any. A
/// feed that ends without failing says it is complete.
async fn drain(tree: &Tree) -> (Vec<Account>, Option<Error>) {
    let drained = drain_until(tree, Cancel::default()).await;
    assert!(!drained.interrupted);
    assert_eq!(drained.complete, drained.failed.is_none(), "{drained:?}");
    let accounts = drained.arrivals.into_iter().map(|(_, a)| a).collect();
    (accounts, drained.failed)
}

/// Every account arrived once, each with its expected ancestry.
fn assert_once_with_ancestry(tree: &Tree, accounts: &[Account]) {
    let unique: BTreeSet<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(unique.len(), accounts.len(), "an account arrived twice");
    let expected = tree.expected();
    assert_eq!(
        unique,
        expected.keys().map(String::as_str).collect(),
        "every account of the organization"
    );
    for a in accounts {
        let (ids, names) = &expected[&a.id];
        assert_eq!((&a.ou_ids, &a.ou_path), (ids, names), "{}", a.id);
    }
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_tree_is_walked_and_every_account_arrives_once_with_its_ancestry() {
    // Three pages of top-level OUs, each OU with three pages of children and of accounts, and
    // accounts directly under the root. This directory's ListAccounts has no `Paths`: accounts
    // it lists wait for the walk, which places them.
    let tree = Tree::new(5, 5, 5, 3);
    tree.0.lock().expect("tree").latency = Duration::from_millis(150);
    let (accounts, failed) = drain(&tree).await;
    assert!(failed.is_none(), "{failed:?}");
    assert_once_with_ancestry(&tree, &accounts);
    let plain: BTreeSet<String> = list_all(&tree)
        .await
        .expect("ListAccounts")
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(
        accounts
            .iter()
            .map(|a| a.id.clone())
            .collect::<BTreeSet<_>>(),
        plain,
        "the walk finds exactly what ListAccounts lists"
    );
    assert!(tree.calls("ListAccountsForParent") > 0);
    assert_eq!(
        tree.calls("ListAccounts"),
        2 * plain.len().div_ceil(PAGE),
        "the enumeration's ListAccounts pass reads every page (and so does list_all)"
    );
    assert_eq!(
        tree.calls("ListParents"),
        0,
        "the walk placed every account"
    );
    let max = tree.0.lock().expect("tree").max_in_flight;
    assert!(
        (2..=WALK_PARALLELISM + 1).contains(&max),
        "walk calls side by side, bounded: {max} in flight"
    );
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn list_accounts_pages_before_the_walk_are_sent_and_later_ones_held_for_the_reconciliation() {
    // ListAccounts pages take 200 ms (landing at 200, 400, … ms), every other call 150 ms: the
    // shape (ListRoots, then the root's first OU page) is known at 300 ms, and the walk's first
    // account pages land at 450 ms. The first page (with `Paths`) feeds the fan-out at once; the
    // pages after the walk started are held (the walk sends those accounts with the OU names it
    // already has), and none is sent twice.
    let tree = Tree::new(3, 0, 20, 0);
    {
        let mut s = tree.0.lock().expect("tree");
        s.latency = Duration::from_millis(150);
        s.list_accounts_latency = Some(Duration::from_millis(200));
        s.paths = true;
    }
    let drained = drain_until(&tree, Cancel::default()).await;
    assert!(drained.complete && drained.failed.is_none(), "{drained:?}");
    let before_the_walk = drained
        .arrivals
        .iter()
        .filter(|(at, _)| *at < Duration::from_millis(450))
        .count();
    assert_eq!(before_the_walk, PAGE, "{:?}", drained.ids());
    assert_eq!(
        tree.calls("ListAccounts"),
        60 / PAGE,
        "the pass reads every page"
    );
    let accounts: Vec<Account> = drained.arrivals.into_iter().map(|(_, a)| a).collect();
    assert_once_with_ancestry(&tree, &accounts);
}

/// Scripts the move of the last account of `ou-root-t000c000` to `ou-root-t001` at the walk's
/// 4th ListAccountsForParent call (every parent's accounts fit on one page of a
/// `Tree::new(2, 1, PAGE, 0)`): the root's and the top OUs' start at once and are answered
/// at 50 ms; the second level's start at 150 ms (once the top OUs' child OUs are in) and are
/// answered at 200 ms.
fn moved_mid_walk(tree: &Tree) -> String {
    let mut s = tree.0.lock().expect("tree");
    let moved = s.accounts["ou-root-t000c000"][1].clone();
    s.latency = Duration::from_millis(150);
    s.for_parent_latency = Some(Duration::from_millis(50));
    s.moves = Some((moved.clone(), "ou-root-t001".into(), 4));
    moved
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn an_account_moved_between_ous_mid_walk_is_listed_once() {
    // An account of a second-level OU moves to a top OU once the top OU's accounts were listed
    // and before its old parent's are (see `moved_mid_walk`): the walk lists it under neither; the
    // ListAccounts pass still lists it, and it arrives once, with its new ancestry.
    let tree = Tree::new(2, 1, PAGE, 0);
    let moved = moved_mid_walk(&tree);
    {
        // ListAccounts' second page (the moved account's) lands at 400 ms, after the walk
        // started (300 ms): it is held, not sent with the ancestry of before the move.
        let mut s = tree.0.lock().expect("tree");
        s.paths = true;
        s.list_accounts_latency = Some(Duration::from_millis(200));
    }
    let (accounts, failed) = drain(&tree).await;
    assert!(failed.is_none(), "{failed:?}");
    assert_once_with_ancestry(&tree, &accounts);
    let arrived = accounts
        .iter()
        .find(|a| a.id == moved)
        .expect("the moved account");
    assert_eq!(arrived.ou_ids, "r-root/ou-root-t001");
    assert_eq!(
        tree.calls("ListParents"),
        2,
        "the account the walk missed moved during the walk: its current parents are read"
    );
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_walk_task_that_panics_is_not_taken_for_a_finished_parent() {
    // A panic in a walk task is a bug: it must surface, never end the walk as if the parent had
    // no accounts (which would leave them out of the report).
    let tree = Tree::new(2, 0, 3, 1);
    tree.0.lock().expect("tree").panics = true;
    let first = tree
        .ous_for_parent_page("r-root", None)
        .await
        .expect("the root's OUs");
    let root = Node {
        id: "r-root".into(),
        name: "Root".into(),
    };
    let (tx, _rx) = tokio::sync::mpsc::channel(100);
    let walked = tokio::spawn(super::walk(
        tree.clone(),
        vec![(super::Parent::root(&root), first)],
        tx,
        super::Seen::default(),
        Cancel::default(),
    ))
    .await;
    assert!(
        walked.is_err_and(|e| e.is_panic()),
        "the walk ended without the panic"
    );
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_panicking_enumeration_never_says_the_listing_is_complete() {
    let tree = Tree::new(2, 0, 3, 1);
    tree.0.lock().expect("tree").panics = true;
    let enumeration = spawn(tree.clone(), &resolved(), Cancel::default());
    let mut feed = enumeration.feed;
    while let Some(item) = feed.recv().await {
        assert!(
            matches!(item, Feed::Account(_)),
            "the feed closes without an end: {item:?}"
        );
    }
    let joined = enumeration.task.await;
    assert!(
        joined.is_err_and(|e| e.is_panic()),
        "the task's handle names the panic"
    );
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_walk_beats_the_sequential_chain_on_a_wide_tree() {
    // Every account arrives from the walk long before the ListAccounts pass (which still runs
    // to its last page, for the reconciliation) would have listed it.
    let tree = Tree::new(4, 4, 10, 0);
    tree.0.lock().expect("tree").latency = Duration::from_millis(150);
    let pages = tree.all_accounts().len().div_ceil(PAGE);
    let drained = drain_until(&tree, Cancel::default()).await;
    assert!(drained.complete);
    assert_eq!(drained.arrivals.len(), 200);
    let last = drained
        .arrivals
        .last()
        .map(|(at, _)| *at)
        .expect("arrivals");
    let chain = Duration::from_millis(150) * pages as u32;
    assert!(
        last * 3 < chain,
        "walk {last:?} vs ListAccounts chain {chain:?}"
    );
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_flat_organization_is_listed_by_list_accounts_alone() {
    let tree = Tree::new(0, 0, 0, 7);
    tree.0.lock().expect("tree").paths = true;
    let (accounts, failed) = drain(&tree).await;
    assert!(failed.is_none());
    let ids: Vec<String> = accounts.iter().map(|a| a.id.clone()).collect();
    assert_eq!(ids, tree.all_accounts());
    assert_once_with_ancestry(&tree, &accounts);
    assert_eq!(tree.calls("ListAccountsForParent"), 0);
    assert_eq!(tree.calls("ListAccounts"), 4);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn without_paths_every_account_in_an_ou_gets_its_ancestry() {
    // ListAccounts (no `Paths`) is done before the shape is known: the accounts wait for the
    // walk instead of going out with empty OU columns.
    for (top, under_root) in [(3, 2), (0, 5)] {
        let tree = Tree::new(top, 1, 2, under_root);
        {
            let mut s = tree.0.lock().expect("tree");
            s.latency = Duration::from_millis(150);
            s.list_accounts_latency = Some(Duration::from_millis(1));
        }
        let (accounts, failed) = drain(&tree).await;
        assert!(failed.is_none(), "{failed:?}");
        assert_once_with_ancestry(&tree, &accounts);
        assert!(accounts
            .iter()
            .all(|a| !a.ou_ids.is_empty() && !a.ou_path.is_empty()));
    }
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn without_paths_an_account_the_walk_missed_is_placed_by_list_parents() {
    let tree = Tree::new(2, 1, PAGE, 0);
    let moved = moved_mid_walk(&tree);
    let (accounts, failed) = drain(&tree).await;
    assert!(failed.is_none(), "{failed:?}");
    assert_once_with_ancestry(&tree, &accounts);
    let arrived = accounts
        .iter()
        .find(|a| a.id == moved)
        .expect("the moved account");
    assert_eq!(arrived.ou_path, "Root/Top1");
    assert_eq!(
        tree.calls("ListParents"),
        2,
        "only for the account the walk missed: its parent, then that OU's"
    );
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_token_cycle_in_any_listing_ends_the_feed_with_an_error() {
    for (top, under_root, operation) in [(0, 9, "ListAccounts"), (2, 0, "ListAccountsForParent")] {
        let tree = Tree::new(top, 0, 9, under_root);
        {
            let mut s = tree.0.lock().expect("tree");
            s.latency = Duration::from_millis(150);
            s.cycle = Some(operation);
            s.paths = true;
        }
        let (_, failed) = drain(&tree).await;
        let failed = failed.expect("a cycle is not the end of a listing");
        assert_eq!(
            (failed.code.as_str(), failed.operation),
            ("PaginationLoop", operation)
        );
    }
    let tree = Tree::new(0, 0, 0, 9);
    tree.0.lock().expect("tree").cycle = Some("ListAccounts");
    let err = list_all(&tree).await.expect_err("cycle");
    assert_eq!(err.code, "PaginationLoop");
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn an_interruption_stops_a_slow_listing_at_once() {
    // 2.6 s per ListAccounts page: the signal at 4 s ends the feed at 4 s, not after the pages
    // still to come.
    let tree = Tree::new(0, 0, 0, 40);
    {
        let mut s = tree.0.lock().expect("tree");
        s.list_accounts_latency = Some(Duration::from_millis(2600));
        s.paths = true;
    }
    let cancel = Cancel::default();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(4)).await;
        trigger.cancel(false);
    });
    let start = tokio::time::Instant::now();
    let drained = drain_until(&tree, cancel).await;
    assert_eq!(start.elapsed(), Duration::from_secs(4));
    assert!(drained.interrupted && !drained.complete && drained.failed.is_none());
    assert_eq!(
        drained.arrivals.len(),
        PAGE,
        "the page that arrived before the signal"
    );
    assert_eq!(
        tree.calls("ListAccounts"),
        2,
        "no page asked for after the signal"
    );
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn an_unreadable_tree_falls_back_to_list_accounts() {
    let tree = Tree::new(3, 3, 3, 1);
    {
        let mut s = tree.0.lock().expect("tree");
        s.failing = Some("ListRoots");
        s.latency = Duration::from_millis(150);
        s.paths = true;
    }
    let (accounts, failed) = drain(&tree).await;
    assert!(failed.is_none(), "{failed:?}");
    let expected = tree.expected();
    assert_eq!(accounts.len(), expected.len());
    for a in &accounts {
        // ListRoots fails: the root's name is shown as its id.
        assert_eq!(a.ou_ids, expected[&a.id].0, "{}", a.id);
    }
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_failing_walk_call_ends_the_feed_with_the_error() {
    let tree = Tree::new(3, 3, 3, 1);
    {
        let mut s = tree.0.lock().expect("tree");
        s.failing = Some("ListAccountsForParent");
        s.latency = Duration::from_millis(150);
    }
    let (accounts, failed) = drain(&tree).await;
    let failed = failed.expect("the listing is reported incomplete");
    assert_eq!(failed.operation, "ListAccountsForParent");
    assert!(accounts.len() < tree.all_accounts().len());
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_failing_list_accounts_pass_leaves_the_listing_incomplete() {
    // The walk alone can miss an account moved mid-walk: without the pass to reconcile with,
    // the listing is not known to be complete.
    let tree = Tree::new(2, 2, 3, 2);
    {
        let mut s = tree.0.lock().expect("tree");
        s.failing = Some("ListAccounts");
        s.latency = Duration::from_millis(150);
    }
    let (_, failed) = drain(&tree).await;
    assert_eq!(failed.expect("incomplete").operation, "ListAccounts");
}
