//! `rootsweep delete`: preflight, then the root job through every stage of the pipeline (or up
//! to the plan with `--dry-run`).

use crate::cli::{DeleteArgs, Only};
use crate::exit::Exit;
use crate::root::plan::Scope;
use crate::run::Mode;

/// `rootsweep delete` (and `--dry-run`).
pub async fn run(args: &DeleteArgs) -> anyhow::Result<Exit> {
    let ctx = super::setup(&args.run).await?;
    let pre = match super::preflight::gate(&ctx).await? {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let scope = match args.only {
        None => Scope::ALL,
        Some(Only::LoginProfile) => Scope {
            login_profile: true,
            mfa: false,
        },
        Some(Only::Mfa) => Scope {
            login_profile: false,
            mfa: true,
        },
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
    let finished = super::root(&ctx, &pre, mode, scope, args.yes, &command_line()).await?;
    let what = if args.dry_run { "dry run" } else { "delete" };
    eprintln!("{}", super::timing_line(&ctx, what, finished.accounts));
    Ok(finished.exit)
}

/// This command line without `--dry-run` (shell-quoted where needed), for the plan's hint.
pub(super) fn command_line() -> String {
    std::iter::once("rootsweep".to_string())
        .chain(
            std::env::args()
                .skip(1)
                .filter(|a| a != "--dry-run" && a != "--skip-blocked"),
        )
        .map(|a| {
            if a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
