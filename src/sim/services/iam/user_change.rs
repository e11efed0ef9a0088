//! How every change to one IAM user runs: the user is found by name (any case) with the state
//! locked, the change is made, and what it leaves for the directory (an unassigned virtual MFA
//! device, or a record for the stale reads of `iam_consistency_ms`) is recorded afterwards. The
//! changes themselves are in `user_delete` and `user_update`.

use crate::sim::services::error::Error;
use crate::sim::services::iam::list::{no_such, required};
use crate::sim::services::iam::users::Scope;
use crate::sim::services::request::Params;
use crate::sim::services::xml::Xml;
use crate::sim::world::credentials::Kind;
use crate::sim::world::user::User;
use std::time::Instant;

/// What a change leaves for the directory to record once the user is no longer borrowed.
pub(crate) enum After {
    Nothing,
    /// A deactivated virtual MFA device stays in the account, unassigned.
    Unassigned(String),
    /// A policy detached from `user` at `position` (for stale reads).
    Detached {
        user: String,
        position: usize,
        arn: String,
    },
    /// The status of the user's `kind` credential `id` changed; `was` whether it was active
    /// (for stale reads).
    StatusChanged {
        kind: Kind,
        id: String,
        was: bool,
    },
}

/// Which user a change is about.
#[derive(Clone, Copy)]
pub(crate) enum Named {
    /// `UserName`, which the request must give.
    Given,
    /// `UserName`, else the caller's own user.
    OrOwn,
}

/// AWS's message for a `kind` credential `id` the user does not hold (`NoSuchEntity`).
pub(crate) fn not_held(kind: Kind, id: &str) -> String {
    match kind {
        Kind::AccessKey => format!("The Access Key with id {id} cannot be found."),
        Kind::SigningCertificate => format!("The Certificate with id {id} cannot be found."),
        Kind::SshKey => format!("The Public Key with id {id} cannot be found."),
        Kind::ServiceCredential => format!("No such credential {id} exists."),
    }
}

/// Runs `change` on the user the request names (and with the name as requested), with the
/// state locked; no output.
pub(crate) fn on_user(
    scope: &Scope<'_>,
    named: Named,
    change: impl FnOnce(&mut User, &str, &Params) -> Result<After, Error>,
) -> Result<Xml, Error> {
    let p = scope.params;
    let mut state = scope.world.lock();
    let dir = &mut state.iam[scope.index];
    let name = match named {
        Named::OrOwn => scope.user_name()?,
        Named::Given => required(p, "UserName")?,
    };
    let Some(user) = dir.user_mut(name) else {
        return Err(no_such(format!(
            "The user with name {name} cannot be found."
        )));
    };
    let after = change(user, name, p)?;
    let user = user.name.clone();
    let (now, window) = (Instant::now(), scope.consistency());
    match after {
        After::Nothing => {}
        After::Unassigned(serial) => dir.unassigned_virtual_mfa.push(serial),
        After::Detached {
            user,
            position,
            arn,
        } => dir
            .recent
            .policy_detached(now, &user, position, &arn, window),
        After::StatusChanged { kind, id, was } => {
            dir.recent
                .status_changed(now, (kind, &user, &id), was, window)
        }
    }
    Ok(Xml::new())
}
