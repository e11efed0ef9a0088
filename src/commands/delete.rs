//! `rootsweep delete`: preflight, then the root job through every stage of the pipeline (or up
//! to the plan with `--dry-run`), for the credentials `--only` leaves.

use super::change::{self, Command, Gate};
use crate::cli::root::{DeleteArgs, Only};
use crate::exit::Exit;
use crate::root::plan::Scope;

/// `rootsweep delete` (and `--dry-run`).
pub async fn run(args: &DeleteArgs) -> anyhow::Result<Exit> {
    let scope = scope(args.only);
    let command = Command {
        run: &args.run,
        overrides: args.run.overrides(),
        named_only: false,
        gate: Gate::Root,
        flags: args.change,
        dry_run_name: "dry run",
        findings: Some((
            crate::findings::file::Command::Delete,
            args.findings.since.as_deref(),
        )),
        name: "delete",
    };
    change::run(command, async |ctx, pre, request| {
        super::root::pipeline(ctx, pre, request, scope).await
    })
    .await
}

/// What `--only` leaves to remove.
fn scope(only: Option<Only>) -> Scope {
    match only {
        None => Scope::ALL,
        Some(Only::LoginProfile) => Scope {
            login_profile: true,
            mfa: false,
        },
        Some(Only::Mfa) => Scope {
            login_profile: false,
            mfa: true,
        },
    }
}
