//! The one JSON document a run produces: run information, counts and rows of the last stage
//! reached, and the plan when there is one. The same text goes to the JSON report file and, with
//! `--output json`, to stdout — one document, whatever the command.

use crate::report::json::RunInfo;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;

/// A JSON document under construction. Each top-level value is kept as its rendered JSON text,
/// not as a `Value` tree: a tree of 10,000 report rows costs several times the memory and CPU
/// of the text. The rows are the recorder's own compact JSON objects, taken, not copied.
#[derive(Debug, Clone, Default)]
pub struct Document {
    parts: Vec<(String, Part)>,
}

/// One top-level value.
#[derive(Debug, Clone)]
enum Part {
    /// Pretty JSON text.
    Text(String),
    /// An array of compact JSON objects, one per line, as serde_json's pretty printer writes an
    /// array of raw values.
    Rows(Vec<Box<RawValue>>),
}

impl Document {
    /// Run information, the stage's counts and its rows under `key` (e.g. `accounts`).
    pub fn new(
        run: &RunInfo,
        counts: &BTreeMap<String, usize>,
        key: &str,
        rows: Vec<Box<RawValue>>,
    ) -> Document {
        let mut doc = Document::default();
        if let Ok(Value::Object(fields)) = serde_json::to_value(run) {
            for (name, value) in fields {
                doc = doc.with(&name, &value);
            }
        }
        doc.with("counts", counts).put(key, Part::Rows(rows))
    }

    /// Adds (or replaces) a top-level key.
    pub fn with<T: Serialize + ?Sized>(self, key: &str, value: &T) -> Document {
        self.put(key, Part::Text(raw(value)))
    }

    fn put(mut self, key: &str, value: Part) -> Document {
        match self.parts.iter_mut().find(|(k, _)| k == key) {
            Some(part) => part.1 = value,
            None => self.parts.push((key.to_string(), value)),
        }
        self
    }

    /// Pretty JSON with a final newline.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Writing to memory cannot fail.
        let _ = self.write_to(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Writes the pretty JSON (with a final newline) part by part, without building it whole.
    pub fn write_to<W: std::io::Write + ?Sized>(&self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b"{")?;
        for (i, (key, value)) in self.parts.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            let key = serde_json::to_string(key).unwrap_or_else(|_| "\"?\"".into());
            write!(out, "\n  {key}: ")?;
            match value {
                Part::Text(text) => indented(out, text)?,
                Part::Rows(rows) => write_rows(out, rows)?,
            }
        }
        out.write_all(b"\n}\n")
    }
}

/// Pretty JSON text one level down: every line after the first indented by two spaces.
fn indented<W: std::io::Write + ?Sized>(out: &mut W, text: &str) -> std::io::Result<()> {
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            // Inside strings a newline is always escaped: this only indents structure.
            out.write_all(b"\n  ")?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// The rows as serde_json pretty-prints an array of raw values one level down: `[]` when
/// empty, else one compact object per line.
fn write_rows<W: std::io::Write + ?Sized>(
    out: &mut W,
    rows: &[Box<RawValue>],
) -> std::io::Result<()> {
    if rows.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    for (i, row) in rows.iter().enumerate() {
        out.write_all(if i > 0 { b",\n    " } else { b"\n    " })?;
        out.write_all(row.get().as_bytes())?;
    }
    out.write_all(b"\n  ]")
}

/// Pretty JSON text of a value. Kept as text: serde_json wrote it, so it is not parsed again
/// to be trusted (a report of 20,000 users is 35 MB of it).
fn raw<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| "\"unserializable\"".into())
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

    fn rows<R: Serialize>(rows: &[R]) -> Vec<Box<RawValue>> {
        rows.iter()
            .map(|r| serde_json::value::to_raw_value(r).expect("serializes"))
            .collect()
    }

    #[test]
    fn rows_are_written_as_serde_json_pretty_prints_them_nested() {
        let many = rows(&[
            serde_json::json!({"a": "x\ny", "b": [1, 2], "c": {}}),
            serde_json::json!({"a": ""}),
        ]);
        for rows in [Vec::new(), many[..1].to_vec(), many] {
            let doc = Document::new(&run(), &BTreeMap::new(), "accounts", rows.clone());
            #[derive(Serialize)]
            struct Whole<'a> {
                accounts: &'a [Box<RawValue>],
            }
            let expected =
                serde_json::to_string_pretty(&Whole { accounts: &rows }).expect("pretty");
            let text = doc.render();
            let at = text.find("\n  \"accounts\"").expect("the rows' key");
            let ours = format!("{{{}", &text[at..]);
            assert_eq!(ours, format!("{expected}\n"));
        }
    }

    #[test]
    fn a_document_is_one_json_object_with_run_counts_rows_and_extras() {
        let mut counts = BTreeMap::new();
        counts.insert("eligible".to_string(), 2);
        let doc =
            Document::new(&run(), &counts, "accounts", rows(&["a", "b"])).with("plan", &["step"]);
        let value: Value = serde_json::from_str(&doc.render()).expect("one document");
        assert_eq!(value["organization"], "o-abc");
        assert_eq!(value["counts"]["eligible"], 2);
        assert_eq!(value["accounts"].as_array().map(Vec::len), Some(2));
        assert_eq!(value["plan"][0], "step");
        assert!(value.get("incomplete_reason").is_none());
    }
}
