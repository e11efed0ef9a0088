//! `users delete --stale-days 90` on generated cases: IAM users with every credential kind and
//! dates spread around the threshold, accounts without the role, failing or slow credential
//! reports, failing listings, IAM reads lagging a deletion, a failing k-th change, a user signing
//! in or given a key between the plan and the change. The invariants per user: no user deleted
//! who used or was issued any credential within 90 days, holds an active credential IAM records
//! no use for, or is the caller; deleted only when the final state shows it gone; every deleted
//! user in the restore record; each planned user once in the report; never exit 0 over anything
//! undone.

use super::generate::{Case, MANAGEMENT};
use super::{parse_csv, Writes, RUN_ID};
use crate::cancel::Cancel;
use crate::run::confirm::{Answer, Confirm};
use crate::run::{Mode, Output};
use crate::users::fake::{Cred, Fake, User};
use crate::users::plan::Select;
use crate::users::restore::Restore;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Days ago on either side of the 90-day threshold, never on it.
fn days(rng: &mut SmallRng) -> i64 {
    if rng.gen_bool(0.5) {
        rng.gen_range(1..=89)
    } else {
        rng.gen_range(91..=400)
    }
}

fn cred(rng: &mut SmallRng, id: String) -> Cred {
    Cred {
        id,
        active: rng.gen_bool(0.5),
        issued_days_ago: days(rng),
    }
}

pub(super) fn user(rng: &mut SmallRng, name: String) -> User {
    let mut u = User {
        name: name.clone(),
        created_days_ago: days(rng),
        ..User::default()
    };
    let created = u.created_days_ago;
    let since = |rng: &mut SmallRng| rng.gen_range(1..=created);
    if rng.gen_bool(0.5) {
        u.password = Some(rng.gen_bool(0.7).then(|| since(rng)));
        u.password_set_days_ago = rng.gen_bool(0.3).then(|| since(rng));
    }
    if rng.gen_bool(0.5) {
        u.key = Some(rng.gen_bool(0.7).then(|| since(rng)));
        u.key_created_days_ago = rng.gen_bool(0.3).then(|| since(rng));
    }
    let kinds = [
        ("CERT", &mut u.certificates),
        ("APKA", &mut u.ssh_keys),
        ("ACCA", &mut u.service_credentials),
    ];
    for (prefix, list) in kinds {
        if rng.gen_bool(0.15) {
            list.push(cred(rng, format!("{prefix}{name}")));
        }
    }
    if rng.gen_bool(0.2) {
        u.mfa.push(format!("arn:aws:iam::000000000000:mfa/{name}"));
    }
    if rng.gen_bool(0.3) {
        u.groups.push("devs".into());
    }
    u
}

/// Whether a user used or was issued anything within 90 days, or holds an active credential
/// IAM records no use for: never to be deleted by age.
pub(super) fn keep(u: &User) -> bool {
    let recent = |d: i64| d < 90;
    let recent_opt = |d: Option<i64>| d.is_some_and(recent);
    let unrecorded = u
        .certificates
        .iter()
        .chain(&u.ssh_keys)
        .chain(&u.service_credentials);
    recent(u.created_days_ago)
        || u.password.is_some_and(recent_opt)
        || (u.password.is_some() && recent_opt(u.password_set_days_ago))
        || u.key.is_some_and(recent_opt)
        || (u.key.is_some() && recent_opt(u.key_created_days_ago))
        || unrecorded
            .clone()
            .any(|c| recent(c.issued_days_ago) || c.active)
}

/// An IAM user by (account id, user name).
pub(super) type UserKey = (String, String);

/// The organization of IAM users of a case, its users, and the users that must survive.
fn world(case: &Case) -> (Fake, BTreeMap<UserKey, User>, BTreeSet<UserKey>) {
    let mut rng = SmallRng::seed_from_u64(case.seed ^ 0x05e5);
    let mut fake = Fake::default().caller(MANAGEMENT).user(
        MANAGEMENT,
        User {
            name: "admin".into(),
            created_days_ago: 900,
            password: Some(Some(400)),
            ..User::default()
        },
    );
    let mut users = BTreeMap::new();
    let mut kept = BTreeSet::from([(MANAGEMENT.to_string(), "admin".to_string())]);
    let mut changes = 0;
    for (id, _, _) in case
        .accounts
        .iter()
        .filter(|(id, s, _)| id != MANAGEMENT && s == "ACTIVE")
    {
        fake = fake.account(id, rng.gen_bool(0.9));
        fake = fake.group(id, "devs", &["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
        for n in 0..rng.gen_range(0..=4) {
            let u = user(&mut rng, format!("u{n}"));
            if keep(&u) {
                kept.insert((id.clone(), u.name.clone()));
            }
            users.insert((id.clone(), u.name.clone()), u.clone());
            fake = fake.user(id, u);
            changes += 1;
        }
        fake = match rng.gen_range(0..12) {
            0 => fake.report_polls(id, rng.gen_range(1..4)),
            1 => fake.credentials_fail(id),
            2 => fake.lagging_reads(id, rng.gen_range(1..4)),
            3 => fake.report_fails(id, "ServiceFailure"),
            _ => fake,
        };
    }
    if let Some(((account, name), _)) = users.iter().nth(rng.gen_range(0..=users.len())) {
        let (account, name) = (account.clone(), name.clone());
        match rng.gen_range(0..3) {
            // A sign-in when the change session opens: in use by the time of the change.
            0 => {
                fake = fake.used_on_change(&account, &name);
                kept.insert((account, name));
            }
            // A key added when the second change session of the account opens (not always
            // this user's, and not always a new key): checked by the report's truth only.
            1 => fake = fake.key_added_before_apply(&account, &name),
            _ => {}
        }
    }
    if rng.gen_bool(0.3) && changes > 0 {
        fake = fake.fail_change(rng.gen_range(1..=changes * 4), "ServiceFailure");
    }
    (fake, users, kept)
}

pub(super) struct Yes;

/// Whether a users run left something undone: what the checker never calls a success in
/// either report, or a change row `skipped` (a planned user or detach left alone by the
/// re-check, exit 4). A `skipped` account of the audit was not to be read (not ACTIVE): no
/// failure.
pub(super) fn undone(change: &[Value], read: &[Value]) -> bool {
    super::any_of(change.iter().chain(read), &super::check::NOT_DONE)
        || super::any_of(change, &["skipped"])
}

impl Confirm for Yes {
    async fn ask(&self, _count: usize, _what: &str) -> Answer {
        Answer::Yes
    }
}

pub(super) fn report(
    dir: &std::path::Path,
    stem: &str,
) -> (Vec<Value>, Vec<BTreeMap<String, String>>) {
    report_under(dir, stem, "users")
}

/// A report's rows under `key` in its JSON, and its CSV rows.
pub(super) fn report_under(
    dir: &std::path::Path,
    stem: &str,
    key: &str,
) -> (Vec<Value>, Vec<BTreeMap<String, String>>) {
    let doc: Value = std::fs::read_to_string(dir.join(format!("{stem}-{RUN_ID}.json")))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    let csv = std::fs::read_to_string(dir.join(format!("{stem}-{RUN_ID}.csv"))).unwrap_or_default();
    (
        doc[key].as_array().cloned().unwrap_or_default(),
        parse_csv(&csv),
    )
}

/// Runs `users delete` on `case`: every invariant that does not hold, and how many users it
/// deleted.
fn check(case: &Case) -> (Vec<String>, usize) {
    super::paused(async {
        let (fake, users, kept) = world(case);
        let dir = tempfile::tempdir().expect("tempdir");
        let cancel = Cancel::default();
        let rules = crate::users::verdict::tests::rules();
        let job = crate::users::Job::new(fake.clone(), MANAGEMENT, rules, cancel.clone());
        let record = dir.path().join("users-deleted.json");
        let restore = Restore::new(record.clone(), "arn:aws:iam::111111111111:user/admin");
        let job = crate::users::Delete::new(job, Select::Stale, restore);
        let mut env = crate::root::tests::env(dir.path(), &cancel, Output::Json);
        env.config.concurrency = case.concurrency;
        let mode = Mode::Change {
            skip_blocked: case.skip_blocked,
        };
        let mut out = Vec::new();
        let directory = fake.directory();
        let run = crate::run::run(&job, &directory, &env, mode, &Yes, "x", &mut out);
        let (exit, writes) = match super::exit_of(case, run).await {
            Ok(ended) => ended,
            Err(why) => return (vec![why], 0),
        };
        let gone: Vec<(String, String)> = users
            .keys()
            .filter(|(account, name)| !fake.user_names(account).contains(name))
            .cloned()
            .collect();
        let saved = std::fs::read_to_string(&record).unwrap_or_default();
        let broken = judge(&gone, &kept, &saved, dir.path(), exit, &writes);
        (broken, gone.len())
    })
}

pub(super) fn judge(
    gone: &[(String, String)],
    kept: &BTreeSet<(String, String)>,
    saved: &str,
    dir: &std::path::Path,
    exit: u8,
    writes: &Writes,
) -> Vec<String> {
    let mut broken = Vec::new();
    for user in gone.iter().filter(|u| kept.contains(*u)) {
        broken.push(format!(
            "safe: {user:?} deleted though in use, unverifiable or the caller"
        ));
    }
    let record: Value = serde_json::from_str(saved).unwrap_or(Value::Null);
    for (account, name) in gone {
        let recorded = record["users"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|u| u["account_id"] == account.as_str() && u["user_name"] == name.as_str());
        if !recorded {
            broken.push(format!(
                "recorded: {account}/{name} deleted, not in the restore record"
            ));
        }
    }
    let (rows, csv) = report(dir, "users-delete");
    let key = |r: &Value| {
        (
            r["account_id"].as_str().unwrap_or("").to_string(),
            r["user_name"].as_str().unwrap_or("").to_string(),
        )
    };
    let csv_keys: Vec<(String, String)> = csv
        .iter()
        .map(|r| (r["account_id"].clone(), r["user_name"].clone()))
        .collect();
    let held = writes.held(
        "users-delete",
        rows.iter().map(key).collect(),
        csv_keys,
        &mut broken,
    );
    if held.as_ref().is_some_and(Vec::is_empty) && writes.lost("users-delete").csv {
        // The report could not be created: nothing may have been deleted.
        if !gone.is_empty() {
            broken.push("recorded: users deleted with no users-delete report".into());
        }
    }
    let keys = held.unwrap_or_default();
    let unique: BTreeSet<&(String, String)> = keys.iter().collect();
    if unique.len() != keys.len() {
        broken.push("complete: a user twice in the users-delete report".into());
    }
    for row in &rows {
        let k = key(row);
        let deleted = gone.contains(&k);
        if row["outcome"] == "deleted" && !deleted {
            broken.push(format!("true: {k:?} reported deleted, still there"));
        }
        if deleted
            && !k.1.is_empty()
            && row["outcome"] != "deleted"
            && row["outcome"] != "interrupted"
        {
            broken.push(format!("true: {k:?} is gone, reported {}", row["outcome"]));
        }
    }
    for (account, name) in gone {
        if !keys.is_empty() && !unique.contains(&(account.clone(), name.clone())) {
            broken.push(format!(
                "complete: {account}/{name} deleted, not in the report"
            ));
        }
    }
    let (read, _) = report(dir, "users-audit");
    let undone = undone(&rows, &read);
    if exit == 0 && undone {
        broken.push("exit: 0 although something is not done".into());
    }
    writes.exit(&["users-audit", "users-delete"], exit, &mut broken);
    broken
}

#[test]
fn invariant_users_delete() {
    super::soak_each("users_delete", Some("deleted a user"), check);
}

/// Runs `users audit` on `case`: every invariant of a read that does not hold.
fn check_audit(case: &Case) -> Vec<String> {
    super::paused(async {
        let (fake, users, _) = world(case);
        // What the world shows at the audit (a sign-in at a later change is not yet there).
        let kept: BTreeSet<UserKey> = users
            .iter()
            .filter(|(_, u)| keep(u))
            .map(|(k, _)| k.clone())
            .collect();
        let dir = tempfile::tempdir().expect("tempdir");
        let cancel = Cancel::default();
        let rules = crate::users::verdict::tests::rules();
        let job = crate::users::Job::new(fake.clone(), MANAGEMENT, rules, cancel.clone());
        let mut env = crate::root::tests::env(dir.path(), &cancel, Output::Json);
        env.config.concurrency = case.concurrency;
        let mut out = Vec::new();
        let directory = fake.directory();
        let run = crate::run::read(&job, &directory, &env, &mut out);
        let (exit, writes) = match super::exit_of(case, run).await {
            Ok(ended) => ended,
            Err(why) => return vec![why],
        };
        let calls: Vec<String> = fake.calls().into_iter().map(|(op, _, _)| op).collect();
        judge_audit(&users, &kept, &calls, dir.path(), exit, &writes)
    })
}

/// Operations that change an account (a read never makes one).
pub(super) const CHANGES: [&str; 7] = [
    "Delete",
    "Detach",
    "Remove",
    "Update",
    "Deactivate",
    "Create",
    "Put",
];

pub(super) fn judge_audit(
    users: &BTreeMap<UserKey, User>,
    kept: &BTreeSet<UserKey>,
    calls: &[String],
    dir: &std::path::Path,
    exit: u8,
    writes: &Writes,
) -> Vec<String> {
    let mut broken = Vec::new();
    for op in calls
        .iter()
        .filter(|op| CHANGES.iter().any(|c| op.starts_with(c)))
    {
        broken.push(format!("plan: the audit called {op}"));
    }
    let (rows, csv) = report(dir, "users-audit");
    let key = |r: &Value| {
        (
            r["account_id"].as_str().unwrap_or("").to_string(),
            r["user_name"].as_str().unwrap_or("").to_string(),
        )
    };
    let csv_keys: Vec<UserKey> = csv
        .iter()
        .map(|r| (r["account_id"].clone(), r["user_name"].clone()))
        .collect();
    let json_keys = rows.iter().map(key).collect();
    let lost = writes.lost("users-audit");
    let Some(keys) = writes.held("users-audit", json_keys, csv_keys, &mut broken) else {
        writes.exit(&["users-audit"], exit, &mut broken);
        return broken;
    };
    if keys.is_empty() && lost.csv && !lost.json {
        // The CSV could not be created: the run ended before any account.
        writes.exit(&["users-audit"], exit, &mut broken);
        return broken;
    }
    let unique: BTreeSet<&UserKey> = keys.iter().collect();
    if unique.len() != keys.len() {
        broken.push("complete: a row twice in the users-audit report".into());
    }
    // Every user of an account read is there once; an account not read says so in one row.
    let unread: BTreeSet<&str> = keys
        .iter()
        .filter(|(_, name)| name.is_empty())
        .map(|(account, _)| account.as_str())
        .collect();
    for (account, name) in users.keys() {
        let listed = unique.contains(&(account.clone(), name.clone()));
        if !listed && !unread.contains(account.as_str()) {
            broken.push(format!("complete: {account}/{name} is not in the report"));
        }
    }
    for row in &rows {
        let k = key(row);
        let verdict = row["verdict"].as_str().unwrap_or("");
        if k.1.is_empty() && !["unknown", "skipped"].contains(&verdict) {
            broken.push(format!("true: account row {k:?} is {verdict}"));
        }
        if !k.1.is_empty() && k.0 != MANAGEMENT && !users.contains_key(&k) {
            broken.push(format!("true: {k:?} reported, not in the world"));
        }
        if verdict == "stale" && kept.contains(&k) {
            broken.push(format!(
                "safe: {k:?} reported stale though in use, unverifiable or the caller"
            ));
        }
    }
    // Accounts skipped (not ACTIVE, the management account's filters) are not failures.
    let undone = rows.iter().any(|r| r["verdict"] == "unknown");
    if exit == 0 && undone {
        broken.push("exit: 0 although a user or an account is unknown".into());
    }
    if exit != 0 && !undone && !writes.any() {
        broken.push(format!("exit: {exit} although every user is known"));
    }
    writes.exit(&["users-audit"], exit, &mut broken);
    broken
}

#[test]
fn invariant_users_audit() {
    super::soak_each("users_audit", None, |case| (check_audit(case), 0));
}

#[test]
fn the_users_audit_checker_catches_each_broken_promise() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |json: &str, csv: &str| {
        std::fs::write(dir.path().join(format!("users-audit-{RUN_ID}.json")), json).expect("json");
        std::fs::write(dir.path().join(format!("users-audit-{RUN_ID}.csv")), csv).expect("csv");
    };
    let user = User {
        name: "u0".into(),
        created_days_ago: 400,
        ..User::default()
    };
    let users = BTreeMap::from([(("222222222222".to_string(), "u0".to_string()), user)]);
    let kept = BTreeSet::from([("222222222222".to_string(), "u0".to_string())]);
    let stale = r#"{"users":[{"account_id":"222222222222","user_name":"u0","verdict":"stale"}]}"#;
    write(
        stale,
        "account_id,user_name,verdict\n222222222222,u0,stale\n",
    );
    let broken = judge_audit(
        &users,
        &kept,
        &["DeleteUser".into()],
        dir.path(),
        0,
        &Writes::default(),
    );
    assert!(broken.iter().any(|b| b.starts_with("plan: ")), "{broken:?}");
    assert!(broken.iter().any(|b| b.starts_with("safe: ")), "{broken:?}");
    write(r#"{"users":[]}"#, "account_id,user_name,verdict\n");
    let broken = judge_audit(
        &users,
        &BTreeSet::new(),
        &[],
        dir.path(),
        0,
        &Writes::default(),
    );
    assert!(
        broken.iter().any(|b| b.contains("is not in the report")),
        "{broken:?}"
    );
    let unknown = r#"{"users":[{"account_id":"222222222222","user_name":"","verdict":"unknown"}]}"#;
    write(
        unknown,
        "account_id,user_name,verdict\n222222222222,,unknown\n",
    );
    let broken = judge_audit(
        &users,
        &BTreeSet::new(),
        &[],
        dir.path(),
        0,
        &Writes::default(),
    );
    assert_eq!(broken, ["exit: 0 although a user or an account is unknown"]);
    write(unknown, "account_id,user_name,verdict\n");
    let broken = judge_audit(
        &users,
        &BTreeSet::new(),
        &[],
        dir.path(),
        4,
        &Writes::default(),
    );
    assert_eq!(broken, ["complete: the users-audit CSV and JSON disagree"]);
}
