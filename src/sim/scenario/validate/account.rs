//! One `[[accounts]]` entry: its id, name, email, state, parent, root user, IAM directory,
//! roles, buckets and queues, checked and converted for `validate`, which calls it.

use crate::sim::scenario::raw;
use crate::sim::scenario::source::{Error, Source};
use crate::sim::scenario::validate::ctx::Ctx;
use crate::sim::scenario::validate::values::account_id;
use crate::sim::scenario::validate::{resources, root, users};
use crate::sim::world::model::*;
use time::OffsetDateTime;

type Result<T> = std::result::Result<T, Error>;

pub(crate) fn account(
    a: &raw::Account,
    org: &Organization,
    ous: &[Ou],
    now: OffsetDateTime,
    src: &Source<'_>,
) -> Result<Account> {
    let id = account_id(&a.id, "id", src)?;
    let status = match &a.status {
        None => None,
        Some(s) if s.get_ref().is_empty() => Some(None),
        Some(s) => match AccountState::LEGACY_STATUSES
            .iter()
            .find(|n| *n == s.get_ref())
        {
            Some(n) => Some(Some(*n)),
            None => {
                return Err(src.error(
                    s.span(),
                    "status",
                    format!(
                        "unknown account status {:?} (ACTIVE, SUSPENDED, PENDING_CLOSURE, or \"\" to leave it out)",
                        s.get_ref()
                    ),
                ))
            }
        },
    };
    let (state, state_listed) = match &a.state {
        None => (AccountState::Active, true),
        // No `State` on the wire: the account behaves as its `Status` says (ACTIVE by default).
        Some(s) if s.get_ref().is_empty() => {
            let from_status = status.flatten().and_then(|n| {
                AccountState::ALL
                    .iter()
                    .find(|(_, name)| *name == n)
                    .map(|(st, _)| *st)
            });
            (from_status.unwrap_or(AccountState::Active), false)
        }
        Some(s) => AccountState::ALL
            .iter()
            .find(|(_, n)| n == s.get_ref())
            .map(|(st, _)| (*st, true))
            .ok_or_else(|| {
                src.error(
                    s.span(),
                    "state",
                    format!("unknown account state {:?}", s.get_ref()),
                )
            })?,
    };
    let status = status.unwrap_or_else(|| state.legacy_status());
    let parent = match &a.ou {
        None => org.root_id.clone(),
        Some(ou) if *ou.get_ref() == org.root_id || ous.iter().any(|o| o.id == *ou.get_ref()) => {
            ou.get_ref().clone()
        }
        Some(ou) => {
            return Err(src.error(ou.span(), "ou", format!("unknown OU {:?}", ou.get_ref())))
        }
    };
    let root = root::root_user(&a.root, &id, org.partition, src)?;
    let ctx = Ctx {
        account: &id,
        partition: org.partition,
        now,
        src,
    };
    let iam = users::directory(&a.users, &a.groups, &ctx)?;
    let roles = users::roles(a.roles.as_ref(), id == org.management_account, src)?;
    let buckets = a
        .buckets
        .iter()
        .map(|b| resources::bucket(b, src))
        .collect::<Result<Vec<_>>>()?;
    let queues = a
        .queues
        .iter()
        .map(|q| resources::queue(q, src))
        .collect::<Result<Vec<_>>>()?;
    Ok(Account {
        iam,
        roles,
        buckets,
        queues,
        external_id: a.external_id.clone(),
        name: a.name.clone().unwrap_or_else(|| format!("account-{id}")),
        email: a
            .email
            .clone()
            .unwrap_or_else(|| format!("{id}@example.com")),
        id,
        state,
        state_listed,
        status,
        parent,
        root,
    })
}
