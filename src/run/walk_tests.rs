//! The enumeration over an in-memory organization tree: every account found exactly once (checked
//! against a plain ListAccounts), with its OU ancestry; flat organizations keep ListAccounts;
//! failures end the feed with the error, never with a shorter list.

use super::super::directory::{AccountPage, Directory, Feed, Node, OuPage};
use super::super::enumerate::{list_all, spawn, Resolved};
use super::WALK_PARALLELISM;
use crate::call::{Error, ErrorKind};
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
    /// ListAccountsForParent panics (a bug in a walk task).
    panics: bool,
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
            s.in_flight += 1;
            s.max_in_flight = s.max_in_flight.max(s.in_flight);
            match s.list_accounts_latency {
                Some(latency) if op == "ListAccounts" => latency,
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

/// A page of `items` from the offset in `token`.
fn page<T: Clone>(items: &[T], token: Option<String>) -> (Vec<T>, Option<String>) {
    let start: usize = token.and_then(|t| t.parse().ok()).unwrap_or(0);
    let end = (start + PAGE).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    (items[start.min(end)..end].to_vec(), next)
}

impl Directory for Tree {
    async fn list_accounts_page(&self, token: Option<String>) -> Result<AccountPage, Error> {
        self.call("ListAccounts").await?;
        let ids = self.all_accounts();
        let (ids, next_token) = page(&ids, token);
        Ok(AccountPage {
            accounts: ids.iter().map(|id| account(id)).collect(),
            next_token,
        })
    }
    async fn describe_ou(&self, _: &str) -> Result<(), Error> {
        Ok(())
    }
    async fn ou_ancestry(&self, ou: &str) -> Result<Vec<String>, Error> {
        Ok(vec![ou.to_string()])
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
        let ids = self.0.lock().expect("tree").accounts.get(parent).cloned();
        let (ids, next_token) = page(&ids.unwrap_or_default(), token);
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
        let (ous, next_token) = page(&ous.unwrap_or_default(), token);
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

/// Drains the feed: the accounts in arrival order, and the failure that ended it, if any.
async fn drain(tree: &Tree) -> (Vec<Account>, Option<Error>) {
    let mut rx = spawn(tree.clone(), &resolved());
    let (mut accounts, mut failed) = (Vec::new(), None);
    while let Some(feed) = rx.recv().await {
        match feed {
            Feed::Account(a) => accounts.push(a),
            Feed::Failed(e) => failed = Some(e),
        }
    }
    (accounts, failed)
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_tree_is_walked_and_every_account_arrives_once_with_its_ancestry() {
    // Three pages of top-level OUs, each OU with three pages of children and of accounts, and
    // accounts directly under the root.
    let tree = Tree::new(5, 5, 5, 3);
    tree.0.lock().expect("tree").latency = Duration::from_millis(150);
    let (accounts, failed) = drain(&tree).await;
    assert!(failed.is_none(), "{failed:?}");
    let chained = tree.calls("ListAccounts");
    let plain: BTreeSet<String> = list_all(&tree)
        .await
        .expect("ListAccounts")
        .into_iter()
        .map(|a| a.id)
        .collect();
    let found: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    let unique: BTreeSet<String> = found.iter().map(|s| s.to_string()).collect();
    assert_eq!(found.len(), unique.len(), "an account arrived twice");
    assert_eq!(
        unique, plain,
        "the walk finds exactly what ListAccounts lists"
    );
    let expected = tree.expected();
    // Accounts the ListAccounts chain sent before the walk started carry no ancestry of their
    // own in this directory (no `Paths`): every other account has the walked one.
    // The shape takes two calls (ListRoots, the root's first OU page): the chain has sent at most
    // the pages that arrived meanwhile, and one in flight.
    let walked: Vec<&Account> = accounts.iter().filter(|a| !a.ou_ids.is_empty()).collect();
    let chained_accounts = accounts.len() - walked.len();
    assert!(
        chained_accounts <= 3 * PAGE,
        "{chained_accounts} sent by the chain"
    );
    for a in walked {
        let (ids, names) = &expected[&a.id];
        assert_eq!((&a.ou_ids, &a.ou_path), (ids, names), "{}", a.id);
    }
    assert!(tree.calls("ListAccountsForParent") > 0);
    assert!(
        chained <= 3,
        "the ListAccounts chain stops once the walk starts"
    );
    let max = tree.0.lock().expect("tree").max_in_flight;
    assert!(
        (2..=WALK_PARALLELISM + 1).contains(&max),
        "walk calls side by side, bounded: {max} in flight"
    );
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_list_accounts_page_in_flight_when_the_walk_starts_is_still_sent() {
    // ListAccounts pages take 200 ms (landing at 200 and 400 ms), every other call 150 ms: the
    // shape (ListRoots, then the root's first OU page) is known at 300 ms, while the chain's
    // second page is in flight, and the walk's first account pages land at 450 ms. That second
    // page still feeds the fan-out at 400 ms instead of being dropped for the walk to list again.
    let tree = Tree::new(3, 0, 20, 0);
    {
        let mut s = tree.0.lock().expect("tree");
        s.latency = Duration::from_millis(150);
        s.list_accounts_latency = Some(Duration::from_millis(200));
    }
    let start = tokio::time::Instant::now();
    let mut rx = spawn(tree.clone(), &resolved());
    let mut arrivals = Vec::new();
    while let Some(feed) = rx.recv().await {
        match feed {
            Feed::Account(a) => arrivals.push((start.elapsed(), a.id)),
            Feed::Failed(e) => panic!("{e}"),
        }
    }
    let before_the_walk = arrivals
        .iter()
        .filter(|(at, _)| *at < Duration::from_millis(450))
        .count();
    assert_eq!(before_the_walk, 2 * PAGE, "{arrivals:?}");
    assert_eq!(
        tree.calls("ListAccounts"),
        2,
        "no page after the walk starts"
    );
    let unique: BTreeSet<&String> = arrivals.iter().map(|(_, id)| id).collect();
    assert_eq!(unique.len(), arrivals.len(), "an account arrived twice");
    assert_eq!(unique.len(), 60);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
#[should_panic(expected = "directory bug")]
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
    let walked = super::walk(
        tree.clone(),
        vec![(super::Parent::root(&root), first)],
        tx,
        super::Seen::default(),
    )
    .await;
    panic!("the walk ended without the panic: {:?}", walked.is_ok());
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_walk_beats_the_sequential_chain_on_a_wide_tree() {
    let tree = Tree::new(4, 4, 10, 0);
    tree.0.lock().expect("tree").latency = Duration::from_millis(150);
    let pages = tree.all_accounts().len().div_ceil(PAGE);
    let start = tokio::time::Instant::now();
    let (accounts, failed) = drain(&tree).await;
    assert!(failed.is_none());
    assert_eq!(accounts.len(), 200);
    let chain = Duration::from_millis(150) * pages as u32;
    assert!(
        start.elapsed() * 3 < chain,
        "walk {:?} vs ListAccounts chain {chain:?}",
        start.elapsed()
    );
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_flat_organization_is_listed_by_list_accounts_alone() {
    let tree = Tree::new(0, 0, 0, 7);
    let (accounts, failed) = drain(&tree).await;
    assert!(failed.is_none());
    let ids: Vec<String> = accounts.into_iter().map(|a| a.id).collect();
    assert_eq!(ids, tree.all_accounts());
    assert_eq!(tree.calls("ListAccountsForParent"), 0);
    assert_eq!(tree.calls("ListAccounts"), 4);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn an_unreadable_tree_falls_back_to_list_accounts() {
    let tree = Tree::new(3, 3, 3, 1);
    {
        let mut s = tree.0.lock().expect("tree");
        s.failing = Some("ListRoots");
        s.latency = Duration::from_millis(150);
    }
    let (accounts, failed) = drain(&tree).await;
    assert!(failed.is_none(), "{failed:?}");
    let ids: BTreeSet<String> = accounts.into_iter().map(|a| a.id).collect();
    assert_eq!(ids, tree.all_accounts().into_iter().collect());
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
async fn a_failing_chain_is_covered_by_the_walk() {
    let tree = Tree::new(2, 2, 3, 2);
    {
        let mut s = tree.0.lock().expect("tree");
        s.failing = Some("ListAccounts");
        s.latency = Duration::from_millis(150);
    }
    let (accounts, failed) = drain(&tree).await;
    assert!(failed.is_none(), "{failed:?}");
    assert_eq!(accounts.len(), tree.all_accounts().len());
}
