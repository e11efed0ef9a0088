//! `GenerateCredentialReport`'s STARTED → INPROGRESS → COMPLETE progression and
//! `GetCredentialReport`'s base64 CSV (the report itself is `world::report`).
//!
//! The report is a snapshot taken by the call that completes it; later generate calls answer
//! COMPLETE and the same snapshot is served, as AWS serves a report for four hours.

use crate::sim::services::error::Error;
use crate::sim::services::iam::users::Scope;
use crate::sim::services::xml::Xml;
use crate::sim::world::report::render;
use time::OffsetDateTime;

/// `GenerateCredentialReport`: STARTED on the first call, INPROGRESS until
/// `report_generation_polls` more calls were made, then COMPLETE.
pub(crate) fn generate(scope: &Scope<'_>) -> Result<Xml, Error> {
    let (world, index) = (scope.world, scope.index);
    let polls = world.org.report_generation_polls;
    let mut guard = world.lock();
    let state = &mut *guard;
    let report = &mut state.reports[index];
    report.calls = report.calls.saturating_add(1);
    let calls = report.calls;
    let complete = report.snapshot.is_some() || calls > polls;
    if complete && report.snapshot.is_none() {
        let now = OffsetDateTime::now_utc();
        let account = &world.accounts[index];
        let arn = |resource: &str| {
            format!(
                "arn:{}:iam::{}:{resource}",
                world.org.partition.as_str(),
                account.id
            )
        };
        let csv = render(&arn, &state.roots[index], &state.iam[index]);
        state.reports[index].snapshot = Some((now, csv));
    }
    let mut x = Xml::new();
    match (complete, calls) {
        (true, _) => x.text("State", "COMPLETE"),
        (false, 1) => x.text("State", "STARTED").text(
            "Description",
            "No report exists. Starting a new report generation task",
        ),
        (false, _) => x.text("State", "INPROGRESS"),
    };
    Ok(x)
}

/// `GetCredentialReport`: the snapshot, `ReportInProgress` (404) while generating, or
/// `ReportNotPresent` (410) when generation was never asked for.
pub(crate) fn get(scope: &Scope<'_>) -> Result<Xml, Error> {
    let (world, index) = (scope.world, scope.index);
    let state = world.lock();
    let report = &state.reports[index];
    match &report.snapshot {
        Some((generated, csv)) => {
            let mut x = Xml::new();
            x.text("Content", &aws_smithy_types::base64::encode(csv))
                .text("ReportFormat", "text/csv")
                .date("GeneratedTime", *generated);
            Ok(x)
        }
        None if report.calls > 0 => Err(Error::new(
            404,
            "ReportInProgress",
            "Report generation in progress. Try again later.",
        )),
        None => Err(Error::new(
            410,
            "ReportNotPresent",
            "Credential report not present. Call GenerateCredentialReport first.",
        )),
    }
}
