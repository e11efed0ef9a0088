//! Runs one rootsweep process and reaps it with `wait4`, which hands back the child's own
//! resource usage (peak RSS, user and system CPU) along with its exit status.
//!
//! The pid is reaped only here, so it cannot be reused while this module may still signal it.

use anyhow::{bail, Context};
use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How often the child is polled for exit; bounds the wall-time error.
const POLL: Duration = Duration::from_millis(2);

/// What one finished run cost.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// From spawn to reaped.
    pub wall: Duration,
    /// Exit code, or `None` when a signal ended it.
    pub exit_code: Option<i32>,
    /// Peak resident set, KiB (`ru_maxrss` on Linux).
    pub max_rss_kib: i64,
    /// User plus system CPU, seconds.
    pub cpu_secs: f64,
}

/// A spawned child; dropping it before it was reaped kills and reaps it.
struct Unreaped {
    pid: libc::pid_t,
    reaped: bool,
}

impl Unreaped {
    /// `wait4`; `Ok(None)` while it is still running (when `block` is false).
    fn wait(&mut self, block: bool) -> anyhow::Result<Option<(libc::c_int, libc::rusage)>> {
        let mut status: libc::c_int = 0;
        // SAFETY: rusage is plain old data; all-zero is a valid value that wait4 overwrites.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let flags = if block { 0 } else { libc::WNOHANG };
        loop {
            // SAFETY: both pointers are to live, writable locals of the right types.
            let got = unsafe { libc::wait4(self.pid, &mut status, flags, &mut usage) };
            if got == self.pid {
                self.reaped = true;
                return Ok(Some((status, usage)));
            }
            if got == 0 {
                return Ok(None);
            }
            let err = std::io::Error::last_os_error();
            if err.kind() != std::io::ErrorKind::Interrupted {
                return Err(err).context("wait4 on the rootsweep process");
            }
        }
    }

    fn kill(&self) {
        // SAFETY: only called before the pid is reaped, so it still names our child (or its zombie).
        unsafe { libc::kill(self.pid, libc::SIGKILL) };
    }
}

impl Drop for Unreaped {
    fn drop(&mut self) {
        if !self.reaped {
            self.kill();
            let _ = self.wait(true);
        }
    }
}

/// Runs `bin args` with exactly `env`, stdin from /dev/null and output to the given files; kills
/// it after `deadline`.
pub fn run(
    bin: &Path,
    args: &[String],
    env: &[(&str, String)],
    stdout: &Path,
    stderr: &Path,
    deadline: Duration,
) -> anyhow::Result<Usage> {
    let out = File::create(stdout).with_context(|| format!("creating {}", stdout.display()))?;
    let err = File::create(stderr).with_context(|| format!("creating {}", stderr.display()))?;
    let mut command = Command::new(bin);
    command
        .args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    let start = Instant::now();
    let child = command
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let mut unreaped = Unreaped {
        pid: libc::pid_t::try_from(child.id()).context("pid out of range")?,
        reaped: false,
    };
    // `Child` neither waits nor kills on drop; from here on only `unreaped` owns the pid.
    drop(child);
    let (status, usage) = loop {
        if let Some(done) = unreaped.wait(false)? {
            break done;
        }
        if start.elapsed() > deadline {
            bail!("rootsweep did not finish within {deadline:?}; killed");
        }
        std::thread::sleep(POLL);
    };
    let wall = start.elapsed();
    let exit_code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(Usage {
        wall,
        exit_code,
        max_rss_kib: usage.ru_maxrss,
        cpu_secs: secs(usage.ru_utime) + secs(usage.ru_stime),
    })
}
