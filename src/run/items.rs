//! An account whose apply is several units in one session (one user, one detach, one
//! credential each), written once: the session opened, each planned step run through the apply
//! flow ([`unit`]) unless a signal came first, and the account's outcome folded from its items'.
//! The job supplies the unit of a step, its record of an item, and how a record ranks.

use super::apply::{summary, unit, worst, Unit, UnitResult};
use super::outcome::{Applied, Outcome};
use crate::call::Error;
use crate::cancel::Cancel;
use std::future::Future;

/// Runs every step of an account in the session `open` gives: `unit_of` makes a step a unit
/// (or, `Err`, gives the record of a step left untouched without one), `record` turns what became
/// of it — `None` when a signal came before it — into the job's record, and `fold` turns the
/// records into the account's outcome. A session that cannot be opened fails the account with
/// nothing done.
pub async fn each<'e, S, T, U, R>(
    open: impl Future<Output = Result<S, Error>>,
    steps: &'e [T],
    cancel: &Cancel,
    unit_of: impl Fn(&'e T) -> Result<U, R>,
    record: impl Fn(&'e T, Option<(U, UnitResult<U::Call>)>) -> R,
    fold: impl FnOnce(Vec<R>) -> Applied<T, Vec<R>>,
) -> Applied<T, Vec<R>>
where
    U: Unit<Session = S>,
{
    let session = match open.await {
        Ok(s) => s,
        Err(e) => return Applied::failed(Vec::new(), "open session", &e),
    };
    let mut records = Vec::with_capacity(steps.len());
    for step in steps {
        let item = if cancel.is_cancelled() {
            record(step, None)
        } else {
            match unit_of(step) {
                Ok(u) => {
                    let result = unit(&u, &session, cancel).await;
                    record(step, Some((u, result)))
                }
                Err(untouched) => untouched,
            }
        };
        records.push(item);
    }
    fold(records)
}

/// An account's outcome from its items' `records`: `done` the steps whose item was done, each
/// record ranked by `rank` for [`worst`] (`nothing` when none changed anything and none was left
/// undone), and every record's `error` (labelled by the job) joined into the account's.
pub fn fold<T, R>(
    done: Vec<T>,
    records: Vec<R>,
    rank: impl Fn(&R) -> Outcome,
    error: impl Fn(&R) -> Option<String>,
    nothing: Outcome,
) -> Applied<T, Vec<R>> {
    let outcomes: Vec<Outcome> = records.iter().map(rank).collect();
    let outcome = worst(&outcomes, !done.is_empty(), nothing);
    let error = records
        .iter()
        .filter_map(error)
        .collect::<Vec<_>>()
        .join("; ");
    summary(done, outcome, error, records)
}
