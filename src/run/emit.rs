//! What each stage leaves behind: its JSON report written (and where the record of the stage
//! is when a report could not be written), its run information closed, and the one stdout
//! document of the run.

use super::document::Document;
use super::record::Recorder;
use super::{Env, Output};
use crate::exit::Exit;
use crate::report::json::RunInfo;
use crate::report::{file, rfc3339_system};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// The run information of a stage that ends now; `incomplete` says why it is not complete.
pub fn finish_run(run: &RunInfo, incomplete: Option<String>) -> RunInfo {
    RunInfo {
        ended: rfc3339_system(std::time::SystemTime::now()),
        complete: incomplete.is_none(),
        incomplete_reason: incomplete,
        ..run.clone()
    }
}

/// Prints the run's result: the document (json) or the text (text). One document per run.
pub fn emit(env: &Env, out: &mut dyn Write, doc: &Document, text: String) -> std::io::Result<()> {
    match env.output {
        Output::Json => doc.write_to(out)?,
        Output::Text => out.write_all(text.as_bytes())?,
    }
    out.flush()
}

/// Writes a stage's JSON report and says where the record of the stage is when a report could
/// not be written: the JSON when the CSV failed, stderr when both did. A failed write is fatal.
pub fn settle<W: Write, R: Serialize + Default>(
    recorder: &Recorder<W, R>,
    json: &Path,
    doc: &Document,
) -> Exit {
    let written = file::create(json)
        .map_err(anyhow::Error::from)
        .and_then(|f| {
            let mut out = std::io::BufWriter::new(f);
            doc.write_to(&mut out)?;
            out.flush()?;
            Ok(())
        });
    match (recorder.failure(), written) {
        (None, Ok(())) => Exit::Success,
        (Some(e), Ok(())) => {
            eprintln!(
                "rootsweep: error: writing {} failed ({e}); no further account was started. \
                 The complete record of this run is in {}",
                recorder.path().display(),
                json.display()
            );
            Exit::Fatal
        }
        (None, Err(e)) => {
            eprintln!(
                "rootsweep: error: writing {} failed ({e:#}); {} holds every row",
                json.display(),
                recorder.path().display()
            );
            Exit::Fatal
        }
        (Some(csv), Err(e)) => {
            eprintln!(
                "rootsweep: error: writing {} failed ({csv}) and so did {} ({e:#}); \
                 no further account was started. The record of this run follows:",
                recorder.path().display(),
                json.display()
            );
            eprint!("{}", doc.render());
            Exit::Fatal
        }
    }
}
