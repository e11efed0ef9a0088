//! `rootsweep users audit`: the users preflight, then the users job's read stage through the
//! pipeline.

use crate::cli::users::AuditArgs;
use crate::commands::{preflight, setup_with, timing_line, Ctx};
use crate::exit::Exit;
use crate::findings::file as findings;
use crate::findings::page::{file as page, Invocation};
use crate::preflight::Preflight;
use crate::run::Finished;

/// `rootsweep users audit`.
pub async fn run(args: &AuditArgs) -> anyhow::Result<Exit> {
    let ctx = setup_with(&args.run, args.overrides()).await?;
    let pre = match preflight::gate_users(&ctx).await? {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let external_id = args.role.external_id.as_deref();
    let finished = pipeline(&ctx, &pre, args.stale_days, external_id).await?;
    let since = args.findings.since.as_deref();
    let run_id = crate::report::file::stamp(ctx.started_at);
    let found = findings::announce(
        &ctx.config.report_dir,
        findings::Command::UsersAudit,
        &run_id,
        since,
    );
    let page = if args.page.html {
        let sessions = format!(
            "no root session; member accounts read through the role {}, the management \
             account with the caller's credentials",
            ctx.config.role_name
        );
        page::announce(
            &ctx.config.report_dir,
            findings::Command::UsersAudit,
            &run_id,
            &Invocation::of_process(&[], &sessions),
        )
    } else {
        Exit::Success
    };
    eprintln!("{}", timing_line(&ctx, "users audit", finished.accounts));
    Ok(Exit::merge([finished.exit, found, page]))
}

/// Runs the users audit through the pipeline's read stage after a passed preflight.
pub async fn pipeline(
    ctx: &Ctx,
    pre: &Preflight,
    stale_days: u32,
    external_id: Option<&str>,
) -> anyhow::Result<Finished> {
    let (env, job) = super::job(ctx, pre, stale_days, external_id)?;
    let mut out = crate::commands::stdout();
    crate::run::read(&job, &ctx.aws, &env, &mut *out).await
}
