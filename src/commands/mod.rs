//! The subcommands: each turns parsed arguments into a run and an exit code.

pub mod audit;
pub mod delete;
#[cfg(feature = "simulator")]
pub mod demo;
pub mod policy;
pub mod preflight;
pub mod recover;
pub mod unlock;
pub mod users;

use crate::aws::sts::Caller;
use crate::aws::users::AwsUsersSessions;
use crate::aws::Aws;
use crate::cancel::Cancel;
use crate::cli::{AwsArgs, Output, RunArgs};
use crate::config::{Config, Overrides};
use crate::preflight::Preflight;
use crate::recover::RecoverJob;
use crate::report::json::RunInfo;
use crate::report::rfc3339_system;
use crate::root::plan::Scope;
use crate::root::RootJob;
use crate::run::confirm::Terminal;
use crate::run::{Env, Finished, Mode};
use crate::users::plan::Select;
use crate::users::restore::Restore;
use crate::users::verdict::Rules;
use crate::users::{DeleteJob, TidyJob, UsersJob};
use anyhow::Context;
use std::path::Path;
use std::time::Instant;

pub use crate::exit::UsageError;

/// Everything one run shares.
pub struct Ctx {
    /// Resolved settings.
    pub config: Config,
    /// AWS access.
    pub aws: Aws,
    /// Interruption flag.
    pub cancel: Cancel,
    /// Output format.
    pub output: Output,
    /// When the run started.
    pub started: Instant,
    /// Wall-clock start, for reports.
    pub started_at: std::time::SystemTime,
}

/// Loads the config, checks the report folder, and builds the shared AWS configuration. No AWS
/// call is made here.
pub async fn setup(args: &RunArgs) -> anyhow::Result<Ctx> {
    setup_with(args, args.overrides()).await
}

/// [`setup`] with a command's own overrides (the shared ones plus its flags).
pub async fn setup_with(args: &RunArgs, overrides: Overrides) -> anyhow::Result<Ctx> {
    let config = load_config(args.aws.config.as_deref(), overrides)?;
    with_config(config, args.aws.output).await
}

/// As [`setup`], for a command that writes no report (preflight): no report folder is checked.
pub async fn setup_aws(args: &AwsArgs) -> anyhow::Result<Ctx> {
    let config = load_config(args.config.as_deref(), args.overrides())?;
    connect(config, args.output).await
}

fn load_config(path: Option<&Path>, overrides: Overrides) -> anyhow::Result<Config> {
    let resolved = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read the config file", path.display()))
                .map_err(UsageError)?;
            let parsed = crate::config::parse(path, &text).map_err(|e| UsageError(e.into()))?;
            crate::config::resolve(Some((path, &text, parsed)), overrides)
        }
        None => crate::config::resolve(None, overrides),
    };
    Ok(resolved.map_err(|e| UsageError(e.into()))?)
}

/// Builds a context from resolved settings, after checking that the report folder is writable.
pub async fn with_config(config: Config, output: Output) -> anyhow::Result<Ctx> {
    crate::report::file::ensure_writable_dir(&config.report_dir).map_err(|e| {
        UsageError(anyhow::anyhow!(
            "the report folder is not writable: {e}; choose another with --report-dir"
        ))
    })?;
    connect(config, output).await
}

async fn connect(config: Config, output: Output) -> anyhow::Result<Ctx> {
    crate::aws::check_profile(&config.aws)
        .await
        .map_err(|e| UsageError(e.into()))?;
    let cancel = Cancel::default();
    cancel.listen_for_signals();
    let aws = Aws::connect(&config.aws, cancel.clone()).await;
    Ok(Ctx {
        config,
        aws,
        cancel,
        output,
        started: Instant::now(),
        started_at: std::time::SystemTime::now(),
    })
}

/// The closing timing line every run prints on stderr.
pub fn timing_line(ctx: &Ctx, what: &str, accounts: usize) -> String {
    let secs = ctx.started.elapsed().as_secs_f64();
    let rate = if secs > 0.0 {
        accounts as f64 / secs
    } else {
        0.0
    };
    let stats = ctx.aws.stats();
    format!(
        "rootsweep: {what}: {accounts} accounts in {secs:.1} s ({rate:.1} accounts/s); {} API calls, {} retries (throttling and transient errors)",
        stats.calls(),
        stats.retries()
    )
}

/// The run environment after a passed preflight: who calls, in which organization, and the
/// run's report identity. Also returns the caller.
fn env(ctx: &Ctx, pre: &Preflight) -> anyhow::Result<(Env, Caller)> {
    let caller = pre
        .caller
        .clone()
        .context("preflight identified no caller")?;
    let org = pre
        .organization
        .clone()
        .context("preflight found no organization")?;
    let env = Env {
        config: ctx.config.run_settings(),
        cancel: ctx.cancel.clone(),
        output: ctx.output,
        run: RunInfo {
            run_id: crate::report::file::stamp(ctx.started_at),
            rootsweep_version: env!("CARGO_PKG_VERSION"),
            caller: caller.arn.clone(),
            organization: org.id.clone(),
            partition: caller.partition.clone(),
            region: ctx.aws.region().unwrap_or_default(),
            started: rfc3339_system(ctx.started_at),
            ended: String::new(),
            complete: false,
            incomplete_reason: None,
        },
        management_account: org.management_account.clone(),
    };
    Ok((env, caller))
}

/// Runs the root-credentials job through the pipeline after a passed preflight; returns the
/// outcome (the caller prints the timing line).
pub async fn root(
    ctx: &Ctx,
    pre: &Preflight,
    mode: Mode,
    scope: Scope,
    yes: bool,
    command_line: &str,
) -> anyhow::Result<Finished> {
    let (env, caller) = env(ctx, pre)?;
    let job = RootJob::new(
        ctx.aws.root_sessions(&caller.partition),
        scope,
        ctx.cancel.clone(),
    );
    let skip_blocked = format!("{command_line} --skip-blocked");
    change(ctx, &env, &job, mode, yes, &skip_blocked).await
}

/// Runs the recover job through the pipeline after a passed preflight.
pub async fn recover(
    ctx: &Ctx,
    pre: &Preflight,
    mode: Mode,
    yes: bool,
    command_line: &str,
) -> anyhow::Result<Finished> {
    let (env, caller) = env(ctx, pre)?;
    let job = RecoverJob::new(ctx.aws.root_sessions(&caller.partition), ctx.cancel.clone());
    let skip_blocked = format!("{command_line} --skip-blocked");
    change(ctx, &env, &job, mode, yes, &skip_blocked).await
}

/// Runs an unlock job through the pipeline after a passed preflight; `resources` are the
/// buckets or queue URLs by account. Policies are saved to `unlock-<UTC>.json` in the report
/// folder before removal.
pub async fn unlock(
    ctx: &Ctx,
    pre: &Preflight,
    mode: Mode,
    yes: bool,
    kind: crate::unlock::api::Kind,
    resources: std::collections::BTreeMap<String, Vec<String>>,
    command_line: &str,
) -> anyhow::Result<Finished> {
    use crate::unlock::api::Kind;
    let (mut env, caller) = env(ctx, pre)?;
    // Exactly the accounts that own a named resource.
    env.config.accounts = resources.keys().cloned().collect();
    env.config.ous.clear();
    env.config.exclude.clear();
    let evidence = crate::unlock::evidence::Evidence::new(
        env.config
            .report_dir
            .join(format!("unlock-{}.json", env.run.run_id)),
        caller.arn.clone(),
        kind.task_policy(),
    );
    let skip_blocked = format!("{command_line} --skip-blocked");
    match kind {
        Kind::S3 => {
            let job = crate::unlock::UnlockJob::new(
                ctx.aws.bucket_sessions(&caller.partition),
                resources,
                evidence,
                ctx.cancel.clone(),
            );
            change(ctx, &env, &job, mode, yes, &skip_blocked).await
        }
        Kind::Sqs => {
            let job = crate::unlock::UnlockJob::new(
                ctx.aws.queue_sessions(&caller.partition),
                resources,
                evidence,
                ctx.cancel.clone(),
            );
            change(ctx, &env, &job, mode, yes, &skip_blocked).await
        }
    }
}

/// Any changing job through the pipeline, confirming on the terminal.
async fn change<J: crate::run::job::Change>(
    ctx: &Ctx,
    env: &Env,
    job: &J,
    mode: Mode,
    yes: bool,
    skip_blocked_command: &str,
) -> anyhow::Result<Finished> {
    let confirm = Terminal {
        yes,
        cancel: ctx.cancel.clone(),
    };
    let mut out = std::io::stdout().lock();
    crate::run::run(
        job,
        &ctx.aws,
        env,
        mode,
        &confirm,
        skip_blocked_command,
        &mut out,
    )
    .await
}

/// The run environment and the users audit job after a passed preflight: member accounts
/// through the configured role, the caller's own account with its own credentials.
fn users_job(
    ctx: &Ctx,
    pre: &Preflight,
    stale_days: u32,
    external_id: Option<&str>,
) -> anyhow::Result<(Env, UsersJob<AwsUsersSessions>)> {
    let (env, caller) = env(ctx, pre)?;
    let rules = Rules {
        now: aws_smithy_types::DateTime::from(ctx.started_at),
        stale_days,
        caller_arn: caller.arn.clone(),
    };
    let sessions = ctx
        .aws
        .users_sessions(&caller.partition, &ctx.config.role_name, external_id);
    let job = UsersJob::new(sessions, &caller.account, rules, ctx.cancel.clone());
    Ok((env, job))
}

/// Runs the users audit through the pipeline's read stage after a passed preflight.
pub async fn users_audit(
    ctx: &Ctx,
    pre: &Preflight,
    stale_days: u32,
    external_id: Option<&str>,
) -> anyhow::Result<Finished> {
    let (env, job) = users_job(ctx, pre, stale_days, external_id)?;
    let mut out = std::io::stdout().lock();
    crate::run::read(&job, &ctx.aws, &env, &mut out).await
}

/// Runs `users tidy` through the pipeline after a passed preflight: the users audit as the read
/// stage, then the plan, the confirmation and the detaches.
pub async fn users_tidy(
    ctx: &Ctx,
    pre: &Preflight,
    mode: Mode,
    yes: bool,
    external_id: Option<&str>,
    command_line: &str,
) -> anyhow::Result<Finished> {
    let (env, users) = users_job(ctx, pre, crate::users::DEFAULT_STALE_DAYS, external_id)?;
    let job = TidyJob::new(users);
    let confirm = Terminal {
        yes,
        cancel: ctx.cancel.clone(),
    };
    let skip_blocked = format!("{command_line} --skip-blocked");
    let mut out = std::io::stdout().lock();
    crate::run::run(
        &job,
        &ctx.aws,
        &env,
        mode,
        &confirm,
        &skip_blocked,
        &mut out,
    )
    .await
}

/// What `users delete` asks of the pipeline.
pub struct UsersDelete<'a> {
    /// Which users.
    pub select: Select,
    /// The audit's stale period.
    pub stale_days: u32,
    /// `--external-id`.
    pub external_id: Option<&'a str>,
    /// Dry run or change.
    pub mode: Mode,
    /// `--yes`.
    pub yes: bool,
    /// This command line without `--dry-run`, for the plan's hint.
    pub command_line: &'a str,
}

/// Runs `users delete` through the pipeline after a passed preflight: the users audit as the read
/// stage, then the plan, the confirmation and the deletions; the restore record beside the
/// reports.
pub async fn users_delete(
    ctx: &Ctx,
    pre: &Preflight,
    delete: UsersDelete<'_>,
) -> anyhow::Result<Finished> {
    let (env, users) = users_job(ctx, pre, delete.stale_days, delete.external_id)?;
    let restore = Restore::new(
        env.config
            .report_dir
            .join(format!("users-deleted-{}.json", env.run.run_id)),
        &users.rules().caller_arn,
    );
    let job = DeleteJob::new(users, delete.select, restore);
    let confirm = Terminal {
        yes: delete.yes,
        cancel: ctx.cancel.clone(),
    };
    let skip_blocked = format!("{} --skip-blocked", delete.command_line);
    let mut out = std::io::stdout().lock();
    let finished = crate::run::run(
        &job,
        &ctx.aws,
        &env,
        delete.mode,
        &confirm,
        &skip_blocked,
        &mut out,
    )
    .await?;
    if let Some(summary) = job.restore().summary() {
        eprintln!("rootsweep: {summary}");
    }
    Ok(finished)
}
