//! rootsweep: audit and remove AWS Organizations member accounts' root user credentials
//! through centralized root access (`sts:AssumeRoot`).

#[cfg(feature = "simulator")]
pub mod sim;

pub mod aws;
pub mod call;
pub mod cancel;
pub mod cli;
pub mod commands;
pub mod config;
pub mod controls;
pub mod exit;
pub mod findings;
pub mod guardrails;
#[cfg(test)]
mod invariants;
pub mod model;
pub mod paging;
pub mod preflight;
pub mod recover;
pub mod report;
pub mod root;
pub mod run;
pub mod targets;
pub mod unlock;
pub mod users;
