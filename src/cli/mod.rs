//! The command line (clap derive): the top-level command, its subcommands, and the flags of the
//! commands that have no family. The user-facing help text lives in this folder: the groups of
//! flags several commands share in `groups`, each command family's own flags in its file.

mod groups;
pub mod guardrails;
pub mod root;
pub mod unlock;
pub mod users;

pub use crate::run::Output;
pub use groups::{
    AwsArgs, ChangeArgs, FindingsArgs, PageArgs, RoleArgs, RunArgs, TargetArgs, MAX_CONCURRENCY,
};

use clap::{Args, Parser, Subcommand};
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
    Audit(root::AuditArgs),
    /// Which SCPs and RCPs block each root task, as a root session and as long-term root
    /// credentials, per targeted account (read-only; no root session is opened).
    Guardrails(guardrails::Args),
    /// Delete root login profiles and deactivate root MFA devices (after an audit and a confirmation).
    Delete(root::DeleteArgs),
    /// Give root users a login profile back, without a password (the root email owner then uses
    /// "Forgot password"), in the named member accounts only.
    Recover(root::RecoverArgs),
    /// Remove a resource policy that locks everyone out, saving it first (root sessions).
    Unlock {
        /// Unlock command.
        #[command(subcommand)]
        command: unlock::Command,
    },
    /// IAM users across the organization's accounts.
    Users {
        /// Users command.
        #[command(subcommand)]
        command: users::Command,
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

/// Simulator subcommands.
#[cfg(feature = "simulator")]
#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Serve a scenario on a loopback port until SIGINT/SIGTERM.
    Serve(crate::sim::ServeArgs),
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
