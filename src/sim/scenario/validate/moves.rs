//! `[[moves]]`: accounts moved to another parent while the tree is walked, checked against the
//! organization (the account exists, the new parent and the counted parent are its root or OUs).

use crate::sim::scenario::raw;
use crate::sim::scenario::source::{Error, Source};
use crate::sim::scenario::validate::values::account_id;
use crate::sim::world::model::{Account, Move, Organization, Ou};

/// Validates every `[[moves]]` entry.
pub(crate) fn moves(
    raw: &[raw::Move],
    org: &Organization,
    ous: &[Ou],
    accounts: &[Account],
    src: &Source<'_>,
) -> Result<Vec<Move>, Error> {
    let container = |id: &str| id == org.root_id || ous.iter().any(|o| o.id == id);
    raw.iter()
        .map(|m| {
            let account = account_id(&m.account, "account", src)?;
            if !accounts.iter().any(|a| a.id == account) {
                return Err(src.error(
                    m.account.span(),
                    "account",
                    format!("no account {account} in the organization"),
                ));
            }
            for (key, value) in [("to", Some(&m.to)), ("parent", m.parent.as_ref())] {
                if let Some(v) = value.filter(|v| !container(v.get_ref())) {
                    return Err(src.error(
                        v.span(),
                        key,
                        format!("{:?} is neither the root nor an OU", v.get_ref()),
                    ));
                }
            }
            Ok(Move {
                account,
                to: m.to.get_ref().clone(),
                after: m.after,
                parent: m.parent.as_ref().map(|p| p.get_ref().clone()),
            })
        })
        .collect()
}
