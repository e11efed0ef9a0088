//! Wildcard patterns of IAM policy strings (`*`, `?`), the policy-variable expansion that builds
//! them, and their matching: whole strings, ARNs segment by segment, and `Resource` elements.
//! Knows nothing of statements or condition operators.

use super::request::{Context, Lookup};

/// One element of a pattern. A wildcard that does not `cross` never matches a `:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    Star { cross: bool },
    One { cross: bool },
}

/// A policy string turned into literal characters and wildcards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    tokens: Vec<Token>,
}

/// Colons that separate an ARN's six segments: `arn:partition:service:region:account:resource`.
const ARN_COLONS: usize = 5;

impl Pattern {
    /// `*` matches any run of characters and `?` any one character, colons included.
    pub fn glob(text: &str) -> Pattern {
        let mut tokens = Vec::new();
        push_text(&mut tokens, text, true);
        Pattern { tokens }
    }

    /// Every character stands for itself (the `Equals` operators).
    pub fn literal(text: &str) -> Pattern {
        let mut tokens = Vec::new();
        push_text(&mut tokens, text, false);
        Pattern { tokens }
    }

    /// Expands the policy variables of `text` (`${aws:PrincipalAccount}`, `${key, 'default'}`,
    /// and `${*}`, `${?}`, `${$}` for the literal characters) from the request context. What a
    /// variable expands to is literal text; `wildcards` says whether the policy's own `*` and
    /// `?` are wildcards. A variable whose value is not known fails with the key it names.
    pub fn expand(text: &str, context: &Context, wildcards: bool) -> Result<Pattern, String> {
        let mut tokens = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            push_text(&mut tokens, &rest[..start], wildcards);
            let inner = &rest[start + 2..];
            let Some(end) = inner.find('}') else {
                push_text(&mut tokens, &rest[start..], wildcards);
                return Ok(Pattern { tokens });
            };
            let value = match &inner[..end] {
                special @ ("*" | "?" | "$") => special.to_string(),
                variable => resolve(variable, context)?,
            };
            push_text(&mut tokens, &value, false);
            rest = &inner[end + 1..];
        }
        push_text(&mut tokens, rest, wildcards);
        Ok(Pattern { tokens })
    }

    /// The pattern as an ARN condition value: each of the six segments is matched on its own,
    /// so wildcards of the first five never reach past a colon. `None` when the pattern does not
    /// have the six segments.
    pub fn into_arn(self) -> Option<Pattern> {
        if self.colons() < ARN_COLONS {
            return None;
        }
        Some(self.reflag(|_, in_resource| in_resource))
    }

    /// The pattern as a `Resource` element: wildcards stay within an ARN segment, except that a
    /// `*` ending a segment may expand past its colons (and the resource segment holds colons).
    pub fn into_resource(self) -> Pattern {
        let ends_segment: Vec<bool> = (0..self.tokens.len())
            .map(|i| matches!(self.tokens.get(i + 1), None | Some(Token::Char(':'))))
            .collect();
        self.reflag(|i, in_resource| in_resource || ends_segment[i])
    }

    /// Whether `value` matches; `fold_case` compares letters regardless of case.
    pub fn matches(&self, value: &str, fold_case: bool) -> bool {
        let value: Vec<char> = value.chars().collect();
        // reach[j]: the tokens seen so far match the first j characters of the value.
        let mut reach = vec![false; value.len() + 1];
        reach[0] = true;
        for token in &self.tokens {
            let mut next = vec![false; value.len() + 1];
            for j in 0..=value.len() {
                next[j] = match *token {
                    Token::Star { cross } => {
                        reach[j] || (j > 0 && next[j - 1] && may_take(value[j - 1], cross))
                    }
                    Token::One { cross } => j > 0 && reach[j - 1] && may_take(value[j - 1], cross),
                    Token::Char(c) => j > 0 && reach[j - 1] && same(c, value[j - 1], fold_case),
                };
            }
            reach = next;
        }
        reach[value.len()]
    }

    fn colons(&self) -> usize {
        self.tokens
            .iter()
            .filter(|t| **t == Token::Char(':'))
            .count()
    }

    /// Rewrites which wildcards cross colons: `cross(index, in_resource_segment)` for a `*`;
    /// a `?` crosses only inside the resource segment.
    fn reflag(self, cross: impl Fn(usize, bool) -> bool) -> Pattern {
        let mut colons = 0;
        let tokens = self
            .tokens
            .iter()
            .enumerate()
            .map(|(i, token)| {
                let in_resource = colons >= ARN_COLONS;
                match *token {
                    Token::Char(c) => {
                        colons += usize::from(c == ':');
                        Token::Char(c)
                    }
                    Token::Star { .. } => Token::Star {
                        cross: cross(i, in_resource),
                    },
                    Token::One { .. } => Token::One { cross: in_resource },
                }
            })
            .collect();
        Pattern { tokens }
    }
}

fn may_take(c: char, cross: bool) -> bool {
    cross || c != ':'
}

fn same(a: char, b: char, fold_case: bool) -> bool {
    a == b || (fold_case && a.to_lowercase().eq(b.to_lowercase()))
}

fn push_text(tokens: &mut Vec<Token>, text: &str, wildcards: bool) {
    tokens.extend(text.chars().map(|c| match c {
        '*' if wildcards => Token::Star { cross: true },
        '?' if wildcards => Token::One { cross: true },
        c => Token::Char(c),
    }));
}

/// The value of `${key}` or `${key, 'default'}`. A key of several values cannot be a variable.
fn resolve(variable: &str, context: &Context) -> Result<String, String> {
    let (key, default) = match variable.split_once(',') {
        Some((key, default)) => {
            let quoted = default.trim();
            let unquoted = quoted
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
                .ok_or_else(|| key.trim().to_string())?;
            (key.trim(), Some(unquoted))
        }
        None => (variable.trim(), None),
    };
    match (context.lookup(key), default) {
        (Lookup::Present([value]), _) => Ok(value.clone()),
        (Lookup::Absent | Lookup::Present([]), Some(default)) => Ok(default.to_string()),
        _ => Err(key.to_string()),
    }
}
