//! Parsing an SCP or RCP document (IAM policy grammar) into statements. It checks the shape
//! only and keeps condition operators as written: what they mean is `condition`'s business.

use serde_json::{Map, Value};

/// The policy language version. Only `2012-10-17` expands policy variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `2008-10-17`.
    V2008,
    /// `2012-10-17`.
    V2012,
}

/// A statement's `Effect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

/// `Action`/`Resource` (`Only`) or `NotAction`/`NotResource` (`Except`): the listed patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `Action` / `Resource`: these patterns only.
    Only(Vec<String>),
    /// `NotAction` / `NotResource`: everything but these patterns.
    Except(Vec<String>),
}

/// The `Principal`/`NotPrincipal` element (RCPs carry `"Principal": "*"`; SCPs none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    /// No principal element.
    Unstated,
    /// `"*"` or `{"AWS": "*"}`: everyone.
    Everyone,
    /// Any other principal list.
    Named,
    /// `NotPrincipal` of everyone: no one.
    NoOne,
    /// `NotPrincipal` of a list.
    AllBut,
}

/// One condition test: an operator as written, a key, and its values (OR'ed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator as written, e.g. `StringEquals` or `ForAnyValue:StringLike`.
    pub operator: String,
    /// The condition key, e.g. `aws:PrincipalArn`.
    pub key: String,
    /// The values, any of which may match.
    pub values: Vec<String>,
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Sid`, when it has one.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`.
    pub principal: Principal,
    /// `Action` / `NotAction`.
    pub actions: Scope,
    /// `Resource` / `NotResource`.
    pub resources: Scope,
    /// Every condition must hold (AND).
    pub conditions: Vec<Condition>,
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// `Version`.
    pub version: Version,
    /// Every statement, in document order.
    pub statements: Vec<Statement>,
}

/// What is wrong with a policy document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The text is not JSON.
    #[error("the policy is not JSON: {0}")]
    Json(String),
    /// The JSON is not an object.
    #[error("the policy is not a JSON object")]
    NotAnObject,
    /// A top-level element the grammar does not have.
    #[error("the policy has an unknown element `{0}`")]
    UnknownElement(String),
    /// A `Version` other than the two the grammar has.
    #[error("`Version` must be \"2012-10-17\" or \"2008-10-17\", not {0}")]
    Version(String),
    /// No `Statement` element.
    #[error("the policy has no `Statement`")]
    NoStatement,
    /// A statement is malformed.
    #[error("statement {at}: {problem}")]
    Statement {
        /// Which statement: its 1-based position, and its `Sid` where it has one.
        at: String,
        /// What is wrong with it.
        problem: String,
    },
}

const POLICY_ELEMENTS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl Document {
    /// Parses a policy's JSON text, as `DescribePolicy` returns it in `Content`.
    pub fn parse(text: &str) -> Result<Document, Error> {
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Json(e.to_string()))?;
        Document::from_value(&value)
    }

    /// Reads a policy already parsed as JSON.
    pub fn from_value(value: &Value) -> Result<Document, Error> {
        let policy = value.as_object().ok_or(Error::NotAnObject)?;
        if let Some(unknown) = policy
            .keys()
            .find(|k| !POLICY_ELEMENTS.contains(&k.as_str()))
        {
            return Err(Error::UnknownElement(unknown.clone()));
        }
        let version = match policy.get("Version") {
            None => Version::V2008,
            Some(Value::String(v)) if v == "2012-10-17" => Version::V2012,
            Some(Value::String(v)) if v == "2008-10-17" => Version::V2008,
            Some(other) => return Err(Error::Version(other.to_string())),
        };
        let statements = match policy.get("Statement") {
            None => return Err(Error::NoStatement),
            Some(Value::Array(list)) => list.iter().collect(),
            Some(one) => vec![one],
        };
        let statements = statements
            .into_iter()
            .enumerate()
            .map(|(i, s)| statement(s).map_err(|problem| located(i, s, problem)))
            .collect::<Result<_, _>>()?;
        Ok(Document {
            version,
            statements,
        })
    }
}

/// Names a statement by its 1-based position and its `Sid` where it has one.
fn located(index: usize, statement: &Value, problem: String) -> Error {
    let at = match statement.get("Sid").and_then(Value::as_str) {
        Some(sid) => format!("{} (Sid \"{sid}\")", index + 1),
        None => (index + 1).to_string(),
    };
    Error::Statement { at, problem }
}

fn statement(value: &Value) -> Result<Statement, String> {
    let s = value.as_object().ok_or("it is not a JSON object")?;
    if let Some(unknown) = s.keys().find(|k| !STATEMENT_ELEMENTS.contains(&k.as_str())) {
        return Err(format!("unknown element `{unknown}`"));
    }
    let sid = match s.get("Sid") {
        None => None,
        Some(Value::String(sid)) => Some(sid.clone()),
        Some(_) => return Err("`Sid` must be a string".into()),
    };
    let effect = match s.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => {
            return Err(format!(
                "`Effect` must be \"Allow\" or \"Deny\", not {other}"
            ))
        }
        None => return Err("it has no `Effect`".into()),
    };
    Ok(Statement {
        sid,
        effect,
        principal: principal(s)?,
        actions: scope(s, "Action", "NotAction")?,
        resources: scope(s, "Resource", "NotResource")?,
        conditions: match s.get("Condition") {
            None => Vec::new(),
            Some(block) => conditions(block)?,
        },
    })
}

/// Exactly one of `name` and `not_name`, each a string or a non-empty array of strings.
fn scope(s: &Map<String, Value>, name: &str, not_name: &str) -> Result<Scope, String> {
    match (s.get(name), s.get(not_name)) {
        (Some(v), None) => strings(v, name).map(Scope::Only),
        (None, Some(v)) => strings(v, not_name).map(Scope::Except),
        (Some(_), Some(_)) => Err(format!("it has both `{name}` and `{not_name}`")),
        (None, None) => Err(format!("it has neither `{name}` nor `{not_name}`")),
    }
}

fn strings(value: &Value, name: &str) -> Result<Vec<String>, String> {
    let list = match value {
        Value::String(one) => vec![one.clone()],
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|item| item.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| format!("`{name}` must hold only strings"))?,
        _ => {
            return Err(format!(
                "`{name}` must be a string or a non-empty array of strings"
            ))
        }
    };
    Ok(list)
}

fn principal(s: &Map<String, Value>) -> Result<Principal, String> {
    let (value, negated, name) = match (s.get("Principal"), s.get("NotPrincipal")) {
        (None, None) => return Ok(Principal::Unstated),
        (Some(v), None) => (v, false, "Principal"),
        (None, Some(v)) => (v, true, "NotPrincipal"),
        (Some(_), Some(_)) => return Err("it has both `Principal` and `NotPrincipal`".into()),
    };
    let everyone = match value {
        Value::String(p) if p == "*" => true,
        Value::Object(map) if !map.is_empty() => map.get("AWS").is_some_and(is_star),
        _ => return Err(format!("`{name}` must be \"*\" or an object of principals")),
    };
    Ok(match (everyone, negated) {
        (true, false) => Principal::Everyone,
        (false, false) => Principal::Named,
        (true, true) => Principal::NoOne,
        (false, true) => Principal::AllBut,
    })
}

fn is_star(value: &Value) -> bool {
    match value {
        Value::String(p) => p == "*",
        Value::Array(items) => items.iter().any(|i| i.as_str() == Some("*")),
        _ => false,
    }
}

/// `{"Operator": {"key": value-or-values, ...}, ...}` flattened into one test per key.
fn conditions(block: &Value) -> Result<Vec<Condition>, String> {
    let operators = block
        .as_object()
        .ok_or("`Condition` must be an object of operators")?;
    let mut tests = Vec::new();
    for (operator, keys) in operators {
        let keys = keys
            .as_object()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| format!("condition operator `{operator}` must map keys to values"))?;
        for (key, values) in keys {
            let values = condition_values(values).ok_or_else(|| {
                format!(
                    "the values of `{key}` under `{operator}` must be a string, number or \
                     boolean, or a non-empty array of them"
                )
            })?;
            tests.push(Condition {
                operator: operator.clone(),
                key: key.clone(),
                values,
            });
        }
    }
    Ok(tests)
}

fn condition_values(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Array(items) if !items.is_empty() => items.iter().map(scalar).collect(),
        Value::Array(_) => None,
        one => scalar(one).map(|v| vec![v]),
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
