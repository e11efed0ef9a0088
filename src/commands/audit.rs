//! `rootsweep audit`, and the audit phase that `delete` runs first: resolve targets, fan out
//! audit sessions, write each account's row as it finishes, then the JSON report and tables.

use super::{Ctx, UsageError};
use crate::cli::{Output, RunArgs};
use crate::enumerate::{self, Feed, SelectError};
use crate::exit::Exit;
use crate::model::{Audited, Finding, SkipReason, Verdict};
use crate::preflight::Preflight;
use crate::progress::Progress;
use crate::report::json::{self, Report, RunInfo};
use crate::report::row::{CsvWriter, HEADER};
use crate::report::{file, rfc3339_system, table, Row};
use anyhow::Context;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::Mutex;

/// Rows shown in the terminal's attention table before it says "and N more".
const TABLE_LIMIT: usize = 50;

/// What the audit phase produced.
pub struct Phase {
    /// Every account of the organization with its finding, in completion order.
    pub audited: Vec<Audited>,
    /// Run information (as written to the JSON report).
    pub run: RunInfo,
    /// File name timestamp shared by this run's reports.
    pub stamp: String,
    /// The CSV report.
    pub csv: PathBuf,
    /// The JSON report.
    pub json: PathBuf,
    /// Set when enumeration failed part-way: the report lists only what was audited.
    pub failure: Option<String>,
}

impl Phase {
    /// The audit's exit code.
    pub fn exit(&self, ctx: &Ctx) -> Exit {
        if self.failure.is_some() || ctx.aws.halted().is_some() {
            Exit::Fatal
        } else if let Some(exit) = ctx.cancel.exit() {
            exit
        } else if self.audited.iter().any(|a| a.verdict() == Verdict::Unknown) {
            Exit::Partial
        } else {
            Exit::Success
        }
    }

    /// Whether every account was audited (no interruption, no enumeration failure).
    pub fn complete(&self) -> bool {
        self.run.complete
    }
}

/// `rootsweep audit`.
pub async fn run(args: &RunArgs) -> anyhow::Result<Exit> {
    let ctx = super::setup(args).await?;
    let pre = match super::preflight::gate(&ctx).await {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let phase = audit_phase(&ctx, &pre).await?;
    present(&ctx, &phase)?;
    eprintln!("{}", super::timing_line(&ctx, "audit", phase.audited.len()));
    Ok(phase.exit(&ctx))
}

/// Prints the audit's result: tables (text) or the JSON report (json) on stdout.
pub fn present(ctx: &Ctx, phase: &Phase) -> anyhow::Result<()> {
    let rows: Vec<Row> = phase.audited.iter().map(Row::from).collect();
    let mut out = std::io::stdout().lock();
    match ctx.output {
        Output::Json => out.write_all(render_json(phase, &rows).as_bytes())?,
        Output::Text => {
            let mut attention: Vec<&Row> = rows
                .iter()
                .filter(|r| matches!(r.verdict.as_str(), "eligible" | "blocked" | "unknown"))
                .collect();
            attention.sort_by(|a, b| (&a.verdict, &a.account_id).cmp(&(&b.verdict, &b.account_id)));
            if !attention.is_empty() {
                let shown = attention.iter().take(TABLE_LIMIT).map(|r| {
                    vec![
                        r.account_id.clone(),
                        r.account_name.clone(),
                        r.verdict.clone(),
                        r.login_profile.clone(),
                        r.mfa_devices.clone(),
                        r.access_keys.clone(),
                        r.signing_certificates.clone(),
                        r.error.clone(),
                    ]
                });
                let header = [
                    "account",
                    "name",
                    "verdict",
                    "login profile",
                    "mfa",
                    "access keys",
                    "certificates",
                    "error",
                ];
                writeln!(
                    out,
                    "Accounts that need attention:\n{}",
                    table::render(&header, shown)
                )?;
                if attention.len() > TABLE_LIMIT {
                    writeln!(
                        out,
                        "... and {} more (see the CSV report)",
                        attention.len() - TABLE_LIMIT
                    )?;
                }
            }
            let counts = json::count(rows.iter().map(|r| r.verdict.as_str()));
            let order: Vec<&str> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
            writeln!(out, "{}", table::counts("verdict", &counts, &order))?;
            if let Some(why) = &phase.failure {
                writeln!(out, "INCOMPLETE: {why}")?;
            }
            writeln!(
                out,
                "Reports: {} and {}",
                phase.csv.display(),
                phase.json.display()
            )?;
        }
    }
    Ok(())
}

fn render_json(phase: &Phase, rows: &[Row]) -> String {
    json::render(&Report {
        run: &phase.run,
        counts: json::count(rows.iter().map(|r| r.verdict.as_str())),
        accounts: rows,
    })
}

/// Resolves targets, audits every account with bounded concurrency, and writes the reports.
pub async fn audit_phase(ctx: &Ctx, pre: &Preflight) -> anyhow::Result<Phase> {
    let caller = pre
        .caller
        .clone()
        .context("preflight identified no caller")?;
    let org = pre
        .organization
        .clone()
        .context("preflight found no organization")?;
    let resolved = enumerate::resolve(&ctx.aws, &ctx.config, &org.management_account)
        .await
        .map_err(|e| match e {
            SelectError::Target(t) => anyhow::Error::from(UsageError(t.into())),
            SelectError::Call(c) => anyhow::Error::from(c).context("cannot resolve the targets"),
        })?;

    let stamp = file::stamp(ctx.started_at);
    let dir = &ctx.config.report_dir;
    let csv_path = dir.join(format!("audit-{stamp}.csv"));
    let json_path = dir.join(format!("audit-{stamp}.json"));
    let mut csv = CsvWriter::new(BufWriter::new(file::create(&csv_path)?), &HEADER)?;

    let progress = Progress::new("audit", ctx.output == Output::Json);
    let failure = Mutex::new(None);
    let rx = enumerate::spawn(ctx.aws.clone(), &resolved);
    let accounts = futures::stream::unfold(rx, |mut rx| {
        let (failure, progress) = (&failure, &progress);
        async move {
            match rx.recv().await {
                Some(Feed::Account(a)) => {
                    progress.add_total(1);
                    Some((a, rx))
                }
                Some(Feed::Failed(e)) => {
                    *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    None
                }
                None => None,
            }
        }
    });

    let selector = &resolved.selector;
    let partition = caller.partition.as_str();
    let mut audited = Vec::new();
    let mut write_error = None;
    crate::runner::fan_out(
        accounts,
        ctx.config.concurrency,
        &ctx.cancel,
        |account| async move {
            let finding = match selector.decide(&account) {
                Err(reason) => Finding::Skipped(reason),
                Ok(()) => crate::audit::audit_account(&ctx.aws, partition, &account.id).await,
            };
            Audited { account, finding }
        },
        |account| {
            let reason = selector
                .decide(&account)
                .err()
                .unwrap_or(SkipReason::Interrupted);
            Audited {
                account,
                finding: Finding::Skipped(reason),
            }
        },
        |a| {
            if let Err(e) = csv.write(Row::from(&a).fields()) {
                write_error.get_or_insert(e);
            }
            progress.finish_one(&a.account.id, a.verdict().as_str());
            audited.push(a);
        },
    )
    .await;
    progress.finish();
    if let Some(e) = write_error {
        return Err(anyhow::Error::from(e).context(format!("writing {}", csv_path.display())));
    }

    let failure = failure
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .map(|e| {
            format!("enumeration failed, the report lists only the accounts listed before it: {e}")
        });
    let incomplete_reason = failure.clone().or_else(|| {
        ctx.cancel
            .is_cancelled()
            .then(|| "interrupted: accounts marked 'not audited: the run was interrupted' were not audited".to_string())
    })
    .or_else(|| {
        ctx.aws
            .halted()
            .map(|e| format!("the management credentials were refused: {e}"))
    });
    let run = RunInfo {
        run_id: stamp.clone(),
        rootsweep_version: env!("CARGO_PKG_VERSION"),
        caller: caller.arn.clone(),
        organization: org.id.clone(),
        partition: caller.partition.clone(),
        region: ctx.aws.region().unwrap_or_default(),
        started: rfc3339_system(ctx.started_at),
        ended: rfc3339_system(std::time::SystemTime::now()),
        complete: incomplete_reason.is_none(),
        incomplete_reason,
    };
    let phase = Phase {
        audited,
        run,
        stamp,
        csv: csv_path,
        json: json_path,
        failure,
    };
    let rows: Vec<Row> = phase.audited.iter().map(Row::from).collect();
    let mut json_file = file::create(&phase.json)?;
    json_file.write_all(render_json(&phase, &rows).as_bytes())?;
    if let Some(why) = &phase.failure {
        eprintln!("rootsweep: {why}");
    }
    if let Some(cause) = ctx.aws.halted() {
        eprintln!(
            "rootsweep: error: the management credentials were refused ({cause}); accounts after that were not audited"
        );
    }
    Ok(phase)
}
