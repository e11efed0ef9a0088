//! `rootsweep users delete`: the users (the stale ones, or those a file lists) checked before
//! any AWS call, the users preflight, then the users audit as the read stage, the plan, the
//! confirmation and the deletions (or up to the plan with `--dry-run`); the restore record
//! beside the reports.

use crate::cli::users::DeleteArgs;
use crate::commands::change::{self, Command, Gate, Request};
use crate::commands::Ctx;
use crate::config::Overrides;
use crate::exit::{Exit, UsageError};
use crate::preflight::Preflight;
use crate::run::Finished;
use crate::users::plan::Select;
use crate::users::restore::Restore;
use crate::users::{listed, Delete, DEFAULT_STALE_DAYS};
use anyhow::Context;

/// `rootsweep users delete` (and `--dry-run`): the users preflight, then the delete job through
/// every stage of the pipeline. A `--users-file` is read (and refused with one line naming the
/// file and line) before any AWS call; without other targets, its accounts are the targets.
pub async fn run(args: &DeleteArgs) -> anyhow::Result<Exit> {
    let (select, overrides) = select(args)?;
    if let Select::Listed { users, .. } = &select {
        if users.is_empty() {
            eprintln!("rootsweep: the users file lists no user; nothing to do");
            return Ok(Exit::Success);
        }
    }
    let command = Command {
        run: &args.run,
        overrides,
        named_only: false,
        gate: Gate::Users,
        flags: args.change,
        dry_run_name: "users delete dry run",
        findings: Some((
            crate::findings::file::Command::UsersDelete,
            args.findings.since.as_deref(),
        )),
        name: "users delete",
    };
    let stale_days = args.stale_days.unwrap_or(DEFAULT_STALE_DAYS);
    let external_id = args.role.external_id.as_deref();
    change::run(command, async |ctx, pre, request| {
        pipeline(ctx, pre, request, select, stale_days, external_id).await
    })
    .await
}

/// Which users, and the settings: with `--users-file`, the users it lists, and (without other
/// targets) their accounts as the targets.
fn select(args: &DeleteArgs) -> anyhow::Result<(Select, Overrides)> {
    let Some(path) = &args.users_file else {
        return Ok((Select::Stale, args.overrides()));
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{shown}: cannot read the users file"))
        .map_err(UsageError)?;
    let users =
        listed::parse(&shown, &text, args.force_active).map_err(|e| UsageError(e.into()))?;
    let mut overrides = args.overrides();
    overrides.target_unless_named(users.iter().map(|(a, _)| a.clone()));
    let select = Select::Listed {
        users,
        force_active: args.force_active,
    };
    Ok((select, overrides))
}

/// Runs `users delete` through the pipeline after a passed preflight, as `request` asks: the
/// users `select` names, judged stale at `stale_days`; the restore record beside the reports.
pub async fn pipeline(
    ctx: &Ctx,
    pre: &Preflight,
    request: Request<'_>,
    select: Select,
    stale_days: u32,
    external_id: Option<&str>,
) -> anyhow::Result<Finished> {
    let (env, users) = super::job(ctx, pre, stale_days, external_id)?;
    let restore = Restore::new(
        env.config
            .report_dir
            .join(format!("users-deleted-{}.json", env.run.run_id)),
        &users.rules().caller_arn,
    );
    let job = Delete::new(users, select, restore);
    let finished = change::pipeline(ctx, &env, &job, request).await?;
    if let Some(summary) = job.restore().summary() {
        eprintln!("rootsweep: {summary}");
    }
    Ok(finished)
}
