//! The restore record of `users delete` (`users-deleted-<UTC>.json`): before the first change to
//! a user, what it had — groups, managed policy ARNs, inline policy documents, MFA serials, key
//! ids and their last use, never a secret — so an admin can see, and recreate, what was removed.
//! The file is created on the first record (a dry run never creates it) and rewritten whole and
//! synced on every record, so it is complete JSON before each change starts.

use super::model::Holdings;
use crate::report::file;
use serde::Serialize;
use std::fs::File;
use std::io::{Seek, Write};
use std::path::PathBuf;
use std::sync::Mutex;

/// One user as it was right before its deletion started.
#[derive(Debug, Clone, Serialize)]
struct Record {
    account_id: String,
    #[serde(flatten)]
    holdings: Holdings,
}

#[derive(Default)]
struct State {
    file: Option<File>,
    records: Vec<Record>,
}

/// The restore record of one run.
pub struct Restore {
    path: PathBuf,
    state: Mutex<State>,
}

impl Restore {
    /// A record to be written at `path` when the first user is recorded.
    pub fn new(path: PathBuf) -> Self {
        Restore {
            path,
            state: Mutex::new(State::default()),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Adds one user and writes the whole record to disk (synced) before returning.
    pub fn record(&self, account_id: &str, holdings: &Holdings) -> std::io::Result<()> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.records.push(Record {
            account_id: account_id.to_string(),
            holdings: holdings.clone(),
        });
        let text = serde_json::to_string_pretty(&serde_json::json!({ "users": state.records }))
            .map_err(std::io::Error::other)?;
        if state.file.is_none() {
            state.file = Some(file::create(&self.path).map_err(std::io::Error::other)?);
        }
        let file = state.file.as_mut().expect("the file was just opened");
        file.set_len(0)?;
        file.rewind()?;
        file.write_all(text.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_data()
    }

    /// How many users were recorded.
    pub fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .records
            .len()
    }

    /// Whether no user was recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::model::{InlinePolicy, KeyHolding};

    #[test]
    fn every_record_leaves_the_whole_file_valid_json_with_documents_and_no_secret() {
        let dir = std::env::temp_dir().join(format!("rootsweep-restore-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("users-deleted-x.json");
        let _ = std::fs::remove_file(&path);
        let restore = Restore::new(path.clone());
        assert!(!path.exists(), "nothing recorded, no file");
        let h = Holdings {
            user_name: "old".into(),
            inline_policies: vec![InlinePolicy {
                name: "legacy".into(),
                document: "{\"Version\":\"2012-10-17\"}".into(),
            }],
            access_keys: vec![KeyHolding {
                id: "AKIAEXAMPLE".into(),
                status: "Active".into(),
                last_used: String::new(),
            }],
            ..Holdings::default()
        };
        restore.record("222222222222", &h).expect("first");
        restore.record("333333333333", &h).expect("second");
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        assert_eq!(v["users"].as_array().map(Vec::len), Some(2));
        assert_eq!(v["users"][1]["account_id"], "333333333333");
        assert_eq!(
            v["users"][0]["inline_policies"][0]["document"],
            "{\"Version\":\"2012-10-17\"}"
        );
        assert_eq!(v["users"][0]["access_keys"][0]["id"], "AKIAEXAMPLE");
        assert!(!v.to_string().to_lowercase().contains("secret"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
