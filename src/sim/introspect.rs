//! `/_sim/state`: the organization, every root user's credentials and the run's seed as JSON,
//! for tests.

use super::model::RootUser;
use super::query::iso8601;
use super::state::World;
use serde_json::{json, Map, Value};

/// The current state as a JSON document.
pub(crate) fn state(world: &World) -> Value {
    let o = &world.org;
    let organization = json!({
        "id": o.id,
        "partition": o.partition.as_str(),
        "management_account": o.management_account,
        "root_id": o.root_id,
        "feature_set": if o.all_features { "ALL" } else { "CONSOLIDATED_BILLING" },
        "trusted_access": o.trusted_access,
        "iam_features": o.iam_features,
        "delegated_administrators": o.delegated_administrators.iter()
            .map(|(a, s)| json!({ "account": a, "service_principal": s })).collect::<Vec<_>>(),
    });
    let roots: Vec<RootUser> = world.lock().roots.clone();
    let mut accounts = Map::new();
    for (a, root) in world.accounts.iter().zip(&roots) {
        accounts.insert(
            a.id.clone(),
            json!({ "name": a.name, "email": a.email, "state": a.state.as_str(), "parent": a.parent, "root": root_json(root) }),
        );
    }
    json!({ "seed": world.dice.seed(), "organization": organization, "accounts": accounts })
}

fn root_json(r: &RootUser) -> Value {
    let status = |active: bool| if active { "Active" } else { "Inactive" };
    json!({
        "login_profile": r.login_profile.as_ref().map(|lp| json!({
            "created": iso8601(lp.created),
            "password_last_used": lp.password_last_used.map(iso8601),
        })),
        "mfa_devices": r.mfa.iter().map(|d| json!({
            "serial": d.serial, "kind": d.kind.as_str(), "enable_date": iso8601(d.enabled),
        })).collect::<Vec<_>>(),
        "unassigned_virtual_mfa": r.unassigned_virtual_mfa,
        "access_keys": r.access_keys.iter().map(|k| json!({
            "id": k.id,
            "status": status(k.active),
            "created": iso8601(k.created),
            "last_used": k.last_used.as_ref().map(|(d, _, _)| iso8601(*d)),
            "service": k.last_used.as_ref().map(|(_, s, _)| s),
            "region": k.last_used.as_ref().map(|(_, _, r)| r),
        })).collect::<Vec<_>>(),
        "signing_certificates": r.signing_certificates.iter().map(|c| json!({
            "id": c.id, "status": status(c.active), "uploaded": iso8601(c.uploaded),
        })).collect::<Vec<_>>(),
    })
}

/// `/_sim/sessions`: every root session issued so far, secrets included. The simulator's
/// sessions are fake; tests use this to prove the client never prints or stores them.
pub(crate) fn sessions(world: &World) -> Value {
    let guard = world.lock();
    let sessions: Vec<Value> = guard
        .sessions
        .iter()
        .map(|(key, s)| {
            json!({
                "access_key_id": key,
                "secret_access_key": s.secret,
                "session_token": s.token,
                "account": world.accounts.get(s.account).map(|a| a.id.as_str()),
                "task_policy": s.policy.name(),
            })
        })
        .collect();
    Value::Array(sessions)
}
