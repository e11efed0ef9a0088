//! A record written before each change (the undo record of `users deactivate`): one JSON
//! document of fixed header fields and a growing list, replaced whole and durably on every
//! addition (temporary file, sync, rename, folder sync; see [`super::file::replace`]), so it is
//! valid JSON at every moment and never truncated in place. It is created by the first
//! addition (a dry run never creates it). An addition that cannot be written is dropped from
//! the list and counted, and its change must not be made.

use serde::Serialize;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

struct State<T> {
    entries: Vec<T>,
    failed: usize,
}

/// One run's record.
pub struct Journal<T> {
    path: PathBuf,
    head: Map<String, Value>,
    key: &'static str,
    state: Mutex<State<T>>,
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
                failed: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds `entry` and replaces the file durably before returning; on failure the entry is in
    /// neither the file nor the list, and the file is as it was.
    pub fn add(&self, entry: T) -> std::io::Result<()> {
        let mut state = self.lock();
        state.entries.push(entry);
        let written = self.write(&state.entries);
        if written.is_err() {
            state.entries.pop();
            state.failed += 1;
        }
        written
    }

    fn write(&self, entries: &[T]) -> std::io::Result<()> {
        super::file::replace(&self.path, &self.render(entries)?)
    }

    /// Pure: the file's whole text once it holds exactly `entries`.
    pub fn render(&self, entries: &[T]) -> std::io::Result<Vec<u8>> {
        let mut doc = self.head.clone();
        let list = serde_json::to_value(entries).map_err(std::io::Error::other)?;
        doc.insert(self.key.to_string(), list);
        let mut text = serde_json::to_vec_pretty(&doc).map_err(std::io::Error::other)?;
        text.push(b'\n');
        Ok(text)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn journal(path: PathBuf) -> Journal<u32> {
        let mut head = Map::new();
        head.insert("caller".into(), Value::from("arn:aws:iam::1:user/a"));
        Journal::new(path, head, "entries")
    }

    #[test]
    fn each_addition_rewrites_one_whole_document() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("undo.json");
        let j = journal(path.clone());
        assert!(j.is_empty());
        assert!(!path.exists(), "created by the first addition only");
        j.add(1).expect("one");
        j.add(2).expect("two");
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
    fn an_addition_that_cannot_be_written_is_dropped_and_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("undo.json");
        let j = journal(path.clone());
        j.add(1).expect("one");
        crate::report::file::fail::arm(Some((1, false)));
        assert!(j.add(2).is_err());
        crate::report::file::fail::arm(None);
        assert_eq!((j.len(), j.failed()), (1, 1));
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read"))
            .expect("valid JSON");
        assert_eq!(doc["entries"], serde_json::json!([1]));
        j.add(3).expect("three");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read"))
            .expect("valid JSON");
        assert_eq!(doc["entries"], serde_json::json!([1, 3]));
    }
}
