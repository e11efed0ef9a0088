//! `users tidy` on generated cases: users whose direct policies a group attaches too (or not),
//! groups that stop attaching them after the audit or at the detach, detaches that never show,
//! a failing k-th change. The invariants: no direct policy detached unless a group of the user
//! attaches it at that moment; nothing else changed (no other policy, no membership); `detached`
//! only when the final state shows it; every planned detach once in the report, CSV and JSON
//! agreeing; never exit 0 over anything undone.

use super::generate::{Case, MANAGEMENT};
use super::users::{report_under, undone, user, Yes};
use super::Writes;
use crate::cancel::Cancel;
use crate::run::{Mode, Output};
use crate::users::fake::{Fake, User};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The policy group `devs` attaches: redundant on a member of `devs` who has it directly.
const GRANTED: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
/// A policy no group attaches: never redundant.
const OWN: &str = "arn:aws:iam::aws:policy/AmazonS3FullAccess";

/// The generated organization.
struct World {
    fake: Fake,
    /// Every user as generated, by (account, name).
    users: BTreeMap<(String, String), User>,
    /// Accounts whose `devs` stops attaching its policy before the change.
    emptied: BTreeSet<String>,
}

fn world(case: &Case) -> World {
    let mut rng = SmallRng::seed_from_u64(case.seed ^ 0x7d1d);
    let mut fake = Fake::default().caller(MANAGEMENT);
    let mut users = BTreeMap::new();
    let mut emptied = BTreeSet::new();
    let mut changes = 0;
    for (id, _, _) in case
        .accounts
        .iter()
        .filter(|(id, s, _)| id != MANAGEMENT && s == "ACTIVE")
    {
        fake = fake.account(id, rng.gen_bool(0.9));
        fake = fake.group(id, "devs", &[GRANTED]);
        for n in 0..rng.gen_range(0..=4) {
            let mut u = user(&mut rng, format!("u{n}"));
            if rng.gen_bool(0.6) {
                u.policies.push(GRANTED.into());
                changes += 1;
            }
            if rng.gen_bool(0.3) {
                u.policies.push(OWN.into());
            }
            users.insert((id.clone(), u.name.clone()), u.clone());
            fake = fake.user(id, u);
        }
        if rng.gen_bool(0.1) {
            fake = fake.lagging_reads(id, rng.gen_range(1..4));
        }
    }
    // The world holds one account of each of these faults at most.
    let accounts: Vec<String> = users.keys().map(|(a, _)| a.clone()).collect();
    let pick = |rng: &mut SmallRng| {
        (!accounts.is_empty() && rng.gen_bool(0.4))
            .then(|| accounts[rng.gen_range(0..accounts.len())].clone())
    };
    if let Some(id) = pick(&mut rng) {
        emptied.insert(id.clone());
        fake = fake.group_emptied_on_change(&id, "devs");
    }
    if let Some(id) = pick(&mut rng) {
        fake = fake.group_emptied_on_detach(&id, "devs");
    }
    if let Some(id) = pick(&mut rng) {
        fake = fake.detach_never_shows(&id);
    }
    if rng.gen_bool(0.3) && changes > 0 {
        fake = fake.fail_change(rng.gen_range(1..=changes), "ServiceFailure");
    }
    World {
        fake,
        users,
        emptied,
    }
}

/// Runs `users tidy` on `case`: every invariant that does not hold, and how many policies it
/// detached.
fn check(case: &Case) -> (Vec<String>, usize) {
    super::paused(async {
        let w = world(case);
        let dir = tempfile::tempdir().expect("tempdir");
        let cancel = Cancel::default();
        let rules = crate::users::verdict::tests::rules();
        let job = crate::users::Job::new(w.fake.clone(), MANAGEMENT, rules, cancel.clone());
        let job = crate::users::Tidy::new(job);
        let mut env = crate::root::tests::env(dir.path(), &cancel, Output::Json);
        env.config.concurrency = case.concurrency;
        let mode = Mode::Change {
            skip_blocked: case.skip_blocked,
        };
        let mut out = Vec::new();
        let directory = w.fake.directory();
        let run = crate::run::run(&job, &directory, &env, mode, &Yes, "x", &mut out);
        let (exit, writes) = match super::exit_of(case, run).await {
            Ok(ended) => ended,
            Err(why) => return (vec![why], 0),
        };
        let mut detached = Vec::new();
        let mut broken = Vec::new();
        for ((account, name), u) in &w.users {
            let Some((groups, policies)) = w.fake.attachments(account, name) else {
                broken.push(format!("safe: {account}/{name} is gone"));
                continue;
            };
            if groups != u.groups {
                broken.push(format!("safe: {account}/{name}'s groups changed"));
            }
            for p in u.policies.iter().filter(|p| !policies.contains(p)) {
                detached.push((account.clone(), name.clone(), p.clone()));
            }
        }
        broken.extend(judge(&w, &detached, dir.path(), exit, &writes));
        (broken, detached.len())
    })
}

/// A planned or made detach: (account, user, policy).
type Detach = (String, String, String);

fn judge(
    w: &World,
    detached: &[Detach],
    dir: &std::path::Path,
    exit: u8,
    writes: &Writes,
) -> Vec<String> {
    let mut broken = Vec::new();
    for (account, name, policy) in detached {
        let u = &w.users[&(account.clone(), name.clone())];
        let granted = policy == GRANTED
            && u.groups.iter().any(|g| g == "devs")
            && !w.emptied.contains(account);
        if !granted {
            broken.push(format!(
                "safe: {account}/{name}: {policy} detached while no group of the user attached it"
            ));
        }
    }
    let (rows, csv) = report_under(dir, "users-tidy", "detaches");
    let key = |r: &Value| -> Detach {
        let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
        (s("account_id"), s("user_name"), s("policy_arn"))
    };
    let csv_keys: Vec<Detach> = csv
        .iter()
        .map(|r| {
            (
                r["account_id"].clone(),
                r["user_name"].clone(),
                r["policy_arn"].clone(),
            )
        })
        .collect();
    let held = writes.held(
        "users-tidy",
        rows.iter().map(key).collect(),
        csv_keys,
        &mut broken,
    );
    if held.as_ref().is_some_and(Vec::is_empty)
        && writes.lost("users-tidy").csv
        && !detached.is_empty()
    {
        broken.push("recorded: policies detached with no users-tidy report".into());
    }
    let keys = held.unwrap_or_default();
    let steps: Vec<&Detach> = keys.iter().filter(|k| !k.1.is_empty()).collect();
    let unique: BTreeSet<&&Detach> = steps.iter().collect();
    if unique.len() != steps.len() {
        broken.push("complete: a detach twice in the users-tidy report".into());
    }
    for d in detached {
        if !keys.is_empty() && !unique.contains(&d) {
            broken.push(format!("complete: {d:?} detached, not in the report"));
        }
    }
    for row in &rows {
        let k = key(row);
        let outcome = row["outcome"].as_str().unwrap_or("");
        if k.1.is_empty() {
            continue;
        }
        let gone = detached.contains(&k);
        if outcome == "detached" && !gone {
            broken.push(format!("true: {k:?} reported detached, still attached"));
        }
        if gone && !["detached", "interrupted", "failed"].contains(&outcome) {
            broken.push(format!("true: {k:?} is detached, reported {outcome}"));
        }
    }
    let (read, _) = report_under(dir, "users-audit", "users");
    let undone = undone(&rows, &read);
    if exit == 0 && undone {
        broken.push("exit: 0 although something is not done".into());
    }
    writes.exit(&["users-audit", "users-tidy"], exit, &mut broken);
    broken
}

#[test]
fn invariant_users_tidy() {
    super::soak_each("users_tidy", Some("detached a policy"), check);
}

#[test]
fn the_users_tidy_checker_catches_each_broken_promise() {
    let dir = tempfile::tempdir().expect("tempdir");
    let member = User {
        name: "u0".into(),
        groups: vec!["devs".into()],
        policies: vec![GRANTED.into(), OWN.into()],
        ..User::default()
    };
    let a = "222222222222".to_string();
    let w = World {
        fake: Fake::default(),
        users: BTreeMap::from([((a.clone(), "u0".to_string()), member)]),
        emptied: BTreeSet::from([a.clone()]),
    };
    let detach = |p: &str| (a.clone(), "u0".to_string(), p.to_string());
    let write = |json: &str, csv: &str| {
        let name = |ext| {
            dir.path()
                .join(format!("users-tidy-{}.{ext}", super::RUN_ID))
        };
        std::fs::write(name("json"), json).expect("json");
        std::fs::write(name("csv"), csv).expect("csv");
    };
    let row = |outcome: &str| {
        format!(
            r#"{{"detaches":[{{"account_id":"{a}","user_name":"u0","policy_arn":"{GRANTED}","outcome":"{outcome}"}}]}}"#
        )
    };
    let csv = format!("account_id,user_name,policy_arn,outcome\n{a},u0,{GRANTED},detached\n");
    write(&row("detached"), &csv);
    // The group stopped attaching it before the change; and a policy no group attaches.
    let broken = judge(
        &w,
        &[detach(GRANTED), detach(OWN)],
        dir.path(),
        0,
        &Writes::default(),
    );
    assert_eq!(
        broken.iter().filter(|b| b.starts_with("safe: ")).count(),
        2,
        "{broken:?}"
    );
    assert!(
        broken.iter().any(|b| b.contains("not in the report")),
        "{broken:?}"
    );
    // Reported detached, still attached; and CSV and JSON disagreeing.
    write(
        &row("detached"),
        "account_id,user_name,policy_arn,outcome\n",
    );
    let broken = judge(&w, &[], dir.path(), 0, &Writes::default());
    assert!(broken.iter().any(|b| b.starts_with("true: ")), "{broken:?}");
    assert!(broken.iter().any(|b| b.contains("disagree")), "{broken:?}");
    // A skipped detach with exit 0.
    let csv = format!("account_id,user_name,policy_arn,outcome\n{a},u0,{GRANTED},skipped\n");
    write(&row("skipped"), &csv);
    let broken = judge(&w, &[], dir.path(), 0, &Writes::default());
    assert_eq!(broken, ["exit: 0 although something is not done"]);
}
