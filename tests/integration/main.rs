//! End-to-end tests: the real `rootsweep` binary and the real AWS SDK against `rootsweep sim serve`.

mod awscli;
mod sim_scenarios;
mod support;
