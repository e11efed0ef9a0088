//! CSV reports over typed rows: columns are a row struct's serde field names, cells its values as
//! text, and every cell is neutralised against spreadsheet formulas on its way out.
//! This module does not open files (see [`super::file`]) and does not choose columns: the row
//! type does.
//!
//! Cell text, by the field's serde shape:
//! - strings as they are; integers and floats by `Display`; `bool` as `yes` / `no`;
//! - `None` (and `()`) as an empty cell; `Some(x)` as `x`; a newtype as its inner value;
//! - a list of such values `;`-joined;
//! - a unit enum variant by its serde name (after `rename` / `rename_all`);
//! - a field skipped by `skip_serializing_if` as an empty cell (its column stays);
//! - a [`JsonOnly`] field is no column at all: the JSON report has it, the CSV stays as it was;
//! - anything else (a nested struct or map, a tuple, a variant with data, a list of lists,
//!   bytes) is not a cell: it falls back to its compact JSON text rather than failing the row.
//!
//! A row type must serialize as a struct (`#[serde(flatten)]` makes it a map, which is refused):
//! otherwise [`header`] and [`cells`] are empty and [`Writer::new`] fails.

mod ser;

use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};
use std::marker::PhantomData;

/// The name a [`JsonOnly`] value gives the CSV serializer instead of its text.
const JSON_ONLY: &str = "rootsweep::report::csv::JsonOnly";

/// A row field the JSON report holds and the CSV does not: serialized as its value for JSON
/// (a human-readable format), and as no column at all in the CSV. Added fields of this kind
/// leave every CSV byte for byte as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonOnly<T>(pub T);

impl<T: Serialize> Serialize for JsonOnly<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            self.0.serialize(s)
        } else {
            s.serialize_unit_struct(JSON_ONLY)
        }
    }
}

/// Column names of a row type, from its serde field names in declaration order.
///
/// Empty when `R` does not serialize as a struct.
pub fn header<R: Serialize + Default>() -> Vec<String> {
    ser::record(&R::default())
        .map(|r| r.names)
        .unwrap_or_default()
}

/// A row's cells in column order, as plain text (NOT neutralised; see the module doc for the
/// rules). Empty when `R` does not serialize as a struct.
pub fn cells<R: Serialize>(row: &R) -> Vec<String> {
    ser::record(row).map(|r| r.cells).unwrap_or_default()
}

/// A cell a spreadsheet would run as a formula gets a leading `'`, which spreadsheets show as
/// text. Formula starts are `=`, `+`, `-`, `@`, and TAB and CR, as OWASP's CSV injection
/// guidance lists. Any other cell is returned as it is, borrowed.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Writes a CSV of `R` rows: the header at creation and one flushed record per
/// [`write`](Writer::write), so an interrupted run keeps every finished row. Every cell,
/// header included, goes through [`neutralise`]: no caller can forget it.
pub struct Writer<W: Write, R> {
    inner: ::csv::Writer<W>,
    // `fn(&R)`: the writer consumes rows but holds none, so `R` does not decide Send or Sync.
    rows: PhantomData<fn(&R)>,
}

impl<W: Write, R: Serialize + Default> Writer<W, R> {
    /// Starts a CSV and writes (and flushes) its header. Fails on I/O, or when `R` has no
    /// columns (it is not a struct, or has no fields).
    pub fn new(out: W) -> io::Result<Self> {
        let header = header::<R>();
        if header.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{} has no CSV columns: a row must be a struct with named fields",
                    std::any::type_name::<R>()
                ),
            ));
        }
        let mut writer = Writer {
            inner: ::csv::Writer::from_writer(out),
            rows: PhantomData,
        };
        writer.record(&header)?;
        Ok(writer)
    }

    /// Writes one row and flushes it through to the underlying writer.
    pub fn write(&mut self, row: &R) -> io::Result<()> {
        self.record(&cells(row))
    }

    fn record(&mut self, cells: &[String]) -> io::Result<()> {
        let safe: Vec<Cow<'_, str>> = cells.iter().map(|c| neutralise(c)).collect();
        // The csv crate quotes commas, quotes and line breaks, and refuses a record whose width
        // differs from the header's.
        self.inner
            .write_record(safe.iter().map(|c| c.as_bytes()))
            .map_err(io::Error::from)?;
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[derive(Debug, Default, Clone, Copy, Serialize)]
    #[serde(rename_all = "kebab-case")]
    enum Outcome {
        #[default]
        AlreadyClean,
    }

    #[derive(Default, Serialize)]
    struct Nested {
        a: u8,
    }

    #[derive(Default, Serialize)]
    struct Every {
        account_id: String,
        name: &'static str,
        count: u32,
        delta: i64,
        ratio: f64,
        verified: bool,
        refused: bool,
        missing: Option<String>,
        present: Option<u16>,
        serials: Vec<String>,
        outcome: Outcome,
        #[serde(rename = "when")]
        at: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        nested: Nested,
    }

    fn every() -> Every {
        Every {
            account_id: "012345678901".into(),
            name: "prod",
            count: 3,
            delta: -4,
            ratio: 0.5,
            verified: true,
            refused: false,
            missing: None,
            present: Some(7),
            serials: vec!["arn:aws:iam::1:mfa/root".into(), "GAHT1".into()],
            outcome: Outcome::AlreadyClean,
            at: "2020-09-13T12:26:40Z".into(),
            reason: None,
            nested: Nested { a: 1 },
        }
    }

    #[derive(Default, Serialize)]
    struct Simple {
        account: String,
        error: String,
    }

    /// A writer whose bytes stay readable while the CSV writer still holds it.
    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            String::from_utf8(self.0.borrow().clone()).expect("utf8")
        }
    }

    fn csv_of(rows: &[Simple]) -> String {
        let out = Shared::default();
        let mut writer = Writer::<_, Simple>::new(out.clone()).expect("header");
        for row in rows {
            writer.write(row).expect("row");
        }
        drop(writer);
        out.text()
    }

    #[test]
    fn header_is_the_serde_field_names_in_declaration_order() {
        assert_eq!(
            header::<Every>(),
            [
                "account_id",
                "name",
                "count",
                "delta",
                "ratio",
                "verified",
                "refused",
                "missing",
                "present",
                "serials",
                "outcome",
                "when",
                "reason",
                "nested",
            ]
        );
    }

    #[test]
    fn cells_follow_the_text_rules_for_every_supported_type() {
        assert_eq!(
            cells(&every()),
            [
                "012345678901",
                "prod",
                "3",
                "-4",
                "0.5",
                "yes",
                "no",
                "",
                "7",
                "arn:aws:iam::1:mfa/root;GAHT1",
                "already-clean",
                "2020-09-13T12:26:40Z",
                "",
                r#"{"a":1}"#,
            ]
        );
    }

    #[test]
    fn a_row_that_is_not_a_struct_has_no_columns_and_no_writer() {
        assert!(header::<Vec<String>>().is_empty());
        assert!(cells(&"text").is_empty());
        let err = Writer::<_, Vec<String>>::new(Vec::new())
            .err()
            .expect("refused");
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn formula_starts_are_neutralised() {
        for (cell, safe) in [
            (r#"=HYPERLINK("x")"#, r#"'=HYPERLINK("x")"#),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
        ] {
            assert_eq!(neutralise(cell), safe);
        }
    }

    #[test]
    fn a_harmless_cell_is_returned_borrowed_and_unchanged() {
        for cell in ["prod", "", "a=b", "1-2", " =x"] {
            let out = neutralise(cell);
            assert!(matches!(out, Cow::Borrowed(c) if c == cell), "{cell:?}");
        }
    }

    #[test]
    fn writer_writes_the_header_and_rows_quoting_commas_quotes_and_newlines() {
        let text = csv_of(&[
            Simple {
                account: "1".into(),
                error: "a, b".into(),
            },
            Simple {
                account: "2".into(),
                error: "say \"hi\"\nthen go".into(),
            },
        ]);
        assert_eq!(
            text,
            "account,error\n1,\"a, b\"\n2,\"say \"\"hi\"\"\nthen go\"\n"
        );
    }

    #[test]
    fn writer_neutralises_every_cell() {
        let text = csv_of(&[Simple {
            account: "=1+1".into(),
            error: "@cmd".into(),
        }]);
        assert_eq!(text.lines().nth(1), Some("'=1+1,'@cmd"));
    }

    #[test]
    fn each_row_is_flushed_before_the_writer_is_dropped() {
        let out = Shared::default();
        let mut writer = Writer::<_, Simple>::new(out.clone()).expect("header");
        assert_eq!(out.text(), "account,error\n");
        writer
            .write(&Simple {
                account: "1".into(),
                error: String::new(),
            })
            .expect("row");
        assert_eq!(out.text(), "account,error\n1,\n");
        drop(writer);
    }

    #[test]
    fn an_empty_report_still_has_its_header() {
        assert_eq!(csv_of(&[]), "account,error\n");
    }

    #[test]
    fn a_json_only_field_is_no_column_and_stays_in_the_json() {
        #[derive(Default, Serialize)]
        struct WithExtra {
            account: String,
            extra: JsonOnly<Vec<&'static str>>,
            error: String,
        }
        let row = WithExtra {
            account: "1".into(),
            extra: JsonOnly(vec!["IAM.4"]),
            error: "e".into(),
        };
        assert_eq!(header::<WithExtra>(), ["account", "error"]);
        assert_eq!(cells(&row), ["1", "e"]);
        let json = serde_json::to_value(&row).expect("json");
        assert_eq!(json["extra"][0], "IAM.4");
    }
}
