//! `rootsweep recover`: preflight, then the recover job through every stage of the pipeline (or
//! up to the plan with `--dry-run`), for the named accounts only.

use crate::cli::RecoverArgs;
use crate::exit::Exit;
use crate::run::Mode;

/// `rootsweep recover` (and `--dry-run`).
pub async fn run(args: &RecoverArgs) -> anyhow::Result<Exit> {
    let mut ctx = super::setup(&args.run_args()).await?;
    // Explicit ids only: a config file's OU and exclusion filters do not widen or narrow them.
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
    let finished = super::recover(&ctx, &pre, mode, args.yes, &command_line).await?;
    let what = if args.dry_run { "dry run" } else { "recover" };
    eprintln!("{}", super::timing_line(&ctx, what, finished.accounts));
    Ok(finished.exit)
}
