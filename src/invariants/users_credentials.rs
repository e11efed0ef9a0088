//! The credentials the `users deactivate` and `users reactivate` invariants reason about: a
//! credential's key, its state on a fake user, the credential a status call targets, what
//! someone else does to a user between the plan and the change, and how the printed plan, the
//! credential reports and the undo record read back. Pure; it judges nothing itself.

use super::users::report_under;
use super::Writes;
use crate::users::fake::{Cred, User};
use crate::users::model::Call;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The caller: the management account's `admin`.
pub(super) const CALLER: &str = "arn:aws:iam::111111111111:user/admin";

/// One credential: (account, user, credential type, id — empty for the password).
pub(super) type Key = (String, String, String, String);

/// The key of `account`'s credential of `kind` with `id`, held by `user`.
pub(super) fn key(account: &str, user: &str, kind: &str, id: &str) -> Key {
    (account.into(), user.into(), kind.into(), id.into())
}

/// The access key of a fake user.
pub(super) fn key_id(name: &str) -> String {
    format!("AKIA{}", name.to_uppercase())
}

/// The credential a status call (or a password's deletion) targets, or `None` for any other
/// call.
pub(super) fn target(account: &str, call: &Call) -> Option<Key> {
    let (user, kind, id) = match call {
        Call::UpdateAccessKey { user, id, .. } => (user, "access-key", id.as_str()),
        Call::DeleteLoginProfile { user } => (user, "password", ""),
        Call::UpdateSshPublicKey { user, id, .. } => (user, "ssh-public-key", id.as_str()),
        Call::UpdateServiceSpecificCredential { user, id, .. } => {
            (user, "service-specific-credential", id.as_str())
        }
        Call::UpdateSigningCertificate { user, id, .. } => {
            (user, "signing-certificate", id.as_str())
        }
        _ => return None,
    };
    Some(key(account, user, kind, id))
}

/// The credential `key` on `u`: whether it is there and active (a password: there).
pub(super) fn active(u: Option<&User>, key: &Key) -> Option<bool> {
    let u = u?;
    let cred = |list: &[Cred]| list.iter().find(|c| c.id == key.3).map(|c| c.active);
    match key.2.as_str() {
        "access-key" => (u.key.is_some() && key.3 == key_id(&u.name)).then_some(!u.key_inactive),
        "password" => u.password.map(|_| true),
        "ssh-public-key" => cred(&u.ssh_keys),
        "service-specific-credential" => cred(&u.service_credentials),
        _ => cred(&u.certificates),
    }
}

/// The credentials IAM records no use for, of every kind.
fn unmonitored(u: &mut User) -> impl Iterator<Item = &mut Cred> {
    let all = u.ssh_keys.iter_mut().chain(&mut u.service_credentials);
    all.chain(&mut u.certificates)
}

/// How many changes [`edit`] knows.
pub(super) const EDITS: usize = 9;
/// The first edits of [`edit`]: they use, switch off or delete a credential (never switch
/// one on).
pub(super) const EDITS_OFF: usize = 7;

/// A change someone else makes between the plan and the change.
pub(super) fn edit(kind: usize) -> fn(&mut User) {
    match kind {
        // The key, or the password, used now.
        0 => |u| {
            if let Some(k) = &mut u.key {
                *k = Some(0);
            }
        },
        1 => |u| {
            if let Some(p) = &mut u.password {
                *p = Some(0);
            }
        },
        // The key deactivated, or deleted.
        2 => |u| u.key_inactive = true,
        3 => |u| u.key = None,
        // The unmonitored credentials deactivated, or deleted.
        4 => |u| unmonitored(u).for_each(|c| c.active = false),
        5 => |u| {
            u.ssh_keys.clear();
            u.service_credentials.clear();
            u.certificates.clear();
        },
        // The user renamed: gone under its name.
        6 => |u| u.name.push_str("-renamed"),
        // The key, or the unmonitored credentials, switched on again.
        7 => |u| u.key_inactive = false,
        _ => |u| unmonitored(u).for_each(|c| c.active = true),
    }
}

/// One account of the printed plan.
#[derive(Debug, Clone, Default)]
pub(super) struct Planned {
    pub verdict: String,
    /// Every step, and the steps the plan marks refused (never to be called).
    pub steps: BTreeSet<Key>,
    pub refused: BTreeSet<Key>,
}

/// The plan's entries as printed, by account.
pub(super) fn planned(plan: Option<&Vec<Value>>) -> BTreeMap<String, Planned> {
    let mut all = BTreeMap::new();
    for e in plan.into_iter().flatten() {
        let account = e["account_id"].as_str().unwrap_or("");
        let mut p = Planned {
            verdict: e["verdict"].as_str().unwrap_or("").to_string(),
            ..Planned::default()
        };
        for s in e["steps"].as_array().into_iter().flatten() {
            let text = |k: &str| s[k].as_str().unwrap_or("");
            let k = key(account, text("user"), text("kind"), text("id"));
            if !s["refused"].is_null() {
                p.refused.insert(k.clone());
            }
            p.steps.insert(k);
        }
        all.insert(account.to_string(), p);
    }
    all
}

/// The key of a credential report row (an account's own row has an empty user).
pub(super) fn row_key(r: &Value) -> Key {
    let s = |k: &str| r[k].as_str().unwrap_or("");
    key(
        s("account_id"),
        s("user_name"),
        s("credential_type"),
        s("credential_id"),
    )
}

/// A credential report as written: its JSON rows, and the keys it holds (see
/// [`Writes::held`]; `None` when both files were lost).
pub(super) struct Rows {
    pub json: Vec<Value>,
    /// The CSV's rows, cell by column name.
    pub csv: Vec<BTreeMap<String, String>>,
    pub held: Option<Vec<Key>>,
}

/// Report `stem`'s credential rows; a CSV that disagrees with its JSON is broken.
pub(super) fn rows(
    dir: &std::path::Path,
    stem: &str,
    writes: &Writes,
    broken: &mut Vec<String>,
) -> Rows {
    let (json, csv) = report_under(dir, stem, "credentials");
    let csv_keys: Vec<Key> = csv
        .iter()
        .map(|r| {
            let s = |k: &str| r.get(k).map(String::as_str).unwrap_or("");
            key(
                s("account_id"),
                s("user_name"),
                s("credential_type"),
                s("credential_id"),
            )
        })
        .collect();
    let held = writes.held(stem, json.iter().map(row_key).collect(), csv_keys, broken);
    Rows { json, csv, held }
}

impl Rows {
    /// Report `stem` holds each credential at most once; and, when it holds anything, every
    /// one of `wanted`, every one of `done` (changed by the run: `word`), a row of every one
    /// of `accounts`. A report that could not be created may be empty only if nothing is done.
    #[allow(clippy::too_many_arguments)]
    pub fn once_each<'a>(
        &self,
        stem: &str,
        writes: &Writes,
        wanted: impl IntoIterator<Item = &'a Key>,
        accounts: impl IntoIterator<Item = &'a String>,
        done: &BTreeSet<Key>,
        word: &str,
        broken: &mut Vec<String>,
    ) {
        if self.held.as_ref().is_some_and(Vec::is_empty)
            && writes.lost(stem).csv
            && !done.is_empty()
        {
            broken.push(format!(
                "recorded: credentials {word} with no {stem} report"
            ));
        }
        let keys = self.held.as_deref().unwrap_or_default();
        let steps: Vec<&Key> = keys.iter().filter(|k| !k.1.is_empty()).collect();
        let unique: BTreeSet<&Key> = steps.iter().copied().collect();
        if unique.len() != steps.len() {
            broken.push(format!("complete: a credential twice in the {stem} report"));
        }
        if keys.is_empty() {
            return;
        }
        for k in wanted.into_iter().filter(|k| !unique.contains(k)) {
            broken.push(format!("complete: {k:?} planned, not in the report"));
        }
        let reported: BTreeSet<&str> = keys.iter().map(|k| k.0.as_str()).collect();
        for account in accounts {
            if !reported.contains(account.as_str()) {
                broken.push(format!("complete: {account} planned, not in the report"));
            }
        }
        for k in done.iter().filter(|k| !unique.contains(k)) {
            broken.push(format!("complete: {k:?} {word}, not in the report"));
        }
    }
}

/// Whether report `stem`'s JSON says it is complete.
pub(super) fn complete(dir: &std::path::Path, stem: &str) -> bool {
    std::fs::read_to_string(dir.join(format!("{stem}-{}.json", super::RUN_ID)))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .is_some_and(|d| d["complete"] == true)
}

/// Whether the undo record `doc` holds `key`.
pub(super) fn in_record(doc: Option<&Value>, key: &Key) -> bool {
    doc.and_then(|d| d["credentials"].as_array())
        .into_iter()
        .flatten()
        .any(|c| row_key(c) == *key)
}

/// The JSON object of a credential (an undo record's, or a report row's first fields).
pub(super) fn entry(k: &Key) -> String {
    format!(
        r#"{{"account_id":"{}","user_name":"{}","credential_type":"{}","credential_id":"{}"}}"#,
        k.0, k.1, k.2, k.3
    )
}

/// Writes report `stem` with `rows` — (credential, outcome, verified) — in its JSON, and
/// `csv_rows` (the same unless told) in its CSV: how the checkers' own tests doctor a run.
pub(super) fn write_rows(
    dir: &std::path::Path,
    stem: &str,
    rows: &[(&Key, &str, &str)],
    csv_rows: Option<&[(&Key, &str, &str)]>,
) {
    let json: Vec<String> = rows
        .iter()
        .map(|(k, o, v)| {
            let e = entry(k);
            format!(
                r#"{},"outcome":"{o}","verified":"{v}"}}"#,
                &e[..e.len() - 1]
            )
        })
        .collect();
    let csv: String = csv_rows
        .unwrap_or(rows)
        .iter()
        .map(|(k, o, v)| format!("{},{},{},{},{o},{v}\n", k.0, k.1, k.2, k.3))
        .collect();
    let name = |ext| dir.join(format!("{stem}-{}.{ext}", super::RUN_ID));
    let doc = format!(r#"{{"credentials":[{}]}}"#, json.join(","));
    std::fs::write(name("json"), doc).expect("json");
    let header = "account_id,user_name,credential_type,credential_id,outcome,verified\n";
    std::fs::write(name("csv"), format!("{header}{csv}")).expect("csv");
}

/// A plan step: the credential, and why it is refused (if it is).
pub(super) type Step<'a> = (&'a Key, Option<&'a str>);

/// A printed plan: per account (id, verdict, its steps).
pub(super) fn plan_of(entries: &[(&str, &str, &[Step])]) -> Option<Vec<Value>> {
    let entries: Vec<Value> = entries
        .iter()
        .map(|(account, verdict, steps)| {
            let steps: Vec<Value> = steps
                .iter()
                .map(|(k, refused)| {
                    let mut s = serde_json::json!({"user": k.1, "kind": k.2, "id": k.3});
                    if let Some(why) = refused {
                        s["refused"] = Value::from(*why);
                    }
                    s
                })
                .collect();
            serde_json::json!({"account_id": account, "verdict": verdict, "steps": steps})
        })
        .collect();
    Some(entries)
}

/// Asserts that `broken` holds a promise starting with `what`: a checker's test proving it
/// catches one.
pub(super) fn caught(broken: &[String], what: &str) {
    assert!(
        broken.iter().any(|b| b.starts_with(what)),
        "{what} not caught: {broken:?}"
    );
}
