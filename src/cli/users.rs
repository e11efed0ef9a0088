//! The flags of `rootsweep users audit|delete|tidy|deactivate|reactivate`.

use super::groups::help;
use super::{ChangeArgs, RoleArgs, RunArgs};
use crate::config::Overrides;
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `rootsweep users` subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit every targeted account's IAM users (read-only): last use, verdict, findings.
    Audit(AuditArgs),
    /// Delete IAM users (the stale ones, or those a file lists) with every dependent, after an
    /// audit and a confirmation.
    Delete(DeleteArgs),
    /// Detach the managed policies attached to a user directly that a group of the user also
    /// attaches (after an audit and a confirmation); nothing else.
    Tidy(TidyArgs),
    /// Set every credential unused for N days `Inactive` (per credential, reversible; a console
    /// password only with --console), after an audit and a confirmation; the undo record first.
    Deactivate(DeactivateArgs),
    /// Set the credentials an undo record of `users deactivate` names back to `Active`, refusing
    /// any whose state changed since.
    Reactivate(ReactivateArgs),
}

/// `rootsweep users deactivate`.
#[derive(Debug, Clone, Args)]
pub struct DeactivateArgs {
    /// Shared settings.
    #[command(flatten)]
    pub run: RunArgs,
    /// A credential last used (never used: issued) this many days ago or more is unused.
    #[arg(long, value_name = "N", default_value_t = crate::users::deactivate::DEFAULT_UNUSED_DAYS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub unused_days: u32,
    /// Also delete unused console passwords (NOT reversible: an admin sets a new one).
    #[arg(long)]
    pub console: bool,
    /// Also set every active SSH public key, service-specific credential and signing
    /// certificate `Inactive`: IAM records no use of them, so their age proves nothing.
    #[arg(long)]
    pub include_unmonitored: bool,
    /// `--dry-run`, `--yes`, `--skip-blocked`.
    #[command(flatten)]
    pub change: ChangeArgs,
    /// `--role-name`, `--external-id`.
    #[command(flatten)]
    pub role: RoleArgs,
    /// `--since`.
    #[command(flatten)]
    pub findings: super::FindingsArgs,
}

impl DeactivateArgs {
    /// The shared overrides plus `--role-name`.
    pub fn overrides(&self) -> Overrides {
        self.role.overrides(&self.run)
    }
}

/// `rootsweep users reactivate`.
#[derive(Debug, Clone, Args)]
pub struct ReactivateArgs {
    /// Shared settings.
    #[command(flatten)]
    pub run: RunArgs,
    /// The undo record a `users deactivate` run wrote (users-deactivated-<UTC>.json).
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// Only these credentials of the record: ACCOUNT, ACCOUNT/USER or ACCOUNT/USER/ID
    /// (repeatable).
    #[arg(long, value_name = "ACCOUNT[/USER[/ID]]", num_args = 1..)]
    pub only: Vec<String>,
    /// `--dry-run`, `--yes`, `--skip-blocked`.
    #[command(flatten)]
    pub change: ChangeArgs,
    /// `--role-name`, `--external-id`.
    #[command(flatten)]
    pub role: RoleArgs,
}

impl ReactivateArgs {
    /// The shared overrides plus `--role-name`.
    pub fn overrides(&self) -> Overrides {
        self.role.overrides(&self.run)
    }
}

/// `rootsweep users tidy`.
#[derive(Debug, Clone, Args)]
#[command(
    mut_arg(
        "dry_run",
        help("Audit and show the plan (each call it would make); change nothing")
    ),
    mut_arg(
        "skip_blocked",
        help("Proceed with the other accounts when some are unknown (those stay untouched)")
    )
)]
pub struct TidyArgs {
    /// Shared settings.
    #[command(flatten)]
    pub run: RunArgs,
    /// `--dry-run`, `--yes`, `--skip-blocked`.
    #[command(flatten)]
    pub change: ChangeArgs,
    /// `--role-name`, `--external-id`.
    #[command(flatten)]
    pub role: RoleArgs,
    /// `--since`.
    #[command(flatten)]
    pub findings: super::FindingsArgs,
}

impl TidyArgs {
    /// The shared overrides plus `--role-name`.
    pub fn overrides(&self) -> Overrides {
        self.role.overrides(&self.run)
    }
}

/// `rootsweep users delete`.
#[derive(Debug, Clone, Args)]
pub struct DeleteArgs {
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
    /// `--dry-run`, `--yes`, `--skip-blocked`.
    #[command(flatten)]
    pub change: ChangeArgs,
    /// `--role-name`, `--external-id`.
    #[command(flatten)]
    pub role: RoleArgs,
    /// `--since`.
    #[command(flatten)]
    pub findings: super::FindingsArgs,
}

impl DeleteArgs {
    /// The shared overrides plus `--role-name`.
    pub fn overrides(&self) -> Overrides {
        self.role.overrides(&self.run)
    }
}

/// `rootsweep users audit`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Shared settings.
    #[command(flatten)]
    pub run: RunArgs,
    /// A user with no password or access key use for this many days or more is stale.
    #[arg(long, value_name = "N", default_value_t = crate::users::DEFAULT_STALE_DAYS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub stale_days: u32,
    /// `--role-name`, `--external-id`.
    #[command(flatten)]
    pub role: RoleArgs,
    /// `--since`.
    #[command(flatten)]
    pub findings: super::FindingsArgs,
    /// `--html`.
    #[command(flatten)]
    pub page: super::PageArgs,
}

impl AuditArgs {
    /// The shared overrides plus `--role-name`.
    pub fn overrides(&self) -> Overrides {
        self.role.overrides(&self.run)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command as Top};
    use super::*;
    use clap::Parser;

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
        let Top::Users {
            command: Command::Audit(args),
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
        let Top::Users {
            command: Command::Delete(args),
        } = cli.command
        else {
            panic!("users delete expected");
        };
        assert_eq!(args.stale_days, Some(30));
        assert!(args.users_file.is_some());
        // One of the two is needed.
        assert!(Cli::try_parse_from(["rootsweep", "users", "delete", "--dry-run"]).is_err());
    }
}
