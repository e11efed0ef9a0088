//! Pure: the rows of `users-deactivate-<UTC>.csv` — one per planned credential, or one for an
//! account with none planned (its outcome, e.g. `already-clean`, `skipped-unknown`).

use super::deactivate::Step;
use super::model::Finding;
use super::switch::{outcome, Changed};
use crate::report::csv::JsonOnly;
use crate::report::rfc3339;
use crate::run::job::{Applied, Entry};
use serde::Serialize;

/// One row of `users-deactivate-<UTC>.csv`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub account_id: String,
    pub account_name: String,
    /// Empty on an account's own row.
    pub user_name: String,
    /// `access-key`, `password`, `ssh-public-key`, `service-specific-credential`,
    /// `signing-certificate`.
    pub credential_type: String,
    /// Empty for a password.
    pub credential_id: String,
    /// Last use (RFC 3339) as the audit saw it; empty when never used or never recorded.
    pub last_used: String,
    /// Whole days since the last use, or since issuance when never used.
    pub age_days: String,
    /// `deactivated`, `already-clean`, `skipped-active`, `changed-since-plan`, `failed`,
    /// `interrupted`, or an account outcome on its own row.
    pub outcome: String,
    /// `yes` changed by this run and proven by a fresh read, `no` planned and not proven,
    /// `n/a` not changed.
    pub verified: String,
    pub error: String,
    /// JSON only: the credential report's name of the credential (`password`,
    /// `access_key_1`, `access_key_2`), as the users audit and its findings name it; empty for
    /// other kinds, or a key the audit's report row does not show.
    pub credential: JsonOnly<String>,
    /// JSON only: the controls this row's change acts on (how each stands after the run is in
    /// the findings file).
    pub controls: JsonOnly<Vec<crate::controls::Ids>>,
}

/// The report word for a completed deactivation.
pub const DONE: &str = outcome::DEACTIVATED;

/// An account's rows: one per planned credential, or one for the account.
pub fn rows(entry: &Entry<Step>, applied: &Applied<Step, Vec<Changed>>) -> Vec<Row> {
    let row = |step: Option<&Step>, outcome: &str, error: &str| {
        let verified = match (outcome, step) {
            (outcome::DEACTIVATED, _) => "yes",
            (
                outcome::FAILED | outcome::INTERRUPTED | outcome::CHANGED | "not-started",
                Some(_),
            ) => "no",
            _ => "n/a",
        };
        Row {
            account_id: entry.account_id.clone(),
            account_name: entry.account_name.clone(),
            user_name: step.map(|s| s.user.clone()).unwrap_or_default(),
            credential_type: step.map(|s| s.kind.word().to_string()).unwrap_or_default(),
            credential_id: step.map(|s| s.id.clone()).unwrap_or_default(),
            last_used: step.map(|s| s.last_used.clone()).unwrap_or_default(),
            age_days: step
                .and_then(|s| s.age_days)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            outcome: outcome.to_string(),
            verified: verified.to_string(),
            error: error.to_string(),
            credential: JsonOnly::default(),
            controls: JsonOnly(
                step.map(|s| crate::controls::of_credential(s.kind.word()))
                    .unwrap_or_default(),
            ),
        }
    };
    if !applied.detail.is_empty() {
        return applied
            .detail
            .iter()
            .map(|c| row(Some(&c.step), c.outcome, &c.error))
            .collect();
    }
    let label = applied.outcome.label(DONE);
    if entry.steps.is_empty() {
        return vec![row(None, label, &applied.error)];
    }
    entry
        .steps
        .iter()
        .map(|s| row(Some(s), label, &applied.error))
        .collect()
}

/// Names each row's credential as the credential report does: a password is `password`; an
/// access key is the report slot whose creation time (`access_key_N_last_rotated`) is the key's.
pub fn name_credentials(rows: &mut [Row], steps: &[Step], audit: &Finding) {
    let Finding::Read(users) = audit else {
        return;
    };
    for row in rows.iter_mut() {
        row.credential = JsonOnly(match row.credential_type.as_str() {
            "password" => "password".to_string(),
            "access-key" => {
                let issued = steps
                    .iter()
                    .find(|s| s.user == row.user_name && s.id == row.credential_id)
                    .map(|s| s.issued.as_str())
                    .unwrap_or_default();
                let report = users
                    .iter()
                    .find(|u| u.detail.name == row.user_name)
                    .and_then(|u| u.report.as_ref());
                let slots = ["access_key_1", "access_key_2"];
                report
                    .and_then(|r| {
                        r.access_keys.iter().zip(slots).find(|(k, _)| {
                            k.last_rotated.as_ref().map(rfc3339).as_deref() == Some(issued)
                        })
                    })
                    .map(|(_, slot)| slot.to_string())
                    .unwrap_or_default()
            }
            _ => String::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::job::{Disposition, Outcome};
    use crate::users::deactivate::Kind;

    fn step(id: &str) -> Step {
        Step {
            user: "ana".into(),
            kind: Kind::AccessKey,
            id: id.into(),
            last_used: "2026-09-01T00:00:00Z".into(),
            issued: "2026-01-01T00:00:00Z".into(),
            age_days: Some(91),
            why: "unused".into(),
        }
    }

    fn entry(steps: Vec<Step>) -> Entry<Step> {
        Entry {
            account_id: "222222222201".into(),
            account_name: "dev".into(),
            verdict: "unused",
            disposition: Disposition::Change,
            steps,
            reason: None,
        }
    }

    fn changed(id: &str, outcome: &'static str) -> Changed {
        Changed {
            step: step(id),
            outcome,
            error: format!("{id} why"),
        }
    }

    fn cells(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| crate::report::csv::cells(r).join(","))
            .collect()
    }

    #[test]
    fn each_credential_tried_is_its_own_row_with_its_outcome_and_verified() {
        let mut applied: Applied<Step, Vec<Changed>> =
            Applied::ended(Outcome::Failed, vec![step("AKIA1")], "x");
        applied.detail = vec![
            changed("AKIA1", outcome::DEACTIVATED),
            changed("AKIA2", outcome::CHANGED),
            changed("AKIA3", outcome::SKIPPED_ACTIVE),
            changed("AKIA4", outcome::FAILED),
        ];
        let e = entry(vec![step("AKIA1"), step("AKIA2")]);
        assert_eq!(
            cells(&rows(&e, &applied)),
            [
                "222222222201,dev,ana,access-key,AKIA1,2026-09-01T00:00:00Z,91,deactivated,yes,AKIA1 why",
                "222222222201,dev,ana,access-key,AKIA2,2026-09-01T00:00:00Z,91,changed-since-plan,no,AKIA2 why",
                "222222222201,dev,ana,access-key,AKIA3,2026-09-01T00:00:00Z,91,skipped-active,n/a,AKIA3 why",
                "222222222201,dev,ana,access-key,AKIA4,2026-09-01T00:00:00Z,91,failed,no,AKIA4 why",
            ]
        );
    }

    #[test]
    fn an_account_never_started_has_every_planned_credential_not_started_and_unproven() {
        let applied: Applied<Step, Vec<Changed>> =
            Applied::untouched(Outcome::NotStarted, "the run stopped first");
        let rows = rows(&entry(vec![step("AKIA1"), step("AKIA2")]), &applied);
        assert_eq!(rows.len(), 2);
        for (r, id) in rows.iter().zip(["AKIA1", "AKIA2"]) {
            assert_eq!(
                (
                    r.credential_id.as_str(),
                    r.outcome.as_str(),
                    r.verified.as_str()
                ),
                (id, "not-started", "no")
            );
            assert_eq!(r.error, "the run stopped first");
        }
    }

    #[test]
    fn an_account_with_nothing_planned_is_one_row_of_its_own_never_verified() {
        let applied: Applied<Step, Vec<Changed>> =
            Applied::untouched(Outcome::NotStarted, "the run stopped first");
        let rows = rows(&entry(vec![]), &applied);
        assert_eq!(
            cells(&rows),
            ["222222222201,dev,,,,,,not-started,n/a,the run stopped first"]
        );
    }
}
