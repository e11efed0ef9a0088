//! Organizations: the organization, trusted access, delegated administrators, accounts and OUs.

use super::{pages, Aws, Error};
use crate::model::Account;
use crate::run::directory::{AccountPage, Node, OuPage};

/// What DescribeOrganization says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// `o-...`
    pub id: String,
    /// `ALL` or `CONSOLIDATED_BILLING`.
    pub feature_set: String,
    /// The management account id.
    pub management_account: String,
}

impl Aws {
    /// `organizations:DescribeOrganization`.
    pub async fn describe_organization(&self) -> Result<Organization, Error> {
        let out = self
            .send("DescribeOrganization", || {
                self.org.describe_organization().send()
            })
            .await?;
        let org = out.organization();
        Ok(Organization {
            id: org.and_then(|o| o.id()).unwrap_or_default().to_string(),
            feature_set: org
                .and_then(|o| o.feature_set())
                .map(|f| f.as_str().to_string())
                .unwrap_or_default(),
            management_account: org
                .and_then(|o| o.master_account_id())
                .unwrap_or_default()
                .to_string(),
        })
    }

    /// Whether trusted access is enabled for a service principal (all pages).
    pub async fn service_access_enabled(&self, principal: &str) -> Result<bool, Error> {
        const OP: &str = "ListAWSServiceAccessForOrganization";
        let principals = pages::collect(OP, |token| async move {
            let out = self
                .send(OP, || {
                    self.org
                        .list_aws_service_access_for_organization()
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            let items = out
                .enabled_service_principals()
                .iter()
                .filter_map(|p| p.service_principal().map(str::to_string))
                .collect();
            Ok((items, out.next_token().map(str::to_string)))
        })
        .await?;
        Ok(principals.iter().any(|p| p == principal))
    }

    /// Account ids registered as delegated administrators for a service principal (all pages).
    pub async fn delegated_administrators(&self, principal: &str) -> Result<Vec<String>, Error> {
        const OP: &str = "ListDelegatedAdministrators";
        pages::collect(OP, |token| async move {
            let out = self
                .send(OP, || {
                    self.org
                        .list_delegated_administrators()
                        .service_principal(principal)
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            let items = out
                .delegated_administrators()
                .iter()
                .filter_map(|d| d.id().map(str::to_string))
                .collect();
            Ok((items, out.next_token().map(str::to_string)))
        })
        .await
    }

    /// One page of `organizations:ListAccounts` (at most 20 accounts).
    pub async fn list_accounts_page(&self, token: Option<String>) -> Result<AccountPage, Error> {
        let out = self
            .send("ListAccounts", || {
                self.org
                    .list_accounts()
                    .max_results(20)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        let accounts = out.accounts().iter().map(convert_account).collect();
        let next_token = out.next_token().map(str::to_string);
        if next_token.is_some() && next_token == token {
            return Err(Error::pagination_loop("ListAccounts"));
        }
        Ok(AccountPage {
            accounts,
            next_token,
        })
    }

    /// Checks that an OU exists (`DescribeOrganizationalUnit`).
    pub async fn describe_ou(&self, ou: &str) -> Result<(), Error> {
        self.send("DescribeOrganizationalUnit", || {
            self.org
                .describe_organizational_unit()
                .organizational_unit_id(ou)
                .send()
        })
        .await
        .map(|_| ())
    }

    /// The name of the root (`ListRoots`) or of an OU (`DescribeOrganizationalUnit`).
    pub async fn ou_name(&self, id: &str) -> Result<String, Error> {
        if id.starts_with("r-") {
            return Ok(self
                .roots()
                .await?
                .into_iter()
                .find(|root| root.id == id)
                .map_or_else(|| id.to_string(), |root| root.name));
        }
        let out = self
            .send("DescribeOrganizationalUnit", || {
                self.org
                    .describe_organizational_unit()
                    .organizational_unit_id(id)
                    .send()
            })
            .await?;
        Ok(out
            .organizational_unit()
            .and_then(|o| o.name())
            .unwrap_or(id)
            .to_string())
    }

    /// `ListRoots`, all pages.
    pub async fn roots(&self) -> Result<Vec<Node>, Error> {
        const OP: &str = "ListRoots";
        pages::collect(OP, |token| async move {
            let out = self
                .send(OP, || {
                    self.org.list_roots().set_next_token(token.clone()).send()
                })
                .await?;
            let items = out
                .roots()
                .iter()
                .filter_map(|r| {
                    let id = r.id()?.to_string();
                    let name = r.name().unwrap_or(&id).to_string();
                    Some(Node { id, name })
                })
                .collect();
            Ok((items, out.next_token().map(str::to_string)))
        })
        .await
    }

    /// The OU ids from the root down to `ou` inclusive (`ListParents`, repeatedly).
    pub async fn ou_ancestry(&self, ou: &str) -> Result<Vec<String>, Error> {
        let mut path = vec![ou.to_string()];
        let mut child = ou.to_string();
        // An organization is at most five OU levels deep; the bound guards against a cycle.
        for _ in 0..10 {
            let out = self
                .send("ListParents", || {
                    self.org.list_parents().child_id(&child).send()
                })
                .await?;
            let Some(parent) = out.parents().first().and_then(|p| p.id()) else {
                break;
            };
            path.insert(0, parent.to_string());
            if parent.starts_with("r-") {
                break;
            }
            child = parent.to_string();
        }
        Ok(path)
    }

    /// The parent (root or OU id) of an account or an OU: `ListParents`, paced as the tree walk
    /// (a child has exactly one parent). No parent in the answer is an error, never an account
    /// taken to be nowhere.
    pub async fn parent(&self, child: &str) -> Result<String, Error> {
        const OP: &str = "ListParents";
        let out = self
            .send_walk(OP, || self.org.list_parents().child_id(child).send())
            .await?;
        match out.parents().first().and_then(|p| p.id()) {
            Some(parent) => Ok(parent.to_string()),
            None => Err(Error::new(
                OP,
                "NoParent",
                "the answer names no parent",
                super::ErrorKind::Transient,
            )),
        }
    }

    /// Child OUs of a parent (all pages).
    pub async fn child_ous(&self, parent: &str) -> Result<Vec<String>, Error> {
        let ous = pages::collect("ListOrganizationalUnitsForParent", |token| async move {
            let page = self.ous_for_parent_page(parent, token).await?;
            Ok((page.ous, page.next_token))
        })
        .await?;
        Ok(ous.into_iter().map(|ou| ou.id).collect())
    }

    /// Account ids directly under a parent (all pages).
    pub async fn child_accounts(&self, parent: &str) -> Result<Vec<String>, Error> {
        let accounts = pages::collect("ListAccountsForParent", |token| async move {
            let page = self.accounts_for_parent_page(parent, token).await?;
            Ok((page.accounts, page.next_token))
        })
        .await?;
        Ok(accounts.into_iter().map(|a| a.id).collect())
    }

    /// One page of `ListAccountsForParent` (at most 20 accounts), paced as the tree walk.
    pub async fn accounts_for_parent_page(
        &self,
        parent: &str,
        token: Option<String>,
    ) -> Result<AccountPage, Error> {
        const OP: &str = "ListAccountsForParent";
        let out = self
            .send_walk(OP, || {
                self.org
                    .list_accounts_for_parent()
                    .parent_id(parent)
                    .max_results(20)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        let next_token = out.next_token().map(str::to_string);
        if next_token.is_some() && next_token == token {
            return Err(Error::pagination_loop(OP));
        }
        Ok(AccountPage {
            accounts: out.accounts().iter().map(convert_account).collect(),
            next_token,
        })
    }

    /// One page of `ListOrganizationalUnitsForParent` (at most 20 OUs), paced as the tree walk.
    pub async fn ous_for_parent_page(
        &self,
        parent: &str,
        token: Option<String>,
    ) -> Result<OuPage, Error> {
        const OP: &str = "ListOrganizationalUnitsForParent";
        let out = self
            .send_walk(OP, || {
                self.org
                    .list_organizational_units_for_parent()
                    .parent_id(parent)
                    .max_results(20)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        let next_token = out.next_token().map(str::to_string);
        if next_token.is_some() && next_token == token {
            return Err(Error::pagination_loop(OP));
        }
        let ous = out
            .organizational_units()
            .iter()
            .filter_map(|o| {
                let id = o.id()?.to_string();
                let name = o.name().unwrap_or(&id).to_string();
                Some(Node { id, name })
            })
            .collect();
        Ok(OuPage { ous, next_token })
    }
}

fn convert_account(a: &aws_sdk_organizations::types::Account) -> Account {
    let id = a.id().unwrap_or_default().to_string();
    // `State` is authoritative; the deprecated `Status` only when `State` is absent.
    let state = match (a.state(), a.status()) {
        (Some(state), _) => state.as_str().to_string(),
        (None, Some(status)) => status.as_str().to_string(),
        (None, None) => String::new(),
    };
    let ou_ids = a
        .paths()
        .first()
        .map(|p| crate::targets::ou_path_from_path(p, &id))
        .unwrap_or_default();
    Account {
        name: a.name().unwrap_or_default().to_string(),
        email: a.email().unwrap_or_default().to_string(),
        state,
        // Named by the enumeration (one lookup per OU, cached).
        ou_path: String::new(),
        ou_ids,
        id,
    }
}
