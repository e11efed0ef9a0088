//! `rootsweep delete`: audit, refuse or plan, confirm, clean eligible accounts, verify, report.

use super::audit::{self, Phase};
use super::Ctx;
use crate::cli::{DeleteArgs, Only, Output};
use crate::delete::{delete_account, Result as AccountResult};
use crate::exit::Exit;
use crate::model::{Account, Audited, Verdict};
use crate::plan::{self, Entry, Plan, Scope};
use crate::progress::Progress;
use crate::report::delete::{Outcome, Row, HEADER};
use crate::report::json::{self, Report, RunInfo};
use crate::report::row::CsvWriter;
use crate::report::{file, rfc3339_system, table};
use std::collections::HashMap;
use std::io::{BufRead, BufWriter, IsTerminal, Write};

/// `rootsweep delete` (and `--dry-run`).
pub async fn run(args: &DeleteArgs) -> anyhow::Result<Exit> {
    let ctx = super::setup(&args.run).await?;
    let pre = match super::preflight::gate(&ctx).await {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let phase = audit::audit_phase(&ctx, &pre).await?;
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
    let plan = plan::build(&phase.audited, scope);

    if args.dry_run {
        audit::present(&ctx, &phase)?;
        print_plan(&ctx, &plan)?;
        eprintln!("rootsweep: dry run: nothing was changed");
        eprintln!(
            "{}",
            super::timing_line(&ctx, "dry run", phase.audited.len())
        );
        return Ok(phase.exit(&ctx));
    }
    if !phase.complete() {
        audit::present(&ctx, &phase)?;
        eprintln!("rootsweep: the audit did not complete; nothing was changed");
        return Ok(phase.exit(&ctx));
    }

    let refused: Vec<&Entry> = plan.refused().collect();
    if !refused.is_empty() && !args.skip_blocked {
        audit::present(&ctx, &phase)?;
        eprintln!(
            "rootsweep: refusing to change anything: {} account(s) are blocked or unknown. \
             Resolve them first, or pass --skip-blocked to clean only the eligible accounts:",
            refused.len()
        );
        for e in &refused {
            eprintln!(
                "  {} ({}): {}",
                e.account_id,
                e.account_name,
                e.refusal.as_deref().unwrap_or("")
            );
        }
        return Ok(Exit::Refused);
    }

    let changing = plan.to_change().count();
    if changing == 0 {
        audit::present(&ctx, &phase)?;
        eprintln!("rootsweep: nothing to delete: no eligible account has credentials in scope");
        let executed = execute(&ctx, &phase, &plan, scope).await?;
        eprintln!("{}", super::timing_line(&ctx, "delete", executed.rows));
        return Ok(ctx.cancel.exit().unwrap_or(Exit::Success));
    }

    print_plan(&ctx, &plan)?;
    if !confirmed(args.yes, changing)? {
        return Ok(Exit::Usage);
    }
    let executed = execute(&ctx, &phase, &plan, scope).await?;
    eprintln!("{}", super::timing_line(&ctx, "delete", executed.rows));
    if let Some(cause) = ctx.aws.halted() {
        eprintln!("rootsweep: error: the management credentials were refused ({cause}); later accounts were not started");
    }
    Ok(match ctx.cancel.exit() {
        Some(exit) => exit,
        None if ctx.aws.halted().is_some() => Exit::Fatal,
        None if executed.partial => Exit::Partial,
        None => Exit::Success,
    })
}

/// What the execution phase did.
struct Executed {
    /// Rows written.
    rows: usize,
    /// Some planned change was not made or not verified.
    partial: bool,
}

fn print_plan(ctx: &Ctx, plan: &Plan) -> anyhow::Result<()> {
    match ctx.output {
        Output::Json => println!("{}", serde_json::to_string_pretty(plan)?),
        Output::Text => print!("{}", plan::render(plan)),
    }
    Ok(())
}

/// The operator's confirmation: `--yes`, or on a terminal typing the number of accounts.
fn confirmed(yes: bool, changing: usize) -> anyhow::Result<bool> {
    if yes {
        return Ok(true);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        eprintln!(
            "rootsweep: refusing: no terminal to confirm on; re-run with --yes to change {changing} account(s)"
        );
        return Ok(false);
    }
    eprint!("Type {changing} to delete root credentials in {changing} account(s), anything else to cancel: ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    if answer.trim() == changing.to_string() {
        Ok(true)
    } else {
        eprintln!("rootsweep: not confirmed; nothing was changed");
        Ok(false)
    }
}

/// Runs the plan: one row per audited account, flushed as each finishes.
async fn execute(ctx: &Ctx, phase: &Phase, plan: &Plan, scope: Scope) -> anyhow::Result<Executed> {
    let accounts: HashMap<&str, &Account> = phase
        .audited
        .iter()
        .map(|a: &Audited| (a.account.id.as_str(), &a.account))
        .collect();
    let csv_path = ctx
        .config
        .report_dir
        .join(format!("delete-{}.csv", phase.stamp));
    let json_path = ctx
        .config
        .report_dir
        .join(format!("delete-{}.json", phase.stamp));
    let mut csv = CsvWriter::new(BufWriter::new(file::create(&csv_path)?), &HEADER)?;
    let progress = Progress::new("delete", ctx.output == Output::Json);
    progress.add_total(plan.entries.len() as u64);
    let partition = phase.run.partition.as_str();
    let mut rows: Vec<Row> = Vec::new();
    let mut write_error = None;
    let mut partial = false;
    crate::runner::fan_out(
        futures::stream::iter(plan.entries.iter()),
        ctx.config.concurrency,
        &ctx.cancel,
        |entry| async move {
            let result = match entry.verdict {
                Verdict::Eligible if !entry.steps.is_empty() && ctx.aws.halted().is_some() => {
                    AccountResult::untouched(
                        Outcome::NotStarted,
                        false,
                        format!(
                            "not started: the management credentials were refused ({})",
                            ctx.aws.halted().map(|e| e.to_string()).unwrap_or_default()
                        ),
                    )
                }
                Verdict::Eligible if !entry.steps.is_empty() => {
                    delete_account(&ctx.aws, partition, &entry.account_id, scope).await
                }
                Verdict::Eligible | Verdict::Clean => {
                    AccountResult::untouched(Outcome::AlreadyClean, true, "")
                }
                Verdict::Blocked => AccountResult::untouched(
                    Outcome::SkippedBlocked,
                    false,
                    entry.refusal.clone().unwrap_or_default(),
                ),
                _ => AccountResult::untouched(
                    Outcome::SkippedUnknown,
                    false,
                    entry.refusal.clone().unwrap_or_default(),
                ),
            };
            (entry, result)
        },
        |entry| {
            (
                entry,
                AccountResult::untouched(
                    Outcome::NotStarted,
                    false,
                    "the run was interrupted before this account started",
                ),
            )
        },
        |(entry, result)| {
            let planned = !entry.steps.is_empty();
            if planned
                && !matches!(
                    result.outcome,
                    Outcome::Deleted | Outcome::AlreadyClean | Outcome::NotStarted
                )
            {
                partial = true;
            }
            let row = match accounts.get(entry.account_id.as_str()) {
                Some(account) => result.row(account),
                None => result.row(&Account {
                    id: entry.account_id.clone(),
                    name: entry.account_name.clone(),
                    email: String::new(),
                    state: String::new(),
                    ou_path: String::new(),
                }),
            };
            if let Err(e) = csv.write(row.fields()) {
                write_error.get_or_insert(e);
            }
            progress.finish_one(&row.account_id, &row.outcome);
            rows.push(row);
        },
    )
    .await;
    progress.finish();
    if let Some(e) = write_error {
        return Err(anyhow::Error::from(e).context(format!("writing {}", csv_path.display())));
    }

    let counts = json::count(rows.iter().map(|r| r.outcome.as_str()));
    let run = RunInfo {
        ended: rfc3339_system(std::time::SystemTime::now()),
        complete: !ctx.cancel.is_cancelled(),
        incomplete_reason: ctx
            .cancel
            .is_cancelled()
            .then(|| "interrupted: accounts marked not-started were not touched".to_string()),
        ..phase.run.clone()
    };
    let report = Report {
        run: &run,
        counts: counts.clone(),
        accounts: &rows,
    };
    file::create(&json_path)?.write_all(json::render(&report).as_bytes())?;
    match ctx.output {
        Output::Json => print!("{}", json::render(&report)),
        Output::Text => {
            let order: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
            println!("{}", table::counts("outcome", &counts, &order));
            let failed: Vec<Vec<String>> = rows
                .iter()
                .filter(|r| {
                    r.outcome == "failed"
                        || r.outcome == "skipped-blocked" && !r.error.starts_with("blocked")
                })
                .map(|r| {
                    vec![
                        r.account_id.clone(),
                        r.account_name.clone(),
                        r.outcome.clone(),
                        r.error.clone(),
                    ]
                })
                .collect();
            if !failed.is_empty() {
                println!(
                    "{}",
                    table::render(&["account", "name", "outcome", "error"], failed)
                );
            }
            println!(
                "Reports: {} and {}",
                csv_path.display(),
                json_path.display()
            );
        }
    }
    Ok(Executed {
        rows: rows.len(),
        partial,
    })
}
