//! The guardrails report: one row per account and task, with the decision for a root session
//! and for long-term root credentials and where each comes from. Pure: rows from findings.

use super::evaluate::{Decision, Source};
use super::job::{long_term_guardrail, word, Finding, Verdict};
use crate::controls::Proven;
use crate::report::csv::JsonOnly;
use crate::run::job::{self, Read, Spec, ALREADY_CLEAN};
use serde::Serialize;

/// The guardrails job's words. Read only: no change words.
pub const SPEC: Spec = Spec {
    read: "guardrails",
    rows: "tasks",
    verdicts: &[
        "allowed",
        "denied",
        "not-allowed",
        "depends",
        "unknown",
        "not-subject",
        "skipped",
    ],
    attention: &[
        "account",
        "name",
        "verdict",
        "task",
        "policy",
        "attached to",
        "statement or key",
        "error",
    ],
    // The management account gets a row saying SCPs and RCPs do not apply to it.
    reads_management_account: true,
    change: "",
    change_rows: "tasks",
    done: "",
    already: ALREADY_CLEAN,
    confirm: "",
    scope: &[],
};

/// One row: an account and a task. `verdict` is the root session's decision (what rootsweep's
/// own runs meet); the `long_term_root_*` columns are long-term root credentials'.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub account_id: String,
    pub account_name: String,
    pub ou_path: String,
    pub policy_path: String,
    pub task: String,
    pub verdict: String,
    pub action: String,
    pub policy_id: String,
    pub policy_name: String,
    pub attached_to: String,
    pub sid: String,
    pub condition_key: String,
    pub long_term_root: String,
    pub long_term_root_policy_id: String,
    pub long_term_root_sid: String,
    pub long_term_root_guardrail: String,
    pub error: String,
    /// JSON only: the controls the account's finding proves (`crate::controls::Proven`).
    pub compliance: JsonOnly<Vec<Proven>>,
}

impl job::Row for Row {
    fn verdict(&self) -> &str {
        &self.verdict
    }

    fn attention(&self) -> Option<Vec<String>> {
        let needs = matches!(
            self.verdict.as_str(),
            "denied" | "not-allowed" | "depends" | "unknown"
        );
        needs.then(|| {
            let policy = match (self.policy_id.as_str(), self.policy_name.as_str()) {
                ("", _) => String::new(),
                (id, "") => id.to_string(),
                (id, name) => format!("{id} ({name})"),
            };
            let why = match (self.sid.as_str(), self.condition_key.as_str()) {
                (_, key) if !key.is_empty() => format!("key {key}"),
                ("", _) => String::new(),
                (sid, _) => format!("Sid {sid}"),
            };
            vec![
                self.account_id.clone(),
                self.account_name.clone(),
                self.verdict.clone(),
                self.task.clone(),
                policy,
                self.attached_to.clone(),
                why,
                self.error.clone(),
            ]
        })
    }
}

/// The rows of one account: one per task, or one saying why it was not evaluated; each with
/// what the account's finding proves.
pub fn rows(read: &Read<Finding>) -> Vec<Row> {
    let mut rows = unproven(read);
    let proven = crate::findings::proof::guardrails(&rows);
    for row in &mut rows {
        row.compliance = JsonOnly(proven.clone());
    }
    rows
}

fn unproven(read: &Read<Finding>) -> Vec<Row> {
    let a = &read.account;
    let base = Row {
        account_id: a.id.clone(),
        account_name: a.name.clone(),
        ou_path: a.ou_path.clone(),
        ..Row::default()
    };
    match &read.finding {
        Err(reason) => vec![Row {
            verdict: "skipped".into(),
            error: format!("skipped: {reason}"),
            ..base
        }],
        Ok(Finding::Management) => vec![Row {
            verdict: "not-subject".into(),
            error: "the management account is not subject to SCPs or RCPs".into(),
            ..base
        }],
        Ok(Finding::Failed(e)) => vec![Row {
            verdict: "unknown".into(),
            error: e.to_string(),
            ..base
        }],
        Ok(Finding::Evaluated { path, verdicts }) => {
            let guardrail = long_term_guardrail(verdicts);
            let policy_path = path.join("/");
            verdicts
                .iter()
                .map(|v| task_row(&base, &policy_path, guardrail, v))
                .collect()
        }
    }
}

fn task_row(base: &Row, policy_path: &str, guardrail: &str, v: &Verdict) -> Row {
    let (decision, action) = &v.session;
    let (long_term, _) = &v.long_term;
    let source = source_of(decision);
    let long_source = source_of(long_term);
    Row {
        policy_path: policy_path.into(),
        task: v.task.name().into(),
        verdict: word(decision).into(),
        action: action.unwrap_or_default().into(),
        policy_id: source.map(|s| s.policy_id.clone()).unwrap_or_default(),
        policy_name: source.map(|s| s.policy_name.clone()).unwrap_or_default(),
        attached_to: match decision {
            Decision::NotAllowed { level } => level.clone(),
            _ => source.map(|s| s.level.clone()).unwrap_or_default(),
        },
        sid: source.and_then(|s| s.sid.clone()).unwrap_or_default(),
        condition_key: match decision {
            Decision::Depends { key, .. } => key.clone(),
            _ => String::new(),
        },
        long_term_root: word(long_term).into(),
        long_term_root_policy_id: long_source.map(|s| s.policy_id.clone()).unwrap_or_default(),
        long_term_root_sid: long_source.and_then(|s| s.sid.clone()).unwrap_or_default(),
        long_term_root_guardrail: guardrail.into(),
        ..base.clone()
    }
}

fn source_of(decision: &Decision) -> Option<&Source> {
    match decision {
        Decision::Denied(source) | Decision::Depends { source, .. } => Some(source),
        Decision::Allowed | Decision::NotAllowed { .. } => None,
    }
}
