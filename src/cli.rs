//! The command line (clap derive). The user-facing help text lives here.

use crate::config::Overrides;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Audit and remove AWS Organizations member accounts' root user credentials through
/// centralized root access (sts:AssumeRoot).
#[derive(Debug, Parser)]
#[command(name = "rootsweep", version, about, long_about = None)]
pub struct Cli {
    /// More log output on stderr (-v: rootsweep debug, -vv: also AWS SDK info, -vvv: rootsweep trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that centralized root access is usable by this caller.
    Preflight(AwsArgs),
    /// Audit every targeted member account's root credentials (read-only) and write reports.
    Audit(RunArgs),
    /// Delete root login profiles and deactivate root MFA devices (after an audit and a confirmation).
    Delete(DeleteArgs),
    /// Give root users a login profile back, without a password (the root email owner then uses
    /// "Forgot password"), in the named member accounts only.
    Recover(RecoverArgs),
    /// Remove a resource policy that locks everyone out, saving it first (root sessions).
    Unlock {
        /// Unlock command.
        #[command(subcommand)]
        command: UnlockCommand,
    },
    /// IAM users across the organization's accounts.
    Users {
        /// Users command.
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Print the least-privilege IAM policy the operator's identity needs.
    Policy(PolicyArgs),
    /// Run the audit and the dry-run plan against a built-in simulated organization.
    #[cfg(feature = "simulator")]
    Demo(DemoArgs),
    /// The local AWS organization simulator.
    #[cfg(feature = "simulator")]
    Sim {
        /// Simulator command.
        #[command(subcommand)]
        command: SimCommand,
    },
}

/// `rootsweep users` subcommands.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Audit every targeted account's IAM users (read-only): last use, verdict, findings.
    Audit(UsersAuditArgs),
    /// Delete IAM users (the stale ones, or those a file lists) with every dependent, after an
    /// audit and a confirmation.
    Delete(UsersDeleteArgs),
    /// Detach the managed policies attached to a user directly that a group of the user also
    /// attaches (after an audit and a confirmation); nothing else.
    Tidy(UsersTidyArgs),
}

/// `rootsweep users tidy`.
#[derive(Debug, Clone, Args)]
pub struct UsersTidyArgs {
    /// Shared settings.
    #[command(flatten)]
    pub run: RunArgs,
    /// Audit and show the plan (each call it would make); change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm without a terminal prompt (required when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Proceed with the other accounts when some are unknown (those stay untouched).
    #[arg(long)]
    pub skip_blocked: bool,
    /// The role assumed in member accounts [default: OrganizationAccountAccessRole].
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// The external id the role's trust policy requires, if any.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
}

impl UsersTidyArgs {
    /// The shared overrides plus `--role-name`.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            role_name: self.role_name.clone(),
            ..self.run.overrides()
        }
    }
}

/// `rootsweep users delete`.
#[derive(Debug, Clone, Args)]
pub struct UsersDeleteArgs {
    /// Shared settings.
    #[command(flatten)]
    pub run: RunArgs,
    /// Delete every user the fresh audit judges stale at this many days; with --users-file, the
    /// stale period the listed users are judged by (default 90).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..),
          required_unless_present = "users_file")]
    pub stale_days: Option<u32>,
    /// Delete the users a CSV lists (columns account_id,user_name; a users-audit CSV works as is).
    #[arg(long, value_name = "FILE")]
    pub users_file: Option<PathBuf>,
    /// With --users-file: also delete listed users that are not stale.
    #[arg(long, requires = "users_file")]
    pub force_active: bool,
    /// Audit and show the plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm without a terminal prompt (required when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Proceed with the other accounts when some are blocked or unknown (those stay untouched).
    #[arg(long)]
    pub skip_blocked: bool,
    /// The role assumed in member accounts [default: OrganizationAccountAccessRole].
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// The external id the role's trust policy requires, if any.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
}

impl UsersDeleteArgs {
    /// The shared overrides plus `--role-name`.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            role_name: self.role_name.clone(),
            ..self.run.overrides()
        }
    }
}

/// `rootsweep users audit`.
#[derive(Debug, Clone, Args)]
pub struct UsersAuditArgs {
    /// Shared settings.
    #[command(flatten)]
    pub run: RunArgs,
    /// A user with no password or access key use for this many days or more is stale.
    #[arg(long, value_name = "N", default_value_t = crate::users::DEFAULT_STALE_DAYS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub stale_days: u32,
    /// The role assumed in member accounts [default: OrganizationAccountAccessRole].
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// The external id the role's trust policy requires, if any.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
}

impl UsersAuditArgs {
    /// The shared overrides plus `--role-name`.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            role_name: self.role_name.clone(),
            ..self.run.overrides()
        }
    }
}

/// Simulator subcommands.
#[cfg(feature = "simulator")]
#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Serve a scenario on a loopback port until SIGINT/SIGTERM.
    Serve(crate::sim::ServeArgs),
}

pub use crate::run::Output;

/// What `--only` limits a delete to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Only {
    /// Only delete the root login profile (console password).
    LoginProfile,
    /// Only deactivate root MFA devices.
    Mfa,
}

/// How to reach AWS, and the output format: every command that calls AWS (preflight, audit,
/// delete) takes these.
#[derive(Debug, Clone, Args)]
pub struct AwsArgs {
    /// TOML config file (see config.toml.example); the command line wins over it.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// AWS named profile (SSO profiles included); default: the SDK's (AWS_PROFILE, default).
    #[arg(long)]
    pub profile: Option<String>,
    /// AWS region for the regional STS endpoint, e.g. us-east-1; default: config, profile/env, then us-east-1.
    #[arg(long, value_parser = parse_region)]
    pub region: Option<String>,
    /// One endpoint URL for Organizations, STS and IAM (AWS_ENDPOINT_URL* also work).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Client-side limit on AWS requests per second across the run.
    #[arg(long, value_name = "RPS", allow_negative_numbers = true, value_parser = parse_positive_f64)]
    pub max_rps: Option<f64>,
    /// Attempts per AWS call on server errors, timeouts and dropped connections (throttling is
    /// retried for up to 5 minutes) [default: AWS_MAX_ATTEMPTS, else 10].
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::builder::RangedI64ValueParser::<u32>::new().range(1..))]
    pub max_attempts: Option<u32>,
    /// Seconds before one attempt of one AWS call is abandoned [default: 30].
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true, value_parser = parse_positive_f64)]
    pub call_timeout: Option<f64>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

/// Which accounts, how many at once, and where the reports go: audit and delete (and every
/// command that runs the account pipeline).
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// Accounts in flight at once, for the whole run (1-1024) [default: 16].
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::builder::RangedI64ValueParser::<usize>::new().range(1..=MAX_CONCURRENCY))]
    pub concurrency: Option<usize>,
    /// Folder for the CSV and JSON reports [default: reports].
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Only these account ids (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub accounts: Vec<String>,
    /// Only the account ids in this file (one per line, # comments).
    #[arg(long, value_name = "PATH")]
    pub accounts_file: Option<PathBuf>,
    /// Only accounts in this OU's subtree (repeatable).
    #[arg(long, value_name = "OU_ID")]
    pub ou: Vec<String>,
    /// Never these account ids (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub exclude: Vec<String>,
}

/// Settings of the commands that run the account pipeline (audit, delete).
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// How to reach AWS.
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Which accounts.
    #[command(flatten)]
    pub targets: TargetArgs,
}

/// The largest `--concurrency` accepted (as in the config file).
pub const MAX_CONCURRENCY: i64 = crate::config::MAX_CONCURRENCY as i64;

fn parse_region(value: &str) -> Result<String, String> {
    crate::config::check_region(value).map(|()| value.to_string())
}

fn parse_positive_f64(value: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("`{value}` is not a positive number")),
    }
}

impl AwsArgs {
    /// The values that can also come from the config file (no target settings).
    pub fn overrides(&self) -> Overrides {
        Overrides {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            max_attempts: self.max_attempts,
            env_max_attempts: std::env::var("AWS_MAX_ATTEMPTS")
                .ok()
                .and_then(|v| v.trim().parse().ok()),
            call_timeout_secs: self.call_timeout,
            max_rps: self.max_rps,
            ..Overrides::default()
        }
    }
}

impl RunArgs {
    /// The values that can also come from the config file.
    pub fn overrides(&self) -> Overrides {
        let t = &self.targets;
        Overrides {
            concurrency: t.concurrency,
            report_dir: t.report_dir.clone(),
            accounts: t.accounts.clone(),
            accounts_file: t.accounts_file.clone(),
            ou: t.ou.clone(),
            exclude: t.exclude.clone(),
            ..self.aws.overrides()
        }
    }
}

/// `rootsweep delete`.
#[derive(Debug, Clone, Args)]
pub struct DeleteArgs {
    /// Shared settings.
    #[command(flatten)]
    pub run: RunArgs,
    /// Audit and show the plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm without a terminal prompt (required when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Proceed with the eligible accounts when others are blocked or unknown (those stay untouched).
    #[arg(long)]
    pub skip_blocked: bool,
    /// Limit what is removed.
    #[arg(long, value_enum)]
    pub only: Option<Only>,
}

/// `rootsweep recover`.
#[derive(Debug, Clone, Args)]
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
    /// Check and show the plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm without a terminal prompt (required when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Proceed with the recoverable accounts when others are unknown (those stay untouched).
    #[arg(long)]
    pub skip_blocked: bool,
}

impl RecoverArgs {
    /// The shared run settings: only the named accounts are targeted.
    pub fn run_args(&self) -> RunArgs {
        RunArgs {
            aws: self.aws.clone(),
            targets: TargetArgs {
                concurrency: self.concurrency,
                report_dir: self.report_dir.clone(),
                accounts: self.accounts.clone(),
                accounts_file: None,
                ou: Vec::new(),
                exclude: Vec::new(),
            },
        }
    }
}

/// `rootsweep unlock` subcommands.
#[derive(Debug, Subcommand)]
pub enum UnlockCommand {
    /// Remove S3 bucket policies through `S3UnlockBucketPolicy` root sessions.
    S3(UnlockS3Args),
    /// Remove SQS queue policies through `SQSUnlockQueuePolicy` root sessions.
    Sqs(UnlockSqsArgs),
}

/// `rootsweep unlock s3`.
#[derive(Debug, Clone, Args)]
pub struct UnlockS3Args {
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
    pub run: UnlockArgs,
}

/// `rootsweep unlock sqs`.
#[derive(Debug, Clone, Args)]
pub struct UnlockSqsArgs {
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
    pub run: UnlockArgs,
}

/// Settings of both `unlock` commands.
#[derive(Debug, Clone, Args)]
pub struct UnlockArgs {
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
    /// Read and show each policy that would be removed; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm without a terminal prompt (required when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Proceed with the other accounts when a policy could not be read somewhere.
    #[arg(long)]
    pub skip_blocked: bool,
}

/// `rootsweep policy`.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// Also allow the delete task policy.
    #[arg(long, conflicts_with = "users")]
    pub delete: bool,
    /// Also allow the password-creation task policy (`recover`).
    #[arg(long, conflicts_with = "users")]
    pub recover: bool,
    /// Also allow the S3 and SQS unlock task policies (`unlock s3`, `unlock sqs`).
    #[arg(long, conflicts_with = "users")]
    pub unlock: bool,
    /// The policies of the `users` commands instead: the operator's, and the member role's.
    #[arg(long)]
    pub users: bool,
    /// With --users: the role assumed in member accounts.
    #[arg(long, value_name = "NAME", default_value = crate::users::DEFAULT_ROLE_NAME, requires = "users")]
    pub role_name: String,
    /// Partition for the ARNs.
    #[arg(long, default_value = "aws", value_parser = ["aws", "aws-us-gov", "aws-cn"])]
    pub partition: String,
}

/// `rootsweep demo`.
#[cfg(feature = "simulator")]
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Folder for the demo's reports [default: reports/demo].
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn users_audit_takes_the_shared_run_flags_and_rejects_zero_stale_days() {
        let cli = Cli::parse_from([
            "rootsweep",
            "users",
            "audit",
            "--stale-days",
            "30",
            "--role-name",
            "Auditor",
            "--concurrency",
            "4",
        ]);
        let Command::Users {
            command: UsersCommand::Audit(args),
        } = cli.command
        else {
            panic!("users audit expected");
        };
        assert_eq!(args.stale_days, 30);
        assert_eq!(args.run.targets.concurrency, Some(4));
        assert_eq!(args.overrides().role_name.as_deref(), Some("Auditor"));
        assert!(Cli::try_parse_from(["rootsweep", "users", "audit", "--stale-days", "0"]).is_err());
    }

    #[test]
    fn users_delete_takes_a_users_file_with_the_stale_period_it_was_made_at() {
        let cli = Cli::parse_from([
            "rootsweep",
            "users",
            "delete",
            "--users-file",
            "u.csv",
            "--stale-days",
            "30",
        ]);
        let Command::Users {
            command: UsersCommand::Delete(args),
        } = cli.command
        else {
            panic!("users delete expected");
        };
        assert_eq!(args.stale_days, Some(30));
        assert!(args.users_file.is_some());
        // One of the two is needed.
        assert!(Cli::try_parse_from(["rootsweep", "users", "delete", "--dry-run"]).is_err());
    }

    #[test]
    fn accounts_are_comma_separated() {
        let cli = Cli::parse_from([
            "rootsweep",
            "audit",
            "--accounts",
            "111111111111,222222222222",
        ]);
        let Command::Audit(args) = cli.command else {
            panic!("audit expected");
        };
        assert_eq!(args.targets.accounts, vec!["111111111111", "222222222222"]);
    }

    fn error_of(args: &[&str]) -> String {
        Cli::try_parse_from(args)
            .expect_err("rejected")
            .to_string()
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    }

    #[test]
    fn a_negative_or_zero_number_names_its_flag_and_the_range() {
        for value in ["-1", "0", "100000"] {
            let err = error_of(&["rootsweep", "audit", "--concurrency", value]);
            assert!(
                err.contains(&format!("invalid value '{value}' for '--concurrency <N>'")),
                "{err}"
            );
            assert!(err.contains("1..=1024"), "{err}");
        }
        let err = error_of(&["rootsweep", "audit", "--max-attempts", "-3"]);
        assert!(err.contains("'--max-attempts <N>'"), "{err}");
        let err = error_of(&["rootsweep", "preflight", "--call-timeout", "-5"]);
        assert!(err.contains("'--call-timeout <SECONDS>'"), "{err}");
        assert!(err.contains("`-5` is not a positive number"), "{err}");
    }

    #[test]
    fn a_region_that_is_not_an_aws_region_name_is_rejected_on_one_line() {
        let err = error_of(&["rootsweep", "audit", "--region", "xx-nowhere-9"]);
        assert!(
            err.starts_with("error: invalid value 'xx-nowhere-9' for '--region <REGION>'"),
            "{err}"
        );
        assert!(err.contains("us-east-1"), "{err}");
        Cli::try_parse_from(["rootsweep", "audit", "--region", "eu-central-2"]).expect("valid");
    }

    #[test]
    fn preflight_offers_only_the_flags_it_uses() {
        let mut cmd = Cli::command();
        let preflight = cmd
            .find_subcommand_mut("preflight")
            .expect("preflight subcommand");
        let flags: Vec<String> = preflight
            .get_arguments()
            .filter_map(|a| a.get_long().map(str::to_string))
            .collect();
        for unused in [
            "concurrency",
            "report-dir",
            "accounts",
            "accounts-file",
            "ou",
            "exclude",
        ] {
            assert!(!flags.iter().any(|f| f == unused), "{unused} in {flags:?}");
        }
        for used in ["config", "profile", "region", "endpoint-url", "output"] {
            assert!(flags.iter().any(|f| f == used), "{used} missing: {flags:?}");
        }
    }
}
