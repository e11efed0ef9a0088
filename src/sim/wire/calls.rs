//! The call log: one append-only record per request that reaches the AWS endpoint (unknown
//! operations and malformed requests included), served at `/_sim/calls`.

use serde::Serialize;
use std::sync::Mutex;
use std::time::Instant;

/// One handled call. Holds access key ids only, never secrets or tokens.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Record {
    pub seq: u64,
    /// `sts`, `iam`, `organizations`, a foreign `X-Amz-Target` prefix, or `unknown`.
    pub service: String,
    /// Operation name as sent (`<METHOD> <path>` for a request that is not a POST).
    pub operation: String,
    pub caller: String,
    pub caller_account: Option<String>,
    pub account: Option<String>,
    pub task_policy: Option<&'static str>,
    pub status: u16,
    pub error: Option<String>,
    /// Whether the operation is one of the simulated credential changes. Kept for readers of
    /// the log; tests should list calls outside a read-only allow-list instead, which also
    /// catches operations the simulator does not implement.
    pub mutating: bool,
    /// Milliseconds since the simulator started, when the call was answered.
    pub at_ms: u64,
}

/// Append-only log of calls.
pub(crate) struct Log {
    records: Mutex<Vec<Record>>,
    started: Instant,
}

impl Default for Log {
    fn default() -> Self {
        Log {
            records: Mutex::default(),
            started: Instant::now(),
        }
    }
}

impl Log {
    /// Appends a record, assigning its sequence number and time.
    pub(crate) fn push(&self, mut record: Record) {
        record.at_ms = self.started.elapsed().as_millis() as u64;
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        record.seq = records.len() as u64 + 1;
        records.push(record);
    }

    /// The log as a JSON array.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        serde_json::to_vec(&*records).unwrap_or_default()
    }
}
