//! The state a change run leaves, as its findings judge it: the read stage's report rows (the
//! audit this run made) with what its change report says was done applied to them. Pure.
//!
//! Only a change the report proves moves a finding: a credential removed and verified passes;
//! a change that was made and not proven (a failed or interrupted step, `verified: no`), or an
//! account or user that changed since the plan, is unknown — never passed; anything left alone
//! keeps its audited state.

use super::command::Command;
use super::users::Override;
use super::{root, users, Outcome};
use serde_json::Value;
use std::collections::HashMap;

/// Where the first row of each key is: a change is matched to its row in constant time (a
/// `users deactivate` of a thousand accounts has tens of thousands of rows and changes).
fn first_of<K: Eq + std::hash::Hash>(keys: impl Iterator<Item = K>) -> HashMap<K, usize> {
    let mut at = HashMap::new();
    for (i, key) in keys.enumerate() {
        at.entry(key).or_insert(i);
    }
    at
}

fn text<'a>(row: &'a Value, key: &str) -> &'a str {
    row[key].as_str().unwrap_or_default()
}

/// Outcomes after which what was done cannot be told from the report.
const UNSETTLED: [&str; 3] = ["changed-since-plan", "failed", "interrupted"];

/// `delete`: per account of its report, the root credentials its outcome leaves.
pub fn root(rows: &mut [root::Row], changes: &[Value]) {
    let at = first_of(rows.iter().map(|r| r.account_id.clone()));
    for change in changes {
        let Some(row) = at
            .get(text(change, "account_id"))
            .and_then(|&i| rows.get_mut(i))
        else {
            continue;
        };
        let outcome = text(change, "outcome");
        let made = text(change, "verified") == "no" || outcome == "changed-since-plan";
        if made {
            row.verdict = "unknown".into();
            row.login_profile = "unknown".into();
            row.mfa_devices = "unknown".into();
            row.error = format!(
                "the state after this run is not proven ({outcome}): {}",
                text(change, "error")
            );
            continue;
        }
        if text(change, "login_profile_deleted") == "yes" {
            row.login_profile = "absent".into();
        }
        let removed: u64 = text(change, "mfa_deactivated").parse().unwrap_or(0);
        if let Ok(n) = row.mfa_devices.parse::<u64>() {
            let left = n.saturating_sub(removed);
            row.mfa_devices = left.to_string();
            if left == 0 {
                row.mfa_serials.clear();
            }
        }
        let none = |cell: &str| cell == "0";
        if row.login_profile == "absent"
            && none(&row.mfa_devices)
            && none(&row.access_keys)
            && none(&row.signing_certificates)
        {
            row.verdict = "clean".into();
        }
    }
}

/// `users tidy`, `users delete`, `users deactivate`: per user of the change report, what its
/// outcome proves about the user's controls.
pub fn users(command: Command, rows: &mut [users::Row], changes: &[Value]) {
    let at = first_of(
        rows.iter()
            .map(|r| (r.account_id.clone(), r.user_name.clone())),
    );
    for change in changes {
        let user = text(change, "user_name");
        let key = (text(change, "account_id").to_string(), user.to_string());
        let Some(row) = (!user.is_empty())
            .then(|| at.get(&key))
            .flatten()
            .and_then(|&i| rows.get_mut(i))
        else {
            continue;
        };
        let outcome = text(change, "outcome");
        let unsettled = UNSETTLED.contains(&outcome);
        let why = |what: &str| format!("{what} by this run ({outcome})");
        match command {
            Command::UsersDelete if outcome == "deleted" => {
                row.overrides
                    .push(Override::all(Outcome::Passed, why("deleted")));
            }
            Command::UsersDelete if unsettled && change["steps_done"] != Value::Array(vec![]) => {
                let desc = why("partly changed, not proven");
                row.overrides.push(Override::all(Outcome::Unknown, desc));
            }
            Command::UsersTidy => tidy(row, change, outcome),
            Command::UsersDeactivate => deactivate(row, change, outcome),
            _ => {}
        }
    }
}

/// A detached redundant policy leaves the user's own policies; none left passes IAM.2.
fn tidy(row: &mut users::Row, change: &Value, outcome: &str) {
    let iam2 = crate::controls::NO_USER_POLICIES.id;
    if outcome == "detached" {
        row.direct_policies
            .retain(|p| p != text(change, "policy_arn"));
        if row.direct_policies.is_empty() {
            let desc = "the user's direct policies were detached by this run".to_string();
            row.overrides
                .push(Override::control(iam2, Outcome::Passed, desc));
        }
    } else if UNSETTLED.contains(&outcome) {
        let desc = format!("a detach of this run is not proven ({outcome})");
        row.overrides
            .push(Override::control(iam2, Outcome::Unknown, desc));
    }
}

/// A deactivated credential passes the controls about it (and, for an access key, the
/// one-active-key control); one whose change is not proven is unknown.
fn deactivate(row: &mut users::Row, change: &Value, outcome: &str) {
    let credential = match text(change, "credential_type") {
        "password" => "password".to_string(),
        "access-key" => text(change, "credential").to_string(),
        _ => return,
    };
    if credential.is_empty() {
        return;
    }
    let id = text(change, "credential_id");
    if !id.is_empty() {
        row.credential_ids
            .push((credential.clone(), id.to_string()));
    }
    let one_key = crate::controls::ONE_ACTIVE_KEY.id;
    if outcome == "deactivated" {
        let desc = format!("{credential} deactivated by this run");
        if credential != "password" {
            let o = Override::control(one_key, Outcome::Passed, desc.clone());
            row.overrides.push(o);
        }
        row.overrides
            .push(Override::credential(&credential, Outcome::Passed, desc));
    } else if UNSETTLED.contains(&outcome) {
        let desc = format!("the deactivation of {credential} is not proven ({outcome})");
        row.overrides
            .push(Override::credential(&credential, Outcome::Unknown, desc));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::event::Run;
    use serde_json::json;

    fn run() -> Run {
        Run::of_test("users deactivate")
    }

    fn user() -> users::Row {
        serde_json::from_value(json!({
            "account_id": "2", "user_name": "ana", "user_arn": "arn:aws:iam::2:user/ana",
            "password_enabled": "no", "access_key_1_last_used": "never",
            "access_key_2_last_used": "never", "verdict": "stale",
            "direct_policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            "controls": [
                { "id": "IAM.22", "credential": "access_key_1", "status": "failed" },
                { "id": "CIS-1.13", "credential": "", "status": "failed" },
                { "id": "IAM.2", "credential": "", "status": "failed" },
            ],
        }))
        .expect("a users audit row")
    }

    fn codes(rows: &[users::Row]) -> Vec<(String, &'static str)> {
        users::findings(&run(), rows)
            .iter()
            .map(|f| (f.uid().to_string(), f.status_code()))
            .collect()
    }

    fn of<'a>(got: &'a [(String, &'static str)], uid: &str) -> Option<&'a str> {
        got.iter().find(|(u, _)| u == uid).map(|(_, c)| *c)
    }

    #[test]
    fn a_deactivated_key_passes_its_controls_and_one_not_proven_is_unknown() {
        let mut rows = [user()];
        let changes = [
            json!({ "account_id": "2", "user_name": "ana", "credential_type": "access-key",
                    "credential_id": "AKIA1", "credential": "access_key_1",
                    "outcome": "deactivated", "verified": "yes" }),
            json!({ "account_id": "2", "user_name": "ana", "credential_type": "access-key",
                    "credential_id": "AKIA2", "credential": "access_key_2",
                    "outcome": "failed", "verified": "no" }),
        ];
        users(Command::UsersDeactivate, &mut rows, &changes);
        let got = codes(&rows);
        assert_eq!(
            of(&got, "rootsweep:IAM.22:2:ana:access_key_1"),
            Some("PASS")
        );
        assert_eq!(of(&got, "rootsweep:CIS-1.13:2:ana"), Some("PASS"));
        assert_eq!(
            of(&got, "rootsweep:IAM.22:2:ana:access_key_2"),
            Some("UNKNOWN")
        );
        assert_eq!(of(&got, "rootsweep:IAM.2:2:ana"), Some("FAIL"));
        assert_eq!(rows[0].credential_ids.len(), 2);
    }

    #[test]
    fn a_deleted_user_passes_everything_and_a_tidy_that_left_no_direct_policy_passes_iam2() {
        let mut deleted = [user()];
        let gone = [json!({ "account_id": "2", "user_name": "ana", "outcome": "deleted" })];
        users(Command::UsersDelete, &mut deleted, &gone);
        assert!(codes(&deleted).iter().all(|(_, c)| *c == "PASS"));
        let mut tidied = [user()];
        let detached = [
            json!({ "account_id": "2", "user_name": "ana", "outcome": "detached",
                                "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess" }),
        ];
        users(Command::UsersTidy, &mut tidied, &detached);
        let got = codes(&tidied);
        assert_eq!(of(&got, "rootsweep:IAM.2:2:ana"), Some("PASS"));
        assert_eq!(
            of(&got, "rootsweep:IAM.22:2:ana:access_key_1"),
            Some("FAIL")
        );
    }

    #[test]
    fn a_verified_delete_cleans_the_root_and_an_unproven_one_is_unknown() {
        let row = || -> root::Row {
            serde_json::from_value(json!({
                "account_id": "1", "verdict": "eligible", "login_profile": "present",
                "mfa_devices": "1", "mfa_serials": "arn:aws:iam::1:mfa/root",
                "access_keys": "0", "signing_certificates": "0",
            }))
            .expect("an audit row")
        };
        let mut done = [row()];
        root(
            &mut done,
            &[
                json!({ "account_id": "1", "outcome": "deleted", "verified": "yes",
                      "login_profile_deleted": "yes", "mfa_deactivated": "1" }),
            ],
        );
        assert_eq!(
            (done[0].verdict.as_str(), done[0].mfa_serials.as_str()),
            ("clean", "")
        );
        let mut unproven = [row()];
        root(
            &mut unproven,
            &[json!({ "account_id": "1", "outcome": "interrupted", "verified": "no" })],
        );
        assert_eq!(unproven[0].verdict, "unknown");
    }
}
