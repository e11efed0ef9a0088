//! The subcommands: each turns parsed arguments into a run and an exit code. Here: the context
//! every run shares (settings, AWS access, interruption, start time), built before any AWS
//! call, and the run environment after a passed preflight. Every changing command goes one path,
//! [`change`]'s.

pub mod audit;
pub mod change;
pub mod command_line;
pub mod delete;
#[cfg(feature = "simulator")]
pub mod demo;
pub mod guard;
pub mod guardrails;
pub mod policy;
pub mod preflight;
pub mod recover;
pub mod root;
pub mod unlock;
pub mod users;

use crate::aws::sts::Caller;
use crate::aws::Aws;
use crate::cancel::Cancel;
use crate::cli::{AwsArgs, Output, RunArgs};
use crate::config::{Config, Overrides};
use crate::preflight::Preflight;
use crate::report::json::RunInfo;
use crate::report::rfc3339_system;
use crate::run::Env;
use anyhow::Context;
use std::path::Path;
use std::time::Instant;

pub use crate::exit::UsageError;

/// Everything one run shares.
pub struct Ctx {
    /// Resolved settings.
    pub config: Config,
    /// AWS access.
    pub aws: Aws,
    /// Interruption flag.
    pub cancel: Cancel,
    /// Output format.
    pub output: Output,
    /// When the run started.
    pub started: Instant,
    /// Wall-clock start, for reports.
    pub started_at: std::time::SystemTime,
}

/// Loads the config, checks the report folder, and builds the shared AWS configuration. No AWS
/// call is made here.
pub async fn setup(args: &RunArgs) -> anyhow::Result<Ctx> {
    setup_with(args, args.overrides()).await
}

/// [`setup`] with a command's own overrides (the shared ones plus its flags).
pub async fn setup_with(args: &RunArgs, overrides: Overrides) -> anyhow::Result<Ctx> {
    let config = load_config(args.aws.config.as_deref(), overrides)?;
    with_config(config, args.aws.output).await
}

/// As [`setup`], for a command that writes no report (preflight): no report folder is checked.
pub async fn setup_aws(args: &AwsArgs) -> anyhow::Result<Ctx> {
    let config = load_config(args.config.as_deref(), args.overrides())?;
    connect(config, args.output).await
}

fn load_config(path: Option<&Path>, overrides: Overrides) -> anyhow::Result<Config> {
    let resolved = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read the config file", path.display()))
                .map_err(UsageError)?;
            let parsed = crate::config::parse(path, &text).map_err(|e| UsageError(e.into()))?;
            crate::config::resolve(Some((path, &text, parsed)), overrides)
        }
        None => crate::config::resolve(None, overrides),
    };
    Ok(resolved.map_err(|e| UsageError(e.into()))?)
}

/// Builds a context from resolved settings, after checking that the report folder is writable.
pub async fn with_config(config: Config, output: Output) -> anyhow::Result<Ctx> {
    crate::report::file::ensure_writable_dir(&config.report_dir).map_err(|e| {
        UsageError(anyhow::anyhow!(
            "the report folder is not writable: {e}; choose another with --report-dir"
        ))
    })?;
    connect(config, output).await
}

async fn connect(config: Config, output: Output) -> anyhow::Result<Ctx> {
    let vars: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect();
    crate::aws::empty_endpoint(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| UsageError(e.into()))?;
    crate::aws::check_profile(&config.aws)
        .await
        .map_err(|e| UsageError(e.into()))?;
    let cancel = Cancel::default();
    cancel.listen_for_signals();
    let aws = Aws::connect(&config.aws, cancel.clone()).await;
    Ok(Ctx {
        config,
        aws,
        cancel,
        output,
        started: Instant::now(),
        started_at: std::time::SystemTime::now(),
    })
}

/// Where a run's one document (or its text) goes: stdout. In the crate's own tests it goes
/// through `print!`, so that the test harness captures it instead of filling the test output.
pub fn stdout() -> Box<dyn std::io::Write> {
    #[cfg(test)]
    {
        Box::new(Captured)
    }
    #[cfg(not(test))]
    {
        Box::new(std::io::stdout().lock())
    }
}

/// Stdout as the test harness captures it.
#[cfg(test)]
struct Captured;

#[cfg(test)]
impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        print!("{}", String::from_utf8_lossy(buf));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The closing timing line every run prints on stderr.
pub fn timing_line(ctx: &Ctx, what: &str, accounts: usize) -> String {
    let secs = ctx.started.elapsed().as_secs_f64();
    let rate = if secs > 0.0 {
        accounts as f64 / secs
    } else {
        0.0
    };
    let stats = ctx.aws.stats();
    format!(
        "rootsweep: {what}: {accounts} accounts in {secs:.1} s ({rate:.1} accounts/s); {} API calls, {} retries (throttling and transient errors)",
        stats.calls(),
        stats.retries()
    )
}

/// The run environment after a passed preflight: who calls, in which organization, and the
/// run's report identity. Also returns the caller.
fn env(ctx: &Ctx, pre: &Preflight) -> anyhow::Result<(Env, Caller)> {
    let caller = pre
        .caller
        .clone()
        .context("preflight identified no caller")?;
    let org = pre
        .organization
        .clone()
        .context("preflight found no organization")?;
    let env = Env {
        config: ctx.config.run_settings(),
        cancel: ctx.cancel.clone(),
        output: ctx.output,
        run: RunInfo {
            run_id: crate::report::file::stamp(ctx.started_at),
            rootsweep_version: env!("CARGO_PKG_VERSION"),
            caller: caller.arn.clone(),
            organization: org.id.clone(),
            partition: caller.partition.clone(),
            region: ctx.aws.region().unwrap_or_default(),
            started: rfc3339_system(ctx.started_at),
            ended: String::new(),
            complete: false,
            incomplete_reason: None,
        },
        management_account: org.management_account.clone(),
    };
    Ok((env, caller))
}
