//! `rootsweep unlock s3|sqs`: the named resources checked before any AWS call, preflight (which
//! needs the RootSessions feature), then the unlock job through the pipeline.

use super::change::{self, Command, Gate, Request};
use super::Ctx;
use crate::cli::unlock::{S3Args, Shared, SqsArgs};
use crate::cli::{AwsArgs, RunArgs};
use crate::exit::{Exit, UsageError};
use crate::preflight::Preflight;
use crate::run::Finished;
use crate::unlock::api::Kind;
use crate::unlock::evidence::Evidence;
use crate::unlock::{self, targets};
use std::collections::BTreeMap;

/// `rootsweep unlock s3` (and `--dry-run`).
pub async fn s3(args: &S3Args) -> anyhow::Result<Exit> {
    let one = args.account.as_deref().zip(args.bucket.as_deref());
    run(Kind::S3, "--bucket", one, &args.run).await
}

/// `rootsweep unlock sqs` (and `--dry-run`).
pub async fn sqs(args: &SqsArgs) -> anyhow::Result<Exit> {
    let one = args.account.as_deref().zip(args.queue_url.as_deref());
    run(Kind::Sqs, "--queue-url", one, &args.run).await
}

async fn run(
    kind: Kind,
    flag: &str,
    one: Option<(&str, &str)>,
    args: &Shared,
) -> anyhow::Result<Exit> {
    let custom = custom_endpoint(&args.aws)?;
    let named = match (&args.file, one) {
        (Some(file), _) => targets::read_file(kind, file, custom),
        (None, Some((account, resource))) => {
            targets::check(kind, flag, account, resource, custom).map(|r| vec![r])
        }
        (None, None) => {
            return Err(UsageError(anyhow::anyhow!(
                "name a {} with --account ID {flag} ..., or several with --file PATH",
                kind.noun()
            ))
            .into())
        }
    }
    .map_err(|e| UsageError(e.into()))?;
    let resources = targets::by_account(named);
    let run = RunArgs::named(
        &args.aws,
        resources.keys().cloned().collect(),
        args.concurrency,
        args.report_dir.clone(),
    );
    let command = Command {
        run: &run,
        overrides: run.overrides(),
        // Only the named resources' accounts: a config file's filters do not apply.
        named_only: true,
        gate: Gate::Root,
        flags: args.change,
        dry_run_name: "dry run",
        // No findings: its reports hold no final state of a control (see README, Findings).
        findings: None,
        name: "unlock",
    };
    change::run(command, async |ctx, pre, request| {
        pipeline(ctx, pre, request, kind, resources).await
    })
    .await
}

/// Whether the run uses a custom endpoint for SQS (`--endpoint-url` or the config file's
/// `endpoint_url`, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_SQS`): then a queue URL on a host
/// that is not AWS's (a simulator, a local SQS) is taken, and reached in the run's region.
fn custom_endpoint(aws: &AwsArgs) -> anyhow::Result<bool> {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if aws.endpoint_url.is_some() || set("AWS_ENDPOINT_URL") || set("AWS_ENDPOINT_URL_SQS") {
        return Ok(true);
    }
    let config = super::load_config(aws.config.as_deref(), aws.overrides())?;
    Ok(config.aws.endpoint_url.is_some())
}

/// Runs an unlock job through the pipeline after a passed preflight, as `request` asks;
/// `resources` are the buckets or queue URLs by account. Policies are saved to
/// `unlock-<UTC>.json` in the report folder before removal.
pub async fn pipeline(
    ctx: &Ctx,
    pre: &Preflight,
    request: Request<'_>,
    kind: Kind,
    resources: BTreeMap<String, Vec<String>>,
) -> anyhow::Result<Finished> {
    let (mut env, caller) = super::env(ctx, pre)?;
    // A queue of another partition cannot be reached from this caller's root sessions.
    targets::check_partition(resources.values().flatten(), &caller.partition)
        .map_err(|e| UsageError(e.into()))?;
    // Exactly the accounts that own a named resource.
    env.config.accounts = resources.keys().cloned().collect();
    env.config.ous.clear();
    env.config.exclude.clear();
    // Accounts whose SCPs or RCPs certainly deny the unlock are refused before AssumeRoot.
    let task = match kind {
        Kind::S3 => crate::guardrails::tasks::Task::UnlockS3,
        Kind::Sqs => crate::guardrails::tasks::Task::UnlockSqs,
    };
    let refused = super::guard::install(ctx, &mut env, task);
    let evidence = Evidence::new(
        env.config
            .report_dir
            .join(format!("unlock-{}.json", env.run.run_id)),
        caller.arn.clone(),
        kind.task_policy(),
    );
    let cancel = ctx.cancel.clone();
    let finished = match kind {
        Kind::S3 => {
            let sessions = ctx.aws.bucket_sessions(&caller.partition);
            let job = unlock::Job::new(sessions, resources, evidence, cancel);
            change::pipeline(ctx, &env, &job, request).await
        }
        Kind::Sqs => {
            let sessions = ctx.aws.queue_sessions(&caller.partition);
            let job = unlock::Job::new(sessions, resources, evidence, cancel);
            change::pipeline(ctx, &env, &job, request).await
        }
    };
    refused.print();
    finished
}
