//! The findings of `rootsweep guardrails`, from the rows of `guardrails-*.json`: per member
//! account, CIS 2.1.2 (authorization guardrails refuse long-term root credentials) from its
//! `long_term_root_guardrail`. The management account (not subject to SCPs or RCPs) and skipped
//! accounts have none; an account that could not be evaluated is unknown. Pure.

use super::event::{finding, Account, Check, Run};
use super::{Finding, Outcome, ROOT_GUARDRAIL};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// One row of `guardrails-*.json` (`tasks`), the fields the findings read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Row {
    /// The account id.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// OU names from the root.
    pub ou_path: String,
    /// The targets whose policies were read, `/`-joined: root, OUs top-down, the account.
    pub policy_path: String,
    /// The task.
    pub task: String,
    /// The task's verdict as a root session.
    pub verdict: String,
    /// The task's verdict for long-term root credentials.
    pub long_term_root: String,
    /// The policy that refuses long-term root.
    pub long_term_root_policy_id: String,
    /// `yes`, `no` or `depends`, per account.
    pub long_term_root_guardrail: String,
    /// Why the account was not evaluated.
    pub error: String,
}

/// One finding per evaluated member account, in the report's order.
pub fn findings(run: &Run, rows: &[Row]) -> Vec<Finding> {
    let mut ids: Vec<&str> = Vec::new();
    for row in rows {
        if !ids.contains(&row.account_id.as_str()) {
            ids.push(&row.account_id);
        }
    }
    let mut out = Vec::new();
    for id in ids {
        let of: Vec<&Row> = rows.iter().filter(|r| r.account_id == id).collect();
        if let Some(check) = check(&of) {
            out.push(finding(run, &account(of[0]), check));
        }
    }
    out
}

/// The account of a row; its OU is the last OU id of the policy path.
fn account(row: &Row) -> Account {
    let ou_id = row
        .policy_path
        .split('/')
        .rfind(|t| t.starts_with("ou-"))
        .or_else(|| row.policy_path.split('/').next())
        .unwrap_or_default();
    Account {
        id: row.account_id.clone(),
        name: row.account_name.clone(),
        ou_path: row.ou_path.clone(),
        ou_id: ou_id.to_string(),
    }
}

/// The CIS 2.1.2 check of one account's rows; `None` when the control does not apply.
pub(super) fn check(rows: &[&Row]) -> Option<Check> {
    let first = rows.first()?;
    let (outcome, desc) = match (
        first.verdict.as_str(),
        first.long_term_root_guardrail.as_str(),
    ) {
        ("not-subject" | "skipped", _) => return None,
        ("unknown", _) => (
            Outcome::Unknown,
            format!("the guardrails could not be read: {}", first.error),
        ),
        (_, "yes") => (
            Outcome::Passed,
            "every task is refused to long-term root credentials".to_string(),
        ),
        (_, "no") => (
            Outcome::Failed,
            "a task is allowed to long-term root credentials".to_string(),
        ),
        _ => (
            Outcome::Unknown,
            "whether long-term root is refused depends on a condition rootsweep cannot know"
                .to_string(),
        ),
    };
    let tasks: Map<String, Value> = rows
        .iter()
        .map(|r| (r.task.clone(), Value::from(r.long_term_root.clone())))
        .collect();
    let mut policies: Vec<&str> = rows
        .iter()
        .map(|r| r.long_term_root_policy_id.as_str())
        .filter(|p| !p.is_empty())
        .collect();
    policies.dedup();
    let evidence = json!({
        "long_term_root_guardrail": first.long_term_root_guardrail,
        "long_term_root_by_task": tasks,
        "refusing_policies": policies,
        "policy_path": first.policy_path,
    });
    Some(Check {
        control: ROOT_GUARDRAIL,
        outcome,
        principal: "root".into(),
        principal_arn: String::new(),
        credential: String::new(),
        credential_id: String::new(),
        desc,
        evidence: match evidence {
            Value::Object(map) => map.into(),
            _ => Map::new().into(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(account: &str, task: &str, verdict: &str, guardrail: &str) -> Row {
        Row {
            account_id: account.into(),
            task: task.into(),
            verdict: verdict.into(),
            long_term_root_guardrail: guardrail.into(),
            policy_path: "r-1/ou-1/".to_string() + account,
            ..Row::default()
        }
    }

    #[test]
    fn one_finding_per_member_account_and_none_for_the_management_account() {
        let run = Run {
            organization: "o-abc".into(),
            partition: "aws".into(),
            region: String::new(),
            time_ms: 0,
            version: "0".into(),
            command: String::new(),
        };
        let rows = [
            row("1", "", "not-subject", ""),
            row("2", "audit", "allowed", "yes"),
            row("2", "delete", "denied", "yes"),
            row("3", "audit", "allowed", "no"),
            row("4", "", "unknown", ""),
            row("5", "audit", "depends", "depends"),
        ];
        let got: Vec<_> = findings(&run, &rows)
            .iter()
            .map(|f| (f.uid().to_string(), f.status_code()))
            .collect();
        assert_eq!(
            got,
            [
                ("rootsweep:CIS-2.1.2:2:root".to_string(), "PASS"),
                ("rootsweep:CIS-2.1.2:3:root".to_string(), "FAIL"),
                ("rootsweep:CIS-2.1.2:4:root".to_string(), "UNKNOWN"),
                ("rootsweep:CIS-2.1.2:5:root".to_string(), "UNKNOWN"),
            ]
        );
    }
}
