//! The JSON report beside each CSV: the same rows plus a run summary.

use serde::Serialize;
use std::collections::BTreeMap;

/// Who ran what, when, against which organization.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// Unique id of the run (its timestamp).
    pub run_id: String,
    /// rootsweep's version.
    pub rootsweep_version: &'static str,
    /// Caller ARN.
    pub caller: String,
    /// Organization id.
    pub organization: String,
    /// Partition.
    pub partition: String,
    /// Region of the STS endpoint.
    pub region: String,
    /// Start, RFC 3339 UTC.
    pub started: String,
    /// End, RFC 3339 UTC.
    pub ended: String,
    /// Whether every account was processed (false when interrupted or enumeration failed).
    pub complete: bool,
    /// Why the run is incomplete, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incomplete_reason: Option<String>,
}

/// A report: run info, counts per verdict or outcome, and every row.
#[derive(Debug, Serialize)]
pub struct Report<'a, R: Serialize> {
    /// The run.
    #[serde(flatten)]
    pub run: &'a RunInfo,
    /// Rows per verdict (audit) or per outcome (delete).
    pub counts: BTreeMap<String, usize>,
    /// One row per account.
    pub accounts: &'a [R],
}

/// Renders a report as pretty JSON.
pub fn render<R: Serialize>(report: &Report<'_, R>) -> String {
    let mut text =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// Counts values, e.g. verdicts or outcomes, for the summary.
pub fn count<'a>(values: impl Iterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for v in values {
        *counts.entry(v.to_string()).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_has_summary_counts_and_rows() {
        let run = RunInfo {
            run_id: "r".into(),
            rootsweep_version: "0.1.0",
            caller: "arn:aws:iam::111111111111:user/admin".into(),
            organization: "o-abc".into(),
            partition: "aws".into(),
            region: "us-east-1".into(),
            started: "s".into(),
            ended: "e".into(),
            complete: true,
            incomplete_reason: None,
        };
        let rows = vec!["eligible", "eligible", "blocked"];
        let report = Report {
            run: &run,
            counts: count(rows.iter().copied()),
            accounts: &rows,
        };
        let value: serde_json::Value = serde_json::from_str(&render(&report)).expect("json");
        assert_eq!(value["counts"]["eligible"], 2);
        assert_eq!(value["organization"], "o-abc");
        assert_eq!(value["accounts"].as_array().map(Vec::len), Some(3));
        assert!(value.get("incomplete_reason").is_none());
    }
}
