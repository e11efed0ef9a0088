//! End-to-end tests: the real `rootsweep` binary and the real AWS SDK against `rootsweep sim serve`.

mod audit;
mod awscli;
mod awscli_guardrails;
mod config;
mod delete;
mod demo;
mod enumeration;
mod environment;
mod faults;
mod filters;
mod pipeline;
mod policy;
mod preflight;
mod recover;
mod retries;
mod security;
mod signals;
mod sim_log;
mod sim_scenarios;
mod sim_users;
mod support;
mod unlock;
mod users;
mod users_delete;
mod users_in_use;
mod users_tidy;
