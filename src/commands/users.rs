//! `rootsweep users audit`, `users delete` and `users tidy`: the users preflight (caller and organization),
//! then the users job through the pipeline (the read stage only, or every stage).

use crate::cli::{UsersAuditArgs, UsersDeleteArgs, UsersTidyArgs};
use crate::exit::{Exit, UsageError};
use crate::run::Mode;
use crate::users::listed;
use crate::users::plan::Select;
use anyhow::Context;

/// `rootsweep users audit`.
pub async fn audit(args: &UsersAuditArgs) -> anyhow::Result<Exit> {
    let ctx = super::setup_with(&args.run, args.overrides()).await?;
    let pre = match super::preflight::gate_users(&ctx).await? {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let finished =
        super::users_audit(&ctx, &pre, args.stale_days, args.external_id.as_deref()).await?;
    eprintln!(
        "{}",
        super::timing_line(&ctx, "users audit", finished.accounts)
    );
    Ok(finished.exit)
}

/// `rootsweep users delete` (and `--dry-run`): the users preflight, then the delete job through
/// every stage of the pipeline. A `--users-file` is read (and refused with one line naming the
/// file and line) before any AWS call; without other targets, its accounts are the targets.
pub async fn delete(args: &UsersDeleteArgs) -> anyhow::Result<Exit> {
    let (select, stale_days, overrides) = match &args.users_file {
        Some(path) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{shown}: cannot read the users file"))
                .map_err(UsageError)?;
            let users = listed::parse(&shown, &text, args.force_active)
                .map_err(|e| UsageError(e.into()))?;
            let mut overrides = args.overrides();
            let targeted = !overrides.accounts.is_empty()
                || overrides.accounts_file.is_some()
                || !overrides.ou.is_empty();
            if !targeted {
                overrides.accounts = users.iter().map(|(a, _)| a.clone()).collect();
                overrides.accounts.dedup();
            }
            let select = Select::Listed {
                users,
                force_active: args.force_active,
            };
            let stale_days = args.stale_days.unwrap_or(crate::users::DEFAULT_STALE_DAYS);
            (select, stale_days, overrides)
        }
        None => (
            Select::Stale,
            args.stale_days.unwrap_or(crate::users::DEFAULT_STALE_DAYS),
            args.overrides(),
        ),
    };
    if let Select::Listed { users, .. } = &select {
        if users.is_empty() {
            eprintln!("rootsweep: the users file lists no user; nothing to do");
            return Ok(Exit::Success);
        }
    }
    let ctx = super::setup_with(&args.run, overrides).await?;
    let pre = match super::preflight::gate_users(&ctx).await? {
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
    let delete = super::UsersDelete {
        select,
        stale_days,
        external_id: args.external_id.as_deref(),
        mode,
        yes: args.yes,
        command_line: &super::delete::command_line(),
    };
    let finished = super::users_delete(&ctx, &pre, delete).await?;
    let what = if args.dry_run {
        "users delete dry run"
    } else {
        "users delete"
    };
    eprintln!("{}", super::timing_line(&ctx, what, finished.accounts));
    Ok(finished.exit)
}

/// `rootsweep users tidy` (and `--dry-run`).
pub async fn tidy(args: &UsersTidyArgs) -> anyhow::Result<Exit> {
    let ctx = super::setup_with(&args.run, args.overrides()).await?;
    let pre = match super::preflight::gate_users(&ctx).await? {
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
    let finished = super::users_tidy(
        &ctx,
        &pre,
        mode,
        args.yes,
        args.external_id.as_deref(),
        &super::delete::command_line(),
    )
    .await?;
    let what = if args.dry_run {
        "users tidy dry run"
    } else {
        "users tidy"
    };
    eprintln!("{}", super::timing_line(&ctx, what, finished.accounts));
    Ok(finished.exit)
}
