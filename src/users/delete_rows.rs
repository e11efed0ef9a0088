//! The `users delete` report row: one per planned user (account, user, outcome, the calls this
//! run made, error), and one with an empty `user_name` for an account whose plan says why nothing
//! or not everything it listed is deleted. Pure.

use super::delete::{outcome, UserOutcome};
use super::plan::Step;
use crate::report::csv::JsonOnly;
use crate::run::job::{Applied, Disposition, Entry};
use serde::Serialize;

/// One row of `users-delete-<UTC>.csv`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub account_id: String,
    pub account_name: String,
    /// Empty on an account's own row.
    pub user_name: String,
    /// A per-user outcome (`deleted`, `skipped-active`, …), or an account outcome on its own row.
    pub outcome: String,
    /// The calls this run made, in order (`Operation target`, `;`-joined in the CSV).
    pub steps_done: Vec<String>,
    /// The failed call and its error (a `DeleteConflict` names what remained), or why not.
    pub error: String,
    /// JSON only: the controls this row's change acts on (how each stands after the run is in
    /// the findings file).
    pub controls: JsonOnly<Vec<crate::controls::Ids>>,
}

/// The report word for an account or user whose deletion completed.
pub const DELETED: &str = outcome::DELETED;

/// An account's rows.
pub fn rows(entry: &Entry<Step>, applied: &Applied<Step, Vec<UserOutcome>>) -> Vec<Row> {
    let row = |user: &str, outcome: &str, done: Vec<String>, error: &str| Row {
        account_id: entry.account_id.clone(),
        account_name: entry.account_name.clone(),
        user_name: user.to_string(),
        outcome: outcome.to_string(),
        steps_done: done,
        error: error.to_string(),
        // Deleting a user settles every user control about it.
        controls: JsonOnly(if user.is_empty() {
            Vec::new()
        } else {
            crate::controls::ids(&crate::controls::USERS)
        }),
    };
    let mut rows: Vec<Row> = if !applied.detail.is_empty() {
        applied
            .detail
            .iter()
            .map(|r| row(&r.user, r.outcome, r.done.clone(), &r.error))
            .collect()
    } else {
        // Never applied (not started, or refused at plan time): each planned user says so.
        let label = applied.outcome.label(DELETED);
        entry
            .steps
            .iter()
            .map(|s| row(&s.user, label, Vec::new(), &applied.error))
            .collect()
    };
    if entry.steps.is_empty() {
        rows.push(row(
            "",
            applied.outcome.label(DELETED),
            Vec::new(),
            &applied.error,
        ));
    } else if let Some(reason) = entry.reason.as_deref() {
        debug_assert_eq!(entry.disposition, Disposition::Change);
        rows.push(row("", "not-planned", Vec::new(), reason));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::job::{Outcome, Verified};

    fn step(user: &str) -> Step {
        Step {
            user: user.into(),
            created: String::new(),
            last_activity: String::new(),
            stale_since: None,
            calls: vec![],
        }
    }

    fn entry(steps: Vec<Step>, reason: Option<&str>) -> Entry<Step> {
        Entry {
            account_id: "222222222222".into(),
            account_name: "dev".into(),
            verdict: "eligible",
            disposition: if steps.is_empty() {
                Disposition::AlreadyClean
            } else {
                Disposition::Change
            },
            steps,
            reason: reason.map(str::to_string),
        }
    }

    #[test]
    fn header_is_exactly_the_documented_columns() {
        assert_eq!(
            crate::report::csv::header::<Row>().join(","),
            "account_id,account_name,user_name,outcome,steps_done,error"
        );
    }

    #[test]
    fn one_row_per_user_then_one_for_what_the_plan_left_out() {
        let e = entry(
            vec![step("old"), step("gone")],
            Some("admin: the caller's own IAM user is never deleted"),
        );
        let applied = Applied {
            outcome: Outcome::Done,
            done: vec![step("old")],
            verified: Verified::Yes,
            error: String::new(),
            detail: vec![
                UserOutcome {
                    user: "old".into(),
                    outcome: outcome::DELETED,
                    done: vec!["DeleteLoginProfile".into(), "DeleteUser".into()],
                    error: String::new(),
                },
                UserOutcome {
                    user: "gone".into(),
                    outcome: outcome::ALREADY_GONE,
                    done: vec![],
                    error: String::new(),
                },
            ],
        };
        let cells: Vec<String> = rows(&e, &applied)
            .iter()
            .map(|r| crate::report::csv::cells(r).join(","))
            .collect();
        assert_eq!(
            cells,
            [
                "222222222222,dev,old,deleted,DeleteLoginProfile;DeleteUser,",
                "222222222222,dev,gone,already-clean,,",
                "222222222222,dev,,not-planned,,admin: the caller's own IAM user is never deleted",
            ]
        );
    }

    #[test]
    fn users_of_an_account_never_started_each_say_so() {
        let e = entry(vec![step("old")], None);
        let applied = Applied::untouched(Outcome::NotStarted, "interrupted");
        let r = rows(&e, &applied);
        assert_eq!(r.len(), 1);
        assert_eq!(
            (r[0].user_name.as_str(), r[0].outcome.as_str()),
            ("old", "not-started")
        );
    }

    #[test]
    fn an_account_with_nothing_planned_is_one_row_with_the_reason() {
        let e = entry(vec![], Some("old: no such user (already deleted?)"));
        let applied = Applied::untouched(
            Outcome::AlreadyClean,
            "old: no such user (already deleted?)",
        );
        let r = rows(&e, &applied);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].user_name, "");
        assert_eq!(r[0].outcome, "already-clean");
    }
}
