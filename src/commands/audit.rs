//! `rootsweep audit`: preflight, then the root job's read stage through the pipeline.

use super::change::Request;
use crate::cli::root::AuditArgs;
use crate::exit::Exit;
use crate::findings::file as findings;
use crate::findings::page::{file as page, Invocation};
use crate::root::plan::Scope;

/// `rootsweep audit`.
pub async fn run(args: &AuditArgs) -> anyhow::Result<Exit> {
    let ctx = super::setup(&args.run).await?;
    let pre = match super::preflight::gate(&ctx).await? {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let finished = super::root::pipeline(&ctx, &pre, Request::READ, Scope::ALL).await?;
    let since = args.findings.since.as_deref();
    let run_id = crate::report::file::stamp(ctx.started_at);
    let found = findings::announce(
        &ctx.config.report_dir,
        findings::Command::Audit,
        &run_id,
        since,
    );
    let page = if args.page.html {
        page::announce(
            &ctx.config.report_dir,
            findings::Command::Audit,
            &run_id,
            &Invocation::of_process(&[crate::aws::sts::TaskPolicy::Audit.name()], ""),
        )
    } else {
        Exit::Success
    };
    eprintln!("{}", super::timing_line(&ctx, "audit", finished.accounts));
    Ok(Exit::merge([finished.exit, found, page]))
}
