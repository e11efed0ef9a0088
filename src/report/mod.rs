//! Reports: CSV and JSON files written as accounts finish, and terminal tables.
//! Rendering is pure (rows from data, writers over `impl Write`); [`file`] owns the file system.

pub mod csv;
pub mod file;
pub mod json;
pub mod table;

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;

/// RFC 3339 UTC text of an AWS timestamp.
pub fn rfc3339(t: &DateTime) -> String {
    t.fmt(Format::DateTime).unwrap_or_default()
}

/// RFC 3339 UTC text of a system time.
pub fn rfc3339_system(t: std::time::SystemTime) -> String {
    rfc3339(&DateTime::from(t))
}
