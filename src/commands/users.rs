//! `rootsweep users audit`: the users preflight (caller and organization), then the users job's
//! read stage through the pipeline.

use crate::cli::UsersAuditArgs;
use crate::exit::Exit;

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
