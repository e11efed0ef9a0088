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

use super::generate::{Case, MANAGEMENT};
use super::users::{report_under, UserKey};
use super::users_change::{self as change, accounts, Drive, Ran};
use super::users_credentials::{
    self as creds, active, complete, edit, in_record, key_id, planned, target, Key, CALLER,
};
use super::users_faulty::{Fault, Plan};
use super::Writes;
use crate::users::deactivate::Rules;
use crate::users::fake::{Cred, Fake, User};
use crate::users::verdict::tests::NOW;
use aws_smithy_types::DateTime;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

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
    let accounts = accounts(case);
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
            let edit = edit(rng.gen_range(0..creds::EDITS_OFF));
            fake = fake.edited_before_apply(account, name, edit);
        }
    }
    let steps: usize = users
        .iter()
        .map(|((a, _), u)| selected(a, u, &rules).len())
        .sum();
    let (reads, changes) = (
        5 * accounts.len() + 2 * users.len(),
        3 * steps + accounts.len(),
    );
    let faults = change::faults(&mut rng, reads, changes);
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

/// What a run left.
struct Observed {
    accounts: Vec<String>,
    /// Every user as generated, and as the world holds it after the run.
    users: BTreeMap<UserKey, User>,
    after: BTreeMap<UserKey, Option<User>>,
    rules: Rules,
    dry_run: bool,
    /// The undo record's text at the end (empty: none).
    record: String,
    ran: Ran,
}

/// Runs `users deactivate` on `case`: every invariant that does not hold, and how many
/// credentials it deactivated.
fn check(case: &Case) -> (Vec<String>, usize) {
    let w = world(case);
    super::paused(observe(case, w))
}

/// Runs `users deactivate` on `w` with `case`'s concurrency, `--skip-blocked` and write fault.
async fn observe(case: &Case, w: World) -> (Vec<String>, usize) {
    let drive = Drive::new(&w.fake, &w.faults, "users-deactivated.json");
    let undo = crate::users::deactivate_apply::undo(drive.record.clone(), CALLER, super::RUN_ID);
    let job = crate::users::Deactivate::new(drive.users(), w.rules.clone(), undo);
    // Its writes: a row per user in the audit, then per credential in the change report and
    // in the undo record.
    let directory = w.fake.directory();
    let ran = drive.run(case, w.writes, &job, &directory, w.dry_run, Vec::new());
    let ran = match ran.await {
        Ok(ran) => ran,
        Err(why) => return (vec![why], 0),
    };
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
        record: std::fs::read_to_string(&drive.record).unwrap_or_default(),
        ran,
    };
    let dir = drive.dir.path();
    let broken = change::cap(judge(&o, dir));
    let (rows, _) = report_under(dir, "users-deactivate", "credentials");
    let undo_failed = rows.iter().any(|r| {
        r["error"]
            .as_str()
            .is_some_and(|e| e.contains("undo record could not be written"))
    });
    let events = [
        (undo_failed, "undo record write failed"),
        (o.dry_run, "dry run"),
        (o.ran.seen.signalled, "signalled"),
    ];
    change::reached(&rows, &events, o.ran.exit);
    (broken, deactivated(&o).len())
}

/// The credentials this run deactivated: a call of its reached the credential while it was
/// active (the password there), and the world shows it inactive (gone) now.
fn deactivated(o: &Observed) -> BTreeSet<Key> {
    o.ran
        .seen
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

/// The rules' selection per account, from the world as generated.
fn selection(o: &Observed) -> BTreeMap<String, BTreeSet<Key>> {
    let mut all: BTreeMap<String, BTreeSet<Key>> = BTreeMap::new();
    for ((account, _), u) in &o.users {
        let keys = selected(account, u, &o.rules);
        all.entry(account.clone()).or_default().extend(keys);
    }
    all
}

fn judge(o: &Observed, dir: &std::path::Path) -> Vec<String> {
    let mut broken = Vec::new();
    let (seen, writes) = (&o.ran.seen, &o.ran.writes);
    let selection = selection(o);
    let chosen: BTreeSet<&Key> = selection.values().flatten().collect();
    // The plan as printed: its steps per account, and its accounts' verdicts.
    let planned = planned(o.ran.plan.as_ref());
    let planned_steps: BTreeSet<&Key> = planned.values().flat_map(|p| &p.steps).collect();

    // Exactly the plan, and safe: every mutating call.
    let mut again = BTreeSet::new();
    let steps = o.ran.plan.as_ref().map(|_| &planned_steps);
    for (m, key) in change::calls(&seen.made, o.dry_run, steps, &mut broken) {
        if m.call.status() == Some("Active") {
            broken.push(format!("plan: {key:?} set Active"));
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
    let listed = o.ran.plan.is_some() && complete(dir, "users-audit");
    for account in o
        .accounts
        .iter()
        .filter(|a| listed && !planned.contains_key(*a))
    {
        broken.push(format!("complete: {account} is not in the plan"));
    }
    for (account, p) in &planned {
        let verdict = &p.verdict;
        if seen.reads_failed.contains(account) && verdict != "unknown" {
            broken.push(format!("true: {account} had a read fail and is {verdict}"));
        }
        if verdict == "unknown" {
            continue;
        }
        let want = selection.get(account).cloned().unwrap_or_default();
        for k in want.difference(&p.steps) {
            broken.push(format!("complete: {k:?} is unused, not in the plan"));
        }
        for k in p.steps.difference(&want) {
            broken.push(format!("plan: {k:?} planned, the rules never select it"));
        }
    }
    for m in &seen.made {
        if seen.reads_failed.contains(&m.account) {
            broken.push(format!(
                "plan: a change in {} after a read failed",
                m.account
            ));
        }
    }

    // The report: every planned credential once, CSV and JSON alike, each outcome true.
    let report = creds::rows(dir, "users-deactivate", writes, &mut broken);
    let done = deactivated(o);
    let word = "deactivated";
    let stem = "users-deactivate";
    let wanted = planned_steps.iter().copied();
    report.once_each(
        stem,
        writes,
        wanted,
        planned.keys(),
        &done,
        word,
        &mut broken,
    );
    let rows = &report.json;
    for row in rows {
        let k = creds::row_key(row);
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
        let made = seen
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
        for (account, p) in &planned {
            let users = o.users.keys().filter(|(a, _)| a == account);
            for u in users.filter(|_| p.verdict != "unknown") {
                if !unique.contains(u) {
                    broken.push(format!("complete: {u:?} is not in the users-audit report"));
                }
            }
        }
    }

    // Honest exit, and an end soon after a signal.
    let undone = super::any_of(rows.iter().chain(&read), &super::check::NOT_DONE)
        || super::any_of(rows, &["skipped-active"])
        || planned.values().any(|p| p.verdict == "unknown");
    let exit = o.ran.exit;
    if exit == 0 && (undone || seen.signalled) {
        broken.push("exit: 0 although something is not done".into());
    }
    if exit != 0 && !undone && !seen.signalled && !writes.any() {
        broken.push(format!("exit: {exit} although everything is done"));
    }
    let stopped = [
        ("users-audit", seen.signalled_reading),
        ("users-deactivate", seen.signalled),
    ];
    change::ends(&o.ran, &stopped, dir, &mut broken);
    broken
}

#[test]
fn invariant_users_deactivate() {
    let words = [
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
    ];
    change::soak(
        "users_deactivate",
        "deactivated a credential",
        &words,
        check,
    );
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
    let (broken, done) = super::paused(observe(&change::plain_case(), one_user(ana, faults)));
    assert!(broken.is_empty(), "{broken:?}");
    assert_eq!(done, 1, "the password was deleted, by this run");
}

#[test]
fn the_users_deactivate_checker_catches_each_broken_promise() {
    use super::users_faulty::{Made, Seen};
    use crate::users::model::Call;
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
        creds::key(account, user, kind, id)
    };
    let key = cred("ana", "access-key", "AKIAANA");
    let entry = creds::entry;
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
    let plan = |steps: &[&Key]| {
        let steps: Vec<creds::Step> = steps.iter().map(|k| (*k, None)).collect();
        creds::plan_of(&[(&a, "unused", &steps), (MANAGEMENT, "clean", &[])])
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
        record: record.clone(),
        ran: Ran {
            exit: 0,
            writes: Writes::default(),
            seen: Seen {
                made: vec![made.clone()],
                ..Seen::default()
            },
            plan: plan(&[&key]),
            after_signal: None,
        },
    };
    // Report rows: (credential, outcome, verified), in the JSON and the CSV alike unless told.
    let write = |rows: &[(&Key, &str, &str)], csv_rows: Option<&[(&Key, &str, &str)]>| {
        creds::write_rows(dir.path(), "users-deactivate", rows, csv_rows)
    };
    let judged = |o: &Observed| judge(o, dir.path());
    let catches = |o: &Observed, what: &str| creds::caught(&judged(o), what);
    let mgmt = creds::key(MANAGEMENT, "", "", "");
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
    let untouched = || {
        let mut o = honest();
        o.ran.seen = Seen::default();
        o.after = o
            .users
            .iter()
            .map(|(k, u)| (k.clone(), Some(u.clone())))
            .collect();
        o
    };
    let mut o = untouched();
    o.ran.plan = plan(&[]);
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
    failed_read.ran.seen.reads_failed.insert(a.clone());
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
    let mut o = honest();
    o.ran.plan = plan(&[]);
    catches(&o, "plan: ");
    let with = |call: Call, k: &Key| {
        let mut o = honest();
        o.ran.seen.made.push(Made {
            call,
            record: format!(r#"{{"credentials":[{},{}]}}"#, entry(&key), entry(k)),
            ..made.clone()
        });
        o.ran.plan = plan(&[&key, k]);
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
    if let Some(m) = o.ran.seen.made.last_mut() {
        m.account = MANAGEMENT.into();
        m.before = Some(admin.clone());
    }
    catches(
        &o,
        "safe: (\"111111111111\", \"admin\", \"access-key\", \"AKIAADMIN\") is the caller",
    );
    let mut used = honest();
    used.ran.seen.made[0].before = Some(User {
        key: Some(Some(3)),
        ..ana.clone()
    });
    catches(&used, "safe: ");

    // Recorded first: changed before the record held it; a record that is not JSON.
    let mut o = honest();
    o.ran.seen.made[0].record = format!(r#"{{"caller":"{CALLER}","credentials":[]}}"#);
    catches(&o, "recorded: ");
    let mut o = honest();
    o.ran.seen.made[0].record = "{\"credentials\":[".into();
    catches(&o, "recorded: the undo record is not valid JSON");

    // Honest exit: 0 over a credential left active; 4 over everything done; not 130 after
    // a signal. Ends: a change after the signal, an end long after it.
    write(&[(&key, "skipped-active", "n/a"), mgmt_row], None);
    assert_eq!(
        judged(&untouched()),
        ["exit: 0 although something is not done"]
    );
    write(&[(&key, "deactivated", "yes"), mgmt_row], None);
    let mut o = honest();
    o.ran.exit = 4;
    catches(&o, "exit: 4 although everything is done");
    let mut o = honest();
    o.ran.after_signal = Some(std::time::Duration::from_secs(31));
    o.ran.seen.signalled = true;
    o.ran.seen.made[0].after_signal = true;
    // A complete audit: every account in the plan, and no complete report after a signal.
    let audit = |ext| {
        dir.path()
            .join(format!("users-audit-{}.{ext}", super::RUN_ID))
    };
    std::fs::write(audit("json"), r#"{"complete":true,"users":[]}"#).expect("json");
    std::fs::write(audit("csv"), "account_id,user_name,verdict\n").expect("csv");
    let mut short = honest();
    short.ran.plan.iter_mut().for_each(|p| p.truncate(1));
    catches(&short, "complete: 111111111111 is not in the plan");
    o.ran.seen.signalled_reading = true;
    let broken = judged(&o);
    for what in [
        "complete: the users-audit report is complete after a signal",
        "exit: 0 after SIGINT",
        "exit: 0 although",
        "ends: (",
        "ends: 31s",
    ] {
        creds::caught(&broken, what);
    }
}
