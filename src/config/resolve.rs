//! The merge of the config file with the command line into one [`Config`], section by section:
//! the command line wins, then the file, then the defaults, and every value is checked (a file's
//! mistake names its line and key, a flag's names the flag).

use super::file::{AwsSection, RunSection, Sections, TargetsSection};
use super::names::{check_region, valid_role_name};
use super::{Config, Error, Overrides};
use super::{DEFAULT_CALL_TIMEOUT_SECS, DEFAULT_CONCURRENCY, DEFAULT_MAX_ATTEMPTS};
use super::{DEFAULT_REPORT_DIR, MAX_CONCURRENCY};
use crate::aws::Settings;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

/// Merges the file (if any) with the command line, which wins, and validates every value.
pub fn resolve(file: Option<(&Path, &str, Sections)>, cli: Overrides) -> Result<Config, Error> {
    let (source, file) = match file {
        Some((path, text, sections)) => (Source { path, text }, sections),
        None => (
            Source {
                path: Path::new(""),
                text: "",
            },
            Sections::default(),
        ),
    };
    // In this order: the first mistake is the one reported.
    let (concurrency, report_dir) = run(&source, &cli, file.run)?;
    let aws = aws(&source, &cli, file.aws)?;
    let targets = targets(&source, &cli, &file.targets)?;
    let role_name = role_name(&source, cli.role_name, file.users.role_name.as_ref())?;
    Ok(Config {
        aws,
        concurrency,
        report_dir,
        accounts: targets.accounts,
        ous: targets.ous,
        exclude: targets.exclude,
        role_name,
    })
}

/// The config file's path and text, for the mistakes that name its line and key (both empty
/// without a file).
struct Source<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Source<'_> {
    /// The mistake at `span` of the file.
    fn bad(&self, span: Range<usize>, message: &str) -> Error {
        super::file::invalid(self.path, self.text, span, message)
    }

    fn positive_int(&self, v: &Spanned<i64>, what: &str) -> Result<u64, Error> {
        if *v.get_ref() > 0 {
            Ok(*v.get_ref() as u64)
        } else {
            Err(self.bad(v.span(), &format!("{what} must be a positive integer")))
        }
    }

    fn positive_float(&self, v: &Spanned<f64>, what: &str) -> Result<f64, Error> {
        if *v.get_ref() > 0.0 && v.get_ref().is_finite() {
            Ok(*v.get_ref())
        } else {
            Err(self.bad(v.span(), &format!("{what} must be a positive number")))
        }
    }

    fn account_id(&self, id: &Spanned<String>) -> Result<String, Error> {
        crate::targets::parse_account_id("config", id.get_ref()).map_err(|_| {
            self.bad(
                id.span(),
                &format!("`{}` is not a 12-digit account id", id.get_ref()),
            )
        })
    }
}

/// `[run]`: the concurrency and the report folder.
fn run(source: &Source, cli: &Overrides, file: RunSection) -> Result<(usize, PathBuf), Error> {
    let concurrency = match (cli.concurrency, &file.concurrency) {
        (Some(n), _) if !(1..=MAX_CONCURRENCY).contains(&n) => {
            return Err(flag(
                "--concurrency",
                &format!("must be between 1 and {MAX_CONCURRENCY}"),
            ))
        }
        (Some(n), _) => n,
        (None, Some(v)) => match source.positive_int(v, "concurrency")? {
            n if n > MAX_CONCURRENCY as u64 => {
                return Err(source.bad(
                    v.span(),
                    &format!("concurrency must be at most {MAX_CONCURRENCY}"),
                ))
            }
            n => n as usize,
        },
        (None, None) => DEFAULT_CONCURRENCY,
    };
    let report_dir = cli
        .report_dir
        .clone()
        .or(file.report_dir)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_REPORT_DIR));
    Ok((concurrency, report_dir))
}

/// `[aws]`: how to reach AWS.
fn aws(source: &Source, cli: &Overrides, file: AwsSection) -> Result<Settings, Error> {
    if let Some(region) = &file.region {
        check_region(region.get_ref()).map_err(|message| source.bad(region.span(), &message))?;
    }
    if let Some(region) = &cli.region {
        check_region(region).map_err(|message| flag("--region", &message))?;
    }
    let max_attempts = match (cli.max_attempts, &file.max_attempts) {
        (Some(0), _) => return Err(flag("--max-attempts", "must be at least 1")),
        (Some(n), _) => n,
        (None, Some(v)) => source.positive_int(v, "max_attempts")?.min(u32::MAX as u64) as u32,
        (None, None) => cli
            .env_max_attempts
            .filter(|n| *n > 0)
            .unwrap_or(DEFAULT_MAX_ATTEMPTS),
    };
    let call_timeout = match (cli.call_timeout_secs, &file.call_timeout_secs) {
        (Some(s), _) if !(s > 0.0 && s.is_finite()) => {
            return Err(flag(
                "--call-timeout",
                "must be a positive number of seconds",
            ))
        }
        (Some(s), _) => s,
        (None, Some(v)) => source.positive_float(v, "call_timeout_secs")?,
        (None, None) => DEFAULT_CALL_TIMEOUT_SECS,
    };
    let max_rps = match (cli.max_rps, &file.max_rps) {
        (Some(r), _) if !(r > 0.0 && r.is_finite()) => {
            return Err(flag("--max-rps", "must be a positive number"))
        }
        (Some(r), _) => Some(r),
        (None, Some(v)) => Some(source.positive_float(v, "max_rps")?),
        (None, None) => None,
    };
    Ok(Settings {
        profile: cli.profile.clone().or(file.profile),
        region: cli.region.clone().or(file.region.map(Spanned::into_inner)),
        endpoint_url: cli.endpoint_url.clone().or(file.endpoint_url),
        max_attempts,
        call_timeout: Duration::from_secs_f64(call_timeout),
        max_rps,
        credentials: None,
    })
}

/// The resolved `[targets]`.
struct Targets {
    accounts: Vec<String>,
    ous: Vec<String>,
    exclude: Vec<String>,
}

/// `[targets]`: which accounts. Each list comes whole from the command line when given there,
/// else from the file.
fn targets(source: &Source, cli: &Overrides, file: &TargetsSection) -> Result<Targets, Error> {
    let accounts = accounts(source, cli, file)?;
    let exclude = if cli.exclude.is_empty() {
        file.exclude
            .iter()
            .map(|id| source.account_id(id))
            .collect::<Result<_, _>>()?
    } else {
        cli.exclude
            .iter()
            .map(|id| crate::targets::parse_account_id("--exclude", id).map_err(target_flag))
            .collect::<Result<_, _>>()?
    };
    let ous = ous(source, cli, file)?;
    Ok(Targets {
        accounts,
        ous,
        exclude,
    })
}

/// `--accounts` and `--accounts-file` together, else the file's `accounts` and `accounts_file`
/// (a relative `accounts_file` is beside the config file).
fn accounts(source: &Source, cli: &Overrides, file: &TargetsSection) -> Result<Vec<String>, Error> {
    let mut accounts = Vec::new();
    if !cli.accounts.is_empty() || cli.accounts_file.is_some() {
        for id in &cli.accounts {
            accounts.push(crate::targets::parse_account_id("--accounts", id).map_err(target_flag)?);
        }
        if let Some(file) = &cli.accounts_file {
            accounts.extend(crate::targets::read_accounts_file(file).map_err(target_flag)?);
        }
    } else {
        for id in &file.accounts {
            accounts.push(source.account_id(id)?);
        }
        if let Some(f) = &file.accounts_file {
            let f = source
                .path
                .parent()
                .map(|dir| dir.join(f))
                .unwrap_or_else(|| f.clone());
            accounts.extend(crate::targets::read_accounts_file(&f).map_err(target_flag)?);
        }
    }
    Ok(accounts)
}

/// `--ou`, else the file's `ou`.
fn ous(source: &Source, cli: &Overrides, file: &TargetsSection) -> Result<Vec<String>, Error> {
    if !cli.ou.is_empty() {
        for ou in &cli.ou {
            if !crate::targets::valid_ou_id(ou) {
                return Err(flag(
                    "--ou",
                    &format!("`{ou}` is not an OU id (ou-xxxx-xxxxxxxx)"),
                ));
            }
        }
        return Ok(cli.ou.clone());
    }
    let mut ous = Vec::new();
    for ou in &file.ou {
        if !crate::targets::valid_ou_id(ou.get_ref()) {
            return Err(source.bad(ou.span(), &format!("`{}` is not an OU id", ou.get_ref())));
        }
        ous.push(ou.get_ref().clone());
    }
    Ok(ous)
}

/// `[users]`: the role the `users` commands assume in member accounts.
fn role_name(
    source: &Source,
    cli: Option<String>,
    file: Option<&Spanned<String>>,
) -> Result<String, Error> {
    match (cli, file) {
        (Some(name), _) if !valid_role_name(&name) => Err(flag(
            "--role-name",
            &format!("`{name}` is not an IAM role name"),
        )),
        (Some(name), _) => Ok(name),
        (None, Some(name)) if !valid_role_name(name.get_ref()) => Err(source.bad(
            name.span(),
            &format!("`{}` is not an IAM role name", name.get_ref()),
        )),
        (None, Some(name)) => Ok(name.get_ref().clone()),
        (None, None) => Ok(crate::users::DEFAULT_ROLE_NAME.to_string()),
    }
}

fn flag(flag: &'static str, message: &str) -> Error {
    Error::Flag {
        flag,
        message: message.to_string(),
    }
}

fn target_flag(e: crate::targets::Error) -> Error {
    Error::Flag {
        flag: "targets",
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, resolve_text, DEFAULT_CONCURRENCY, DEFAULT_MAX_ATTEMPTS};
    use super::*;

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
    fn bad_account_id_in_the_file_names_its_line() {
        let err = resolve_text("[targets]\naccounts = [\"123\"]\n").expect_err("bad id");
        assert!(
            err.to_string()
                .starts_with("rootsweep.toml:2: key `accounts`"),
            "{err}"
        );
    }

    #[test]
    fn the_first_mistake_in_section_order_is_the_one_reported() {
        // `[run]` before `[aws]` before `[targets]` before `[users]`, whatever the file's order.
        let text = "[users]\nrole_name = \"has space\"\n[targets]\naccounts = [\"123\"]\n\
                    [aws]\nmax_attempts = 0\n[run]\nconcurrency = 0\n";
        let err = resolve_text(text).expect_err("several mistakes");
        assert!(
            err.to_string()
                .starts_with("rootsweep.toml:8: key `concurrency`"),
            "{err}"
        );
        let text = "[users]\nrole_name = \"has space\"\n[targets]\naccounts = [\"123\"]\n\
                    [aws]\nmax_attempts = 0\n";
        let err = resolve_text(text).expect_err("several mistakes");
        assert!(
            err.to_string()
                .starts_with("rootsweep.toml:6: key `max_attempts`"),
            "{err}"
        );
        let text = "[users]\nrole_name = \"has space\"\n[targets]\naccounts = [\"123\"]\n";
        let err = resolve_text(text).expect_err("several mistakes");
        assert!(
            err.to_string()
                .starts_with("rootsweep.toml:4: key `accounts`"),
            "{err}"
        );
    }
}
