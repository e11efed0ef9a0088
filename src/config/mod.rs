//! The resolved settings of one run ([`Config`]): the TOML config file (`--config`) merged with
//! the command line, which wins; every mistake names the file, the line and the key. `file`
//! reads the file as written, `resolve` merges it with the command line, `names` checks the
//! shape of region and role names.

pub mod file;
mod names;
mod resolve;

pub use file::{load, parse, Sections};
pub use names::check_region;
pub use resolve::resolve;

use crate::aws::Settings;
use std::path::PathBuf;

/// Default concurrency bound (accounts in flight at once).
pub const DEFAULT_CONCURRENCY: usize = 16;
/// The largest concurrency accepted: far above what AssumeRoot's rate allows to be useful.
pub const MAX_CONCURRENCY: usize = 1024;
/// Default report folder.
pub const DEFAULT_REPORT_DIR: &str = "reports";
/// Default attempts per AWS call (enough to ride out throttling).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 10;
/// Default per-attempt timeout of one AWS call, in seconds.
pub const DEFAULT_CALL_TIMEOUT_SECS: f64 = 30.0;

/// A configuration mistake.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file cannot be read.
    #[error("{}: cannot read the config file: {source}", path.display())]
    Read {
        /// The config file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Malformed TOML, an unknown key, a wrong type or an invalid value.
    #[error("{}:{line}: key `{key}`: {message}", path.display())]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// The key at fault.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// An invalid command-line value.
    #[error("{flag}: {message}")]
    Flag {
        /// The flag, e.g. `--concurrency`.
        flag: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// Command-line values that can also come from the file (`None` = not given).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--profile`
    pub profile: Option<String>,
    /// `--region`
    pub region: Option<String>,
    /// `--endpoint-url`
    pub endpoint_url: Option<String>,
    /// `--max-attempts`
    pub max_attempts: Option<u32>,
    /// `AWS_MAX_ATTEMPTS` from the environment (below the file, above the default).
    pub env_max_attempts: Option<u32>,
    /// `--call-timeout`
    pub call_timeout_secs: Option<f64>,
    /// `--max-rps`
    pub max_rps: Option<f64>,
    /// `--concurrency`
    pub concurrency: Option<usize>,
    /// `--report-dir`
    pub report_dir: Option<PathBuf>,
    /// `--accounts`
    pub accounts: Vec<String>,
    /// `--accounts-file`
    pub accounts_file: Option<PathBuf>,
    /// `--ou`
    pub ou: Vec<String>,
    /// `--exclude`
    pub exclude: Vec<String>,
    /// `users --role-name`
    pub role_name: Option<String>,
}

impl Overrides {
    /// Makes `accounts` the targets unless the command line named some (`--accounts`,
    /// `--accounts-file`, `--ou`): a file of users or credentials says where they are.
    pub fn target_unless_named(&mut self, accounts: impl IntoIterator<Item = String>) {
        let named =
            !self.accounts.is_empty() || self.accounts_file.is_some() || !self.ou.is_empty();
        if !named {
            self.accounts = accounts.into_iter().collect();
            self.accounts.sort();
            self.accounts.dedup();
        }
    }
}

/// The resolved settings of one run.
#[derive(Debug, Clone)]
pub struct Config {
    /// AWS access.
    pub aws: Settings,
    /// Accounts in flight at once.
    pub concurrency: usize,
    /// Report folder.
    pub report_dir: PathBuf,
    /// Account ids to target (from `--accounts` and `--accounts-file`); empty = all.
    pub accounts: Vec<String>,
    /// OU subtrees to target; empty = all.
    pub ous: Vec<String>,
    /// Account ids never targeted.
    pub exclude: Vec<String>,
    /// The role the `users` commands assume in member accounts.
    pub role_name: String,
}

impl Config {
    /// The part of the settings the pipeline uses.
    pub fn run_settings(&self) -> crate::run::Settings {
        crate::run::Settings {
            concurrency: self.concurrency,
            report_dir: self.report_dir.clone(),
            accounts: self.accounts.clone(),
            ous: self.ous.clone(),
            exclude: self.exclude.clone(),
            guard: None,
        }
    }
}

/// The tests' way in: `text` as the file `rootsweep.toml`, parsed and resolved without flags.
#[cfg(test)]
fn resolve_text(text: &str) -> Result<Config, Error> {
    let path = std::path::Path::new("rootsweep.toml");
    let file = parse(path, text)?;
    resolve(Some((path, text, file)), Overrides::default())
}

#[cfg(test)]
mod tests {
    use super::Overrides;

    fn listed() -> Vec<String> {
        ["333333333333", "222222222222", "333333333333"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn a_file_s_accounts_are_the_targets_once_each_when_none_were_named() {
        let mut o = Overrides::default();
        o.target_unless_named(listed());
        assert_eq!(o.accounts, ["222222222222", "333333333333"]);
    }

    #[test]
    fn accounts_an_account_file_or_an_ou_on_the_command_line_keep_their_targets() {
        let named = [
            Overrides {
                accounts: vec!["444444444444".into()],
                ..Overrides::default()
            },
            Overrides {
                accounts_file: Some("accounts.txt".into()),
                ..Overrides::default()
            },
            Overrides {
                ou: vec!["ou-ab12-cdef3456".into()],
                ..Overrides::default()
            },
        ];
        for mut o in named {
            let before = o.accounts.clone();
            o.target_unless_named(listed());
            assert_eq!(o.accounts, before, "{o:?}");
        }
    }
}
