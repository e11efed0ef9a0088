//! `rootsweep preflight`, and the preflight step that `audit` and `delete` run first.
//!
//! One rule for every command: the checks are a result, so they go to stdout (a table, or the
//! JSON list with `--output json`) — always for `preflight`, and for `audit` and `delete` when a
//! check failed (nothing else is printed on stdout then). Diagnostics go to stderr, one line
//! each. No credentials at all is not a check result but an error: one line on stderr, nothing
//! on stdout, exit 1.

use super::Ctx;
use crate::cli::{AwsArgs, Output};
use crate::exit::Exit;
use crate::preflight::Preflight;

/// Runs the checks and prints them as a table (or JSON).
pub async fn run(args: &AwsArgs) -> anyhow::Result<Exit> {
    let ctx = super::setup_aws(args).await?;
    let result = crate::preflight::run(&ctx.aws).await?;
    print(&result, ctx.output)?;
    Ok(if result.passed() {
        Exit::Success
    } else {
        Exit::Fatal
    })
}

/// The checks on stdout, in the chosen format.
fn print(result: &Preflight, output: Output) -> anyhow::Result<()> {
    match output {
        Output::Json => println!("{}", serde_json::to_string_pretty(&result.checks)?),
        Output::Text => println!("{}", render(result)),
    }
    Ok(())
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

/// The preflight step of `audit` and `delete`: `Err(exit)` when it failed (the checks are
/// printed on stdout, one line on stderr names the failed checks).
pub async fn gate(ctx: &Ctx) -> anyhow::Result<Result<Preflight, Exit>> {
    passed(ctx, crate::preflight::run(&ctx.aws).await?)
}

/// The preflight step of the `users` commands (caller and organization only).
pub async fn gate_users(ctx: &Ctx) -> anyhow::Result<Result<Preflight, Exit>> {
    passed(ctx, crate::preflight::run_users(&ctx.aws).await?)
}

/// `Ok(Ok)` when every check passed; otherwise prints the checks and says nothing ran.
fn passed(ctx: &Ctx, result: Preflight) -> anyhow::Result<Result<Preflight, Exit>> {
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
        return Ok(Ok(result));
    }
    print(&result, ctx.output)?;
    eprintln!(
        "rootsweep: error: preflight failed ({}); the fix for each is in the checks on stdout. Nothing was audited or changed",
        result.failed().join(", ")
    );
    Ok(Err(Exit::Fatal))
}
