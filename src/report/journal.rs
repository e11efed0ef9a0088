//! A record written before each change (the undo record of `users deactivate`): one JSON
//! document of fixed header fields and a growing list, replaced whole and durably on every
//! write (temporary file, sync, rename, folder sync; see [`super::file::replace`]), so it is
//! valid JSON at every moment and never truncated in place. It is created by the first
//! addition (a dry run never creates it). An addition that cannot be written is dropped from
//! the list and counted, and its change must not be made.
//!
//! Additions made while a write is in flight wait for the next one, which holds them all (a
//! group commit): accounts in flight at once cost one write, not one each, and the write runs
//! off the runtime's thread, so other accounts go on meanwhile. Each addition still returns only
//! once a durable file holds it.

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

struct State {
    /// The written entries, each as its text in the file (see [`entry_text`]).
    entries: Vec<Box<RawValue>>,
    /// Entries waiting for the next write, with their tickets.
    queued: Vec<(u64, Box<RawValue>)>,
    /// The next ticket.
    next: u64,
    /// How each written or dropped ticket ended, until its adder looks.
    settled: BTreeMap<u64, Result<(), (io::ErrorKind, String)>>,
    /// Additions that could not be written.
    failed: usize,
}

/// One run's record.
pub struct Journal<T> {
    path: PathBuf,
    head: Map<String, Value>,
    key: &'static str,
    state: Mutex<State>,
    /// Held by the one addition writing the file.
    writer: tokio::sync::Mutex<()>,
    entry: std::marker::PhantomData<fn(T)>,
}

impl<T: Serialize> Journal<T> {
    /// A record at `path`: the `head` fields, then the entries under `key`.
    pub fn new(path: PathBuf, head: Map<String, Value>, key: &'static str) -> Self {
        Journal {
            path,
            head,
            key,
            state: Mutex::new(State {
                entries: Vec::new(),
                queued: Vec::new(),
                next: 0,
                settled: BTreeMap::new(),
                failed: 0,
            }),
            writer: tokio::sync::Mutex::new(()),
            entry: std::marker::PhantomData,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds `entry` and returns once the file holds it durably; on failure the entry is in
    /// neither the file nor the list, and the file is as it was.
    pub async fn add(&self, entry: T) -> io::Result<()> {
        let value = entry_text(&entry)?;
        let ticket = {
            let mut state = self.lock();
            let ticket = state.next;
            state.next += 1;
            state.queued.push((ticket, value));
            ticket
        };
        // Let the other accounts that are ready queue theirs for the same write.
        tokio::task::yield_now().await;
        let _writing = self.writer.lock().await;
        if let Some(done) = self.lock().settled.remove(&ticket) {
            return done.map_err(|(kind, why)| io::Error::new(kind, why));
        }
        let (batch, text) = {
            let mut state = self.lock();
            // Neither written nor waiting: the write that took it was abandoned midway (its
            // adder dropped). Its change must not be made.
            if !state.queued.iter().any(|(t, _)| *t == ticket) {
                return Err(io::Error::other(
                    "the record's write holding this entry was abandoned",
                ));
            }
            let batch = std::mem::take(&mut state.queued);
            let text = self.render_values(&state.entries, &batch);
            (batch, text)
        };
        let written = match text {
            Ok(text) => self.write(text).await,
            Err(e) => Err(e),
        };
        let mut state = self.lock();
        let outcome = written
            .as_ref()
            .map(|_| ())
            .map_err(|e| (e.kind(), e.to_string()));
        if outcome.is_err() {
            state.failed += batch.len();
        }
        for (t, v) in batch {
            if outcome.is_ok() {
                state.entries.push(v);
            }
            if t != ticket {
                state.settled.insert(t, outcome.clone());
            }
        }
        written
    }

    /// Replaces the file with `text`: off the runtime's thread, except in unit tests, whose
    /// write faults are planned per thread.
    async fn write(&self, text: Vec<u8>) -> io::Result<()> {
        #[cfg(test)]
        {
            super::file::replace(&self.path, &text)
        }
        #[cfg(not(test))]
        {
            let path = self.path.clone();
            tokio::task::spawn_blocking(move || super::file::replace(&path, &text))
                .await
                .map_err(io::Error::other)?
        }
    }

    /// The file's text holding `written`, then `queued`: the head serialized, each entry's text
    /// copied as it is (an entry is serialized once, when it is added, not on every write).
    fn render_values(
        &self,
        written: &[Box<RawValue>],
        queued: &[(u64, Box<RawValue>)],
    ) -> io::Result<Vec<u8>> {
        let doc = Doc {
            head: &self.head,
            key: self.key,
            written,
            queued,
        };
        let mut text = serde_json::to_vec_pretty(&doc).map_err(io::Error::other)?;
        text.push(b'\n');
        Ok(text)
    }

    /// Pure: the file's whole text once it holds exactly `entries`.
    pub fn render(&self, entries: &[T]) -> io::Result<Vec<u8>> {
        let values = entries
            .iter()
            .map(entry_text)
            .collect::<io::Result<Vec<_>>>()?;
        self.render_values(&values, &[])
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many entries were written.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many additions could not be written.
    pub fn failed(&self) -> usize {
        self.lock().failed
    }
}

/// The record's document: the head's fields and the list under `key`, in the order of a JSON
/// object's keys (sorted, as `serde_json::Map` keeps them).
struct Doc<'a> {
    head: &'a Map<String, Value>,
    key: &'a str,
    written: &'a [Box<RawValue>],
    queued: &'a [(u64, Box<RawValue>)],
}

/// Spaces before an entry's lines in the file: the list is a field of the document (depth 1),
/// its items one deeper.
const ENTRY_INDENT: &[u8] = b"    ";

/// An entry's text as the pretty-printed document holds it: its keys sorted (as a JSON
/// value's), its lines after the first indented to its depth. A raw value is copied verbatim,
/// so the document is byte for byte what pretty-printing it whole would give (a JSON string
/// holds no raw line break, so every line break is the printer's).
fn entry_text<T: Serialize>(entry: &T) -> io::Result<Box<RawValue>> {
    let value = serde_json::to_value(entry).map_err(io::Error::other)?;
    let pretty = serde_json::to_vec_pretty(&value).map_err(io::Error::other)?;
    let mut text = Vec::with_capacity(pretty.len() + pretty.len() / 8);
    for &b in &pretty {
        text.push(b);
        if b == b'\n' {
            text.extend_from_slice(ENTRY_INDENT);
        }
    }
    let text = String::from_utf8(text).map_err(io::Error::other)?;
    RawValue::from_string(text).map_err(io::Error::other)
}

/// The list: the written entries, then the queued ones.
struct List<'a>(&'a [Box<RawValue>], &'a [(u64, Box<RawValue>)]);

impl Serialize for List<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().chain(self.1.iter().map(|(_, v)| v)))
    }
}

impl Serialize for Doc<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let list = List(self.written, self.queued);
        let mut map = s.serialize_map(Some(self.head.len() + 1))?;
        let mut listed = false;
        for (k, v) in self.head.iter().filter(|(k, _)| k.as_str() != self.key) {
            if !listed && self.key < k.as_str() {
                map.serialize_entry(self.key, &list)?;
                listed = true;
            }
            map.serialize_entry(k, v)?;
        }
        if !listed {
            map.serialize_entry(self.key, &list)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journal(path: PathBuf) -> Journal<u32> {
        let mut head = Map::new();
        head.insert("caller".into(), Value::from("arn:aws:iam::1:user/a"));
        Journal::new(path, head, "entries")
    }

    #[tokio::test]
    async fn each_addition_rewrites_one_whole_document() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("undo.json");
        let j = journal(path.clone());
        assert!(j.is_empty());
        assert!(!path.exists(), "created by the first addition only");
        j.add(1).await.expect("one");
        j.add(2).await.expect("two");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read"))
            .expect("valid JSON");
        assert_eq!(doc["caller"], "arn:aws:iam::1:user/a");
        assert_eq!(doc["entries"], serde_json::json!([1, 2]));
        assert_eq!((j.len(), j.failed(), j.path()), (2, 0, path.as_path()));
        let text = std::fs::read(&path).expect("read");
        assert_eq!(
            j.render(&[1, 2]).expect("render"),
            text,
            "the file is its rendering"
        );
    }

    #[test]
    fn the_document_reads_as_one_json_object_of_sorted_keys() {
        let mut head = Map::new();
        head.insert("caller".into(), Value::from("a"));
        head.insert("started".into(), Value::from("b"));
        let j: Journal<u32> = Journal::new(PathBuf::from("x.json"), head.clone(), "entries");
        let mut doc = head;
        doc.insert("entries".into(), serde_json::json!([1, 2]));
        let mut want = serde_json::to_vec_pretty(&doc).expect("json");
        want.push(b'\n');
        assert_eq!(j.render(&[1, 2]).expect("render"), want);
    }

    #[test]
    fn nested_entries_read_byte_for_byte_as_the_whole_document_pretty_printed() {
        let mut head = Map::new();
        head.insert("caller".into(), Value::from("a"));
        head.insert("zz".into(), Value::from("after the list"));
        let j: Journal<Value> = Journal::new(PathBuf::from("x.json"), head.clone(), "entries");
        let entries = [
            serde_json::json!({"b": [1, {"c": "line\nbreak", "a": []}], "a": {"x": null}}),
            serde_json::json!("plain"),
            serde_json::json!({}),
        ];
        let mut doc = head;
        doc.insert("entries".into(), Value::from(entries.to_vec()));
        let mut want = serde_json::to_vec_pretty(&doc).expect("json");
        want.push(b'\n');
        let got = j.render(&entries).expect("render");
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
    }

    #[tokio::test]
    async fn additions_made_together_share_one_write_and_each_returns_once_it_is_durable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("undo.json");
        let j = journal(path.clone());
        crate::report::file::fail::arm(Some((usize::MAX, false)));
        let (a, b, c) = tokio::join!(j.add(1), j.add(2), j.add(3));
        assert!(a.is_ok() && b.is_ok() && c.is_ok());
        // One replace: the temporary file created, the record replaced.
        let writes = crate::report::file::fail::count();
        crate::report::file::fail::arm(None);
        assert_eq!(writes, 2, "one write for the three");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read"))
            .expect("valid JSON");
        assert_eq!(doc["entries"], serde_json::json!([1, 2, 3]));
        assert_eq!(j.len(), 3);
    }

    #[tokio::test]
    async fn a_shared_write_that_fails_drops_every_addition_it_held() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("undo.json");
        let j = journal(path.clone());
        j.add(1).await.expect("one");
        crate::report::file::fail::arm(Some((1, false)));
        let (a, b) = tokio::join!(j.add(2), j.add(3));
        crate::report::file::fail::arm(None);
        assert!(a.is_err() && b.is_err(), "{a:?} {b:?}");
        assert_eq!((j.len(), j.failed()), (1, 2));
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read"))
            .expect("valid JSON");
        assert_eq!(doc["entries"], serde_json::json!([1]));
    }

    #[tokio::test]
    async fn an_addition_that_cannot_be_written_is_dropped_and_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("undo.json");
        let j = journal(path.clone());
        j.add(1).await.expect("one");
        crate::report::file::fail::arm(Some((1, false)));
        assert!(j.add(2).await.is_err());
        crate::report::file::fail::arm(None);
        assert_eq!((j.len(), j.failed()), (1, 1));
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read"))
            .expect("valid JSON");
        assert_eq!(doc["entries"], serde_json::json!([1]));
        j.add(3).await.expect("three");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read"))
            .expect("valid JSON");
        assert_eq!(doc["entries"], serde_json::json!([1, 3]));
    }
}
