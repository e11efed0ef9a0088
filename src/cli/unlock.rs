//! The flags of `rootsweep unlock s3|sqs`: the resource named on the command line or in a file,
//! and the settings both share.

use super::groups::{help, MAX_CONCURRENCY};
use super::{AwsArgs, ChangeArgs};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `rootsweep unlock` subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Remove S3 bucket policies through `S3UnlockBucketPolicy` root sessions.
    S3(S3Args),
    /// Remove SQS queue policies through `SQSUnlockQueuePolicy` root sessions.
    Sqs(SqsArgs),
}

/// `rootsweep unlock s3`.
#[derive(Debug, Clone, Args)]
pub struct S3Args {
    /// The member account that owns the bucket.
    #[arg(long, value_name = "ID", requires = "bucket", conflicts_with = "file")]
    pub account: Option<String>,
    /// The bucket whose policy is removed.
    #[arg(
        long,
        value_name = "NAME",
        requires = "account",
        conflicts_with = "file"
    )]
    pub bucket: Option<String>,
    /// Shared settings.
    #[command(flatten)]
    pub run: Shared,
}

/// `rootsweep unlock sqs`.
#[derive(Debug, Clone, Args)]
pub struct SqsArgs {
    /// The member account that owns the queue (the account in its URL).
    #[arg(
        long,
        value_name = "ID",
        requires = "queue_url",
        conflicts_with = "file"
    )]
    pub account: Option<String>,
    /// The queue whose policy is removed (https://sqs.<region>.amazonaws.com/<account id>/<name>).
    #[arg(
        long,
        value_name = "URL",
        requires = "account",
        conflicts_with = "file"
    )]
    pub queue_url: Option<String>,
    /// Shared settings.
    #[command(flatten)]
    pub run: Shared,
}

/// Settings of both `unlock` commands.
#[derive(Debug, Clone, Args)]
#[command(
    mut_arg(
        "dry_run",
        help("Read and show each policy that would be removed; change nothing")
    ),
    mut_arg(
        "skip_blocked",
        help("Proceed with the other accounts when a policy could not be read somewhere")
    )
)]
pub struct Shared {
    /// How to reach AWS.
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Several resources: a CSV of `account_id,resource` lines (`#` comments).
    #[arg(long, value_name = "PATH", required_unless_present = "account")]
    pub file: Option<PathBuf>,
    /// Accounts in flight at once, for the whole run (1-1024) [default: 16].
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::builder::RangedI64ValueParser::<usize>::new().range(1..=MAX_CONCURRENCY))]
    pub concurrency: Option<usize>,
    /// Folder for the CSV and JSON reports and the saved policies [default: reports].
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// `--dry-run`, `--yes`, `--skip-blocked`.
    #[command(flatten)]
    pub change: ChangeArgs,
}
