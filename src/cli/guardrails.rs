//! `rootsweep guardrails`: its flags.

use super::RunArgs;

/// `rootsweep guardrails`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// How to reach AWS, and which accounts.
    #[command(flatten)]
    pub run: RunArgs,
    /// Print the recommended SCP that denies long-term root credentials and lets root sessions
    /// through (CIS AWS Foundations 2.1.2), as JSON for `aws organizations create-policy`; no
    /// AWS call is made.
    #[arg(long)]
    pub recommend: bool,
    /// `--since`.
    #[command(flatten)]
    pub findings: super::FindingsArgs,
    /// `--html`.
    #[command(flatten)]
    pub page: super::PageArgs,
}
