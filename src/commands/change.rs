//! The one path of every command that changes something (`delete`, `recover`, `unlock s3|sqs`,
//! `users delete`, `users tidy`): setup, the preflight gate, how far the run goes, the job
//! through the pipeline, the timing line. Each command supplies only its own part: its
//! settings, and its job.

use super::Ctx;
use crate::cli::{ChangeArgs, RunArgs};
use crate::config::Overrides;
use crate::exit::Exit;
use crate::findings::file as findings;
use crate::preflight::Preflight;
use crate::run::confirm::Terminal;
use crate::run::job::Change;
use crate::run::{Env, Finished, Mode};
use std::path::Path;

/// Which preflight a command runs before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Centralized root access (`delete`, `recover`, `unlock`).
    Root,
    /// The caller and the organization only (the `users` commands).
    Users,
}

/// A changing command's own settings.
#[derive(Debug)]
pub struct Command<'a> {
    /// `--config`, `--output`, the AWS flags and the targets.
    pub run: &'a RunArgs,
    /// The values over the config file's: `run`'s, and the command's own.
    pub overrides: Overrides,
    /// Only the accounts named on the command line: a config file's OU and exclusion filters
    /// neither widen nor narrow them.
    pub named_only: bool,
    /// The preflight run first.
    pub gate: Gate,
    /// `--dry-run`, `--yes`, `--skip-blocked`.
    pub flags: ChangeArgs,
    /// The run in the timing line with `--dry-run`, e.g. `dry run`.
    pub dry_run_name: &'static str,
    /// The run in the timing line without `--dry-run`, e.g. `delete`.
    pub name: &'static str,
    /// The findings file the run writes from its final state, and `--since`; `None`: none.
    pub findings: Option<(findings::Command, Option<&'a Path>)>,
}

/// What the operator asked of a job: how far it goes, whether `--yes` confirms it, and the
/// command line the plan's hint repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    /// Read only, up to the plan, or every stage.
    pub mode: Mode,
    /// `--yes`: confirmed without a terminal prompt.
    pub yes: bool,
    /// This command line without `--dry-run` and `--skip-blocked` (see
    /// [`super::command_line::for_hint`]).
    pub command_line: &'a str,
}

impl<'a> Request<'a> {
    /// A read-only run (`audit`): nothing to confirm, no hint.
    pub const READ: Request<'static> = Request {
        mode: Mode::Read,
        yes: false,
        command_line: "",
    };

    /// A dry run (without `--skip-blocked`) whose hint names `command_line` (the demo's).
    pub fn dry_run(command_line: &'a str) -> Self {
        Request {
            mode: Mode::Plan {
                skip_blocked: false,
            },
            yes: false,
            command_line,
        }
    }
}

/// Runs a changing command: its settings (no AWS call yet), its preflight, then `job` as the
/// flags ask, and the timing line on stderr. A failed preflight is the exit code, and nothing
/// else runs.
pub async fn run(
    command: Command<'_>,
    job: impl AsyncFnOnce(&Ctx, &Preflight, Request<'_>) -> anyhow::Result<Finished>,
) -> anyhow::Result<Exit> {
    let mut ctx = super::setup_with(command.run, command.overrides).await?;
    if command.named_only {
        ctx.config.ous.clear();
        ctx.config.exclude.clear();
    }
    let gate = match command.gate {
        Gate::Root => super::preflight::gate(&ctx).await?,
        Gate::Users => super::preflight::gate_users(&ctx).await?,
    };
    let pre = match gate {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let command_line = super::command_line::for_hint(std::env::args());
    let request = Request {
        mode: command.flags.mode(),
        yes: command.flags.yes,
        command_line: &command_line,
    };
    let finished = job(&ctx, &pre, request).await?;
    let found = match command.findings {
        // A dry run (or a refused plan) writes no change report: its findings are the audited
        // state, which is what its plan would start from.
        Some((command, since)) => {
            let run_id = crate::report::file::stamp(ctx.started_at);
            findings::announce(&ctx.config.report_dir, command, &run_id, since)
        }
        None => Exit::Success,
    };
    let what = if command.flags.dry_run {
        command.dry_run_name
    } else {
        command.name
    };
    eprintln!("{}", super::timing_line(&ctx, what, finished.accounts));
    Ok(Exit::merge([finished.exit, found]))
}

/// Runs `job` through the pipeline as `request` asks, confirming on the terminal (the prompt's
/// words are the job's `SPEC`). The one call of [`crate::run::run`].
pub async fn pipeline<J: Change>(
    ctx: &Ctx,
    env: &Env,
    job: &J,
    request: Request<'_>,
) -> anyhow::Result<Finished> {
    let terminal = Terminal {
        yes: request.yes,
        cancel: ctx.cancel.clone(),
    };
    let skip_blocked = format!("{} --skip-blocked", request.command_line);
    let mut out = crate::commands::stdout();
    crate::run::run(
        job,
        &ctx.aws,
        env,
        request.mode,
        &terminal,
        &skip_blocked,
        &mut *out,
    )
    .await
}
