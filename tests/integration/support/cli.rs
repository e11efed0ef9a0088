//! Runs the real `rootsweep` binary against a simulator with a hermetic AWS environment.

#![allow(dead_code)] // Each test file uses a different subset of the helpers.

use super::sim::Sim;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The finished process.
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Panics with both streams unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// A command with the hermetic environment: the simulator's management credentials, a region,
/// the endpoint via `AWS_ENDPOINT_URL`, no config files, no instance metadata.
pub fn command(sim: &Sim, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rootsweep"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", sim.access_key())
        .env("AWS_SECRET_ACCESS_KEY", sim.secret())
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", sim.url())
        .env("AWS_CONFIG_FILE", "/nonexistent/rootsweep-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rootsweep-test/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // Injected permanent faults would otherwise be retried ten times with backoff.
        .env("AWS_MAX_ATTEMPTS", "3")
        .stdin(Stdio::null());
    cmd
}

/// `--report-dir reports`, for the commands that write reports (`preflight` writes none and
/// does not take the flag).
fn report_dir(cmd: &mut Command, args: &[&str], reports: &Path) {
    if args.first() != Some(&"preflight") {
        cmd.arg("--report-dir").arg(reports);
    }
}

/// Runs rootsweep to completion with reports in `reports`.
pub fn rootsweep(sim: &Sim, reports: &Path, args: &[&str]) -> Run {
    let mut cmd = command(sim, args);
    report_dir(&mut cmd, args, reports);
    Run::from(cmd.output().expect("run rootsweep"))
}

/// Runs rootsweep with some environment variables overridden (e.g. another caller's key).
pub fn rootsweep_env(sim: &Sim, reports: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = command(sim, args);
    report_dir(&mut cmd, args, reports);
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run::from(cmd.output().expect("run rootsweep"))
}

/// Starts rootsweep without waiting (for signal tests).
pub fn spawn(sim: &Sim, reports: &Path, args: &[&str]) -> Child {
    let mut cmd = command(sim, args);
    report_dir(&mut cmd, args, reports);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.spawn().expect("spawn rootsweep")
}

/// Waits for a spawned rootsweep.
pub fn finish(child: Child) -> Run {
    Run::from(child.wait_with_output().expect("wait rootsweep"))
}

/// The single report file whose name starts with `prefix` and ends with `ext`.
pub fn report(dir: &Path, prefix: &str, ext: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("report dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with(prefix) && name.ends_with(ext)
        })
        .collect();
    found.sort();
    assert_eq!(
        found.len(),
        1,
        "expected one {prefix}*{ext} in {}: {found:?}",
        dir.display()
    );
    found.remove(0)
}

/// A CSV report: its header line and rows keyed by column.
pub struct Csv {
    /// The raw header line.
    pub header: String,
    /// Each row as column → value.
    pub rows: Vec<HashMap<String, String>>,
}

impl Csv {
    /// Reads a CSV file.
    pub fn read(path: &Path) -> Csv {
        let text = std::fs::read_to_string(path).expect("read csv");
        let header = text.lines().next().unwrap_or("").to_string();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let columns: Vec<String> = reader
            .headers()
            .expect("csv header")
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .map(|r| {
                let r = r.expect("csv record");
                columns
                    .iter()
                    .cloned()
                    .zip(r.iter().map(str::to_string))
                    .collect()
            })
            .collect();
        Csv { header, rows }
    }

    /// The row of one account (panics unless exactly one).
    pub fn account(&self, id: &str) -> &HashMap<String, String> {
        let rows: Vec<_> = self.rows.iter().filter(|r| r["account_id"] == id).collect();
        assert_eq!(rows.len(), 1, "rows for {id}: {rows:?}");
        rows[0]
    }
}

/// A temporary report folder.
pub fn reports() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp report dir")
}
