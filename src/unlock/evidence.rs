//! `unlock-<UTC>.json`: every policy an unlock run is about to remove, written (and the file
//! replaced whole, so it is always one valid JSON document) before the removal is attempted.
//! A policy that cannot be saved is never removed.

use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One saved policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Saved {
    /// The account that owns the resource.
    pub account_id: String,
    /// The bucket name or queue URL.
    pub resource: String,
    /// The policy document, exactly as the service returned it.
    pub policy: String,
    /// When it was saved (RFC 3339 UTC), right before its removal.
    pub saved_at: String,
}

#[derive(Serialize)]
struct Document<'a> {
    /// Who ran the unlock (the caller's ARN).
    caller: &'a str,
    /// The task policy of the sessions.
    task_policy: &'a str,
    policies: &'a [Saved],
}

/// The evidence file of one run.
pub struct Evidence {
    path: PathBuf,
    caller: String,
    task_policy: &'static str,
    saved: Mutex<Vec<Saved>>,
}

impl Evidence {
    /// Evidence written to `path` (created on the first save), naming `caller`.
    pub fn new(path: PathBuf, caller: String, task_policy: &'static str) -> Self {
        Evidence {
            path,
            caller,
            task_policy,
            saved: Mutex::new(Vec::new()),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds `saved` and rewrites the file; `Err` when it could not be written durably.
    pub fn save(&self, saved: Saved) -> std::io::Result<()> {
        let mut all = self.saved.lock().unwrap_or_else(|e| e.into_inner());
        all.push(saved);
        let written = self.write(&all);
        if written.is_err() {
            all.pop();
        }
        written
    }

    fn write(&self, all: &[Saved]) -> std::io::Result<()> {
        let doc = Document {
            caller: &self.caller,
            task_policy: self.task_policy,
            policies: all,
        };
        let mut text = serde_json::to_vec_pretty(&doc).map_err(std::io::Error::other)?;
        text.push(b'\n');
        crate::report::file::replace(&self.path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(resource: &str) -> Saved {
        Saved {
            account_id: "222222222222".into(),
            resource: resource.into(),
            policy: "{\"Statement\":[{\"Effect\":\"Deny\"}]}".into(),
            saved_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn every_save_leaves_one_valid_document_with_all_policies_so_far() {
        let dir = tempfile::tempdir().expect("tempdir");
        let evidence = Evidence::new(
            dir.path().join("unlock-x.json"),
            "arn:aws:iam::111111111111:user/admin".into(),
            "S3UnlockBucketPolicy",
        );
        evidence.save(saved("a")).expect("save a");
        evidence.save(saved("b")).expect("save b");
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(evidence.path()).expect("read"))
                .expect("json");
        assert_eq!(doc["caller"], "arn:aws:iam::111111111111:user/admin");
        assert_eq!(doc["policies"][1]["resource"], "b");
        assert_eq!(
            doc["policies"][0]["policy"],
            "{\"Statement\":[{\"Effect\":\"Deny\"}]}"
        );
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }

    #[test]
    fn a_save_that_cannot_be_written_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let evidence = Evidence::new(
            dir.path().join("gone").join("unlock-x.json"),
            "caller".into(),
            "S3UnlockBucketPolicy",
        );
        assert!(evidence.save(saved("a")).is_err());
    }
}
