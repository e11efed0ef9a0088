//! Reports: CSV and JSON files written as accounts finish, and terminal tables.
//! Rendering is pure (rows from data, writers over `impl Write`); [`file`] owns the file system.

pub mod csv;
pub mod file;
pub mod journal;
pub mod json;
pub mod table;

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;

/// RFC 3339 UTC text of an AWS timestamp.
pub fn rfc3339(t: &DateTime) -> String {
    t.fmt(Format::DateTime).unwrap_or_default()
}

/// An RFC 3339 time, with an offset (`2024-01-02T03:04:05+00:00`) or `Z`, to the second: the
/// credential report's times, and those [`rfc3339`] writes.
pub fn parse_time(text: &str) -> Option<DateTime> {
    let t =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    Some(DateTime::from_secs(t.unix_timestamp()))
}

/// RFC 3339 UTC text of a system time.
pub fn rfc3339_system(t: std::time::SystemTime) -> String {
    rfc3339(&DateTime::from(t))
}
