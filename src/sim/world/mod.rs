//! The simulated organization as data: what the scenario describes and what calls change.
//! Imports nothing above it (no scenario, wire or services).

pub(crate) mod consistency;
pub(crate) mod credentials;
pub(crate) mod dice;
pub(crate) mod directory;
pub(crate) mod effects;
pub(crate) mod guardrails;
pub(crate) mod md5;
pub(crate) mod model;
pub(crate) mod moves;
pub(crate) mod report;
pub(crate) mod ssh_key;
pub(crate) mod state;
pub(crate) mod user;
