//! Shared helpers for the integration tests.

pub mod cli;
pub mod scenario;
pub mod sim;
