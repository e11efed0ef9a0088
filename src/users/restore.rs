//! The restore record of `users delete` (`users-deleted-<UTC>.json`): before the first change to
//! a user, everything it had that can be read back — path, creation time, permissions boundary,
//! tags, groups, managed policy ARNs, inline policy documents, MFA devices and their kinds, access
//! key ids with their creation and last use, login profile, signing certificate and SSH public key
//! bodies, service-specific credentials — never a secret, so an admin can see, and recreate, what
//! was removed. The file is created on the first record (a dry run never creates it) and
//! replaced whole and durably on every record (a temporary file, synced, renamed over it), so it
//! is one valid JSON document at every moment. A record that cannot be written is dropped, and the
//! user it describes is left untouched.

use super::model::Holdings;
use crate::report::file;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Mutex;

/// One user as it was right before its deletion started.
#[derive(Debug, Clone, Serialize)]
struct Record {
    account_id: String,
    /// When the record was taken (RFC 3339), right before the user's first change.
    recorded_at: String,
    #[serde(flatten)]
    holdings: Holdings,
}

#[derive(Serialize)]
struct Document<'a> {
    /// Who ran the delete (the caller's ARN).
    caller: &'a str,
    /// What can never come back from this record.
    not_recorded: &'a str,
    users: &'a [Record],
}

#[derive(Default)]
struct State {
    records: Vec<Record>,
    /// Records that could not be written (their users were left untouched).
    failed: usize,
}

/// What cannot be read back from IAM, so no record can restore it.
pub const NOT_RECORDED: &str = "console passwords, secret access keys, service-specific \
                                credential passwords and virtual MFA seeds cannot be read from \
                                IAM: a recreated user needs new ones";

/// The restore record of one run.
pub struct Restore {
    path: PathBuf,
    caller: String,
    state: Mutex<State>,
}

impl Restore {
    /// A record to be written at `path` when the first user is recorded, naming `caller`.
    pub fn new(path: PathBuf, caller: &str) -> Self {
        Restore {
            path,
            caller: caller.to_string(),
            state: Mutex::new(State::default()),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Adds one user and replaces the file durably before returning; on failure the user is
    /// not in the record (in memory or on disk) and the file is as it was.
    pub fn record(&self, account_id: &str, holdings: &Holdings) -> std::io::Result<()> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.records.push(Record {
            account_id: account_id.to_string(),
            recorded_at: crate::report::rfc3339_system(std::time::SystemTime::now()),
            holdings: holdings.clone(),
        });
        let written = self.write(&state.records);
        if written.is_err() {
            state.records.pop();
            state.failed += 1;
        }
        written
    }

    fn write(&self, records: &[Record]) -> std::io::Result<()> {
        let doc = Document {
            caller: &self.caller,
            not_recorded: NOT_RECORDED,
            users: records,
        };
        let mut text = serde_json::to_vec_pretty(&doc).map_err(std::io::Error::other)?;
        text.push(b'\n');
        file::replace(&self.path, &text)
    }

    /// How many users were recorded.
    pub fn recorded(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .records
            .len()
    }

    /// How many records could not be written (each user left untouched).
    pub fn failed(&self) -> usize {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).failed
    }

    /// The closing line about the record, when anything was recorded or failed to be.
    pub fn summary(&self) -> Option<String> {
        let (recorded, failed) = (self.recorded(), self.failed());
        let path = self.path.display();
        match (recorded, failed) {
            (0, 0) => None,
            (n, 0) => Some(format!(
                "what each of the {n} user(s) had before its deletion started is recorded in {path}"
            )),
            (0, f) => Some(format!(
                "the restore record {path} could not be written, so {f} user(s) were left untouched"
            )),
            (n, f) => Some(format!(
                "{n} user(s) are recorded in {path}; {f} record(s) could not be written, so those \
                 users were left untouched"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::holdings::{InlinePolicy, Key, PublicKey, Tag};

    fn holdings(name: &str) -> Holdings {
        Holdings {
            user_name: name.into(),
            path: "/ops/".into(),
            permissions_boundary: "arn:aws:iam::aws:policy/PowerUserAccess".into(),
            tags: vec![Tag {
                key: "team".into(),
                value: "ops".into(),
            }],
            inline_policies: vec![InlinePolicy {
                name: "legacy".into(),
                document: "{\"Version\":\"2012-10-17\"}".into(),
            }],
            access_keys: vec![Key {
                id: "AKIAEXAMPLE".into(),
                status: "Active".into(),
                ..Key::default()
            }],
            ssh_public_keys: vec![PublicKey {
                id: "APKAEXAMPLE".into(),
                body: "ssh-rsa AAAAB3Nza".into(),
                ..PublicKey::default()
            }],
            ..Holdings::default()
        }
    }

    fn read(path: &std::path::Path) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("valid json")
    }

    #[test]
    fn every_record_leaves_the_whole_file_valid_json_with_what_rebuilds_the_user_and_no_secret() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("users-deleted-x.json");
        let restore = Restore::new(path.clone(), "arn:aws:iam::111111111111:user/admin");
        assert!(!path.exists(), "nothing recorded, no file");
        assert_eq!(restore.summary(), None);
        restore
            .record("222222222222", &holdings("old"))
            .expect("first");
        restore
            .record("333333333333", &holdings("older"))
            .expect("second");
        let v = read(&path);
        assert_eq!(v["caller"], "arn:aws:iam::111111111111:user/admin");
        assert_eq!(v["not_recorded"], NOT_RECORDED);
        assert_eq!(v["users"].as_array().map(Vec::len), Some(2));
        let first = &v["users"][0];
        assert_eq!(v["users"][1]["account_id"], "333333333333");
        assert_eq!(first["path"], "/ops/");
        assert_eq!(
            first["permissions_boundary"],
            "arn:aws:iam::aws:policy/PowerUserAccess"
        );
        assert_eq!(first["tags"][0]["value"], "ops");
        assert_eq!(first["ssh_public_keys"][0]["body"], "ssh-rsa AAAAB3Nza");
        assert!(first["recorded_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')));
        assert_eq!(
            first["inline_policies"][0]["document"],
            "{\"Version\":\"2012-10-17\"}"
        );
        assert_eq!(first["access_keys"][0]["id"], "AKIAEXAMPLE");
        let text = v.to_string().to_lowercase();
        assert!(
            !text.contains("secretaccesskey") && !text.contains("\"secret"),
            "{text}"
        );
        assert_eq!(restore.recorded(), 2);
        assert!(restore
            .summary()
            .is_some_and(|s| s.starts_with("what each of the 2 user(s)")));
    }

    #[test]
    fn a_record_that_cannot_be_written_is_dropped_and_the_file_keeps_the_earlier_ones_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("users-deleted-x.json");
        let restore = Restore::new(path.clone(), "caller");
        restore
            .record("222222222222", &holdings("first"))
            .expect("first");
        // The next write's temporary file cannot be created: as on a full disk, it fails.
        let tmp = dir
            .path()
            .join(format!(".users-deleted-x.json.{}.tmp", std::process::id()));
        std::fs::create_dir(&tmp).expect("block");
        assert!(restore.record("222222222222", &holdings("second")).is_err());
        assert_eq!(read(&path)["users"].as_array().map(Vec::len), Some(1));
        assert_eq!((restore.recorded(), restore.failed()), (1, 1));
        std::fs::remove_dir(&tmp).expect("unblock");
        // The failed user is not written later with another user's record.
        restore
            .record("222222222222", &holdings("third"))
            .expect("third");
        let names: Vec<String> = read(&path)["users"]
            .as_array()
            .expect("users")
            .iter()
            .map(|u| u["user_name"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(names, ["first", "third"]);
        assert_eq!(
            restore.summary().as_deref(),
            Some(
                format!(
                    "2 user(s) are recorded in {}; 1 record(s) could not be written, so those users were left untouched",
                    path.display()
                )
                .as_str()
            )
        );
    }

    #[test]
    fn a_record_never_written_says_so() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("missing").join("users-deleted-x.json");
        let restore = Restore::new(path.clone(), "caller");
        assert!(restore.record("222222222222", &holdings("a")).is_err());
        assert_eq!(restore.recorded(), 0);
        assert_eq!(
            restore.summary(),
            Some(format!(
                "the restore record {} could not be written, so 1 user(s) were left untouched",
                path.display()
            ))
        );
    }
}
