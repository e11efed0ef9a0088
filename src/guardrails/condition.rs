//! IAM condition operators as the IAM User Guide documents them, evaluated against what
//! rootsweep knows of a request. Three-valued: what it cannot decide (an unknown key, an
//! operator it does not know, a date or binary comparison) is `Depends`, never a guess.

use std::net::IpAddr;

use super::document::Condition;
use super::pattern::Pattern;
use super::request::{Context, Lookup};

/// The value of a condition (or a whole statement) for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    /// It holds.
    True,
    /// It does not hold.
    False,
    /// Whether it holds turns on `key`, whose value rootsweep does not know.
    Depends {
        /// The condition key.
        key: String,
    },
}

impl Truth {
    /// `True` or `False`.
    pub fn from_bool(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }

    fn depends(key: &str) -> Truth {
        Truth::Depends {
            key: key.to_string(),
        }
    }
}

impl std::ops::Not for Truth {
    type Output = Truth;

    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            depends => depends,
        }
    }
}

/// AND: false if any is false, else the first `Depends`, else true.
pub fn all(truths: impl IntoIterator<Item = Truth>) -> Truth {
    let mut pending = Truth::True;
    for truth in truths {
        match truth {
            Truth::False => return Truth::False,
            Truth::Depends { .. } if pending == Truth::True => pending = truth,
            _ => {}
        }
    }
    pending
}

/// OR: true if any is true, else the first `Depends`, else false.
pub fn any(truths: impl IntoIterator<Item = Truth>) -> Truth {
    !all(truths.into_iter().map(|t| !t))
}

/// How a numeric operator compares the request's value with the policy's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Compare {
    fn holds(self, request: f64, policy: f64) -> bool {
        match self {
            Compare::Equal => request == policy,
            Compare::Less => request < policy,
            Compare::LessOrEqual => request <= policy,
            Compare::Greater => request > policy,
            Compare::GreaterOrEqual => request >= policy,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    String,
    StringIgnoreCase,
    StringLike,
    Numeric(Compare),
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// Each base operator: its family and whether it is the negated form.
const OPERATORS: &[(&str, Family, bool)] = &[
    ("StringEquals", Family::String, false),
    ("StringNotEquals", Family::String, true),
    ("StringEqualsIgnoreCase", Family::StringIgnoreCase, false),
    ("StringNotEqualsIgnoreCase", Family::StringIgnoreCase, true),
    ("StringLike", Family::StringLike, false),
    ("StringNotLike", Family::StringLike, true),
    ("NumericEquals", Family::Numeric(Compare::Equal), false),
    ("NumericNotEquals", Family::Numeric(Compare::Equal), true),
    ("NumericLessThan", Family::Numeric(Compare::Less), false),
    (
        "NumericLessThanEquals",
        Family::Numeric(Compare::LessOrEqual),
        false,
    ),
    (
        "NumericGreaterThan",
        Family::Numeric(Compare::Greater),
        false,
    ),
    (
        "NumericGreaterThanEquals",
        Family::Numeric(Compare::GreaterOrEqual),
        false,
    ),
    ("DateEquals", Family::Date, false),
    ("DateNotEquals", Family::Date, true),
    ("DateLessThan", Family::Date, false),
    ("DateLessThanEquals", Family::Date, false),
    ("DateGreaterThan", Family::Date, false),
    ("DateGreaterThanEquals", Family::Date, false),
    ("Bool", Family::Bool, false),
    ("BinaryEquals", Family::Binary, false),
    ("IpAddress", Family::Ip, false),
    ("NotIpAddress", Family::Ip, true),
    ("ArnEquals", Family::Arn, false),
    ("ArnLike", Family::Arn, false),
    ("ArnNotEquals", Family::Arn, true),
    ("ArnNotLike", Family::Arn, true),
    ("Null", Family::Null, false),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Set {
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, Copy)]
struct Operator {
    set: Option<Set>,
    family: Family,
    negated: bool,
    if_exists: bool,
}

impl Operator {
    /// `[ForAllValues:|ForAnyValue:]<base>[IfExists]`, spelled as AWS spells it. `Null` takes
    /// neither a set prefix nor `IfExists`.
    fn parse(name: &str) -> Option<Operator> {
        let (set, rest) = match name.split_once(':') {
            Some(("ForAllValues", rest)) => (Some(Set::ForAllValues), rest),
            Some(("ForAnyValue", rest)) => (Some(Set::ForAnyValue), rest),
            Some(_) => return None,
            None => (None, name),
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let &(_, family, negated) = OPERATORS.iter().find(|(n, ..)| *n == base)?;
        if family == Family::Null && (set.is_some() || if_exists) {
            return None;
        }
        Some(Operator {
            set,
            family,
            negated,
            if_exists,
        })
    }

    /// The key is absent (or has no values): `ForAllValues` holds, `ForAnyValue` does not;
    /// otherwise `...IfExists` and the negated operators hold and the rest do not.
    fn when_absent(&self) -> Truth {
        Truth::from_bool(match self.set {
            Some(Set::ForAllValues) => true,
            Some(Set::ForAnyValue) => false,
            None => self.if_exists || self.negated,
        })
    }
}

/// Evaluates one condition test. `variables` says whether the policy's version expands policy
/// variables in string and ARN values.
pub fn evaluate(condition: &Condition, context: &Context, variables: bool) -> Truth {
    let key = condition.key.as_str();
    let Some(operator) = Operator::parse(&condition.operator) else {
        return Truth::depends(key);
    };
    let lookup = context.lookup(key);
    if operator.family == Family::Null {
        return null_check(&condition.values, lookup, key);
    }
    let values = match lookup {
        Lookup::Unknown => return Truth::depends(key),
        Lookup::Present(values) if !values.is_empty() => values,
        _ => return operator.when_absent(),
    };
    let test = |value: &String| {
        let matched = any(condition
            .values
            .iter()
            .map(|policy| matches(operator.family, value, policy, key, context, variables)));
        // A negated operator holds when the value matches none of the policy's values.
        if operator.negated {
            !matched
        } else {
            matched
        }
    };
    match operator.set {
        // AWS does not document a single-valued operator against several request values.
        None if values.len() > 1 => Truth::depends(key),
        None | Some(Set::ForAllValues) => all(values.iter().map(test)),
        Some(Set::ForAnyValue) => any(values.iter().map(test)),
    }
}

/// `Null: true` holds when the key is absent, `Null: false` when it is present.
fn null_check(values: &[String], lookup: Lookup<'_>, key: &str) -> Truth {
    let absent = match lookup {
        Lookup::Unknown => return Truth::depends(key),
        Lookup::Present(v) => v.is_empty(),
        Lookup::Absent => true,
    };
    any(values
        .iter()
        .map(|v| match v.to_ascii_lowercase().as_str() {
            "true" => Truth::from_bool(absent),
            "false" => Truth::from_bool(!absent),
            _ => Truth::depends(key),
        }))
}

/// Whether one request value matches one policy value, before any negation.
fn matches(
    family: Family,
    value: &str,
    policy: &str,
    key: &str,
    context: &Context,
    variables: bool,
) -> Truth {
    let pattern = |wildcards: bool| match (variables, wildcards) {
        (true, _) => Pattern::expand(policy, context, wildcards),
        (false, true) => Ok(Pattern::glob(policy)),
        (false, false) => Ok(Pattern::literal(policy)),
    };
    let compare = |wildcards: bool, fold_case: bool| match pattern(wildcards) {
        Ok(p) => Truth::from_bool(p.matches(value, fold_case)),
        Err(variable) => Truth::depends(&variable),
    };
    match family {
        Family::String => compare(false, false),
        Family::StringIgnoreCase => compare(false, true),
        Family::StringLike => compare(true, false),
        Family::Arn => match pattern(true).map(Pattern::into_arn) {
            Ok(Some(arn)) => Truth::from_bool(arn.matches(value, false)),
            Ok(None) => Truth::depends(key),
            Err(variable) => Truth::depends(&variable),
        },
        Family::Numeric(compare) => match (number(value), number(policy)) {
            (Some(a), Some(b)) => Truth::from_bool(compare.holds(a, b)),
            _ => Truth::depends(key),
        },
        Family::Bool => match policy.to_ascii_lowercase().as_str() {
            b @ ("true" | "false") => Truth::from_bool(value.eq_ignore_ascii_case(b)),
            _ => Truth::depends(key),
        },
        Family::Ip => match ip_within(value, policy) {
            Some(within) => Truth::from_bool(within),
            None => Truth::depends(key),
        },
        Family::Date | Family::Binary | Family::Null => Truth::depends(key),
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Whether the address `value` is in `cidr` (`203.0.113.0/24`, `2001:DB8::/64`, or a bare
/// address, which IAM reads as `/32` or `/128`). `None` when either does not parse.
fn ip_within(value: &str, cidr: &str) -> Option<bool> {
    let address = bits(value.parse().ok()?);
    let (network, prefix) = match cidr.split_once('/') {
        Some((network, prefix)) => (network, Some(prefix.parse::<u32>().ok()?)),
        None => (cidr, None),
    };
    let network: IpAddr = network.parse().ok()?;
    let width = if network.is_ipv4() { 32 } else { 128 };
    let prefix = prefix.unwrap_or(width);
    if prefix > width {
        return None;
    }
    let network = bits(network);
    if address.1 != network.1 {
        return Some(false);
    }
    // Both addresses sit in the top bits of a u128, so a /p prefix is its top p bits.
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    Some(address.0 & mask == network.0 & mask)
}

/// The address left-aligned in 128 bits, and whether it is IPv4.
fn bits(address: IpAddr) -> (u128, bool) {
    match address {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)) << 96, true),
        IpAddr::V6(v6) => (u128::from(v6), false),
    }
}
