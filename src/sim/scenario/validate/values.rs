//! Value checks shared by the scenario validators: account ids, probabilities, `Active` /
//! `Inactive` statuses and RFC 3339 timestamps, each rejected with its file, line and key.

use crate::sim::scenario::source::{Error, Source};
use crate::sim::world::model::DEFAULT_DATE;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use toml::Spanned;

type Result<T> = std::result::Result<T, Error>;

/// A 12-digit account id.
pub(crate) fn account_id(s: &Spanned<String>, key: &str, src: &Source<'_>) -> Result<String> {
    let v = s.get_ref();
    if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(v.clone())
    } else {
        Err(src.error(
            s.span(),
            key,
            format!("invalid account id {v:?} (12 digits)"),
        ))
    }
}

/// A probability between 0 and 1.
pub(crate) fn probability(p: Option<&Spanned<f64>>, src: &Source<'_>) -> Result<Option<f64>> {
    match p {
        Some(p) if !(0.0..=1.0).contains(p.get_ref()) => {
            Err(src.error(p.span(), "probability", "must be between 0 and 1"))
        }
        Some(p) => Ok(Some(*p.get_ref())),
        None => Ok(None),
    }
}

/// `Active` (the default) or `Inactive`.
pub(crate) fn status(s: Option<&Spanned<String>>, src: &Source<'_>) -> Result<bool> {
    match s.map(|s| (s.get_ref().as_str(), s.span())) {
        None | Some(("Active", _)) => Ok(true),
        Some(("Inactive", _)) => Ok(false),
        Some((other, span)) => Err(src.error(
            span,
            "status",
            format!("unknown status {other:?} (Active, Inactive)"),
        )),
    }
}

/// An RFC 3339 timestamp; absent = 2020-01-01.
pub(crate) fn date(
    s: Option<&Spanned<String>>,
    key: &str,
    src: &Source<'_>,
) -> Result<OffsetDateTime> {
    match s {
        None => Ok(DEFAULT_DATE),
        Some(s) => OffsetDateTime::parse(s.get_ref(), &Rfc3339).map_err(|e| {
            src.error(
                s.span(),
                key,
                format!("invalid timestamp {:?}: {e}", s.get_ref()),
            )
        }),
    }
}
