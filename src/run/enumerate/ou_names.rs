//! OU names for the accounts' ancestries: each OU (or root) looked up once per run, a page's
//! missing names side by side, and an unreadable name shown as its id.

use crate::call::Error;
use crate::model::Account;
use crate::run::directory::{Directory, Node};
use futures::StreamExt;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// OU names by id, each looked up once per run (one call per distinct OU, never per account).
#[derive(Default)]
pub(super) struct OuNames {
    names: HashMap<String, String>,
    /// `ListRoots`, read once per run and shared with the shape probe of [`super::spawn`].
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
pub(super) type Roots = Arc<tokio::sync::OnceCell<Vec<Node>>>;

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
    pub(super) async fn learn<D: Directory>(
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
    async fn name<D: Directory>(&self, dir: &D, id: &str) -> Result<String, Error> {
        if !id.starts_with("r-") {
            return dir.ou_name(id).await;
        }
        let roots = self.roots.get_or_try_init(|| dir.roots()).await?;
        Ok(roots
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| id.to_string(), |r| r.name.clone()))
    }

    /// No names yet; `roots` is the run's shared `ListRoots`.
    pub(super) fn new(roots: &Roots) -> OuNames {
        OuNames {
            names: HashMap::new(),
            roots: roots.clone(),
        }
    }
}

impl OuNames {
    /// Completes an account's OU ancestry: ids from the subtree walk when the listing had none,
    /// then names.
    pub(super) async fn fill<D: Directory>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::ErrorKind;
    use crate::run::directory::{AccountPage, OuPage};
    use std::sync::{Arc, Mutex};

    /// A directory that names OUs and counts the lookups; `ou-x-denied000` cannot be read.
    #[derive(Clone, Default)]
    struct Names(Arc<Mutex<Vec<String>>>);

    impl Directory for Names {
        async fn list_accounts_page(&self, _: Option<String>) -> Result<AccountPage, Error> {
            Ok(AccountPage::default())
        }
        async fn describe_ou(&self, _: &str) -> Result<(), Error> {
            Ok(())
        }
        async fn ou_name(&self, id: &str) -> Result<String, Error> {
            self.0.lock().expect("lookups").push(id.to_string());
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            match id {
                "r-ab12" => Ok("Root".into()),
                "ou-ab12-prod0001" => Ok("Prod".into()),
                "ou-ab12-dev00001" => Ok("Dev".into()),
                _ => Err(Error::new(
                    "DescribeOrganizationalUnit",
                    "AccessDeniedException",
                    "no",
                    ErrorKind::AccessDenied,
                )),
            }
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
        ) -> Result<AccountPage, Error> {
            Ok(AccountPage::default())
        }
        async fn ous_for_parent_page(&self, _: &str, _: Option<String>) -> Result<OuPage, Error> {
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
