//! The local AWS organization simulator (Organizations, STS and IAM wire protocols on loopback).
//!
//! `Server::start` serves a [`Scenario`]; [`serve`] is the `rootsweep sim serve` command.

mod api;
mod assume_role;
mod auth;
mod calls;
mod cli;
mod consistency;
mod details;
mod dice;
mod directory;
mod dispatch;
#[cfg(test)]
mod dispatch_tests;
mod fault_effects;
mod faults;
mod generate;
mod generate_users;
mod iam;
mod iam_list;
mod introspect;
mod md5;
mod model;
mod organizations;
mod page;
mod protocol;
mod query;
mod raw;
mod raw_users;
mod report;
mod request;
mod s3;
mod scenario;
mod server;
mod source;
mod sqs;
mod ssh_key;
mod state;
mod sts;
#[cfg(test)]
mod test_world;
mod unlock_wire;
mod user_credentials;
mod user_delete;
mod users;
#[cfg(test)]
mod users_tests;
mod validate;
mod validate_credentials;
mod validate_resources;
mod validate_root;
mod validate_shaping;
mod validate_tags;
mod validate_users;
mod validate_values;

pub use cli::ServeArgs;
pub use scenario::Scenario;
pub use server::{RunningServer, Server};
pub use source::ScenarioError;

use std::path::Path;

/// Why the simulator could not run.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The scenario is unusable.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Requested address.
        addr: std::net::SocketAddr,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The ready file could not be written.
    #[error("cannot write ready file {path}: {source}")]
    ReadyFile {
        /// Ready file path.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
}

/// Access key id and secret of the management account's caller.
pub fn management_credentials(scenario: &Scenario) -> (&str, &str) {
    scenario.management_access_key()
}

/// `rootsweep sim serve`: load, listen, announce the seed (stderr) and the URL (stdout), serve
/// until SIGINT/SIGTERM.
pub async fn serve(args: &ServeArgs) -> Result<(), SimError> {
    let mut scenario = Scenario::load(&args.scenario)?;
    if let Some(seed) = args.seed {
        scenario = scenario.with_seed(seed);
    }
    let server = Server::start(scenario, args.listen)
        .await
        .map_err(|source| SimError::Bind {
            addr: args.listen,
            source,
        })?;
    eprintln!("seed={}", server.seed());
    let url = server.url();
    if let Some(path) = &args.ready_file {
        write_atomically(path, &format!("{url}\n")).map_err(|source| SimError::ReadyFile {
            path: path.display().to_string(),
            source,
        })?;
    }
    println!("listening on {url}");
    server.wait().await;
    Ok(())
}

/// Writes a sibling temporary file, then renames it over `path`.
fn write_atomically(path: &Path, content: &str) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, content)?;
    std::fs::rename(&tmp, path)
}
