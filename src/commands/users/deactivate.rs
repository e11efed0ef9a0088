//! `rootsweep users deactivate`: the users preflight, then the users audit and the candidates'
//! credentials as the read stage, the plan per credential, the confirmation and the changes (or
//! up to the plan with `--dry-run`); the undo record beside the reports.

use crate::cli::users::DeactivateArgs;
use crate::commands::change::{self, Command, Gate, Request};
use crate::commands::Ctx;
use crate::exit::Exit;
use crate::preflight::Preflight;
use crate::run::Finished;
use crate::users::deactivate::{Rules, DEFAULT_UNUSED_DAYS};
use crate::users::{deactivate_apply, Deactivate, DEFAULT_STALE_DAYS};

/// `rootsweep users deactivate` (and `--dry-run`).
pub async fn run(args: &DeactivateArgs) -> anyhow::Result<Exit> {
    let command = Command {
        run: &args.run,
        overrides: args.overrides(),
        named_only: false,
        gate: Gate::Users,
        flags: args.change,
        dry_run_name: "users deactivate dry run",
        findings: Some((
            crate::findings::file::Command::UsersDeactivate,
            args.findings.since.as_deref(),
        )),
        name: "users deactivate",
    };
    let external_id = args.role.external_id.as_deref();
    let asked = Asked {
        unused_days: args.unused_days,
        console: args.console,
        include_unmonitored: args.include_unmonitored,
    };
    change::run(command, async |ctx, pre, request| {
        pipeline(ctx, pre, request, asked, external_id).await
    })
    .await
}

/// What the flags ask to select.
#[derive(Debug, Clone, Copy)]
pub struct Asked {
    /// `--unused-days`.
    pub unused_days: u32,
    /// `--console`.
    pub console: bool,
    /// `--include-unmonitored`.
    pub include_unmonitored: bool,
}

impl Default for Asked {
    /// No flag given.
    fn default() -> Self {
        Asked {
            unused_days: DEFAULT_UNUSED_DAYS,
            console: false,
            include_unmonitored: false,
        }
    }
}

/// Runs `users deactivate` through the pipeline after a passed preflight, as `request` asks;
/// the undo record beside the reports.
pub async fn pipeline(
    ctx: &Ctx,
    pre: &Preflight,
    request: Request<'_>,
    asked: Asked,
    external_id: Option<&str>,
) -> anyhow::Result<Finished> {
    let (env, users) = super::job(ctx, pre, DEFAULT_STALE_DAYS, external_id)?;
    let caller = users.rules().caller_arn.clone();
    let rules = Rules {
        now: users.rules().now,
        unused_days: asked.unused_days,
        console: asked.console,
        include_unmonitored: asked.include_unmonitored,
        caller_arn: caller.clone(),
    };
    let path = env
        .config
        .report_dir
        .join(format!("users-deactivated-{}.json", env.run.run_id));
    let undo = deactivate_apply::undo(path, &caller, &env.run.started);
    let job = Deactivate::new(users, rules, undo);
    let finished = change::pipeline(ctx, &env, &job, request).await?;
    let undo = job.undo();
    if !undo.is_empty() {
        eprintln!(
            "rootsweep: undo record {} ({} credential(s)); `rootsweep users reactivate --from {}` \
             sets them back",
            undo.path().display(),
            undo.len(),
            undo.path().display()
        );
    }
    Ok(finished)
}
