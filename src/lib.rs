//! rootsweep: audit and remove AWS Organizations member accounts' root user credentials
//! through centralized root access (`sts:AssumeRoot`).

#[cfg(feature = "simulator")]
pub mod sim;

pub mod audit;
pub mod aws;
pub mod call;
pub mod cancel;
pub mod cli;
pub mod commands;
pub mod config;
pub mod delete;
pub mod enumerate;
pub mod exit;
pub mod model;
pub mod plan;
pub mod preflight;
pub mod progress;
pub mod report;
pub mod runner;
pub mod targets;
pub mod verdict;
