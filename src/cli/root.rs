//! The flags of the root-credentials commands: `audit`, and those that change something:
//! `delete` and `recover`.

use super::groups::{help, FindingsArgs, MAX_CONCURRENCY};
use super::{AwsArgs, ChangeArgs, RunArgs};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// `rootsweep audit`: the shared settings (it reads as them: `args.targets`) and `--since`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Shared settings.
    #[command(flatten)]
    pub run: RunArgs,
    /// `--since`.
    #[command(flatten)]
    pub findings: FindingsArgs,
    /// `--html`.
    #[command(flatten)]
    pub page: super::groups::PageArgs,
}

impl std::ops::Deref for AuditArgs {
    type Target = RunArgs;

    fn deref(&self) -> &RunArgs {
        &self.run
    }
}

/// What `--only` limits a delete to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Only {
    /// Only delete the root login profile (console password).
    LoginProfile,
    /// Only deactivate root MFA devices.
    Mfa,
}

/// `rootsweep delete`.
#[derive(Debug, Clone, Args)]
pub struct DeleteArgs {
    /// Shared settings.
    #[command(flatten)]
    pub run: RunArgs,
    /// `--dry-run`, `--yes`, `--skip-blocked`.
    #[command(flatten)]
    pub change: ChangeArgs,
    /// Limit what is removed.
    #[arg(long, value_enum)]
    pub only: Option<Only>,
    /// `--since`.
    #[command(flatten)]
    pub findings: FindingsArgs,
}

/// `rootsweep recover`.
#[derive(Debug, Clone, Args)]
#[command(
    mut_arg("dry_run", help("Check and show the plan; change nothing")),
    mut_arg(
        "skip_blocked",
        help(
            "Proceed with the recoverable accounts when others are unknown (those stay untouched)"
        )
    )
)]
pub struct RecoverArgs {
    /// How to reach AWS.
    #[command(flatten)]
    pub aws: AwsArgs,
    /// The member account ids to recover (comma-separated). Required: recovery is never
    /// organization-wide.
    #[arg(long, value_delimiter = ',', value_name = "ID,...", required = true)]
    pub accounts: Vec<String>,
    /// Accounts in flight at once, for the whole run (1-1024) [default: 16].
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::builder::RangedI64ValueParser::<usize>::new().range(1..=MAX_CONCURRENCY))]
    pub concurrency: Option<usize>,
    /// Folder for the CSV and JSON reports [default: reports].
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// `--dry-run`, `--yes`, `--skip-blocked`.
    #[command(flatten)]
    pub change: ChangeArgs,
}

impl RecoverArgs {
    /// The shared run settings: only the named accounts are targeted.
    pub fn run_args(&self) -> RunArgs {
        RunArgs::named(
            &self.aws,
            self.accounts.clone(),
            self.concurrency,
            self.report_dir.clone(),
        )
    }
}
