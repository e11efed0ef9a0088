//! `users deactivate` on generated cases: IAM users holding every credential kind, active and
//! inactive, with dates on both sides of a drawn `--unused-days N` (and on it), `--console` and
//! `--include-unmonitored` drawn too, the caller's own user with stale credentials, accounts
//! without the role, failing or slow credential reports; the fault plan on the reads and the
//! status changes (errors, a change made whose answer is lost, made and then failing, answered
//! and never taking effect), status changes IAM reads keep hiding for a while (longer than the
//! verification waits, sometimes), a credential used, deactivated or deleted by someone else
//! (or its user renamed away) between the plan and the change, a failing k-th report or record
//! write, a signal at any call; dry runs and confirmed runs.
//!
//! The invariants, from the README's promises and the invariant issue: every planned
//! credential once in the report (CSV and JSON alike), every account of the plan reported, and
//! the plan exactly the credentials the rules select where an account was read; `deactivated`
//! only when the final world shows it inactive (the password gone) by this run's call,
//! `already-clean` only when it was so without one; no mutating call outside the plan, none in
//! a dry run, none on a credential the rules do not select (used within N days, inactive,
//! unmonitored without the flag, a password without `--console`, the caller's user) or used
//! within N days at the change; each changed credential in the undo record before its call,
//! the record valid JSON; the exit honest; an end soon after a signal.

use super::generate::{Case, CODES, MANAGEMENT};
use super::users::{report_under, UserKey};
use super::users_faulty::{Fault, Faulty, Plan, Seen};
use super::{Writes, RUN_ID};
use crate::cancel::Cancel;
use crate::run::confirm::{Answer, Confirm};
use crate::run::{Mode, Output};
use crate::users::deactivate::Rules;
use crate::users::fake::{Cred, Fake, User};
use crate::users::model::Call;
use crate::users::verdict::tests::NOW;
use aws_smithy_types::DateTime;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// The caller: the management account's `admin`.
const CALLER: &str = "arn:aws:iam::111111111111:user/admin";

/// One credential: (account, user, credential type, id — empty for the password).
type Key = (String, String, String, String);

/// The generated organization and what the run is asked.
struct World {
    fake: Fake,
    faults: Plan,
    /// Every user as generated, by (account, name).
    users: BTreeMap<UserKey, User>,
    rules: Rules,
    dry_run: bool,
    /// Every account of the organization.
    accounts: Vec<String>,
    /// About how many report and record writes the run makes.
    writes: usize,
}

/// Days ago around `n`: on it, a day either side, well within, well beyond.
fn around(rng: &mut SmallRng, n: i64) -> i64 {
    match rng.gen_range(0..6) {
        0 => n - 1,
        1 => n,
        2 => n + 1,
        3 => rng.gen_range(0..n.max(1)),
        _ => rng.gen_range(n..=3 * n + 30),
    }
    .max(0)
}

/// A user with any credentials, each of any status and age around `n`.
fn user(rng: &mut SmallRng, name: String, n: i64) -> User {
    let created = around(rng, n) + rng.gen_range(0..=30);
    let mut u = User {
        name: name.clone(),
        created_days_ago: created,
        ..User::default()
    };
    if rng.gen_bool(0.6) {
        let made = around(rng, n).min(created);
        u.key_created_days_ago = Some(made);
        u.key = Some(rng.gen_bool(0.7).then(|| around(rng, n).min(made)));
        u.key_inactive = rng.gen_bool(0.25);
    }
    if rng.gen_bool(0.5) {
        let set = around(rng, n).min(created);
        u.password_set_days_ago = Some(set);
        u.password = Some(rng.gen_bool(0.7).then(|| around(rng, n).min(set)));
    }
    let upper = name.to_uppercase();
    for (prefix, max) in [("APKA", 3), ("ACCA", 2), ("CERT", 2)] {
        for i in 0..rng.gen_range(0..=max) {
            if rng.gen_bool(0.5) {
                continue;
            }
            let c = Cred {
                id: format!("{prefix}{upper}{i}"),
                active: rng.gen_bool(0.6),
                issued_days_ago: around(rng, n).min(created),
            };
            match prefix {
                "APKA" => u.ssh_keys.push(c),
                "ACCA" => u.service_credentials.push(c),
                _ => u.certificates.push(c),
            }
        }
    }
    u
}

/// A change someone else makes between the plan and the change.
fn edit(kind: usize) -> fn(&mut User) {
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
        4 => |u| {
            let all = u.ssh_keys.iter_mut().chain(&mut u.service_credentials);
            for c in all.chain(&mut u.certificates) {
                c.active = false;
            }
        },
        5 => |u| {
            u.ssh_keys.clear();
            u.service_credentials.clear();
            u.certificates.clear();
        },
        // The user renamed: gone under its name.
        _ => |u| u.name.push_str("-renamed"),
    }
}

fn world(case: &Case) -> World {
    let mut rng = SmallRng::seed_from_u64(case.seed ^ 0xdea7);
    let n: u32 = match rng.gen_range(0..4) {
        0 => 45,
        1 => 90,
        2 => 1,
        _ => rng.gen_range(2..=120),
    };
    let rules = Rules {
        now: DateTime::from_secs(NOW),
        unused_days: n,
        console: rng.gen_bool(0.5),
        include_unmonitored: rng.gen_bool(0.5),
        caller_arn: CALLER.into(),
    };
    let n = i64::from(n);
    // The caller's own user, unused for long in every way: never selected.
    let admin = User {
        name: "admin".into(),
        created_days_ago: 900,
        password: Some(Some(400)),
        key: Some(Some(400)),
        key_created_days_ago: Some(800),
        ssh_keys: vec![Cred::active("APKAADMIN0", 700)],
        service_credentials: vec![Cred::active("ACCAADMIN0", 700)],
        certificates: vec![Cred::active("CERTADMIN0", 700)],
        ..User::default()
    };
    let mut fake = Fake::default()
        .caller(MANAGEMENT)
        .user(MANAGEMENT, admin.clone());
    let mut users = BTreeMap::from([((MANAGEMENT.to_string(), "admin".to_string()), admin)]);
    let members = case
        .accounts
        .iter()
        .filter(|(id, s, _)| id != MANAGEMENT && s == "ACTIVE")
        .map(|(id, _, _)| id.clone());
    let accounts: Vec<String> = std::iter::once(MANAGEMENT.to_string())
        .chain(members)
        .collect();
    // At most one account of each of these faults: most runs read every account.
    let mut pick = |p: f64| {
        (accounts.len() > 1 && rng.gen_bool(p))
            .then(|| accounts[rng.gen_range(1..accounts.len())].clone())
    };
    let (no_role, no_report, no_listing) = (pick(0.3), pick(0.1), pick(0.1));
    for id in &accounts {
        if id != MANAGEMENT {
            fake = fake.account(id, no_role.as_ref() != Some(id));
        }
        for i in 0..rng.gen_range(0..=4) {
            // A member account's `admin` is not the caller (another ARN).
            let name = match i {
                0 if id != MANAGEMENT && rng.gen_bool(0.2) => "admin".to_string(),
                _ => format!("u{i}"),
            };
            let u = user(&mut rng, name, n);
            users.insert((id.clone(), u.name.clone()), u.clone());
            fake = fake.user(id, u);
        }
        fake = match rng.gen_range(0..8) {
            0 => fake.report_polls(id, rng.gen_range(1..4)),
            1 | 2 => fake.lagging_updates(id, rng.gen_range(1..=10)),
            _ => fake,
        };
        if no_report.as_ref() == Some(id) {
            fake = fake.report_fails(id, "ServiceFailure");
        }
        if no_listing.as_ref() == Some(id) {
            fake = fake.credentials_fail(id);
        }
    }
    // Someone else, after the plan and before the change, on users with something selected.
    let chosen: Vec<&UserKey> = users
        .iter()
        .filter(|((a, _), u)| !selected(a, u, &rules).is_empty())
        .map(|(k, _)| k)
        .collect();
    if !chosen.is_empty() && rng.gen_bool(0.5) {
        for _ in 0..rng.gen_range(1..=2) {
            let (account, name) = chosen[rng.gen_range(0..chosen.len())];
            fake = fake.edited_before_apply(account, name, edit(rng.gen_range(0..7)));
        }
    }
    let steps: usize = users
        .iter()
        .map(|((a, _), u)| selected(a, u, &rules).len())
        .sum();
    let mut faults = Plan::default();
    if rng.gen_bool(0.3) {
        let reads = 5 * accounts.len() + 2 * users.len();
        for _ in 0..rng.gen_range(1..=2) {
            let fault = match rng.gen_range(0..5) {
                0 => Fault::Signal,
                _ => Fault::Error(CODES[rng.gen_range(0..CODES.len())]),
            };
            faults.read.push((rng.gen_range(1..=reads), fault));
        }
    }
    if rng.gen_bool(0.6) {
        let changes = 3 * steps + accounts.len();
        for _ in 0..rng.gen_range(1..=3) {
            let code = CODES[rng.gen_range(0..CODES.len())];
            let fault = match rng.gen_range(0..20) {
                0..=7 => Fault::Error(code),
                8..=11 => Fault::AppliedThenFailed(code),
                12..=15 => Fault::AppliedThenLost,
                16 | 17 => Fault::Ignored,
                _ => Fault::Signal,
            };
            faults.change.push((rng.gen_range(1..=changes), fault));
        }
    }
    World {
        fake,
        faults,
        writes: 2 * users.len() + 2 * accounts.len() + 3 * steps + 8,
        accounts,
        users,
        rules,
        dry_run: rng.gen_bool(0.15),
    }
}

/// The access key of a fake user.
fn key_id(name: &str) -> String {
    format!("AKIA{}", name.to_uppercase())
}

/// What the README says `users deactivate` selects of `u` in `account`: every active access
/// key unused for N days (by its last use, or its creation when never used), the password
/// likewise with `--console`, every active SSH key, service-specific credential and signing
/// certificate with `--include-unmonitored`; nothing of the caller's user.
fn selected(account: &str, u: &User, rules: &Rules) -> Vec<Key> {
    let n = i64::from(rules.unused_days);
    if format!("arn:aws:iam::{account}:user/{}", u.name) == rules.caller_arn {
        return Vec::new();
    }
    let key = |kind: &str, id: &str| {
        (
            account.to_string(),
            u.name.clone(),
            kind.to_string(),
            id.to_string(),
        )
    };
    let mut keys = Vec::new();
    if let Some(used) = u.key.filter(|_| !u.key_inactive) {
        if used.unwrap_or(u.key_created_days_ago.unwrap_or(u.created_days_ago)) >= n {
            keys.push(key("access-key", &key_id(&u.name)));
        }
    }
    if let Some(used) = u.password.filter(|_| rules.console) {
        if used.unwrap_or(u.password_set_days_ago.unwrap_or(u.created_days_ago)) >= n {
            keys.push(key("password", ""));
        }
    }
    if rules.include_unmonitored {
        let kinds = [
            ("ssh-public-key", &u.ssh_keys),
            ("service-specific-credential", &u.service_credentials),
            ("signing-certificate", &u.certificates),
        ];
        for (kind, list) in kinds {
            keys.extend(list.iter().filter(|c| c.active).map(|c| key(kind, &c.id)));
        }
    }
    keys
}

/// The credential a deactivating call targets, or `None` for any other call.
fn target(account: &str, call: &Call) -> Option<Key> {
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
    Some((account.into(), user.clone(), kind.into(), id.into()))
}

/// The credential `key` on `u`: whether it is there and active (a password: there).
fn active(u: Option<&User>, key: &Key) -> Option<bool> {
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

/// Why `u` (right before a change) must not have `key` changed, if it must not: not there or
/// not active, used (or, never used, issued) within N days.
fn in_use(u: Option<&User>, key: &Key, rules: &Rules) -> Option<String> {
    let n = i64::from(rules.unused_days);
    if active(u, key) != Some(true) {
        return Some("not there or not active".into());
    }
    let u = u?;
    let age = match key.2.as_str() {
        "access-key" => u
            .key
            .flatten()
            .unwrap_or(u.key_created_days_ago.unwrap_or(u.created_days_ago)),
        "password" => u
            .password
            .flatten()
            .unwrap_or(u.password_set_days_ago.unwrap_or(u.created_days_ago)),
        _ => return None,
    };
    (age < n).then(|| format!("used or issued {age} days ago"))
}

/// Confirms at once, marking the start of the change stage for the fault wrapper.
struct Confirming(Faulty);

impl Confirm for Confirming {
    async fn ask(&self, _count: usize, _what: &str) -> Answer {
        self.0.confirmed();
        Answer::Yes
    }
}

/// What a run left.
struct Observed {
    accounts: Vec<String>,
    /// Every user as generated, and as the world holds it after the run.
    users: BTreeMap<UserKey, User>,
    after: BTreeMap<UserKey, Option<User>>,
    rules: Rules,
    dry_run: bool,
    seen: Seen,
    /// The undo record's text at the end (empty: none).
    record: String,
    /// The plan's entries as the run printed them, when it did.
    plan: Option<Vec<Value>>,
    exit: u8,
    /// Virtual time from the signal to the end, if signalled.
    after_signal: Option<Duration>,
}

thread_local! {
    /// Per outcome (and a few events), the cases of this thread's soak that reached it.
    static REACHED: std::cell::RefCell<BTreeMap<String, usize>> = Default::default();
}

/// Runs `users deactivate` on `case`: every invariant that does not hold, and how many
/// credentials it deactivated.
fn check(case: &Case) -> (Vec<String>, usize) {
    let w = world(case);
    super::paused(observe(case, w))
}

/// Runs `users deactivate` on `w` with `case`'s concurrency, `--skip-blocked` and write fault.
async fn observe(case: &Case, w: World) -> (Vec<String>, usize) {
    // The case's k-th write, of the writes of a run of this job (a row per user in the
    // audit, then per credential in the change report and in the undo record).
    let case = &Case {
        writes: case.writes.map(|(k, on)| {
            let drawn = 2 * case.accounts.len() + 6;
            (1 + (k - 1) * w.writes / drawn, on)
        }),
        ..case.clone()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let cancel = Cancel::default();
    let record = dir.path().join("users-deactivated.json");
    let faulty = Faulty::new(
        w.fake.clone(),
        w.faults.clone(),
        cancel.clone(),
        record.clone(),
    );
    let audit = crate::users::verdict::tests::rules();
    let job = crate::users::Job::new(faulty.clone(), MANAGEMENT, audit, cancel.clone());
    let undo = crate::users::deactivate_apply::undo(record.clone(), CALLER, RUN_ID);
    let job = crate::users::Deactivate::new(job, w.rules.clone(), undo);
    let mut env = crate::root::tests::env(dir.path(), &cancel, Output::Json);
    env.config.concurrency = case.concurrency;
    let mode = match w.dry_run {
        true => Mode::Plan {
            skip_blocked: case.skip_blocked,
        },
        false => Mode::Change {
            skip_blocked: case.skip_blocked,
        },
    };
    let confirm = Confirming(faulty.clone());
    let mut out = Vec::new();
    let directory = w.fake.directory();
    let run = crate::run::run(&job, &directory, &env, mode, &confirm, "x", &mut out);
    let (exit, writes) = match super::exit_of(case, run).await {
        Ok(ended) => ended,
        Err(why) => return (vec![why], 0),
    };
    let seen = faulty.seen();
    let doc: Value = serde_json::from_slice(&out).unwrap_or(Value::Null);
    let o = Observed {
        accounts: w.accounts,
        after: w
            .users
            .keys()
            .map(|(a, n)| ((a.clone(), n.clone()), w.fake.user_now(a, n)))
            .collect(),
        users: w.users,
        rules: w.rules,
        dry_run: w.dry_run,
        after_signal: seen.signalled_at.map(|at| at.elapsed()),
        seen,
        record: std::fs::read_to_string(&record).unwrap_or_default(),
        plan: doc["plan"]["entries"].as_array().cloned(),
        exit,
    };
    let mut broken = judge(&o, dir.path(), &writes);
    if broken.len() > 8 {
        let more = broken.len() - 8;
        broken.truncate(8);
        broken.push(format!("and {more} more"));
    }
    let (rows, _) = report_under(dir.path(), "users-deactivate", "credentials");
    let mut what: BTreeSet<String> = rows
        .iter()
        .map(|r| r["outcome"].as_str().unwrap_or("").to_string())
        .collect();
    let undo_failed = rows.iter().any(|r| {
        r["error"]
            .as_str()
            .is_some_and(|e| e.contains("undo record could not be written"))
    });
    let events = [
        (undo_failed, "undo record write failed"),
        (o.dry_run, "dry run"),
        (o.seen.signalled, "signalled"),
    ];
    what.extend(events.iter().filter(|e| e.0).map(|e| e.1.to_string()));
    what.insert(format!("exit {exit}"));
    REACHED.with_borrow_mut(|r| {
        for w in what {
            *r.entry(w).or_default() += 1;
        }
    });
    (broken, deactivated(&o).len())
}

/// The credentials this run deactivated: a call of its reached the credential while it was
/// active (the password there), and the world shows it inactive (gone) now.
fn deactivated(o: &Observed) -> BTreeSet<Key> {
    o.seen
        .made
        .iter()
        .filter_map(|m| {
            let key = target(&m.account, &m.call)?;
            let user = (key.0.clone(), key.1.clone());
            let now = o.after.get(&user).and_then(Option::as_ref);
            let was = active(m.before.as_ref(), &key) == Some(true);
            let off = match key.2.as_str() {
                "password" => now.is_some_and(|u| u.password.is_none()),
                _ => active(now, &key) == Some(false),
            };
            (was && off).then_some(key)
        })
        .collect()
}

/// The (account, user, type, id) of a report row or plan step.
fn row_key(account: &str, r: &Value, kind: &str, id: &str) -> Key {
    let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
    (account.to_string(), s("user_name"), s(kind), s(id))
}

/// The rules' selection per account, from the world as generated.
fn selection(o: &Observed) -> BTreeMap<String, BTreeSet<Key>> {
    let mut all: BTreeMap<String, BTreeSet<Key>> = BTreeMap::new();
    for ((account, _), u) in &o.users {
        let keys = selected(account, u, &o.rules);
        all.entry(account.clone()).or_default().extend(keys);
    }
    all
}

fn judge(o: &Observed, dir: &std::path::Path, writes: &Writes) -> Vec<String> {
    let mut broken = Vec::new();
    let selection = selection(o);
    let chosen: BTreeSet<&Key> = selection.values().flatten().collect();
    // The plan as printed: its steps per account, and its accounts' verdicts.
    let mut planned: BTreeMap<String, (String, BTreeSet<Key>)> = BTreeMap::new();
    for e in o.plan.iter().flatten() {
        let account = e["account_id"].as_str().unwrap_or("").to_string();
        let steps: BTreeSet<Key> = e["steps"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                let mut k = row_key(&account, s, "kind", "id");
                k.1 = s["user"].as_str().unwrap_or("").to_string();
                k
            })
            .collect();
        let verdict = e["verdict"].as_str().unwrap_or("").to_string();
        planned.insert(account, (verdict, steps));
    }
    let planned_steps: BTreeSet<&Key> = planned.values().flat_map(|(_, s)| s).collect();

    // Exactly the plan, and safe: every mutating call.
    let mut again = BTreeSet::new();
    for m in &o.seen.made {
        let Some(key) = target(&m.account, &m.call) else {
            broken.push(format!("plan: {} is no deactivation", m.call));
            continue;
        };
        if m.call.status() == Some("Active") {
            broken.push(format!("plan: {key:?} set Active"));
        }
        if o.dry_run || !m.confirmed {
            broken.push(format!(
                "plan: {key:?} changed without a confirmed change run"
            ));
        }
        if o.plan.is_some() && !planned_steps.contains(&key) {
            broken.push(format!("plan: {key:?} changed, not a step of the plan"));
        }
        let caller = format!("arn:aws:iam::{}:user/{}", key.0, key.1) == o.rules.caller_arn;
        if caller {
            broken.push(format!("safe: {key:?} is the caller's own credential"));
        } else if !chosen.contains(&key) {
            broken.push(format!("safe: {key:?} changed, the rules never select it"));
        }
        // A retry (after an answer lost or IAM busy) finds the run's own change in place.
        let why = in_use(m.before.as_ref(), &key, &o.rules);
        if let Some(why) = why.filter(|_| !again.contains(&key)) {
            broken.push(format!("safe: {key:?} changed while {why}"));
        }
        again.insert(key.clone());
        if m.after_signal {
            broken.push(format!("ends: {key:?} changed after the signal"));
        }
        // Recorded first: in the undo record, valid JSON, before the call.
        let doc: Option<Value> = serde_json::from_str(&m.record).ok();
        if !m.record.is_empty() && doc.is_none() {
            broken.push("recorded: the undo record is not valid JSON".into());
        }
        if !in_record(doc.as_ref(), &key) {
            broken.push(format!(
                "recorded: {key:?} changed before the undo record held it"
            ));
        }
    }
    let record: Option<Value> = serde_json::from_str(&o.record).ok();
    if !o.record.is_empty() && record.is_none() {
        broken.push("recorded: the undo record is not valid JSON at the end".into());
    }

    // The plan: every account once the audit completed, and exactly what the rules select
    // wherever one was read.
    let listed = o.plan.is_some() && complete(dir, "users-audit");
    for account in o
        .accounts
        .iter()
        .filter(|a| listed && !planned.contains_key(*a))
    {
        broken.push(format!("complete: {account} is not in the plan"));
    }
    for (account, (verdict, steps)) in &planned {
        if o.seen.reads_failed.contains(account) && verdict != "unknown" {
            broken.push(format!("true: {account} had a read fail and is {verdict}"));
        }
        if verdict == "unknown" {
            continue;
        }
        let want = selection.get(account).cloned().unwrap_or_default();
        for k in want.difference(steps) {
            broken.push(format!("complete: {k:?} is unused, not in the plan"));
        }
        for k in steps.difference(&want) {
            broken.push(format!("plan: {k:?} planned, the rules never select it"));
        }
    }
    for m in &o.seen.made {
        if o.seen.reads_failed.contains(&m.account) {
            broken.push(format!(
                "plan: a change in {} after a read failed",
                m.account
            ));
        }
    }

    // The report: every planned credential once, CSV and JSON alike, each outcome true.
    let (rows, csv) = report_under(dir, "users-deactivate", "credentials");
    let key = |r: &Value| {
        row_key(
            r["account_id"].as_str().unwrap_or(""),
            r,
            "credential_type",
            "credential_id",
        )
    };
    let csv_keys: Vec<Key> = csv
        .iter()
        .map(|r| {
            let s = |k: &str| r.get(k).cloned().unwrap_or_default();
            (
                s("account_id"),
                s("user_name"),
                s("credential_type"),
                s("credential_id"),
            )
        })
        .collect();
    let held = writes.held(
        "users-deactivate",
        rows.iter().map(key).collect(),
        csv_keys,
        &mut broken,
    );
    let done = deactivated(o);
    if held.as_ref().is_some_and(Vec::is_empty)
        && writes.lost("users-deactivate").csv
        && !done.is_empty()
    {
        broken.push("recorded: credentials deactivated with no users-deactivate report".into());
    }
    let keys = held.unwrap_or_default();
    let steps: Vec<&Key> = keys.iter().filter(|k| !k.1.is_empty()).collect();
    let unique: BTreeSet<&&Key> = steps.iter().collect();
    if unique.len() != steps.len() {
        broken.push("complete: a credential twice in the users-deactivate report".into());
    }
    if !keys.is_empty() {
        for k in planned_steps.iter().filter(|k| !unique.contains(k)) {
            broken.push(format!("complete: {k:?} planned, not in the report"));
        }
        let reported: BTreeSet<&str> = keys.iter().map(|k| k.0.as_str()).collect();
        for account in planned.keys() {
            if !reported.contains(account.as_str()) {
                broken.push(format!("complete: {account} planned, not in the report"));
            }
        }
    }
    for k in &done {
        if !keys.is_empty() && !unique.contains(&k) {
            broken.push(format!("complete: {k:?} deactivated, not in the report"));
        }
    }
    for row in &rows {
        let k = key(row);
        if k.1.is_empty() {
            continue;
        }
        let outcome = row["outcome"].as_str().unwrap_or("");
        let verified = row["verified"].as_str().unwrap_or("");
        let now = o
            .after
            .get(&(k.0.clone(), k.1.clone()))
            .and_then(Option::as_ref);
        let state = active(now, &k);
        let made = o
            .seen
            .made
            .iter()
            .any(|m| target(&m.account, &m.call).as_ref() == Some(&k));
        let off = state == Some(false) || (k.2 == "password" && now.is_some() && state.is_none());
        let ours = done.contains(&k);
        let lie = match outcome {
            "deactivated" => !ours,
            "already-clean" => made || !off,
            "skipped-active" => made || state != Some(true),
            "changed-since-plan" => now.is_some() && state.is_some() && !made,
            "failed" | "interrupted" => false,
            "not-started" => made,
            _ => true,
        };
        if lie {
            broken.push(format!(
                "true: {k:?} reported {outcome}; the world: {state:?}, a call made: {made}"
            ));
        }
        if ours && !["deactivated", "failed", "interrupted"].contains(&outcome) {
            broken.push(format!("true: {k:?} was deactivated, reported {outcome}"));
        }
        if (verified == "yes") != (outcome == "deactivated") {
            broken.push(format!("true: {k:?} {outcome} with verified={verified}"));
        }
        if outcome == "deactivated" && !in_record(record.as_ref(), &k) {
            broken.push(format!(
                "recorded: {k:?} deactivated, not in the undo record"
            ));
        }
    }

    // The audit: every user of an account read, once.
    let (read, read_csv) = report_under(dir, "users-audit", "users");
    let user_of = |r: &Value| {
        (
            r["account_id"].as_str().unwrap_or("").to_string(),
            r["user_name"].as_str().unwrap_or("").to_string(),
        )
    };
    let read_csv: Vec<UserKey> = read_csv
        .iter()
        .map(|r| (r["account_id"].clone(), r["user_name"].clone()))
        .collect();
    let listed = writes.held(
        "users-audit",
        read.iter().map(user_of).collect(),
        read_csv,
        &mut broken,
    );
    if let Some(listed) = listed.filter(|l| !l.is_empty()) {
        let unique: BTreeSet<&UserKey> = listed.iter().collect();
        if unique.len() != listed.len() {
            broken.push("complete: a row twice in the users-audit report".into());
        }
        for (account, (verdict, _)) in &planned {
            let users = o.users.keys().filter(|(a, _)| a == account);
            for u in users.filter(|_| verdict != "unknown") {
                if !unique.contains(u) {
                    broken.push(format!("complete: {u:?} is not in the users-audit report"));
                }
            }
        }
    }

    let stopped = [
        ("users-audit", o.seen.signalled_reading),
        ("users-deactivate", o.seen.signalled),
    ];
    for (stem, signalled) in stopped {
        if signalled && complete(dir, stem) {
            broken.push(format!(
                "complete: the {stem} report is complete after a signal"
            ));
        }
    }

    // Honest exit, and an end soon after a signal.
    let undone = super::any_of(rows.iter().chain(&read), &super::check::NOT_DONE)
        || super::any_of(&rows, &["skipped-active"])
        || planned.values().any(|(v, _)| v == "unknown");
    if o.exit == 0 && (undone || o.seen.signalled) {
        broken.push("exit: 0 although something is not done".into());
    }
    if o.seen.signalled && !writes.any() && o.exit != 130 {
        broken.push(format!("exit: {} after SIGINT", o.exit));
    }
    if o.exit != 0 && !undone && !o.seen.signalled && !writes.any() {
        broken.push(format!("exit: {} although everything is done", o.exit));
    }
    writes.exit(&["users-audit", "users-deactivate"], o.exit, &mut broken);
    if let Some(took) = o.after_signal.filter(|t| *t > Duration::from_secs(30)) {
        broken.push(format!("ends: {took:?} after the signal"));
    }
    broken
}

/// Whether report `stem`'s JSON says it is complete.
fn complete(dir: &std::path::Path, stem: &str) -> bool {
    std::fs::read_to_string(dir.join(format!("{stem}-{RUN_ID}.json")))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .is_some_and(|d| d["complete"] == true)
}

/// Whether the undo record `doc` holds `key`.
fn in_record(doc: Option<&Value>, key: &Key) -> bool {
    doc.and_then(|d| d["credentials"].as_array())
        .into_iter()
        .flatten()
        .any(|c| {
            c["account_id"] == key.0.as_str()
                && c["user_name"] == key.1.as_str()
                && c["credential_type"] == key.2.as_str()
                && c["credential_id"] == key.3.as_str()
        })
}

#[test]
fn invariant_users_deactivate() {
    REACHED.with_borrow_mut(BTreeMap::clear);
    super::soak_each("users_deactivate", Some("deactivated a credential"), check);
    let cases = super::seeds().len();
    let reached = REACHED.with_borrow(Clone::clone);
    if cases >= 256 {
        for what in [
            "deactivated",
            "already-clean",
            "skipped-active",
            "changed-since-plan",
            "failed",
            "interrupted",
            "undo record write failed",
            "dry run",
            "signalled",
            "exit 0",
            "exit 1",
            "exit 3",
            "exit 4",
            "exit 130",
        ] {
            let n = reached.get(what).copied().unwrap_or(0);
            assert!(
                n >= 3,
                "users_deactivate: {n} cases reach {what}: {reached:?}"
            );
        }
    }
}

/// A one-account world: `ana` holding `u`, the caller's account empty, the rules `N = 45`
/// with `--console`.
fn one_user(u: User, faults: Plan) -> World {
    let a = "222222222222";
    World {
        fake: Fake::default()
            .caller(MANAGEMENT)
            .account(a, true)
            .user(a, u.clone()),
        faults,
        users: BTreeMap::from([((a.to_string(), u.name.clone()), u)]),
        rules: Rules {
            now: DateTime::from_secs(NOW),
            unused_days: 45,
            console: true,
            include_unmonitored: false,
            caller_arn: CALLER.into(),
        },
        dry_run: false,
        accounts: vec![MANAGEMENT.into(), a.into()],
        writes: 0,
    }
}

fn plain_case() -> Case {
    Case {
        seed: 0,
        accounts: Vec::new(),
        concurrency: 1,
        faults: Vec::new(),
        skip_blocked: false,
        named: Vec::new(),
        writes: None,
    }
}

/// Found by seeds 519, 1826 and 1977: a `DeleteLoginProfile` that IAM applied, whose answer
/// was lost and whose retry IAM answered busy, was retried once more, found no profile, and
/// the password this run deleted was reported `already-clean` ("already done by someone
/// else"). The lost answer now carries over to the busy retries: `deactivated`, confirmed on
/// retry.
#[test]
fn a_password_deleted_by_an_attempt_whose_answer_was_lost_before_iam_said_busy_is_deactivated() {
    let ana = User {
        name: "ana".into(),
        created_days_ago: 400,
        password: Some(Some(200)),
        ..User::default()
    };
    // The change stage's calls: AssumeRole, the re-check's GetUser, DeleteLoginProfile.
    let faults = Plan {
        read: Vec::new(),
        change: vec![(3, Fault::AppliedThenFailed("EntityTemporarilyUnmodifiable"))],
    };
    let (broken, done) = super::paused(observe(&plain_case(), one_user(ana, faults)));
    assert!(broken.is_empty(), "{broken:?}");
    assert_eq!(done, 1, "the password was deleted, by this run");
}

#[test]
fn the_users_deactivate_checker_catches_each_broken_promise() {
    use super::users_faulty::Made;
    let dir = tempfile::tempdir().expect("tempdir");
    let a = "222222222222".to_string();
    // Ana's key is unused for 100 days (selected); her password was used 10 days ago and her
    // SSH key is unmonitored (neither selected); the caller's key is unused for 400 days.
    let ana = User {
        name: "ana".into(),
        created_days_ago: 400,
        key: Some(Some(100)),
        password: Some(Some(10)),
        ssh_keys: vec![Cred::active("APKAANA0", 300)],
        ..User::default()
    };
    let admin = User {
        name: "admin".into(),
        created_days_ago: 900,
        key: Some(Some(400)),
        ..User::default()
    };
    let w = one_user(ana.clone(), Plan::default());
    let users = BTreeMap::from([
        ((a.clone(), "ana".to_string()), ana.clone()),
        ((MANAGEMENT.to_string(), "admin".to_string()), admin.clone()),
    ]);
    let cred = |user: &str, kind: &str, id: &str| {
        let account = if user == "admin" { MANAGEMENT } else { &a };
        (
            account.to_string(),
            user.to_string(),
            kind.to_string(),
            id.to_string(),
        )
    };
    let key = cred("ana", "access-key", "AKIAANA");
    let entry = |k: &Key| {
        format!(
            r#"{{"account_id":"{}","user_name":"{}","credential_type":"{}","credential_id":"{}"}}"#,
            k.0, k.1, k.2, k.3
        )
    };
    let record = format!(r#"{{"caller":"{CALLER}","credentials":[{}]}}"#, entry(&key));
    let update = |user: &str, id: &str| Call::UpdateAccessKey {
        user: user.into(),
        id: id.into(),
        active: false,
    };
    let made = Made {
        account: a.clone(),
        call: update("ana", "AKIAANA"),
        before: Some(ana.clone()),
        record: record.clone(),
        after_signal: false,
        confirmed: true,
    };
    let off = User {
        key_inactive: true,
        ..ana.clone()
    };
    let step = |k: &Key| format!(r#"{{"user":"{}","kind":"{}","id":"{}"}}"#, k.1, k.2, k.3);
    let plan = |steps: &[&Key]| -> Option<Vec<Value>> {
        let steps: Vec<String> = steps.iter().map(|k| step(k)).collect();
        let entries = format!(
            r#"[{{"account_id":"{a}","verdict":"unused","steps":[{}]}},{{"account_id":"{MANAGEMENT}","verdict":"clean","steps":[]}}]"#,
            steps.join(",")
        );
        serde_json::from_str(&entries).ok()
    };
    let honest = || Observed {
        accounts: w.accounts.clone(),
        users: users.clone(),
        after: BTreeMap::from([
            ((a.clone(), "ana".to_string()), Some(off.clone())),
            (
                (MANAGEMENT.to_string(), "admin".to_string()),
                Some(admin.clone()),
            ),
        ]),
        rules: w.rules.clone(),
        dry_run: false,
        seen: Seen {
            made: vec![made.clone()],
            ..Seen::default()
        },
        record: record.clone(),
        plan: plan(&[&key]),
        exit: 0,
        after_signal: None,
    };
    // Report rows: (credential, outcome, verified), in the JSON and the CSV alike unless told.
    let write = |rows: &[(&Key, &str, &str)], csv_rows: Option<&[(&Key, &str, &str)]>| {
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
        let name = |ext| dir.path().join(format!("users-deactivate-{RUN_ID}.{ext}"));
        let doc = format!(r#"{{"credentials":[{}]}}"#, json.join(","));
        std::fs::write(name("json"), doc).expect("json");
        let header = "account_id,user_name,credential_type,credential_id,outcome,verified\n";
        std::fs::write(name("csv"), format!("{header}{csv}")).expect("csv");
    };
    let judged = |o: &Observed| judge(o, dir.path(), &Writes::default());
    let catches = |o: &Observed, what: &str| {
        let broken = judged(o);
        assert!(
            broken.iter().any(|b| b.starts_with(what)),
            "{what} not caught: {broken:?}"
        );
    };
    let mgmt = (
        MANAGEMENT.to_string(),
        String::new(),
        String::new(),
        String::new(),
    );
    let mgmt_row = (&mgmt, "already-clean", "n/a");
    write(&[(&key, "deactivated", "yes"), mgmt_row], None);
    assert_eq!(judged(&honest()), Vec::<String>::new(), "the honest run");

    // Complete: a planned credential missing, twice, or CSV and JSON disagreeing; an account
    // of the plan missing; an unused credential left out of the plan.
    write(&[mgmt_row], None);
    catches(&honest(), "complete: ");
    write(
        &[
            (&key, "deactivated", "yes"),
            (&key, "deactivated", "yes"),
            mgmt_row,
        ],
        None,
    );
    catches(&honest(), "complete: a credential twice");
    write(&[(&key, "deactivated", "yes"), mgmt_row], Some(&[mgmt_row]));
    catches(
        &honest(),
        "complete: the users-deactivate CSV and JSON disagree",
    );
    write(&[(&key, "deactivated", "yes")], None);
    catches(
        &honest(),
        "complete: 111111111111 planned, not in the report",
    );
    write(&[mgmt_row], None);
    let o = Observed {
        plan: plan(&[]),
        seen: Seen::default(),
        after: honest()
            .users
            .into_iter()
            .map(|(k, u)| (k, Some(u)))
            .collect(),
        ..honest()
    };
    catches(&o, "complete: (\"222222222222\", \"ana\", \"access-key\"");

    // True: deactivated though still active; already-clean though this run changed it;
    // verified without being deactivated; a failed read not unknown.
    write(&[(&key, "deactivated", "yes"), mgmt_row], None);
    let still = Observed {
        after: BTreeMap::from([((a.clone(), "ana".to_string()), Some(ana.clone()))]),
        ..honest()
    };
    catches(&still, "true: ");
    write(&[(&key, "already-clean", "n/a"), mgmt_row], None);
    catches(&honest(), "true: ");
    write(&[(&key, "failed", "yes"), mgmt_row], None);
    catches(&honest(), "true: ");
    write(&[(&key, "deactivated", "yes"), mgmt_row], None);
    let mut failed_read = honest();
    failed_read.seen.reads_failed.insert(a.clone());
    catches(&failed_read, "true: 222222222222 had a read fail");

    // Exactly the plan: a change in a dry run, or not planned; a password without its use
    // being old enough; the rules never selecting it (unmonitored without the flag).
    catches(
        &Observed {
            dry_run: true,
            ..honest()
        },
        "plan: ",
    );
    catches(
        &Observed {
            plan: plan(&[]),
            ..honest()
        },
        "plan: ",
    );
    let with = |call: Call, k: &Key| {
        let mut o = honest();
        o.seen.made.push(Made {
            call,
            record: format!(r#"{{"credentials":[{},{}]}}"#, entry(&key), entry(k)),
            ..made.clone()
        });
        o.plan = plan(&[&key, k]);
        o
    };
    let ssh = cred("ana", "ssh-public-key", "APKAANA0");
    let call = Call::UpdateSshPublicKey {
        user: "ana".into(),
        id: "APKAANA0".into(),
        active: false,
    };
    catches(&with(call, &ssh), "safe: ");

    // Safe: the caller's own key; a key used within N days at the change.
    let caller = cred("admin", "access-key", "AKIAADMIN");
    let mut o = with(update("admin", "AKIAADMIN"), &caller);
    if let Some(m) = o.seen.made.last_mut() {
        m.account = MANAGEMENT.into();
        m.before = Some(admin.clone());
    }
    catches(
        &o,
        "safe: (\"111111111111\", \"admin\", \"access-key\", \"AKIAADMIN\") is the caller",
    );
    let mut used = honest();
    used.seen.made[0].before = Some(User {
        key: Some(Some(3)),
        ..ana.clone()
    });
    catches(&used, "safe: ");

    // Recorded first: changed before the record held it; a record that is not JSON.
    let mut o = honest();
    o.seen.made[0].record = format!(r#"{{"caller":"{CALLER}","credentials":[]}}"#);
    catches(&o, "recorded: ");
    let mut o = honest();
    o.seen.made[0].record = "{\"credentials\":[".into();
    catches(&o, "recorded: the undo record is not valid JSON");

    // Honest exit: 0 over a credential left active; 4 over everything done; not 130 after
    // a signal. Ends: a change after the signal, an end long after it.
    write(&[(&key, "skipped-active", "n/a"), mgmt_row], None);
    let o = Observed {
        seen: Seen::default(),
        after: honest()
            .users
            .into_iter()
            .map(|(k, u)| (k, Some(u)))
            .collect(),
        ..honest()
    };
    assert_eq!(judged(&o), ["exit: 0 although something is not done"]);
    write(&[(&key, "deactivated", "yes"), mgmt_row], None);
    catches(
        &Observed {
            exit: 4,
            ..honest()
        },
        "exit: 4 although everything is done",
    );
    let mut o = Observed {
        exit: 0,
        after_signal: Some(Duration::from_secs(31)),
        ..honest()
    };
    o.seen.signalled = true;
    o.seen.made[0].after_signal = true;
    // A complete audit: every account in the plan, and no complete report after a signal.
    let audit = |ext| dir.path().join(format!("users-audit-{RUN_ID}.{ext}"));
    std::fs::write(audit("json"), r#"{"complete":true,"users":[]}"#).expect("json");
    std::fs::write(audit("csv"), "account_id,user_name,verdict\n").expect("csv");
    let mut short = honest();
    short.plan.iter_mut().for_each(|p| p.truncate(1));
    catches(&short, "complete: 111111111111 is not in the plan");
    o.seen.signalled_reading = true;
    let broken = judged(&o);
    for what in [
        "complete: the users-audit report is complete after a signal",
        "exit: 0 after SIGINT",
        "exit: 0 although",
        "ends: (",
        "ends: 31s",
    ] {
        assert!(
            broken.iter().any(|b| b.starts_with(what)),
            "{what}: {broken:?}"
        );
    }
}
