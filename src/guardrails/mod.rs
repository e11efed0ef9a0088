//! Guardrails: whether the SCPs and RCPs in force on a member account's path let a request by
//! its root user through, for a root session (`sts:AssumeRoot`) or long-term root credentials.
//!
//! Pure policy evaluation, no I/O: `document` parses a policy, `request` says what rootsweep
//! knows of a request's context keys, `condition` evaluates condition operators as the IAM User
//! Guide documents them, `pattern` does the wildcards and policy variables, and `evaluate`
//! applies the Organizations rules over the path (root, each OU top-down, the account). What
//! rootsweep cannot know (a source IP, MFA, the time, tags) makes the answer `Depends` on that
//! key rather than a guess.

pub mod api;
pub mod condition;
pub mod denial;
pub mod document;
pub mod evaluate;
pub mod fix;
pub mod job;
pub mod pattern;
pub mod recommend;
pub mod request;
pub mod rows;
pub mod tasks;

#[cfg(test)]
mod tests;

pub use condition::Truth;
pub use document::{Condition, Document, Effect, Error, Principal, Scope, Statement, Version};
pub use evaluate::{evaluate, evaluate_rcps, evaluate_scps, Decision, Level, Policy, Source};
pub use pattern::Pattern;
pub use request::{Context, Credentials, Lookup, Request};
