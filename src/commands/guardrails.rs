//! `rootsweep guardrails`: the caller-and-organization preflight, then the guardrails job's read
//! stage through the pipeline; with `--recommend`, only the recommended SCP.

use super::{preflight, setup, timing_line, Ctx};
use crate::cli::guardrails::Args;
use crate::exit::Exit;
use crate::findings::file as findings;
use crate::findings::page::{file as page, Invocation};
use crate::guardrails::{job::Job, recommend};
use crate::preflight::Preflight;
use crate::run::Finished;
use std::io::Write;

/// `rootsweep guardrails`.
pub async fn run(args: &Args) -> anyhow::Result<Exit> {
    if args.recommend {
        std::io::stdout()
            .lock()
            .write_all(recommend::SCP.as_bytes())?;
        eprintln!("{}", recommend::HOW);
        return Ok(Exit::Success);
    }
    let ctx = setup(&args.run).await?;
    // No root session is opened: only the caller and the organization need checking.
    let pre = match preflight::gate_users(&ctx).await? {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let finished = pipeline(&ctx, &pre).await?;
    let since = args.findings.since.as_deref();
    let run_id = crate::report::file::stamp(ctx.started_at);
    let found = findings::announce(
        &ctx.config.report_dir,
        findings::Command::Guardrails,
        &run_id,
        since,
    );
    let page = if args.page.html {
        page::announce(
            &ctx.config.report_dir,
            findings::Command::Guardrails,
            &run_id,
            &Invocation::of_process(
                &[],
                "no root session; the organization's policies read with the caller's credentials",
            ),
        )
    } else {
        Exit::Success
    };
    eprintln!("{}", timing_line(&ctx, "guardrails", finished.accounts));
    Ok(Exit::merge([finished.exit, found, page]))
}

/// Runs the guardrails job through the pipeline's read stage after a passed preflight.
pub async fn pipeline(ctx: &Ctx, pre: &Preflight) -> anyhow::Result<Finished> {
    let (env, caller) = super::env(ctx, pre)?;
    let region = ctx
        .aws
        .region()
        .unwrap_or_else(|| crate::aws::DEFAULT_REGION.to_string());
    let job = Job::new(
        ctx.aws.policy_reads(),
        &env.management_account,
        &env.run.organization,
        &caller.partition,
        &region,
    );
    let mut out = crate::commands::stdout();
    crate::run::read(&job, &ctx.aws, &env, &mut *out).await
}
