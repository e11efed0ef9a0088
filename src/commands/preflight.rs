//! `rootsweep preflight`, and the preflight step that `audit` and `delete` run first.

use super::Ctx;
use crate::cli::{Output, RunArgs};
use crate::exit::Exit;
use crate::preflight::Preflight;

/// Runs the checks and prints them as a table (or JSON).
pub async fn run(args: &RunArgs) -> anyhow::Result<Exit> {
    let ctx = super::setup(args).await?;
    let result = crate::preflight::run(&ctx.aws).await;
    match ctx.output {
        Output::Json => println!("{}", serde_json::to_string_pretty(&result.checks)?),
        Output::Text => println!("{}", render(&result)),
    }
    Ok(if result.passed() {
        Exit::Success
    } else {
        Exit::Fatal
    })
}

/// The checks as a table: check, result, and the fix for failures.
pub fn render(result: &Preflight) -> String {
    crate::report::table::render(
        &["check", "result", "to fix"],
        result.checks.iter().map(|c| {
            vec![
                format!("{} {}", if c.ok { "ok  " } else { "FAIL" }, c.check),
                c.result.clone(),
                c.fix.clone(),
            ]
        }),
    )
}

/// The preflight step of `audit` and `delete`: `Err(exit)` when it failed (the table is printed).
pub async fn gate(ctx: &Ctx) -> Result<Preflight, Exit> {
    passed(ctx, crate::preflight::run(&ctx.aws).await)
}

/// The preflight step of the `users` commands (caller and organization only).
pub async fn gate_users(ctx: &Ctx) -> Result<Preflight, Exit> {
    passed(ctx, crate::preflight::run_users(&ctx.aws).await)
}

/// `Ok` when every check passed; otherwise prints the table and says nothing ran.
fn passed(ctx: &Ctx, result: Preflight) -> Result<Preflight, Exit> {
    if result.passed() {
        if let (Some(caller), Some(org)) = (&result.caller, &result.organization) {
            eprintln!(
                "rootsweep: preflight ok: {} in {} ({}), region {}",
                caller.arn,
                org.id,
                caller.partition,
                ctx.aws.region().unwrap_or_default()
            );
        }
        Ok(result)
    } else {
        if let Some(first) = result.checks.iter().find(|c| !c.ok) {
            eprintln!(
                "rootsweep: error: preflight: {}: {}",
                first.check, first.result
            );
        }
        eprintln!("rootsweep: preflight failed; nothing was audited or changed");
        eprintln!("{}", render(&result));
        Err(Exit::Fatal)
    }
}
