//! Recording before changing: each account's row is written to the CSV (and flushed) the moment
//! the account finishes, and kept in memory as its rendered JSON (for the JSON report; far smaller
//! than the row's own strings at 10,000 accounts). A write that fails is remembered, so the pipeline
//! starts no further account and says where the record of the run went instead.

use crate::report::csv;
use crate::report::file;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

/// One stage's CSV report and every row given to it.
pub struct Recorder<W: Write, R: Serialize + Default> {
    path: PathBuf,
    csv: csv::Writer<W, R>,
    rows: Vec<Box<RawValue>>,
    counts: BTreeMap<String, usize>,
    error: Option<io::Error>,
    row: PhantomData<R>,
}

impl<R: Serialize + Default> Recorder<BufWriter<File>, R> {
    /// Creates the CSV file (new, mode 0600) and writes its header.
    pub fn create(path: PathBuf) -> Result<Self, file::Error> {
        let out = BufWriter::new(file::create(&path)?);
        Recorder::new(path.clone(), out).map_err(|source| file::Error { path, source })
    }
}

impl<W: Write, R: Serialize + Default> Recorder<W, R> {
    /// A recorder writing to `out`, reported as `path`.
    pub fn new(path: PathBuf, out: W) -> io::Result<Self> {
        Ok(Recorder {
            path,
            csv: csv::Writer::new(out)?,
            rows: Vec::new(),
            counts: BTreeMap::new(),
            error: None,
            row: PhantomData,
        })
    }

    /// Keeps `row` and writes it; after a failed write, rows are only kept.
    pub fn record(&mut self, row: R) {
        if self.error.is_none() {
            #[cfg(test)]
            let written = file::fail::check(&self.path).and_then(|()| self.csv.write(&row));
            #[cfg(not(test))]
            let written = self.csv.write(&row);
            if let Err(e) = written {
                tracing::error!(path = %self.path.display(), error = %e, "report write failed");
                self.error = Some(e);
            }
        }
        // A row of strings always renders; `null` would mark one that did not.
        let json =
            serde_json::value::to_raw_value(&row).unwrap_or_else(|_| RawValue::NULL.to_owned());
        self.rows.push(json);
    }

    /// Records `row`, counted under `label` (its verdict).
    pub fn record_counted(&mut self, row: R, label: &str) {
        *self.counts.entry(label.to_string()).or_insert(0) += 1;
        self.record(row);
    }

    /// Rows recorded with [`Recorder::record_counted`], by label.
    pub fn counts(&self) -> &BTreeMap<String, usize> {
        &self.counts
    }

    /// The write error, once one happened.
    pub fn failure(&self) -> Option<&io::Error> {
        self.error.as_ref()
    }

    /// The CSV file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every row recorded, written or not, as its JSON object.
    pub fn rows(&self) -> &[Box<RawValue>] {
        &self.rows
    }

    /// Every row recorded, written or not, as its JSON object, taken out of the recorder (the
    /// JSON report holds them; nothing is copied).
    pub fn take_rows(&mut self) -> Vec<Box<RawValue>> {
        std::mem::take(&mut self.rows)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[derive(Serialize, Default)]
    struct Row {
        account_id: String,
    }

    /// Accepts `room` bytes, then fails like a full disk.
    pub(crate) struct Full {
        pub(crate) room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if buf.len() > self.room {
                return Err(io::Error::other("No space left on device"));
            }
            self.room -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_is_remembered_and_every_row_is_still_kept() {
        let mut rec = Recorder::new("r.csv".into(), Full { room: 30 }).expect("header fits");
        for id in ["222222222222", "333333333333", "444444444444"] {
            rec.record(Row {
                account_id: id.into(),
            });
        }
        assert_eq!(
            rec.failure().map(|e| e.to_string()),
            Some("No space left on device".into())
        );
        assert_eq!(rec.rows().len(), 3);
    }

    #[test]
    fn counted_rows_are_counted_under_their_label_and_recorded() {
        let mut rec = Recorder::new("r.csv".into(), Vec::new()).expect("header");
        assert!(rec.counts().is_empty());
        for (id, label) in [("1", "clean"), ("2", "blocked"), ("3", "clean")] {
            rec.record_counted(
                Row {
                    account_id: id.into(),
                },
                label,
            );
        }
        let counts: Vec<(&str, usize)> =
            rec.counts().iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(counts, [("blocked", 1), ("clean", 2)]);
        assert_eq!(rec.rows().len(), 3);
    }

    #[test]
    fn rows_that_fit_leave_no_failure() {
        let mut rec = Recorder::new("r.csv".into(), Vec::new()).expect("header");
        rec.record(Row {
            account_id: "222222222222".into(),
        });
        assert!(rec.failure().is_none());
    }
}
