//! The local AWS organization simulator (STS, IAM, Organizations, S3 and SQS wire protocols on
//! loopback). `Server::start` serves a [`Scenario`]; [`serve`] is the `rootsweep sim serve`
//! command.
//!
//! Layers, imports pointing down only: `scenario` (the file, validated) produces `world` data
//! (the organization and what calls change); `services` (one operation table each) act on the
//! world; `wire` speaks the protocols and runs each call through the services' tables.

mod cli;
pub mod scenario;
mod services;
#[cfg(test)]
mod test_world;
mod wire;
mod world;

pub use cli::ServeArgs;
pub use scenario::Scenario;
pub use wire::server::{Running, Server};

use std::path::Path;

/// Why the simulator could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario is unusable.
    #[error(transparent)]
    Scenario(#[from] scenario::Error),
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
pub async fn serve(args: &ServeArgs) -> Result<(), Error> {
    let mut scenario = Scenario::load(&args.scenario)?;
    if let Some(seed) = args.seed {
        scenario = scenario.with_seed(seed);
    }
    let server = Server::start(scenario, args.listen)
        .await
        .map_err(|source| Error::Bind {
            addr: args.listen,
            source,
        })?;
    eprintln!("seed={}", server.seed());
    let url = server.url();
    if let Some(path) = &args.ready_file {
        write_atomically(path, &format!("{url}\n")).map_err(|source| Error::ReadyFile {
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
