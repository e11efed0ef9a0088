//! `rootsweep unlock s3|sqs`: the named resources checked before any AWS call, preflight (which
//! needs the RootSessions feature), then the unlock job through the pipeline.

use crate::cli::{UnlockArgs, UnlockS3Args, UnlockSqsArgs};
use crate::exit::{Exit, UsageError};
use crate::run::Mode;
use crate::unlock::api::Kind;
use crate::unlock::targets;

/// `rootsweep unlock s3` (and `--dry-run`).
pub async fn s3(args: &UnlockS3Args) -> anyhow::Result<Exit> {
    let one = args.account.as_deref().zip(args.bucket.as_deref());
    run(Kind::S3, "--bucket", one, &args.run).await
}

/// `rootsweep unlock sqs` (and `--dry-run`).
pub async fn sqs(args: &UnlockSqsArgs) -> anyhow::Result<Exit> {
    let one = args.account.as_deref().zip(args.queue_url.as_deref());
    run(Kind::Sqs, "--queue-url", one, &args.run).await
}

async fn run(
    kind: Kind,
    flag: &str,
    one: Option<(&str, &str)>,
    args: &UnlockArgs,
) -> anyhow::Result<Exit> {
    let named = match (&args.file, one) {
        (Some(file), _) => targets::read_file(kind, file),
        (None, Some((account, resource))) => {
            targets::check(kind, flag, account, resource).map(|r| vec![r])
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
    let run_args = crate::cli::RunArgs {
        aws: args.aws.clone(),
        targets: crate::cli::TargetArgs {
            concurrency: args.concurrency,
            report_dir: args.report_dir.clone(),
            accounts: resources.keys().cloned().collect(),
            accounts_file: None,
            ou: Vec::new(),
            exclude: Vec::new(),
        },
    };
    let mut ctx = super::setup(&run_args).await?;
    // Only the named resources' accounts: a config file's filters do not apply.
    ctx.config.ous.clear();
    ctx.config.exclude.clear();
    let pre = match super::preflight::gate(&ctx).await? {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let mode = if args.dry_run {
        Mode::Plan {
            skip_blocked: args.skip_blocked,
        }
    } else {
        Mode::Change {
            skip_blocked: args.skip_blocked,
        }
    };
    let command_line = super::delete::command_line();
    let finished =
        super::unlock(&ctx, &pre, mode, args.yes, kind, resources, &command_line).await?;
    let what = if args.dry_run { "dry run" } else { "unlock" };
    eprintln!("{}", super::timing_line(&ctx, what, finished.accounts));
    Ok(finished.exit)
}
