//! The TOML config file (`--config`) and its merge with the command line into one [`Config`].
//! The command line wins; every mistake names the file, the line and the key.

use crate::aws::Settings;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

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
pub enum ConfigError {
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

/// The config file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `[aws]`
    #[serde(default)]
    pub aws: AwsSection,
    /// `[run]`
    #[serde(default)]
    pub run: RunSection,
    /// `[targets]`
    #[serde(default)]
    pub targets: TargetsSection,
    /// `[users]`
    #[serde(default)]
    pub users: UsersSection,
}

/// `[aws]`: how to reach AWS.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsSection {
    /// Named profile.
    pub profile: Option<String>,
    /// Region.
    pub region: Option<Spanned<String>>,
    /// One endpoint URL for all services.
    pub endpoint_url: Option<String>,
    /// Attempts per call.
    pub max_attempts: Option<Spanned<i64>>,
    /// Per-attempt timeout, seconds.
    pub call_timeout_secs: Option<Spanned<f64>>,
    /// Client-side request rate limit.
    pub max_rps: Option<Spanned<f64>>,
}

/// `[run]`: how the run behaves.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSection {
    /// Accounts in flight at once.
    pub concurrency: Option<Spanned<i64>>,
    /// Report folder.
    pub report_dir: Option<PathBuf>,
}

/// `[targets]`: which accounts.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsSection {
    /// Only these account ids.
    #[serde(default)]
    pub accounts: Vec<Spanned<String>>,
    /// A file of account ids.
    pub accounts_file: Option<PathBuf>,
    /// Only these OU subtrees.
    #[serde(default)]
    pub ou: Vec<Spanned<String>>,
    /// Never these account ids.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
}

/// `[users]`: how the `users` commands reach member accounts.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsersSection {
    /// The role assumed in member accounts.
    pub role_name: Option<Spanned<String>>,
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
        }
    }
}

/// Parses config text; `path` is only used in messages.
pub fn parse(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        invalid(path, text, span, e.message())
    })
}

/// Reads and parses a config file.
pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &text)
}

fn invalid(path: &Path, text: &str, span: std::ops::Range<usize>, message: &str) -> ConfigError {
    let start = span.start.min(text.len());
    let line = text[..start].matches('\n').count() + 1;
    let line_text = text.lines().nth(line - 1).unwrap_or("");
    let key = line_text
        .split('=')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches(|c| c == '[' || c == ']')
        .to_string();
    ConfigError::Invalid {
        path: path.to_path_buf(),
        line,
        key,
        message: message.trim().to_string(),
    }
}

/// Merges the file (if any) with the command line, which wins, and validates every value.
pub fn resolve(
    file: Option<(&Path, &str, FileConfig)>,
    cli: Overrides,
) -> Result<Config, ConfigError> {
    let (path, text, file) = match file {
        Some((p, t, f)) => (p.to_path_buf(), t.to_string(), f),
        None => (PathBuf::new(), String::new(), FileConfig::default()),
    };
    let bad = |span: std::ops::Range<usize>, message: &str| invalid(&path, &text, span, message);
    let positive_int = |v: &Spanned<i64>, what: &str| -> Result<u64, ConfigError> {
        if *v.get_ref() > 0 {
            Ok(*v.get_ref() as u64)
        } else {
            Err(bad(v.span(), &format!("{what} must be a positive integer")))
        }
    };
    let positive_float = |v: &Spanned<f64>, what: &str| -> Result<f64, ConfigError> {
        if *v.get_ref() > 0.0 && v.get_ref().is_finite() {
            Ok(*v.get_ref())
        } else {
            Err(bad(v.span(), &format!("{what} must be a positive number")))
        }
    };

    let concurrency = match (cli.concurrency, &file.run.concurrency) {
        (Some(n), _) if !(1..=MAX_CONCURRENCY).contains(&n) => {
            return Err(flag(
                "--concurrency",
                &format!("must be between 1 and {MAX_CONCURRENCY}"),
            ))
        }
        (Some(n), _) => n,
        (None, Some(v)) => match positive_int(v, "concurrency")? {
            n if n > MAX_CONCURRENCY as u64 => {
                return Err(bad(
                    v.span(),
                    &format!("concurrency must be at most {MAX_CONCURRENCY}"),
                ))
            }
            n => n as usize,
        },
        (None, None) => DEFAULT_CONCURRENCY,
    };
    if let Some(region) = &file.aws.region {
        check_region(region.get_ref()).map_err(|message| bad(region.span(), &message))?;
    }
    if let Some(region) = &cli.region {
        check_region(region).map_err(|message| flag("--region", &message))?;
    }
    let max_attempts = match (cli.max_attempts, &file.aws.max_attempts) {
        (Some(0), _) => return Err(flag("--max-attempts", "must be at least 1")),
        (Some(n), _) => n,
        (None, Some(v)) => positive_int(v, "max_attempts")?.min(u32::MAX as u64) as u32,
        (None, None) => cli
            .env_max_attempts
            .filter(|n| *n > 0)
            .unwrap_or(DEFAULT_MAX_ATTEMPTS),
    };
    let call_timeout = match (cli.call_timeout_secs, &file.aws.call_timeout_secs) {
        (Some(s), _) if !(s > 0.0 && s.is_finite()) => {
            return Err(flag(
                "--call-timeout",
                "must be a positive number of seconds",
            ))
        }
        (Some(s), _) => s,
        (None, Some(v)) => positive_float(v, "call_timeout_secs")?,
        (None, None) => DEFAULT_CALL_TIMEOUT_SECS,
    };
    let max_rps = match (cli.max_rps, &file.aws.max_rps) {
        (Some(r), _) if !(r > 0.0 && r.is_finite()) => {
            return Err(flag("--max-rps", "must be a positive number"))
        }
        (Some(r), _) => Some(r),
        (None, Some(v)) => Some(positive_float(v, "max_rps")?),
        (None, None) => None,
    };

    let mut accounts = Vec::new();
    if !cli.accounts.is_empty() || cli.accounts_file.is_some() {
        for id in &cli.accounts {
            accounts.push(crate::targets::parse_account_id("--accounts", id).map_err(target_flag)?);
        }
        if let Some(file) = &cli.accounts_file {
            accounts.extend(crate::targets::read_accounts_file(file).map_err(target_flag)?);
        }
    } else {
        for id in &file.targets.accounts {
            accounts.push(checked_id(id, &bad)?);
        }
        if let Some(f) = &file.targets.accounts_file {
            let f = path
                .parent()
                .map(|dir| dir.join(f))
                .unwrap_or_else(|| f.clone());
            accounts.extend(crate::targets::read_accounts_file(&f).map_err(target_flag)?);
        }
    }
    let exclude = if cli.exclude.is_empty() {
        file.targets
            .exclude
            .iter()
            .map(|id| checked_id(id, &bad))
            .collect::<Result<_, _>>()?
    } else {
        cli.exclude
            .iter()
            .map(|id| crate::targets::parse_account_id("--exclude", id).map_err(target_flag))
            .collect::<Result<_, _>>()?
    };
    let ous = if cli.ou.is_empty() {
        let mut ous = Vec::new();
        for ou in &file.targets.ou {
            if !crate::targets::valid_ou_id(ou.get_ref()) {
                return Err(bad(
                    ou.span(),
                    &format!("`{}` is not an OU id", ou.get_ref()),
                ));
            }
            ous.push(ou.get_ref().clone());
        }
        ous
    } else {
        for ou in &cli.ou {
            if !crate::targets::valid_ou_id(ou) {
                return Err(flag(
                    "--ou",
                    &format!("`{ou}` is not an OU id (ou-xxxx-xxxxxxxx)"),
                ));
            }
        }
        cli.ou
    };

    let role_name = match (cli.role_name, &file.users.role_name) {
        (Some(name), _) if !valid_role_name(&name) => {
            return Err(flag(
                "--role-name",
                &format!("`{name}` is not an IAM role name"),
            ))
        }
        (Some(name), _) => name,
        (None, Some(name)) if !valid_role_name(name.get_ref()) => {
            return Err(bad(
                name.span(),
                &format!("`{}` is not an IAM role name", name.get_ref()),
            ))
        }
        (None, Some(name)) => name.get_ref().clone(),
        (None, None) => crate::users::DEFAULT_ROLE_NAME.to_string(),
    };

    Ok(Config {
        aws: Settings {
            profile: cli.profile.or(file.aws.profile),
            region: cli.region.or(file.aws.region.map(Spanned::into_inner)),
            endpoint_url: cli.endpoint_url.or(file.aws.endpoint_url),
            max_attempts,
            call_timeout: Duration::from_secs_f64(call_timeout),
            max_rps,
            credentials: None,
        },
        concurrency,
        report_dir: cli
            .report_dir
            .or(file.run.report_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_REPORT_DIR)),
        accounts,
        ous,
        exclude,
        role_name,
    })
}

/// An IAM role name (1–64 of letters, digits and `+=,.@_-`), optionally after a path
/// (`path/to/Name`).
fn valid_role_name(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or("");
    (1..=64).contains(&base.len())
        && name.len() <= 512
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
}

/// The first part of every AWS region name, by partition: `aws` (us, eu, ap, sa, ca, me, af, il,
/// mx), `aws-cn` (cn), `aws-us-gov` (us-gov), the ISO partitions (us-iso, us-isob, us-isof,
/// eu-isoe) and the European Sovereign Cloud (eusc).
const REGION_PREFIXES: [&str; 11] = [
    "us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn", "eusc",
];

/// Whether `region` has the shape of an AWS region name (`us-east-1`, `us-gov-west-1`,
/// `cn-north-1`): lower-case words joined by `-`, a known partition's first word, a number last.
/// Nothing is looked up: a well-formed region that does not exist fails at the first call.
pub fn check_region(region: &str) -> Result<(), String> {
    let parts: Vec<&str> = region.split('-').collect();
    let shaped = parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty();
    if shaped && REGION_PREFIXES.contains(&parts[0]) {
        Ok(())
    } else {
        Err(format!(
            "`{region}` is not an AWS region name (like us-east-1, eu-west-2, us-gov-west-1, cn-north-1)"
        ))
    }
}

fn checked_id(
    id: &Spanned<String>,
    bad: &dyn Fn(std::ops::Range<usize>, &str) -> ConfigError,
) -> Result<String, ConfigError> {
    crate::targets::parse_account_id("config", id.get_ref()).map_err(|_| {
        bad(
            id.span(),
            &format!("`{}` is not a 12-digit account id", id.get_ref()),
        )
    })
}

fn flag(flag: &'static str, message: &str) -> ConfigError {
    ConfigError::Flag {
        flag,
        message: message.to_string(),
    }
}

fn target_flag(e: crate::targets::TargetError) -> ConfigError {
    ConfigError::Flag {
        flag: "targets",
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_text(text: &str) -> Result<Config, ConfigError> {
        let path = Path::new("rootsweep.toml");
        let file = parse(path, text)?;
        resolve(Some((path, text, file)), Overrides::default())
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let err = resolve_text("[run]\nconcurrency = 4\nconcurency = 5\n").expect_err("unknown");
        let text = err.to_string();
        assert!(
            text.starts_with("rootsweep.toml:3: key `concurency`"),
            "{text}"
        );
    }

    #[test]
    fn wrong_type_names_file_line_and_key() {
        let err = resolve_text("[run]\n\nconcurrency = \"many\"\n").expect_err("type");
        assert!(
            err.to_string()
                .starts_with("rootsweep.toml:3: key `concurrency`"),
            "{err}"
        );
    }

    #[test]
    fn zero_or_negative_concurrency_is_rejected_with_its_line() {
        for value in ["0", "-3"] {
            let err = resolve_text(&format!("[run]\nconcurrency = {value}\n")).expect_err(value);
            assert!(
                err.to_string()
                    .starts_with("rootsweep.toml:2: key `concurrency`"),
                "{err}"
            );
        }
    }

    #[test]
    fn malformed_toml_is_reported_with_its_line() {
        let err = resolve_text("[aws]\nregion = \"eu-west-1\n").expect_err("malformed");
        assert!(err.to_string().starts_with("rootsweep.toml:2:"), "{err}");
    }

    #[test]
    fn command_line_wins_over_the_file() {
        let path = Path::new("c.toml");
        let text = "[aws]\nregion = \"eu-west-1\"\n[run]\nconcurrency = 4\n";
        let file = parse(path, text).expect("parses");
        let cli = Overrides {
            concurrency: Some(8),
            ..Overrides::default()
        };
        let config = resolve(Some((path, text, file)), cli).expect("valid");
        assert_eq!(config.concurrency, 8);
        assert_eq!(config.aws.region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn defaults_apply_without_a_file() {
        let config = resolve(None, Overrides::default()).expect("defaults");
        assert_eq!(config.concurrency, DEFAULT_CONCURRENCY);
        assert_eq!(config.report_dir, PathBuf::from("reports"));
        assert_eq!(config.aws.max_attempts, DEFAULT_MAX_ATTEMPTS);
    }

    #[test]
    fn the_users_role_comes_from_the_flag_then_the_file_then_the_default() {
        assert_eq!(
            resolve(None, Overrides::default())
                .expect("defaults")
                .role_name,
            "OrganizationAccountAccessRole"
        );
        let text = "[users]\nrole_name = \"audit/RootsweepRead\"\n";
        assert_eq!(
            resolve_text(text).expect("valid").role_name,
            "audit/RootsweepRead"
        );
        let path = Path::new("c.toml");
        let cli = Overrides {
            role_name: Some("Other".into()),
            ..Overrides::default()
        };
        let file = parse(path, text).expect("parses");
        let config = resolve(Some((path, text, file)), cli).expect("valid");
        assert_eq!(config.role_name, "Other");
    }

    #[test]
    fn a_malformed_role_name_in_the_file_names_its_line() {
        let err = resolve_text("[users]\n\nrole_name = \"has space\"\n").expect_err("bad name");
        assert!(
            err.to_string()
                .starts_with("rootsweep.toml:3: key `role_name`"),
            "{err}"
        );
    }

    #[test]
    fn region_names_are_checked_for_shape_and_partition_without_a_lookup() {
        for good in [
            "us-east-1",
            "eu-central-2",
            "ap-southeast-5",
            "us-gov-west-1",
            "cn-northwest-1",
            "us-isob-east-1",
            "il-central-1",
            "eusc-de-east-1",
        ] {
            assert_eq!(check_region(good), Ok(()), "{good}");
        }
        for bad in [
            "xx-nowhere-9",
            "us-east",
            "US-EAST-1",
            "us-east-1a",
            "useast1",
            "",
            "us--1",
            "us-east-x",
        ] {
            let err = check_region(bad).expect_err(bad);
            assert!(err.contains("is not an AWS region name"), "{err}");
        }
        let err = resolve_text("[aws]\nregion = \"xx-nowhere-9\"\n").expect_err("bad region");
        assert!(
            err.to_string()
                .starts_with("rootsweep.toml:2: key `region`"),
            "{err}"
        );
    }

    #[test]
    fn bad_account_id_in_the_file_names_its_line() {
        let err = resolve_text("[targets]\naccounts = [\"123\"]\n").expect_err("bad id");
        assert!(
            err.to_string()
                .starts_with("rootsweep.toml:2: key `accounts`"),
            "{err}"
        );
    }
}
