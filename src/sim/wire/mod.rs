//! The wire: HTTP serving, the protocols AWS speaks (awsQuery, awsJson1.1, REST-XML, awsJson1.0),
//! identification, call shaping and the call log; operations run through the services' tables.

pub(crate) mod auth;
pub(crate) mod calls;
pub(crate) mod dispatch;
#[cfg(test)]
mod dispatch_tests;
pub(crate) mod faults;
pub(crate) mod introspect;
pub(crate) mod parse;
pub(crate) mod protocol;
pub(crate) mod query;
pub(crate) mod server;
