//! The root-credentials job through the pipeline: `audit` reads with it, `delete` (and the
//! demo's dry run) changes with it.

use super::change::Request;
use super::Ctx;
use crate::preflight::Preflight;
use crate::root;
use crate::root::plan::Scope;
use crate::run::Finished;

/// Runs the root-credentials job through the pipeline after a passed preflight, as `request`
/// asks, for the credentials in `scope`; returns the outcome (the caller prints the timing line).
pub async fn pipeline(
    ctx: &Ctx,
    pre: &Preflight,
    request: Request<'_>,
    scope: Scope,
) -> anyhow::Result<Finished> {
    let (mut env, caller) = super::env(ctx, pre)?;
    // Accounts whose SCPs or RCPs certainly deny the delete are refused before AssumeRoot.
    // An audit explains each guardrail denial it meets.
    let refused = if request.mode == crate::run::Mode::Read {
        super::guard::explain(ctx, &env);
        None
    } else {
        Some(super::guard::install(
            ctx,
            &mut env,
            crate::guardrails::tasks::Task::Delete,
        ))
    };
    let job = root::Job::new(
        ctx.aws.root_sessions(&caller.partition),
        scope,
        ctx.cancel.clone(),
    );
    let finished = super::change::pipeline(ctx, &env, &job, request).await;
    refused.iter().for_each(super::guard::Refused::print);
    finished
}
