//! Scenario files: loading, error reporting with file/line/key, and the built-in demo.
//!
//! Validation of individual values lives in `validate.rs`; this module owns the public type.

use super::model::{Account, Caller, Fault, Latency, Organization, Ou, Throttle};
use super::raw::RawScenario;
use std::ops::Range;
use std::path::Path;

/// The built-in demo scenario (also shipped as `tests/scenarios/demo.toml`).
const DEMO_TOML: &str = include_str!("../../tests/scenarios/demo.toml");

/// A scenario file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario file {file}: {source}")]
    Io {
        /// File name.
        file: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The file is malformed or describes an impossible organization.
    #[error("{file}:{line}: key `{key}`: {message}")]
    Invalid {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// Offending key.
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// A validated organization scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub(crate) source: String,
    pub(crate) org: Organization,
    pub(crate) callers: Vec<Caller>,
    pub(crate) ous: Vec<Ou>,
    pub(crate) accounts: Vec<Account>,
    pub(crate) latency: Latency,
    pub(crate) throttles: Vec<Throttle>,
    pub(crate) faults: Vec<Fault>,
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            file: file.clone(),
            source,
        })?;
        Self::from_toml_str(&text, &file)
    }

    /// Parses and validates scenario text; `source_name` names it in errors.
    pub fn from_toml_str(text: &str, source_name: &str) -> Result<Scenario, ScenarioError> {
        let src = Source {
            file: source_name,
            text,
        };
        let raw: RawScenario = toml::from_str(text).map_err(|e| src.parse_error(&e))?;
        super::validate::scenario(raw, &src)
    }

    /// The built-in sample organization.
    pub fn demo() -> Scenario {
        Self::from_toml_str(DEMO_TOML, "demo.toml").expect("the bundled demo scenario is valid")
    }

    /// Name of the file this scenario came from.
    pub fn source_name(&self) -> &str {
        &self.source
    }

    /// The management account id.
    pub fn management_account(&self) -> &str {
        &self.org.management_account
    }

    /// Ids of every account in the organization, in listing order.
    pub fn account_ids(&self) -> impl Iterator<Item = &str> {
        self.accounts.iter().map(|a| a.id.as_str())
    }

    /// Access key id and secret of the first caller in the management account.
    pub fn management_access_key(&self) -> (&str, &str) {
        self.callers
            .iter()
            .find(|c| c.account == self.org.management_account)
            .map(|c| (c.access_key_id.as_str(), c.secret_access_key.as_str()))
            .expect("validation guarantees a management caller")
    }
}

/// Where scenario text came from, for error messages.
pub(crate) struct Source<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

impl Source<'_> {
    /// 1-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    /// A validation error at `span`.
    pub(crate) fn error(
        &self,
        span: Range<usize>,
        key: &str,
        message: impl Into<String>,
    ) -> ScenarioError {
        ScenarioError::Invalid {
            file: self.file.to_string(),
            line: self.line_of(span.start),
            key: key.to_string(),
            message: message.into(),
        }
    }

    /// Converts a TOML deserialization error, recovering the key it is about.
    fn parse_error(&self, err: &toml::de::Error) -> ScenarioError {
        let span = err.span().unwrap_or(0..0);
        let message = err.message().trim().to_string();
        let names_key = ["unknown field", "missing field", "duplicate key"]
            .iter()
            .any(|m| message.contains(m));
        let key = names_key
            .then(|| backticked(&message))
            .flatten()
            .or_else(|| self.key_before(span.start))
            .or_else(|| self.ident_at(span.start))
            .unwrap_or_else(|| "?".to_string());
        ScenarioError::Invalid {
            file: self.file.to_string(),
            line: self.line_of(span.start),
            key,
            message,
        }
    }

    /// The key of `key = <value at offset>` on the same line.
    fn key_before(&self, offset: usize) -> Option<String> {
        let offset = offset.min(self.text.len());
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let prefix = self.text.get(line_start..offset)?.trim_end();
        let prefix = prefix.strip_suffix('=')?.trim_end();
        let key: String = prefix
            .chars()
            .rev()
            .take_while(|c| is_key_char(*c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        (!key.is_empty()).then(|| key.trim_matches('"').to_string())
    }

    /// The bare key starting at `offset`.
    fn ident_at(&self, offset: usize) -> Option<String> {
        let key: String = self
            .text
            .get(offset..)?
            .chars()
            .take_while(|c| is_key_char(*c))
            .collect();
        (!key.is_empty()).then_some(key)
    }
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '"')
}

/// The first `quoted` word of a serde message (`unknown field `x``).
fn backticked(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[organization]
id = "o-a1b2c3d4e5"
management_account = "111111111111"

[[callers]]
access_key_id = "AKIAMANAGEMENT000001"
secret_access_key = "s"
account = "111111111111"

[[accounts]]
id = "222222222222"
name = "a"
"#;

    fn invalid(text: &str) -> (usize, String, String) {
        match Scenario::from_toml_str(text, "t.toml") {
            Err(ScenarioError::Invalid {
                file,
                line,
                key,
                message,
            }) => {
                assert_eq!(file, "t.toml");
                (line, key, message)
            }
            other => panic!("expected an invalid-scenario error, got {other:?}"),
        }
    }

    #[test]
    fn minimal_scenario_adds_the_management_account_first() {
        let s = Scenario::from_toml_str(MINIMAL, "t.toml").expect("valid");
        let ids: Vec<_> = s.account_ids().collect();
        assert_eq!(ids, ["111111111111", "222222222222"]);
        assert_eq!(s.management_access_key().0, "AKIAMANAGEMENT000001");
        assert_eq!(s.org.root_id, "r-a1b2");
    }

    #[test]
    fn unknown_key_is_reported_with_its_line_and_name() {
        let text = format!("{MINIMAL}colour = \"red\"\n");
        let (line, key, _) = invalid(&text);
        assert_eq!((line, key.as_str()), (14, "colour"));
    }

    #[test]
    fn wrong_type_names_the_key_before_the_value() {
        let text = MINIMAL.replace("name = \"a\"", "name = 5");
        let (line, key, _) = invalid(&text);
        assert_eq!((line, key.as_str()), (13, "name"));
    }

    #[test]
    fn duplicate_account_id_is_rejected_at_the_second_occurrence() {
        let text = format!("{MINIMAL}\n[[accounts]]\nid = \"222222222222\"\n");
        let (line, key, message) = invalid(&text);
        assert_eq!((line, key.as_str()), (16, "id"));
        assert!(message.contains("duplicate"), "{message}");
    }

    #[test]
    fn bad_values_are_rejected() {
        let cases = [
            (MINIMAL.replace("\"222222222222\"", "\"2222\""), "id"),
            (format!("{MINIMAL}state = \"GONE\"\n"), "state"),
            (
                format!("{MINIMAL}[accounts.root]\nmfa = [{{ kind = \"sms\" }}]\n"),
                "kind",
            ),
            (
                format!("{MINIMAL}[[faults]]\naction = \"error\"\nprobability = 1.5\n"),
                "probability",
            ),
        ];
        for (text, expected) in cases {
            let (_, key, _) = invalid(&text);
            assert_eq!(key, expected, "{text}");
        }
    }

    #[test]
    fn demo_scenario_is_valid() {
        let demo = Scenario::demo();
        assert!(demo.accounts.len() >= 12);
        assert_eq!(demo.ous.len(), 2);
    }
}
