//! `rootsweep users tidy`: the users preflight, then the users audit as the read stage, the
//! plan, the confirmation and the detaches (or up to the plan with `--dry-run`).

use crate::cli::users::TidyArgs;
use crate::commands::change::{self, Command, Gate, Request};
use crate::commands::Ctx;
use crate::exit::Exit;
use crate::preflight::Preflight;
use crate::run::Finished;
use crate::users::Tidy;

/// `rootsweep users tidy` (and `--dry-run`).
pub async fn run(args: &TidyArgs) -> anyhow::Result<Exit> {
    let command = Command {
        run: &args.run,
        overrides: args.overrides(),
        named_only: false,
        gate: Gate::Users,
        flags: args.change,
        dry_run_name: "users tidy dry run",
        findings: Some((
            crate::findings::file::Command::UsersTidy,
            args.findings.since.as_deref(),
        )),
        name: "users tidy",
    };
    let external_id = args.role.external_id.as_deref();
    change::run(command, async |ctx, pre, request| {
        pipeline(ctx, pre, request, external_id).await
    })
    .await
}

/// Runs `users tidy` through the pipeline after a passed preflight, as `request` asks.
pub async fn pipeline(
    ctx: &Ctx,
    pre: &Preflight,
    request: Request<'_>,
    external_id: Option<&str>,
) -> anyhow::Result<Finished> {
    let (env, users) = super::job(ctx, pre, crate::users::DEFAULT_STALE_DAYS, external_id)?;
    let job = Tidy::new(users);
    change::pipeline(ctx, &env, &job, request).await
}
