//! The Organizations rules over a path of policies: a statement matches a request (action,
//! resource, principal, conditions); SCPs must allow at every level and any matching deny wins;
//! RCPs only deny. Pure: the policies and the request are given.

use super::condition::{self, all, any, Truth};
use super::document::{Document, Effect, Principal, Scope, Statement, Version};
use super::pattern::Pattern;
use super::request::Request;

/// A policy attached to a root, OU or account, as Organizations names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// `p-…`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its parsed content.
    pub document: Document,
}

/// One level of an account's path (the root, each OU top-down, the account) with the
/// policies attached directly to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// The target's id: `r-…`, `ou-…` or the account id.
    pub target: String,
    /// The service control policies attached to it.
    pub scps: Vec<Policy>,
    /// The resource control policies attached to it.
    pub rcps: Vec<Policy>,
}

/// Where a decision comes from: a statement of a policy at a level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The policy's id.
    pub policy_id: String,
    /// The policy's name.
    pub policy_name: String,
    /// The level it is attached to (the target's id).
    pub level: String,
    /// The statement's `Sid`, when it has one.
    pub sid: Option<String>,
}

/// Whether the guardrails let a request through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Every level allows it and nothing denies it.
    Allowed,
    /// A statement certainly denies it.
    Denied(Source),
    /// No SCP attached at `level` allows it.
    NotAllowed {
        /// The level.
        level: String,
    },
    /// It turns on `key`, which rootsweep does not know: in a deny that may match, or in the
    /// allow a level hangs on.
    Depends {
        /// The condition key.
        key: String,
        /// The statement that turns on it.
        source: Source,
    },
}

impl Decision {
    /// Certain refusals first, then uncertainty, then allowed.
    fn rank(&self) -> u8 {
        match self {
            Decision::Denied(_) => 0,
            Decision::NotAllowed { .. } => 1,
            Decision::Depends { .. } => 2,
            Decision::Allowed => 3,
        }
    }
}

/// Both kinds of guardrail: the SCPs' decision, unless the RCPs' outranks it.
pub fn evaluate(path: &[Level], request: &Request) -> Decision {
    let scps = evaluate_scps(path, request);
    let rcps = evaluate_rcps(path, request);
    if rcps.rank() < scps.rank() {
        rcps
    } else {
        scps
    }
}

/// SCPs: any matching deny on the path wins; otherwise every level must have an SCP with a
/// matching allow.
pub fn evaluate_scps(path: &[Level], request: &Request) -> Decision {
    let deny = deny(path, |level| &level.scps, request);
    if let Some(denied @ Decision::Denied(_)) = deny {
        return denied;
    }
    let mut uncertain = deny;
    for level in path {
        match allow(level, request) {
            Err(not_allowed) => return not_allowed,
            Ok(depends) => uncertain = uncertain.or(depends),
        }
    }
    uncertain.unwrap_or(Decision::Allowed)
}

/// RCPs deny only (`RCPFullAWSAccess` allows everything): any matching deny wins. Whether a
/// service is one RCPs apply to is the caller's to decide.
pub fn evaluate_rcps(path: &[Level], request: &Request) -> Decision {
    deny(path, |level| &level.rcps, request).unwrap_or(Decision::Allowed)
}

/// The first certain deny on the path, else the first deny that may match.
fn deny(path: &[Level], pick: fn(&Level) -> &[Policy], request: &Request) -> Option<Decision> {
    let mut uncertain = None;
    for level in path {
        for (policy, statement) in statements(pick(level), Effect::Deny) {
            match applies(statement, policy.document.version, request) {
                Truth::True => return Some(Decision::Denied(source(level, policy, statement))),
                Truth::Depends { key } if uncertain.is_none() => {
                    uncertain = Some(Decision::Depends {
                        key,
                        source: source(level, policy, statement),
                    });
                }
                _ => {}
            }
        }
    }
    uncertain
}

/// Whether some SCP attached at this level allows the request: `Ok(None)` if one certainly
/// does, `Ok(Some(Depends))` if the first that may hangs on a key, else `NotAllowed`.
fn allow(level: &Level, request: &Request) -> Result<Option<Decision>, Decision> {
    let mut uncertain = None;
    for (policy, statement) in statements(&level.scps, Effect::Allow) {
        match applies(statement, policy.document.version, request) {
            Truth::True => return Ok(None),
            Truth::Depends { key } if uncertain.is_none() => {
                uncertain = Some(Decision::Depends {
                    key,
                    source: source(level, policy, statement),
                });
            }
            _ => {}
        }
    }
    uncertain.map(Some).ok_or_else(|| Decision::NotAllowed {
        level: level.target.clone(),
    })
}

fn statements(policies: &[Policy], effect: Effect) -> impl Iterator<Item = (&Policy, &Statement)> {
    policies.iter().flat_map(move |policy| {
        policy
            .document
            .statements
            .iter()
            .filter(move |s| s.effect == effect)
            .map(move |s| (policy, s))
    })
}

fn source(level: &Level, policy: &Policy, statement: &Statement) -> Source {
    Source {
        policy_id: policy.id.clone(),
        policy_name: policy.name.clone(),
        level: level.target.clone(),
        sid: statement.sid.clone(),
    }
}

/// Whether a statement matches the request: its action, resource, principal and every
/// condition.
pub fn applies(statement: &Statement, version: Version, request: &Request) -> Truth {
    if !action_matches(&statement.actions, &request.action) {
        return Truth::False;
    }
    let variables = version == Version::V2012;
    all([
        resource_matches(&statement.resources, request, variables),
        principal_matches(statement.principal),
        all(statement
            .conditions
            .iter()
            .map(|c| condition::evaluate(c, &request.context, variables))),
    ])
}

/// Action names match regardless of case, with `*` and `?` wildcards; `NotAction` matches
/// every action it does not list.
fn action_matches(scope: &Scope, action: &str) -> bool {
    let listed = |patterns: &[String]| {
        patterns
            .iter()
            .any(|p| Pattern::glob(p).matches(action, true))
    };
    match scope {
        Scope::Only(patterns) => listed(patterns),
        Scope::Except(patterns) => !listed(patterns),
    }
}

/// Resource ARNs match case-sensitively, wildcards within ARN segments; `NotResource` matches
/// every resource it does not list. An unknown resource matches `*` only; any other pattern
/// makes the statement `Depends` on `Resource`.
fn resource_matches(scope: &Scope, request: &Request, variables: bool) -> Truth {
    let listed = |patterns: &[String]| {
        any(patterns.iter().map(|p| {
            let Some(resource) = &request.resource else {
                // An unknown resource: `*` matches whatever it is, anything else may or may not.
                return if p == "*" {
                    Truth::True
                } else {
                    Truth::Depends {
                        key: "Resource".into(),
                    }
                };
            };
            let pattern = if variables {
                Pattern::expand(p, &request.context, true)
            } else {
                Ok(Pattern::glob(p))
            };
            match pattern {
                Ok(p) => Truth::from_bool(p.into_resource().matches(resource, false)),
                Err(key) => Truth::Depends { key },
            }
        }))
    };
    match scope {
        Scope::Only(patterns) => listed(patterns),
        Scope::Except(patterns) => !listed(patterns),
    }
}

/// The principal is the member account's root user: `*` covers it; rootsweep does not match
/// named principals.
fn principal_matches(principal: Principal) -> Truth {
    match principal {
        Principal::Unstated | Principal::Everyone => Truth::True,
        Principal::NoOne => Truth::False,
        Principal::Named => Truth::Depends {
            key: "Principal".into(),
        },
        Principal::AllBut => Truth::Depends {
            key: "NotPrincipal".into(),
        },
    }
}
