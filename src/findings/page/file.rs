//! The page file `report-<UTC>.html` beside a command's reports: built from the JSON report the
//! run has just written and the run's `findings-<UTC>.since.json` (when there is one), replaced
//! whole and durably (a temporary file, synced, renamed), never through an existing link.

use super::{Invocation, Kind};
use crate::exit::Exit;
use crate::findings::file::{read_json as read, Command};
use crate::report::file;
use std::path::{Path, PathBuf};

/// Why the page was not written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The report (or the run's changes file) could not be read, or is not JSON.
    #[error(transparent)]
    Read(#[from] crate::findings::file::Error),
    /// The page could not be written.
    #[error("{0}: {1}")]
    Write(PathBuf, std::io::Error),
    /// The run wrote no report to build the page from.
    #[error("{0}: no such report: the run stopped before writing it")]
    NoReport(PathBuf),
    /// The command has no page.
    #[error("`rootsweep {0}` has no page")]
    NoPage(&'static str),
}

/// Writes `report-<run_id>.html` in `dir` from the command's report of `run_id` and the run's
/// changes since the last run; returns its path.
pub fn write(
    dir: &Path,
    command: Command,
    run_id: &str,
    how: &Invocation,
) -> Result<PathBuf, Error> {
    let kind = Kind::of(command).ok_or(Error::NoPage(command.name()))?;
    let report = dir.join(format!("{}-{run_id}.json", kind.report().0));
    let doc = read(&report)?.ok_or(Error::NoReport(report))?;
    let since = read(&dir.join(format!("findings-{run_id}.since.json")))?;
    let page = super::build(kind, &doc, since.as_ref(), how);
    let path = dir.join(format!("report-{run_id}.html"));
    file::replace(&path, page.as_bytes()).map_err(|e| Error::Write(path.clone(), e))?;
    Ok(path)
}

/// [`write`], then one line on stderr: the page's path, or why it was not written. A page asked
/// for and not written ends the run with exit 1, as a report that could not be written does.
pub fn announce(dir: &Path, command: Command, run_id: &str, how: &Invocation) -> Exit {
    match write(dir, command, run_id, how) {
        Ok(path) => {
            eprintln!("rootsweep: page: {}", path.display());
            Exit::Success
        }
        Err(e) => {
            eprintln!("rootsweep: error: the page (--html) was not written: {e}");
            Exit::Fatal
        }
    }
}

/// Flags whose value is not shown on the page.
const SECRET_FLAGS: [&str; 1] = ["--external-id"];

/// The command line as the page shows it: the program's file name, then each argument, quoted
/// when it holds a space, the value of a secret flag replaced by `…`.
pub fn command_line(args: impl IntoIterator<Item = String>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut hide_next = false;
    for (i, arg) in args.into_iter().enumerate() {
        let shown = if i == 0 {
            Path::new(&arg)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(arg)
        } else if hide_next {
            String::from("…")
        } else if let Some(flag) = SECRET_FLAGS
            .iter()
            .find(|f| arg.starts_with(&format!("{f}=")))
        {
            format!("{flag}=…")
        } else if arg.is_empty() || arg.contains(char::is_whitespace) {
            format!("'{arg}'")
        } else {
            arg
        };
        hide_next = i > 0 && SECRET_FLAGS.contains(&shown.as_str());
        out.push(shown);
    }
    out.join(" ")
}

impl Invocation {
    /// This process's command line, with the task policies (or how accounts were read).
    pub fn of_process(task_policies: &[&str], sessions: &str) -> Invocation {
        Invocation {
            command_line: command_line(
                std::env::args_os().map(|a| a.to_string_lossy().into_owned()),
            ),
            task_policies: task_policies.iter().map(|p| p.to_string()).collect(),
            sessions: sessions.to_string(),
        }
    }
}
