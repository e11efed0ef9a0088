//! `rootsweep recover`: preflight, then the recover job through every stage of the pipeline (or
//! up to the plan with `--dry-run`), for the named accounts only.

use super::change::{self, Command, Gate, Request};
use super::Ctx;
use crate::cli::root::RecoverArgs;
use crate::exit::Exit;
use crate::preflight::Preflight;
use crate::recover;
use crate::run::Finished;

/// `rootsweep recover` (and `--dry-run`).
pub async fn run(args: &RecoverArgs) -> anyhow::Result<Exit> {
    let run = args.run_args();
    let command = Command {
        run: &run,
        overrides: run.overrides(),
        // Explicit ids only: a config file's OU and exclusion filters do not widen or narrow them.
        named_only: true,
        gate: Gate::Root,
        flags: args.change,
        dry_run_name: "dry run",
        // No findings: its reports hold no final state of a control (see README, Findings).
        findings: None,
        name: "recover",
    };
    change::run(command, pipeline).await
}

/// Runs the recover job through the pipeline after a passed preflight, as `request` asks.
pub async fn pipeline(
    ctx: &Ctx,
    pre: &Preflight,
    request: Request<'_>,
) -> anyhow::Result<Finished> {
    let (mut env, caller) = super::env(ctx, pre)?;
    // Accounts whose SCPs or RCPs certainly deny the recovery are refused before AssumeRoot.
    let refused = super::guard::install(ctx, &mut env, crate::guardrails::tasks::Task::Recover);
    let job = recover::Job::new(ctx.aws.root_sessions(&caller.partition), ctx.cancel.clone());
    let finished = change::pipeline(ctx, &env, &job, request).await;
    refused.print();
    finished
}
