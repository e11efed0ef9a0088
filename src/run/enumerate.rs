//! Account enumeration: resolves the target filters, then streams accounts into the fan-out as
//! they are found (accounts start while later pages are still loading): ListAccounts for a flat
//! organization, the OU tree walked in parallel for one with OUs.

use super::directory::{Directory, Node, OuPage};
use super::walk::{walk, Parent, Seen, Stop};
use crate::call::CallError;
use crate::model::Account;
use crate::targets::{Selector, TargetError};
use futures::StreamExt;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

/// What the enumeration sends to the fan-out.
#[derive(Debug)]
pub enum Feed {
    /// An account of the organization.
    Account(Account),
    /// A ListAccounts page failed (after the SDK's retries); nothing more will come.
    Failed(CallError),
}

/// Why targets could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    /// A filter names something that is not in the organization.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// An AWS call failed while resolving the filters.
    #[error("resolving targets: {0}")]
    Call(#[from] CallError),
}

/// The selector plus, when the whole list had to be read first, the accounts already listed.
pub struct Resolved {
    /// The filters.
    pub selector: Selector,
    /// Accounts already enumerated (when ids were named and had to be checked first).
    pub listed: Option<Vec<Account>>,
}

/// Resolves filters before any AssumeRoot call: named ids must be accounts of the organization
/// (this reads every page first), and every OU must exist (its subtree is walked).
/// `include_management`: the job reads the management account too.
pub async fn resolve<D: Directory>(
    aws: &D,
    config: &super::Settings,
    management: &str,
    include_management: bool,
) -> Result<Resolved, SelectError> {
    let mut selector = Selector {
        management_account: management.to_string(),
        include_management,
        only: (!config.accounts.is_empty()).then(|| config.accounts.iter().cloned().collect()),
        ou_members: None,
        exclude: config.exclude.iter().cloned().collect::<BTreeSet<_>>(),
    };
    if !config.ous.is_empty() {
        let mut members = HashMap::new();
        for ou in &config.ous {
            match aws.describe_ou(ou).await {
                Err(e) if e.is_not_found() || e.code == "InvalidInputException" => {
                    return Err(TargetError::UnknownOu(ou.clone()).into())
                }
                Err(e) => return Err(e.into()),
                Ok(()) => {}
            }
            walk_subtree(aws, ou, &mut members).await?;
        }
        selector.ou_members = Some(members);
    }
    let listed = if selector.only.is_some() || !selector.exclude.is_empty() {
        let all = list_all(aws).await?;
        let missing = selector.unknown_ids(all.iter().map(|a| a.id.as_str()));
        if !missing.is_empty() {
            return Err(TargetError::NotInOrganization(missing).into());
        }
        Some(all)
    } else {
        None
    };
    Ok(Resolved { selector, listed })
}

/// Every account, all pages.
pub async fn list_all<D: Directory>(aws: &D) -> Result<Vec<Account>, CallError> {
    let mut all = Vec::new();
    let mut token = None;
    loop {
        let page = aws.list_accounts_page(token).await?;
        all.extend(page.accounts);
        match page.next_token {
            Some(next) => token = Some(next),
            None => return Ok(all),
        }
    }
}

async fn walk_subtree<D: Directory>(
    aws: &D,
    ou: &str,
    members: &mut HashMap<String, String>,
) -> Result<(), CallError> {
    let mut queue = vec![(ou.to_string(), aws.ou_ancestry(ou).await?.join("/"))];
    while let Some((parent, path)) = queue.pop() {
        for account in aws.child_accounts(&parent).await? {
            members.insert(account, path.clone());
        }
        for child in aws.child_ous(&parent).await? {
            let child_path = format!("{path}/{child}");
            queue.push((child, child_path));
        }
    }
    Ok(())
}

/// OU names by id, each looked up once per run (one call per distinct OU, never per account).
#[derive(Default)]
struct OuNames {
    names: HashMap<String, String>,
    /// `ListRoots`, read once per run and shared with the shape probe of [`spawn`].
    roots: Roots,
}

/// An account's OU ancestry ids (`r-x/ou-a/ou-b`): its listing's, else the subtree walk's.
fn ancestry<'a>(walked: &'a HashMap<String, String>, a: &'a Account) -> &'a str {
    match walked.get(&a.id) {
        Some(path) if a.ou_ids.is_empty() => path,
        _ => &a.ou_ids,
    }
}

/// The ids of an ancestry, root first.
fn ancestry_ids(ids: &str) -> impl Iterator<Item = &str> {
    ids.split('/').filter(|p| !p.is_empty())
}

/// OU name lookups (DescribeOrganizationalUnit) in flight at most, for one page of accounts.
const NAME_LOOKUPS: usize = 8;

/// The organization's roots, read at most once.
type Roots = Arc<tokio::sync::OnceCell<Vec<Node>>>;

impl OuNames {
    /// `r-x/ou-a/ou-b` → `Root/Prod/Dev`. A name that cannot be read is shown as its id (and
    /// not asked for again): the ids column keeps the exact ancestry either way.
    async fn path<D: Directory>(&mut self, dir: &D, ids: &str) -> String {
        let mut names = Vec::new();
        for id in ancestry_ids(ids) {
            if !self.names.contains_key(id) {
                let name = self.name_or_id(dir, id).await;
                self.names.insert(id.to_string(), name);
            }
            names.push(self.names[id].clone());
        }
        names.join("/")
    }

    /// Looks up the names of every OU in the ancestry of `accounts` that has none yet, side by
    /// side (at most [`NAME_LOOKUPS`] at a time): a page of accounts spread over many OUs waits
    /// for about one lookup instead of one per OU.
    async fn learn<D: Directory>(
        &mut self,
        dir: &D,
        walked: &HashMap<String, String>,
        accounts: &[Account],
    ) {
        let mut missing = BTreeSet::new();
        for a in accounts {
            for id in ancestry_ids(ancestry(walked, a)) {
                if !self.names.contains_key(id) {
                    missing.insert(id.to_string());
                }
            }
        }
        let this = &*self;
        let found: Vec<(String, String)> = futures::stream::iter(missing)
            .map(|id| async move {
                let name = this.name_or_id(dir, &id).await;
                (id, name)
            })
            .buffer_unordered(NAME_LOOKUPS)
            .collect()
            .await;
        self.names.extend(found);
    }

    /// An OU's (or root's) name; its id when the name cannot be read.
    async fn name_or_id<D: Directory>(&self, dir: &D, id: &str) -> String {
        match self.name(dir, id).await {
            Ok(name) => name,
            Err(e) => {
                tracing::warn!(ou = id, error = %e, "cannot read the OU's name; its id is shown");
                id.to_string()
            }
        }
    }

    /// A root's name from the shared `ListRoots`; an OU's from `DescribeOrganizationalUnit`.
    async fn name<D: Directory>(&self, dir: &D, id: &str) -> Result<String, CallError> {
        if !id.starts_with("r-") {
            return dir.ou_name(id).await;
        }
        let roots = self.roots.get_or_try_init(|| dir.roots()).await?;
        Ok(roots
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| id.to_string(), |r| r.name.clone()))
    }

    fn new(roots: &Roots) -> OuNames {
        OuNames {
            names: HashMap::new(),
            roots: roots.clone(),
        }
    }
}

impl OuNames {
    /// Completes an account's OU ancestry: ids from the subtree walk when the listing had none,
    /// then names.
    async fn fill<D: Directory>(
        &mut self,
        dir: &D,
        walked: &HashMap<String, String>,
        mut a: Account,
    ) -> Account {
        a.ou_ids = ancestry(walked, &a).to_string();
        a.ou_path = self.path(dir, &a.ou_ids).await;
        a
    }
}

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
async fn shape<D: Directory>(aws: &D, roots: &Roots) -> Result<Vec<(Node, OuPage)>, CallError> {
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
) -> Result<(), CallError> {
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

#[cfg(test)]
mod tests {
    use super::super::directory::AccountPage;
    use super::*;
    use crate::call::ErrorKind;
    use std::sync::{Arc, Mutex};

    /// A directory that names OUs and counts the lookups; `ou-x-denied000` cannot be read.
    #[derive(Clone, Default)]
    struct Names(Arc<Mutex<Vec<String>>>);

    impl Directory for Names {
        async fn list_accounts_page(&self, _: Option<String>) -> Result<AccountPage, CallError> {
            Ok(AccountPage::default())
        }
        async fn describe_ou(&self, _: &str) -> Result<(), CallError> {
            Ok(())
        }
        async fn ou_name(&self, id: &str) -> Result<String, CallError> {
            self.0.lock().expect("lookups").push(id.to_string());
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            match id {
                "r-ab12" => Ok("Root".into()),
                "ou-ab12-prod0001" => Ok("Prod".into()),
                "ou-ab12-dev00001" => Ok("Dev".into()),
                _ => Err(CallError::new(
                    "DescribeOrganizationalUnit",
                    "AccessDeniedException",
                    "no",
                    ErrorKind::AccessDenied,
                )),
            }
        }
        async fn ou_ancestry(&self, ou: &str) -> Result<Vec<String>, CallError> {
            Ok(vec![ou.to_string()])
        }
        async fn child_ous(&self, _: &str) -> Result<Vec<String>, CallError> {
            Ok(Vec::new())
        }
        async fn child_accounts(&self, _: &str) -> Result<Vec<String>, CallError> {
            Ok(Vec::new())
        }
        async fn roots(&self) -> Result<Vec<Node>, CallError> {
            self.0
                .lock()
                .expect("lookups")
                .push("ListRoots".to_string());
            Ok(vec![Node {
                id: "r-ab12".into(),
                name: "Root".into(),
            }])
        }
        async fn accounts_for_parent_page(
            &self,
            _: &str,
            _: Option<String>,
        ) -> Result<AccountPage, CallError> {
            Ok(AccountPage::default())
        }
        async fn ous_for_parent_page(
            &self,
            _: &str,
            _: Option<String>,
        ) -> Result<OuPage, CallError> {
            Ok(OuPage::default())
        }
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn ou_names_are_looked_up_once_per_ou_and_an_unreadable_one_shows_its_id() {
        let dir = Names::default();
        let mut names = OuNames::new(&Roots::default());
        assert_eq!(
            names
                .path(&dir, "r-ab12/ou-ab12-prod0001/ou-ab12-dev00001")
                .await,
            "Root/Prod/Dev"
        );
        assert_eq!(
            names.path(&dir, "r-ab12/ou-ab12-prod0001").await,
            "Root/Prod"
        );
        assert_eq!(
            names.path(&dir, "r-ab12/ou-x-denied000").await,
            "Root/ou-x-denied000"
        );
        assert_eq!(
            names.path(&dir, "r-ab12/ou-x-denied000").await,
            "Root/ou-x-denied000"
        );
        assert_eq!(names.path(&dir, "").await, "");
        assert_eq!(
            *dir.0.lock().expect("lookups"),
            vec![
                "ListRoots",
                "ou-ab12-prod0001",
                "ou-ab12-dev00001",
                "ou-x-denied000"
            ],
            "one lookup per distinct OU, failures included; the root's name from ListRoots"
        );
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_pages_ou_names_are_looked_up_side_by_side_and_once() {
        let dir = Names::default();
        let mut names = OuNames::new(&Roots::default());
        let in_ou = |id: &str, ou_ids: &str| Account {
            id: id.into(),
            name: format!("name-{id}"),
            email: format!("{id}@example.com"),
            state: "ACTIVE".into(),
            ou_ids: ou_ids.into(),
            ou_path: String::new(),
        };
        let page = vec![
            in_ou("100000000001", "r-ab12/ou-ab12-prod0001"),
            in_ou("100000000002", "r-ab12/ou-ab12-prod0001/ou-ab12-dev00001"),
            in_ou("100000000003", "r-ab12/ou-x-denied000"),
            in_ou("100000000004", ""),
        ];
        // The fourth account's ancestry comes from the subtree walk of `--ou`.
        let walked = HashMap::from([(
            "100000000004".to_string(),
            "r-ab12/ou-ab12-dev00001".to_string(),
        )]);
        let start = tokio::time::Instant::now();
        names.learn(&dir, &walked, &page).await;
        assert_eq!(
            start.elapsed(),
            std::time::Duration::from_millis(100),
            "three OUs named in one lookup's time"
        );
        let mut lookups = dir.0.lock().expect("lookups").clone();
        lookups.sort();
        assert_eq!(
            lookups,
            vec![
                "ListRoots",
                "ou-ab12-dev00001",
                "ou-ab12-prod0001",
                "ou-x-denied000"
            ]
        );
        let mut filled = Vec::new();
        for a in page {
            filled.push(names.fill(&dir, &walked, a).await.ou_path);
        }
        assert_eq!(
            filled,
            vec![
                "Root/Prod",
                "Root/Prod/Dev",
                "Root/ou-x-denied000",
                "Root/Dev"
            ]
        );
        assert_eq!(
            dir.0.lock().expect("lookups").len(),
            4,
            "filling the page asks for no name again"
        );
    }
}
