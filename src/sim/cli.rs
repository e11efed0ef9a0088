//! Command-line arguments of `rootsweep sim serve`.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Arguments of `rootsweep sim serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Scenario file (TOML) describing the organization to simulate.
    #[arg(long, value_name = "FILE")]
    pub scenario: PathBuf,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Write the base URL here (atomically) once the server accepts connections.
    #[arg(long, value_name = "PATH")]
    pub ready_file: Option<PathBuf>,
    /// Seed of every random decision (throttle and fault probabilities, session keys); wins
    /// over the scenario's `seed`. Without either, a random seed is picked and printed.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}
