//! The `users reactivate` checker: what a run left — its check and change reports, the plan it
//! printed, every call that reached the world, the world before and after, the exit — judged
//! against the README's promises. The model it judges by: a credential of the record is
//! reactivatable while it is `Inactive` and (an access key) unused since the record; deleted,
//! its user deleted, `Active` again or used since, it is refused and never called; a password
//! is never restored (`not-reversible`). Pure: each promise is shown to fail by a unit test
//! that breaks it once.

use super::users::{UserKey, CHANGES};
use super::users_change::{self as change, Ran};
use super::users_credentials::{self as creds, active, planned, Key, Planned};
use crate::users::fake::User;
use crate::users::verdict::tests::NOW;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The read stage's report, and the change stage's.
pub(super) const CHECK: &str = "users-reactivate-check";
pub(super) const CHANGE: &str = "users-reactivate";

/// What a run left.
pub(super) struct Observed {
    /// The accounts the run targets.
    pub accounts: Vec<String>,
    /// The record's credentials `--only` selects, with when each was recorded (seconds).
    pub wanted: BTreeMap<Key, i64>,
    /// Every user as generated (deleted since the record: absent), and as the world holds it
    /// after the run.
    pub users: BTreeMap<UserKey, User>,
    pub after: BTreeMap<UserKey, Option<User>>,
    /// Accounts without the role.
    pub no_role: BTreeSet<String>,
    pub dry_run: bool,
    pub skip_blocked: bool,
    /// The record's text before the run, and after it.
    pub record: (String, String),
    /// Every operation the world was asked, in order.
    pub ops: Vec<String>,
    pub ran: Ran,
}

/// Why the README refuses `key`, recorded at `at`, on `u` as a fresh read shows it; `None`
/// when it is reactivatable.
pub(super) fn refusal(u: Option<&User>, key: &Key, at: i64) -> Option<&'static str> {
    let Some(u) = u else {
        return Some("its user is gone");
    };
    match active(Some(u), key) {
        None => Some("it is gone"),
        Some(true) => Some("it is Active"),
        Some(false) => {
            let used = u.key.flatten().filter(|_| key.2 == "access-key");
            used.filter(|days| NOW - days * 86_400 > at)
                .map(|_| "it was used after the record")
        }
    }
}

impl Observed {
    fn user(&self, key: &Key) -> Option<&User> {
        self.users.get(&(key.0.clone(), key.1.clone()))
    }

    fn now(&self, key: &Key) -> Option<&User> {
        self.after
            .get(&(key.0.clone(), key.1.clone()))
            .and_then(Option::as_ref)
    }

    /// The check report's verdict on `key`, from the world as generated.
    fn verdict(&self, key: &Key, at: i64) -> &'static str {
        if key.2 == "password" {
            "not-reversible"
        } else if refusal(self.user(key), key, at).is_some() {
            "refused"
        } else {
            "reactivatable"
        }
    }

    /// The wanted credentials of `account`, with when each was recorded.
    fn of<'a>(&'a self, account: &'a str) -> impl Iterator<Item = (&'a Key, i64)> + 'a {
        self.wanted
            .iter()
            .filter(move |(k, _)| k.0 == account)
            .map(|(k, at)| (k, *at))
    }

    /// Accounts whose read must fail: no role (with something to read: a reversible
    /// credential; deleted passwords alone need no session), or a read fault.
    fn unknown(&self) -> BTreeSet<&String> {
        let reversible = |a: &String| self.of(a).any(|(k, _)| k.2 != "password");
        let read = |a: &String| reversible(a) && self.no_role.contains(a);
        self.accounts
            .iter()
            .filter(|a| read(a) || self.ran.seen.reads_failed.contains(*a))
            .collect()
    }

    /// Whether the plan refuses the run: an account is unknown, or blocked (every one of its
    /// reversible credentials refused).
    fn refused(&self, unknown: &BTreeSet<&String>) -> bool {
        let blocked = |a: &String| !unknown.contains(a) && self.plan(a).verdict == "refused";
        !unknown.is_empty() || self.accounts.iter().any(blocked)
    }

    /// The plan entry the README gives `account` read from the world as generated: its
    /// verdict, its steps and the refused ones.
    fn plan(&self, account: &str) -> Planned {
        let mut p = Planned::default();
        for (k, at) in self.of(account).filter(|(k, _)| k.2 != "password") {
            if self.verdict(k, at) == "refused" {
                p.refused.insert(k.clone());
            }
            p.steps.insert(k.clone());
        }
        p.verdict = match (p.steps.len(), p.refused.len()) {
            (0, _) => "clean",
            (n, r) if n == r => "refused",
            _ => "inactive",
        }
        .into();
        p
    }
}

/// The credentials this run reactivated: a call of its set the credential `Active` while it
/// was `Inactive`, and the world shows it `Active` now.
pub(super) fn reactivated(o: &Observed) -> BTreeSet<Key> {
    o.ran
        .seen
        .made
        .iter()
        .filter(|m| m.call.status() == Some("Active"))
        .filter_map(|m| {
            let key = creds::target(&m.account, &m.call)?;
            let was = active(m.before.as_ref(), &key) == Some(false);
            (was && active(o.now(&key), &key) == Some(true)).then_some(key)
        })
        .collect()
}

/// Every promise `o` (its reports in `dir`) breaks.
pub(super) fn judge(o: &Observed, dir: &std::path::Path) -> Vec<String> {
    let mut broken = Vec::new();
    let unknown = o.unknown();
    let read = check_report(o, dir, &unknown, &mut broken);
    let planned = planned(o.ran.plan.as_ref());
    plan(o, &planned, &unknown, &read, &mut broken);
    calls(o, &planned, &unknown, &mut broken);
    let rows = change_report(o, dir, &unknown, &mut broken);
    if o.record.0 != o.record.1 {
        broken.push("recorded: the run changed the undo record".into());
    }
    let seen = &o.ran.seen;
    let stopped = [(CHECK, seen.signalled_reading), (CHANGE, seen.signalled)];
    for (stem, _) in stopped.iter().filter(|(_, s)| !*s && !o.ran.writes.any()) {
        let written = dir.join(format!("{stem}-{}.json", super::RUN_ID)).exists();
        if written && !creds::complete(dir, stem) {
            broken.push(format!(
                "complete: the {stem} report is incomplete though nothing stopped the run"
            ));
        }
    }
    change::ends(&o.ran, &stopped, dir, &mut broken);
    if !o.ran.writes.any() && !seen.signalled {
        let want = exit(o, &unknown, rows.as_deref());
        if o.ran.exit != want {
            broken.push(format!(
                "exit: {} where the README's merge gives {want}",
                o.ran.exit
            ));
        }
    }
    broken
}

/// The check report: every wanted credential of an account read once, with the verdict the
/// world gives it; an account not read in one row, `unknown` exactly when its read failed.
/// The accounts it shows were read (`skipped` ones were not).
fn check_report(
    o: &Observed,
    dir: &std::path::Path,
    unknown: &BTreeSet<&String>,
    broken: &mut Vec<String>,
) -> BTreeSet<String> {
    let report = creds::rows(dir, CHECK, &o.ran.writes, broken);
    let mut skipped = BTreeSet::new();
    for row in &report.json {
        let k = creds::row_key(row);
        let verdict = row["outcome"].as_str().unwrap_or("");
        let lie = match (k.1.is_empty(), o.wanted.get(&k)) {
            // Not a target, or not read for a signal or a report that could not be written.
            (true, _) if verdict == "skipped" => {
                skipped.insert(k.0.clone());
                let stopped = o.ran.seen.signalled_reading || o.ran.writes.any();
                o.accounts.contains(&k.0) && !stopped
            }
            (true, _) => verdict != "unknown" || !unknown.contains(&k.0),
            (false, None) => true,
            (false, Some(at)) => unknown.contains(&k.0) || verdict != o.verdict(&k, *at),
        };
        if lie {
            broken.push(format!("true: {k:?} is {verdict} in the {CHECK} report"));
        }
    }
    if o.ran.writes.lost(CHECK).json {
        // The JSON was lost: which accounts went unread, the CSV that survived says.
        let cell = |r: &BTreeMap<String, String>, k: &str| r.get(k).cloned().unwrap_or_default();
        skipped.extend(
            report
                .csv
                .iter()
                .filter(|r| cell(r, "user_name").is_empty() && cell(r, "outcome") == "skipped")
                .map(|r| cell(r, "account_id")),
        );
    }
    let read: BTreeSet<String> = o
        .accounts
        .iter()
        .filter(|a| !skipped.contains(*a) && !unknown.contains(a))
        .cloned()
        .collect();
    let wanted = o.wanted.keys().filter(|k| read.contains(&k.0));
    let listed = o.accounts.iter().filter(|a| o.of(a).next().is_some());
    let none = BTreeSet::new();
    report.once_each(CHECK, &o.ran.writes, wanted, listed, &none, "", broken);
    read
}

/// The printed plan: every account read, with exactly its reversible wanted credentials,
/// those refused marked, and the verdict they give; `unknown` exactly where a read failed.
fn plan(
    o: &Observed,
    planned: &BTreeMap<String, Planned>,
    unknown: &BTreeSet<&String>,
    read: &BTreeSet<String>,
    broken: &mut Vec<String>,
) {
    if o.ran.plan.is_none() {
        return;
    }
    for (account, p) in planned {
        if !o.accounts.contains(account) {
            broken.push(format!("plan: {account} planned, not a target"));
        } else if unknown.contains(account) != (p.verdict == "unknown") {
            broken.push(format!("true: {account} is {} in the plan", p.verdict));
        }
    }
    for account in read {
        let Some(p) = planned.get(account) else {
            // A report that could not be written stops the reads: which were made is unknown.
            if !o.ran.writes.any() {
                broken.push(format!("complete: {account} is not in the plan"));
            }
            continue;
        };
        let want = o.plan(account);
        for k in want.steps.symmetric_difference(&p.steps) {
            broken.push(format!(
                "complete: {k:?} is a step of one of the plans only"
            ));
        }
        for k in want.refused.symmetric_difference(&p.refused) {
            broken.push(format!("true: {k:?} refused in one of the plans only"));
        }
        if p.verdict != want.verdict {
            broken.push(format!("true: {account} is {} in the plan", p.verdict));
        }
    }
}

/// Every mutating call: a status update to `Active` of a wanted, reversible credential the
/// plan did not refuse, confirmed, never after the signal, the credential as the record left
/// it right before (a retry finds the run's own change), in an account read.
fn calls(
    o: &Observed,
    planned: &BTreeMap<String, Planned>,
    unknown: &BTreeSet<&String>,
    broken: &mut Vec<String>,
) {
    let steps: BTreeSet<&Key> = planned.values().flat_map(|p| &p.steps).collect();
    let refused: BTreeSet<&Key> = planned.values().flat_map(|p| &p.refused).collect();
    let printed = o.ran.plan.as_ref().map(|_| &steps);
    let mut again = BTreeSet::new();
    for (m, key) in change::calls(&o.ran.seen.made, o.dry_run, printed, broken) {
        if m.call.status() != Some("Active") {
            broken.push(format!("plan: {key:?} not set Active ({})", m.call));
        }
        let Some(at) = o.wanted.get(&key).filter(|_| key.2 != "password") else {
            broken.push(format!(
                "safe: {key:?} changed, no reversible credential asked"
            ));
            continue;
        };
        if refused.contains(&key) {
            broken.push(format!("safe: {key:?} changed, refused in the plan"));
        }
        let why = refusal(m.before.as_ref(), &key, *at);
        if let Some(why) = why.filter(|_| !again.contains(&key)) {
            broken.push(format!("safe: {key:?} changed while {why}"));
        }
        again.insert(key.clone());
        if unknown.contains(&m.account) {
            broken.push(format!(
                "plan: a change in {} after a read failed",
                m.account
            ));
        }
    }
    for op in &o.ops {
        if CHANGES.iter().any(|c| op.starts_with(c)) && !op.starts_with("Update") {
            broken.push(format!("safe: {op} called"));
        }
    }
}

/// The change report: every wanted credential of an account read once and every account; each
/// outcome true of the world and of the run's calls. Its rows, when it was written.
fn change_report(
    o: &Observed,
    dir: &std::path::Path,
    unknown: &BTreeSet<&String>,
    broken: &mut Vec<String>,
) -> Option<Vec<Value>> {
    let file = dir.join(format!("{CHANGE}-{}.csv", super::RUN_ID));
    let lost = o.ran.writes.lost(CHANGE);
    if !file.exists() && !lost.csv {
        return None;
    }
    if o.dry_run || o.refused(unknown) && !o.skip_blocked {
        broken.push(format!(
            "plan: a {CHANGE} report though the run was to change nothing"
        ));
    }
    let report = creds::rows(dir, CHANGE, &o.ran.writes, broken);
    let done = reactivated(o);
    let wanted = o.wanted.keys().filter(|k| !unknown.contains(&k.0));
    let (writes, word) = (&o.ran.writes, "reactivated");
    report.once_each(CHANGE, writes, wanted, &o.accounts, &done, word, broken);
    let signalled = o.ran.seen.signalled;
    // A signal, or a report that could not be written, starts no further account.
    let stopped = signalled || o.ran.writes.any();
    for row in &report.json {
        let k = creds::row_key(row);
        let outcome = row["outcome"].as_str().unwrap_or("");
        let verified = row["verified"].as_str().unwrap_or("");
        let made =
            o.ran.seen.made.iter().any(|m| {
                m.account == k.0 && creds::target(&m.account, &m.call).as_ref() == Some(&k)
            });
        let lie = if k.1.is_empty() {
            let nothing = o.of(&k.0).all(|(k, _)| k.2 == "password");
            match outcome {
                "already-clean" => unknown.contains(&k.0) || !nothing,
                "skipped-unknown" => !unknown.contains(&k.0),
                "interrupted" => !signalled,
                "not-started" => !stopped,
                _ => true,
            }
        } else {
            let Some(at) = o.wanted.get(&k).filter(|_| !unknown.contains(&k.0)) else {
                broken.push(format!("true: {k:?} reported, not asked or not read"));
                continue;
            };
            let password = k.2 == "password";
            match outcome {
                "reactivated" => !done.contains(&k),
                "refused" => {
                    let why = refusal(o.user(&k), &k, *at).or(refusal(o.now(&k), &k, *at));
                    made || password || why.is_none()
                }
                "not-reversible" => made || !password,
                "failed" => password,
                "interrupted" => password || !signalled,
                "not-started" => password || made || !stopped,
                _ => true,
            }
        };
        if lie {
            broken.push(format!(
                "true: {k:?} reported {outcome}; the world: {:?}, a call made: {made}",
                active(o.now(&k), &k)
            ));
        }
        if done.contains(&k) && !["reactivated", "failed", "interrupted"].contains(&outcome) {
            broken.push(format!("true: {k:?} was reactivated, reported {outcome}"));
        }
        let proven = match outcome {
            "reactivated" => "yes",
            "failed" | "interrupted" | "not-started" => "no",
            _ => "n/a",
        };
        if verified != proven {
            broken.push(format!("true: {k:?} {outcome} with verified={verified}"));
        }
    }
    Some(report.json)
}

/// The README's exit for a run that no signal and no failed write stopped: 4 for an account
/// not read; then, confirmed, 3 while an account is blocked (every credential refused) or
/// unknown without `--skip-blocked`; else 4 for a credential of an account with something to
/// reactivate that is not (refused beside reactivations, failed). The strongest wins.
fn exit(o: &Observed, unknown: &BTreeSet<&String>, rows: Option<&[Value]>) -> u8 {
    let mut reasons = vec![if unknown.is_empty() { 0 } else { 4 }];
    if !o.dry_run {
        if o.refused(unknown) && !o.skip_blocked {
            reasons.push(3);
        }
        let changing =
            |a: &str| !unknown.contains(&a.to_string()) && o.plan(a).verdict == "inactive";
        let undone = rows.into_iter().flatten().any(|r| {
            let account = r["account_id"].as_str().unwrap_or("");
            let outcome = r["outcome"].as_str().unwrap_or("");
            outcome == "failed" || (outcome == "refused" && changing(account))
        });
        reasons.push(if undone { 4 } else { 0 });
    }
    // The README's order, weakest first: 0 < 4 < 3 < 2 < 130 < 1.
    let rank = |code: &u8| [0, 4, 3, 2, 130, 1].iter().position(|c| c == code);
    reasons.into_iter().max_by_key(rank).unwrap_or(0)
}

#[cfg(test)]
#[path = "users_reactivate_judge_tests.rs"]
mod tests;
