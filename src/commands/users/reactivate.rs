//! `rootsweep users reactivate --from FILE [--only …]`: the undo record read and checked (and
//! `--only` matched against it) before any AWS call, the users preflight, then a fresh read of
//! the record's users, the plan, the confirmation and the reactivations (or up to the plan with
//! `--dry-run`). Without other targets, the record's accounts are the targets.

use crate::cli::users::ReactivateArgs;
use crate::commands::change::{self, Command, Gate, Request};
use crate::commands::Ctx;
use crate::exit::{Exit, UsageError};
use crate::preflight::Preflight;
use crate::run::Finished;
use crate::users::reactivate::{self, new_password_hint, Only, Recorded};
use crate::users::{Reactivate, DEFAULT_STALE_DAYS};
use anyhow::Context;

/// `rootsweep users reactivate` (and `--dry-run`).
pub async fn run(args: &ReactivateArgs) -> anyhow::Result<Exit> {
    let wanted = wanted(args)?;
    let passwords: Vec<&Recorded> = wanted.iter().filter(|c| !c.reversible).collect();
    for c in &passwords {
        eprintln!(
            "rootsweep: {} in {}: {}",
            c.user_name,
            c.account_id,
            new_password_hint(&c.user_name)
        );
    }
    if wanted.len() == passwords.len() {
        eprintln!(
            "rootsweep: the record holds no credential that can be reactivated; nothing to do"
        );
        return Ok(Exit::Success);
    }
    let mut overrides = args.overrides();
    overrides.target_unless_named(wanted.iter().map(|c| c.account_id.clone()));
    let command = Command {
        run: &args.run,
        overrides,
        named_only: false,
        gate: Gate::Users,
        flags: args.change,
        dry_run_name: "users reactivate dry run",
        // No findings: its reports hold no final state of a control (see README, Findings).
        findings: None,
        name: "users reactivate",
    };
    let external_id = args.role.external_id.as_deref();
    change::run(command, async |ctx, pre, request| {
        pipeline(ctx, pre, request, wanted, external_id).await
    })
    .await
}

/// The record's credentials `--only` keeps, checked before any AWS call.
fn wanted(args: &ReactivateArgs) -> anyhow::Result<Vec<Recorded>> {
    let shown = args.from.display().to_string();
    let text = std::fs::read_to_string(&args.from)
        .with_context(|| format!("{shown}: cannot read the undo record"))
        .map_err(UsageError)?;
    let record = reactivate::parse(&shown, &text).map_err(|e| UsageError(e.into()))?;
    let only = args
        .only
        .iter()
        .map(|o| Only::parse(o))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| UsageError(anyhow::anyhow!(e)))?;
    reactivate::select(&shown, &record, &only, &args.only).map_err(|e| UsageError(e.into()).into())
}

/// Runs `users reactivate` through the pipeline after a passed preflight, as `request` asks.
pub async fn pipeline(
    ctx: &Ctx,
    pre: &Preflight,
    request: Request<'_>,
    wanted: Vec<Recorded>,
    external_id: Option<&str>,
) -> anyhow::Result<Finished> {
    let (env, users) = super::job(ctx, pre, DEFAULT_STALE_DAYS, external_id)?;
    let job = Reactivate::new(users, wanted);
    change::pipeline(ctx, &env, &job, request).await
}
