//! Where scenario text came from and how its errors are reported (file, line, key).
//!
//! A leaf module: it knows TOML spans and text, nothing about the organization model.

use std::ops::Range;

/// A scenario file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
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
    pub(crate) fn error(&self, span: Range<usize>, key: &str, message: impl Into<String>) -> Error {
        Error::Invalid {
            file: self.file.to_string(),
            line: self.line_of(span.start),
            key: key.to_string(),
            message: message.into(),
        }
    }

    /// Converts a TOML deserialization error, recovering the key it is about.
    pub(crate) fn parse_error(&self, err: &toml::de::Error) -> Error {
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
        Error::Invalid {
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
