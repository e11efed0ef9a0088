//! The argument groups several commands flatten into theirs: how to reach AWS, which accounts,
//! the flags of a changing command, and the member role of the `users` commands.

use crate::config::Overrides;
use crate::run::{Mode, Output};
use clap::Args;
use std::path::PathBuf;

/// The largest `--concurrency` accepted (as in the config file).
pub const MAX_CONCURRENCY: i64 = crate::config::MAX_CONCURRENCY as i64;

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

/// The flag of the commands that write a findings file (`audit`, `users audit`, `guardrails`,
/// and the changing `delete`, `users tidy`, `users delete`, `users deactivate`).
#[derive(Debug, Clone, Default, Args)]
pub struct FindingsArgs {
    /// The earlier findings file to compare this run's findings with (default: the newest
    /// earlier `findings-*.ocsf.json` in the report folder of the same command, or of one with
    /// the same findings: `audit` and `delete`; `users audit`, `tidy`, `delete`, `deactivate`).
    #[arg(long, value_name = "FILE")]
    pub since: Option<PathBuf>,
}

/// The flag of the commands that write a page (`audit`, `users audit`, `guardrails`).
#[derive(Debug, Clone, Default, Args)]
pub struct PageArgs {
    /// Also write `report-<UTC>.html` in the report folder: one self-contained page (no script,
    /// nothing fetched) with the counts, the OU tree, what needs attention and why, the changes
    /// since the last run and how the run was made.
    #[arg(long)]
    pub html: bool,
}

/// The flags of every command that changes something. The help texts here are those of
/// `delete`; a command whose dry run or refusal means something else replaces them with its own
/// (`#[command(mut_arg("dry_run", help("...")))]`).
#[derive(Debug, Clone, Copy, Args)]
pub struct ChangeArgs {
    /// Audit and show the plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm without a terminal prompt (required when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Proceed with the eligible accounts when others are blocked or unknown (those stay untouched).
    #[arg(long)]
    pub skip_blocked: bool,
}

impl ChangeArgs {
    /// How far the run goes: up to the plan with `--dry-run`, else every stage.
    pub fn mode(&self) -> Mode {
        let skip_blocked = self.skip_blocked;
        if self.dry_run {
            Mode::Plan { skip_blocked }
        } else {
            Mode::Change { skip_blocked }
        }
    }
}

/// The role the `users` commands assume in member accounts.
#[derive(Debug, Clone, Args)]
pub struct RoleArgs {
    /// The role assumed in member accounts [default: OrganizationAccountAccessRole].
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// The external id the role's trust policy requires, if any.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
}

impl RoleArgs {
    /// `run`'s overrides plus `--role-name`.
    pub fn overrides(&self, run: &RunArgs) -> Overrides {
        Overrides {
            role_name: self.role_name.clone(),
            ..run.overrides()
        }
    }
}

/// A command's own help text for a flag of a flattened group:
/// `#[command(mut_arg("dry_run", help("...")))]` (no closing period, as clap shows doc comments).
pub(super) fn help(text: &'static str) -> impl FnOnce(clap::Arg) -> clap::Arg {
    move |arg| arg.help(text)
}

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

    /// Only the `accounts` named, with the AWS settings, concurrency and report folder given: the
    /// settings of a command that never targets the whole organization (`recover`, `unlock`).
    pub fn named(
        aws: &AwsArgs,
        accounts: Vec<String>,
        concurrency: Option<usize>,
        report_dir: Option<PathBuf>,
    ) -> RunArgs {
        RunArgs {
            aws: aws.clone(),
            targets: TargetArgs {
                concurrency,
                report_dir,
                accounts,
                accounts_file: None,
                ou: Vec::new(),
                exclude: Vec::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use super::*;
    use clap::Parser;

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
    fn the_change_flags_say_how_far_the_run_goes() {
        let flags = |dry_run, skip_blocked| ChangeArgs {
            dry_run,
            yes: false,
            skip_blocked,
        };
        assert_eq!(
            flags(true, false).mode(),
            Mode::Plan {
                skip_blocked: false
            }
        );
        assert_eq!(flags(true, true).mode(), Mode::Plan { skip_blocked: true });
        assert_eq!(
            flags(false, true).mode(),
            Mode::Change { skip_blocked: true }
        );
        assert_eq!(
            flags(false, false).mode(),
            Mode::Change {
                skip_blocked: false
            }
        );
    }
}
