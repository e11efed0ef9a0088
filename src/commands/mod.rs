//! The subcommands: each turns parsed arguments into a run and an exit code.

pub mod audit;
pub mod delete;
#[cfg(feature = "simulator")]
pub mod demo;
pub mod policy;
pub mod preflight;

use crate::aws::Aws;
use crate::cancel::Cancel;
use crate::cli::{Output, RunArgs};
use crate::config::Config;
use anyhow::Context;
use std::time::Instant;

/// An error that is the operator's input, not AWS's: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct UsageError(#[from] pub anyhow::Error);

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
    let resolved = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read the config file", path.display()))
                .map_err(UsageError)?;
            let parsed = crate::config::parse(path, &text).map_err(|e| UsageError(e.into()))?;
            crate::config::resolve(Some((path, &text, parsed)), args.overrides())
        }
        None => crate::config::resolve(None, args.overrides()),
    };
    let config = resolved.map_err(|e| UsageError(e.into()))?;
    with_config(config, args.output).await
}

/// Builds a context from resolved settings.
pub async fn with_config(config: Config, output: Output) -> anyhow::Result<Ctx> {
    crate::report::file::ensure_writable_dir(&config.report_dir)
        .context("the report folder is not writable")
        .map_err(UsageError)?;
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
