//! Spawns `rootsweep sim serve` as a child process and reads its `/_sim` introspection endpoints.

#![allow(dead_code)] // Each test file uses a different subset of the helpers.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running simulator process, killed on drop.
pub struct Sim {
    child: Child,
    url: String,
    access_key: String,
    secret: String,
    scenario: PathBuf,
    _dir: tempfile::TempDir,
}

impl Sim {
    /// Serves the scenario file at `path`.
    pub fn start(path: impl AsRef<Path>) -> Sim {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::spawn(path.as_ref().to_path_buf(), dir)
    }

    /// Serves a scenario given as TOML text (written to a temporary file).
    pub fn start_toml(text: &str) -> Sim {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("scenario.toml");
        std::fs::write(&path, text).expect("write scenario");
        Self::spawn(path, dir)
    }

    fn spawn(scenario: PathBuf, dir: tempfile::TempDir) -> Sim {
        let parsed = rootsweep::sim::Scenario::load(&scenario).expect("scenario for Sim is valid");
        let (key, secret) = parsed.management_access_key();
        let (access_key, secret) = (key.to_string(), secret.to_string());
        let ready = dir.path().join("ready");
        let mut child = Command::new(env!("CARGO_BIN_EXE_rootsweep"))
            .args(["sim", "serve", "--scenario"])
            .arg(&scenario)
            .args(["--listen", "127.0.0.1:0", "--ready-file"])
            .arg(&ready)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn rootsweep sim serve");
        let deadline = Instant::now() + Duration::from_secs(10);
        let url = loop {
            if let Ok(text) = std::fs::read_to_string(&ready) {
                if text.ends_with('\n') {
                    break text.trim().to_string();
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("rootsweep sim serve exited early with {status}");
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("rootsweep sim serve did not write its ready file within 10 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        Sim {
            child,
            url,
            access_key,
            secret,
            scenario,
            _dir: dir,
        }
    }

    /// Base URL, e.g. `http://127.0.0.1:4567`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Path of the scenario file being served.
    pub fn scenario_path(&self) -> &Path {
        &self.scenario
    }

    /// The management caller's access key id.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The management caller's secret access key.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// `GET /_sim/state`.
    pub fn state(&self) -> Value {
        get_json(&format!("{}/_sim/state", self.url))
    }

    /// `GET /_sim/calls`.
    pub fn calls(&self) -> Vec<Value> {
        match get_json(&format!("{}/_sim/calls", self.url)) {
            Value::Array(calls) => calls,
            other => panic!("/_sim/calls is not an array: {other}"),
        }
    }

    /// `GET /_sim/sessions`: every root session issued, secrets included.
    pub fn sessions(&self) -> Vec<Value> {
        match get_json(&format!("{}/_sim/sessions", self.url)) {
            Value::Array(sessions) => sessions,
            other => panic!("/_sim/sessions is not an array: {other}"),
        }
    }

    /// Calls that changed root credentials.
    pub fn mutating_calls(&self) -> Vec<Value> {
        self.calls()
            .into_iter()
            .filter(|c| c["mutating"] == Value::Bool(true))
            .collect()
    }

    /// The root user of one account in `/_sim/state`.
    pub fn root(&self, account: &str) -> Value {
        self.state()["accounts"][account]["root"].clone()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn get_json(url: &str) -> Value {
    ureq::get(url)
        .timeout(Duration::from_secs(10))
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .into_json()
        .unwrap_or_else(|e| panic!("GET {url}: invalid JSON: {e}"))
}
