//! `rootsweep users audit|delete|tidy|deactivate|reactivate`: the users preflight (caller and
//! organization), then the users job through the pipeline (the read stage only, or every stage).
//! Here: the users audit job they all start from.

pub mod audit;
pub mod deactivate;
pub mod delete;
pub mod reactivate;
pub mod tidy;

use super::Ctx;
use crate::aws;
use crate::preflight::Preflight;
use crate::run::Env;
use crate::users;
use crate::users::verdict::Rules;

/// The run environment and the users audit job after a passed preflight: member accounts
/// through the configured role, the caller's own account with its own credentials.
fn job(
    ctx: &Ctx,
    pre: &Preflight,
    stale_days: u32,
    external_id: Option<&str>,
) -> anyhow::Result<(Env, users::Job<aws::users::Sessions>)> {
    let (env, caller) = super::env(ctx, pre)?;
    let rules = Rules {
        now: aws_smithy_types::DateTime::from(ctx.started_at),
        stale_days,
        caller_arn: caller.arn.clone(),
    };
    let sessions = ctx
        .aws
        .users_sessions(&caller.partition, &ctx.config.role_name, external_id);
    let job = users::Job::new(sessions, &caller.account, rules, ctx.cancel.clone());
    Ok((env, job))
}
