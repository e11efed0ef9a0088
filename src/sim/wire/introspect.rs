//! `/_sim/state`: the organization, every root user's credentials, IAM users and groups and the
//! run's seed as JSON, for tests; `/_sim/sessions`: the sessions issued.

use crate::sim::services::iam::list::status;
use crate::sim::world::credentials::{Certificate, RootUser};
use crate::sim::world::directory::Directory;
use crate::sim::world::model::iso8601;
use crate::sim::world::state::Grant;
use crate::sim::world::state::World;
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
    let (roots, dirs, buckets, queues) = {
        let guard = world.lock();
        (
            guard.roots.clone(),
            guard.iam.clone(),
            guard.buckets.clone(),
            guard.queues.clone(),
        )
    };
    let named = |list: &[crate::sim::world::model::Bucket]| -> Vec<Value> {
        list.iter()
            .map(|b| json!({ "name": b.name, "policy": b.policy, "region": b.region }))
            .collect()
    };
    let mut accounts = Map::new();
    let moved = world.moved();
    for ((((a, root), dir), buckets), queues) in world
        .accounts
        .iter()
        .zip(&roots)
        .zip(&dirs)
        .zip(&buckets)
        .zip(&queues)
    {
        let (buckets, queues) = (named(buckets), named(queues));
        // Where the account is now (a scripted move may have changed it).
        let parent = world
            .account(&a.id)
            .map_or(a.parent.as_str(), |i| world.parent_of(&moved, i));
        accounts.insert(
            a.id.clone(),
            json!({
                "name": a.name, "email": a.email, "state": a.state.as_str(), "parent": parent,
                "root": root_json(root), "roles": a.roles, "users": users_json(dir),
                "groups": groups_json(dir), "unassigned_virtual_mfa": dir.unassigned_virtual_mfa,
                "buckets": buckets, "queues": queues,
            }),
        );
    }
    let ous: Vec<Value> = world
        .ous
        .iter()
        .map(|o| json!({ "id": o.id, "name": o.name, "parent": o.parent }))
        .collect();
    json!({ "seed": world.dice.seed(), "organization": organization, "ous": ous, "accounts": accounts })
}

fn root_json(r: &RootUser) -> Value {
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

/// `{ id, status }` of each signing certificate or SSH public key of a user.
fn with_status(list: &[Certificate]) -> Vec<Value> {
    list.iter()
        .map(|c| json!({ "id": c.id, "status": status(c.active) }))
        .collect()
}

/// Users by name: each one's credentials (ids, statuses and dates, never a secret) and policies.
fn users_json(dir: &Directory) -> Value {
    let mut users = Map::new();
    for u in &dir.users {
        users.insert(u.name.clone(), json!({
            "id": u.id,
            "path": u.path,
            "created": iso8601(u.created),
            "password": u.password.as_ref().map(|lp| json!({
                "created": iso8601(lp.created),
                "last_used": lp.password_last_used.map(iso8601),
            })),
            "mfa_devices": u.mfa.iter().map(|d| json!({
                "serial": d.serial, "kind": d.kind.as_str(), "enable_date": iso8601(d.enabled),
            })).collect::<Vec<_>>(),
            "access_keys": u.access_keys.iter().map(|k| json!({
                "id": k.id,
                "status": status(k.active),
                "created": iso8601(k.created),
                "last_used": k.last_used.as_ref().map(|(d, _, _)| iso8601(*d)),
            })).collect::<Vec<_>>(),
            "signing_certificates": with_status(&u.signing_certificates),
            "ssh_keys": with_status(&u.ssh_keys),
            "service_credentials": u.service_credentials.iter().map(|c| json!({
                "id": c.id, "service": c.service, "status": status(c.active),
            })).collect::<Vec<_>>(),
            "groups": u.groups,
            "attached_policies": u.attached_policies,
            "inline_policies": u.inline_policies.iter().map(|p| json!({
                "name": p.name, "document": p.document,
            })).collect::<Vec<_>>(),
            "permissions_boundary": u.permissions_boundary,
            "tags": u.tags.iter().map(|t| json!({ "key": t.key, "value": t.value })).collect::<Vec<_>>(),
            "earlier": u.earlier.as_ref().map(|e| json!({
                "path": e.path,
                "created": iso8601(e.created),
                "password": e.password.is_some(),
                "access_keys": e.access_keys.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
                "signing_certificates": e.signing_certificates.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            })),
        }));
    }
    Value::Object(users)
}

/// Groups by name with their policies.
fn groups_json(dir: &Directory) -> Value {
    let mut groups = Map::new();
    for g in &dir.groups {
        groups.insert(
            g.name.clone(),
            json!({
                "id": g.id,
                "attached_policies": g.attached_policies,
                "inline_policies": g.inline_policies.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            }),
        );
    }
    Value::Object(groups)
}

/// `/_sim/sessions`: every session issued so far (AssumeRoot and AssumeRole), secrets included. The simulator's
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
                "kind": match s.grant { Grant::Root(_) => "root", Grant::Role { .. } => "role" },
                "task_policy": s.task_policy().map(|p| p.name()),
                "role": match &s.grant { Grant::Role { role, .. } => Some(role.as_str()), Grant::Root(_) => None },
                "session_name": match &s.grant { Grant::Role { session_name, .. } => Some(session_name.as_str()), Grant::Root(_) => None },
                "expires": iso8601(s.expires),
            })
        })
        .collect();
    Value::Array(sessions)
}
