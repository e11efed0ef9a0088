//! The config file as written: its sections (serde, unknown keys refused), parsed with every
//! mistake named by file, line and key.

use super::Error;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The config file as written, section by section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sections {
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

/// Parses config text; `path` is only used in messages.
pub fn parse(path: &Path, text: &str) -> Result<Sections, Error> {
    toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        invalid(path, text, span, e.message())
    })
}

/// Reads and parses a config file.
pub fn load(path: &Path) -> Result<Sections, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &text)
}

/// The mistake at `span` of the file's `text`: its line, and the key written on that line.
pub(super) fn invalid(
    path: &Path,
    text: &str,
    span: std::ops::Range<usize>,
    message: &str,
) -> Error {
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
    Error::Invalid {
        path: path.to_path_buf(),
        line,
        key,
        message: message.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::resolve_text;

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
    fn malformed_toml_is_reported_with_its_line() {
        let err = resolve_text("[aws]\nregion = \"eu-west-1\n").expect_err("malformed");
        assert!(err.to_string().starts_with("rootsweep.toml:2:"), "{err}");
    }
}
