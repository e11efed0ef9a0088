//! The JSON report's run summary and counts (the document itself is `run::document`).

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
    fn counts_each_value() {
        let counts = count(["eligible", "eligible", "blocked"].into_iter());
        assert_eq!(counts.get("eligible"), Some(&2));
        assert_eq!(counts.get("blocked"), Some(&1));
        assert_eq!(counts.len(), 2);
    }
}
