//! The simulator as a separate process: start it on a free port, wait for its ready file, read
//! its CPU time from /proc, fetch `/_sim/state` and `/_sim/calls`, and kill it when dropped.

use anyhow::{bail, Context};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the simulator may take to load its scenario and listen.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// One entry of `/_sim/calls` (the fields the benchmark reads).
#[derive(Debug, Deserialize)]
pub struct Call {
    /// Operation name, e.g. `AssumeRoot`.
    pub operation: String,
    /// HTTP status answered.
    pub status: u16,
    /// Error code, when the call failed.
    pub error: Option<String>,
    /// Milliseconds since the simulator started, when the call was answered.
    pub at_ms: u64,
}

/// A running `rootsweep sim serve`; killed and reaped on drop.
pub struct Simulator {
    child: Child,
    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub url: String,
    agent: ureq::Agent,
}

impl Simulator {
    /// Starts `bin sim serve` for `scenario`; its ready file and logs go in `dir`.
    pub fn start(bin: &Path, scenario: &Path, dir: &Path) -> anyhow::Result<Simulator> {
        let ready = dir.join("sim.ready");
        let log = dir.join("sim.log");
        let out = File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        let err = out.try_clone().context("duplicating the log file handle")?;
        let child = Command::new(bin)
            .args(["sim", "serve", "--listen", "127.0.0.1:0", "--scenario"])
            .arg(scenario)
            .arg("--ready-file")
            .arg(&ready)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .with_context(|| format!("starting {} sim serve", bin.display()))?;
        let mut sim = Simulator {
            child,
            url: String::new(),
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(120))
                .build(),
        };
        let start = Instant::now();
        loop {
            if let Ok(text) = std::fs::read_to_string(&ready) {
                sim.url = text.trim().to_string();
                return Ok(sim);
            }
            if let Some(status) = sim.child.try_wait().context("polling the simulator")? {
                let log = std::fs::read_to_string(&log).unwrap_or_default();
                bail!("the simulator exited ({status}) before it was ready:\n{log}");
            }
            if start.elapsed() > READY_TIMEOUT {
                bail!("the simulator was not ready within {READY_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// User plus system CPU the simulator has used so far, seconds (from /proc/<pid>/stat).
    pub fn cpu_secs(&self) -> anyhow::Result<f64> {
        let path = format!("/proc/{}/stat", self.child.id());
        let stat = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
        cpu_from_stat(&stat).with_context(|| format!("parsing {path}"))
    }

    /// `GET /_sim/state`.
    pub fn state<T: DeserializeOwned>(&self) -> anyhow::Result<T> {
        self.get("/_sim/state")
    }

    /// `GET /_sim/calls`: every call the simulator answered, in the order it finished them.
    pub fn calls(&self) -> anyhow::Result<Vec<Call>> {
        self.get("/_sim/calls")
    }

    /// `GET /_sim/calls` as it is, every field of every entry.
    pub fn calls_json(&self) -> anyhow::Result<serde_json::Value> {
        self.get("/_sim/calls")
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let url = format!("{}{path}", self.url);
        self.agent
            .get(&url)
            .call()
            .with_context(|| format!("GET {url}"))?
            .into_json()
            .with_context(|| format!("decoding GET {url}"))
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// utime + stime of a `/proc/<pid>/stat` line, in seconds.
pub fn cpu_from_stat(stat: &str) -> anyhow::Result<f64> {
    // The command name (field 2) is parenthesised and may hold spaces: count after its `)`.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .context("no `)` after the command name")?;
    // After the name come state (field 3), ...; utime and stime are fields 14 and 15.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| -> anyhow::Result<f64> {
        let field = fields.get(i).context("too few fields")?;
        Ok(field.parse::<u64>().context("not a tick count")? as f64)
    };
    // SAFETY: sysconf only reads a system constant.
    let per_sec = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if per_sec <= 0 {
        bail!("sysconf(_SC_CLK_TCK) failed");
    }
    Ok((ticks(11)? + ticks(12)?) / per_sec as f64)
}
