//! What a report row proves, for the `compliance` list of its JSON object: the very checks the
//! findings file makes of that row (the row is read back as the findings read the JSON report),
//! each with its control's numbers from [`crate::controls`] and its finding's uid. Pure.

use super::event::Check;
use super::{guardrails, root, users};
use crate::controls::Proven;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A report row as the findings read it from the JSON report; `None` if it does not read.
/// Through the row's JSON text, as the report file holds it (no JSON tree is built).
fn read_back<R: Serialize, V: DeserializeOwned>(row: &R) -> Option<V> {
    serde_json::to_vec(row)
        .ok()
        .and_then(|text| serde_json::from_slice(&text).ok())
}

fn proven(account: &str, checks: &[Check]) -> Vec<Proven> {
    checks
        .iter()
        .map(|c| Proven::new(&c.control, &c.credential, c.outcome, c.uid(account)))
        .collect()
}

/// What one row of `audit-*.json` proves (nothing for a skipped account).
pub fn audit<R: Serialize>(row: &R) -> Vec<Proven> {
    let Some(row) = read_back::<_, root::Row>(row) else {
        return Vec::new();
    };
    if row.verdict == "skipped" {
        return Vec::new();
    }
    proven(&row.account_id, &root::checks(&row, ""))
}

/// What one row of `users-audit-*.json` proves (nothing for a skipped account).
pub fn users<R: Serialize>(row: &R) -> Vec<Proven> {
    let Some(row) = read_back::<_, users::Row>(row) else {
        return Vec::new();
    };
    if row.verdict == "skipped" {
        return Vec::new();
    }
    proven(&row.account_id, &users::checks(&row))
}

/// What each row of one account's rows of `guardrails-*.json` proves: the account's finding,
/// the same for every one of its rows (nothing for the management account or a skipped one).
pub fn guardrails<R: Serialize>(rows: &[R]) -> Vec<Proven> {
    let read: Vec<guardrails::Row> = rows.iter().filter_map(read_back).collect();
    let refs: Vec<&guardrails::Row> = read.iter().collect();
    match (guardrails::check(&refs), refs.first()) {
        (Some(check), Some(first)) => proven(&first.account_id, &[check]),
        _ => Vec::new(),
    }
}
