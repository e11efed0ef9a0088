//! The one JSON document a run produces: run information, counts and rows of the last stage
//! reached, and the plan when there is one. The same text goes to the JSON report file and, with
//! `--output json`, to stdout — one document, whatever the command.

use crate::report::json::RunInfo;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A JSON document under construction.
#[derive(Debug, Clone, Default)]
pub struct Document {
    map: Map<String, Value>,
}

impl Document {
    /// Run information, the stage's counts and its rows under `key` (e.g. `accounts`).
    pub fn new<R: Serialize>(
        run: &RunInfo,
        counts: &BTreeMap<String, usize>,
        key: &str,
        rows: &[R],
    ) -> Document {
        let mut doc = Document::default();
        if let Value::Object(run) = to_value(run) {
            doc.map = run;
        }
        doc.with("counts", counts).with(key, rows)
    }

    /// Adds (or replaces) a top-level key.
    pub fn with<T: Serialize + ?Sized>(mut self, key: &str, value: &T) -> Document {
        self.map.insert(key.to_string(), to_value(value));
        self
    }

    /// Pretty JSON with a final newline.
    pub fn render(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.map)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        text.push('\n');
        text
    }
}

fn to_value<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| Value::String(format!("unserializable: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> RunInfo {
        RunInfo {
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
        }
    }

    #[test]
    fn a_document_is_one_json_object_with_run_counts_rows_and_extras() {
        let mut counts = BTreeMap::new();
        counts.insert("eligible".to_string(), 2);
        let doc = Document::new(&run(), &counts, "accounts", &["a", "b"]).with("plan", &["step"]);
        let value: Value = serde_json::from_str(&doc.render()).expect("one document");
        assert_eq!(value["organization"], "o-abc");
        assert_eq!(value["counts"]["eligible"], 2);
        assert_eq!(value["accounts"].as_array().map(Vec::len), Some(2));
        assert_eq!(value["plan"][0], "step");
        assert!(value.get("incomplete_reason").is_none());
    }
}
