//! The selection: the target filters resolved against the organization before any AssumeRoot
//! call (named ids checked against every account, each OU's subtree walked).

use crate::call;
use crate::model::Account;
use crate::paging::Tokens;
use crate::run::directory::Directory;
use crate::run::Settings;
use crate::targets::{self, Selector};
use std::collections::{BTreeSet, HashMap};

/// Why targets could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    /// A filter names something that is not in the organization.
    #[error(transparent)]
    Target(#[from] targets::Error),
    /// An AWS call failed while resolving the filters.
    #[error("resolving targets: {0}")]
    Call(#[from] call::Error),
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
    config: &Settings,
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
                    return Err(targets::Error::UnknownOu(ou.clone()).into())
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
            return Err(targets::Error::NotInOrganization(missing).into());
        }
        Some(all)
    } else {
        None
    };
    Ok(Resolved { selector, listed })
}

/// Every account, all pages. A token the listing already followed is an error.
pub async fn list_all<D: Directory>(aws: &D) -> Result<Vec<Account>, call::Error> {
    let mut all = Vec::new();
    let mut tokens = Tokens::new("ListAccounts");
    let mut token = None;
    loop {
        let page = aws.list_accounts_page(token.take()).await?;
        all.extend(page.accounts);
        match tokens.next(page.next_token)? {
            Some(next) => token = Some(next),
            None => return Ok(all),
        }
    }
}

async fn walk_subtree<D: Directory>(
    aws: &D,
    ou: &str,
    members: &mut HashMap<String, String>,
) -> Result<(), call::Error> {
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
