//! The call-shaping tables of a scenario (`[latency]`, `[[throttle]]`, `[[faults]]`), checked and
//! converted for `validate`, which calls it.

use crate::sim::scenario::raw;
use crate::sim::scenario::source::{Error, Source};
use crate::sim::scenario::validate::values::{account_id, probability};
use crate::sim::services::error::default_status;
use crate::sim::services::{self, Service};
use crate::sim::world::model::{Fault, FaultAction, Latency, Throttle};
use std::collections::BTreeMap;
use toml::Spanned;

type Result<T> = std::result::Result<T, Error>;

/// `[latency]`: operation or service name → milliseconds.
pub(crate) fn latency(raw: &BTreeMap<Spanned<String>, u64>, src: &Source<'_>) -> Result<Latency> {
    let mut latency = Latency::new();
    for (key, ms) in raw {
        operation_or_service(key, "latency", src)?;
        latency.insert(key.get_ref().clone(), *ms);
    }
    Ok(latency)
}

pub(crate) fn throttle(t: &raw::Throttle, src: &Source<'_>) -> Result<Throttle> {
    let target = match (&t.operation, &t.service) {
        (Some(op), None) => operation_or_service(op, "operation", src)?,
        (None, Some(svc)) => operation_or_service(svc, "service", src)?,
        _ => {
            return Err(src.error(
                t.rps
                    .as_ref()
                    .or(t.probability.as_ref())
                    .map_or(0..0, |s| s.span()),
                "operation",
                "a [[throttle]] needs exactly one of operation or service",
            ))
        }
    };
    if let Some(rps) = &t.rps {
        if rps.get_ref().is_nan() || *rps.get_ref() <= 0.0 {
            return Err(src.error(rps.span(), "rps", "must be greater than 0"));
        }
    }
    Ok(Throttle {
        target,
        rps: t.rps.as_ref().map(|r| *r.get_ref()),
        probability: probability(t.probability.as_ref(), src)?,
    })
}

/// Every fault action a scenario may name (`error` is the default).
const ACTIONS: &[&str] = &[
    "error",
    "reset",
    "hang",
    "truncate",
    "add-access-key",
    "sign-in",
    "use-access-key",
    "upload-ssh-key",
    "add-service-credential",
    "expire-session",
    "apply-then-reset",
    "truncated-no-marker",
    "token-cycle",
];

pub(crate) fn fault(f: &raw::Fault, src: &Source<'_>) -> Result<Fault> {
    let action = action(f, src)?;
    let operation = match &f.operation {
        Some(op) if Service::of_operation(op.get_ref()).is_some() => Some(op.get_ref().clone()),
        Some(op) => {
            return Err(src.error(
                op.span(),
                "operation",
                format!("unknown operation {:?}", op.get_ref()),
            ))
        }
        None => None,
    };
    Ok(Fault {
        account: f
            .account
            .as_ref()
            .map(|a| account_id(a, "account", src))
            .transpose()?,
        caller: f.caller.clone(),
        operation,
        action,
        after: f.after,
        times: f.times,
        probability: probability(f.probability.as_ref(), src)?.unwrap_or(1.0),
    })
}

/// The fault's `action` (default `error`), with what the action needs.
fn action(f: &raw::Fault, src: &Source<'_>) -> Result<FaultAction> {
    let name = f.action.as_ref().map_or("error", |a| a.get_ref().as_str());
    Ok(match name {
        "error" => error_action(f, src)?,
        "reset" => FaultAction::Reset,
        "hang" => FaultAction::Hang,
        "truncate" => FaultAction::Truncate,
        "add-access-key" => FaultAction::AddAccessKey,
        "sign-in" => FaultAction::SignIn,
        "use-access-key" => FaultAction::UseAccessKey,
        "upload-ssh-key" => FaultAction::UploadSshKey,
        "add-service-credential" => FaultAction::AddServiceCredential,
        "expire-session" => FaultAction::ExpireSession,
        "apply-then-reset" => FaultAction::ApplyThenReset,
        "truncated-no-marker" => {
            needs_list(f, src, name, Service::Iam)?;
            FaultAction::TruncatedNoMarker
        }
        "token-cycle" => {
            needs_list(f, src, name, Service::Organizations)?;
            FaultAction::TokenCycle
        }
        other => {
            return Err(src.error(
                f.action.as_ref().map_or(0..0, |a| a.span()),
                "action",
                format!("unknown fault action {other:?} ({})", ACTIONS.join(", ")),
            ))
        }
    })
}

/// Action `error`: `code` (default ServiceFailure), `status` (default the code's) and `message`.
fn error_action(f: &raw::Fault, src: &Source<'_>) -> Result<FaultAction> {
    let code = f.code.clone().unwrap_or_else(|| "ServiceFailure".into());
    let status = f
        .status
        .as_ref()
        .map_or_else(|| default_status(&code), |s| *s.get_ref());
    if let Some(s) = f
        .status
        .as_ref()
        .filter(|s| !(400..=599).contains(s.get_ref()))
    {
        return Err(src.error(s.span(), "status", "must be an HTTP error status (400-599)"));
    }
    let message = f
        .message
        .clone()
        .unwrap_or_else(|| format!("Simulated {code}"));
    Ok(FaultAction::Error {
        code,
        status,
        message,
    })
}

/// An action that acts on one paged list of `service` needs `operation` = such a list.
fn needs_list(f: &raw::Fault, src: &Source<'_>, action: &str, service: Service) -> Result<()> {
    let lists = services::paged(service);
    if f.operation
        .as_ref()
        .is_some_and(|op| lists.contains(&op.get_ref().as_str()))
    {
        return Ok(());
    }
    Err(src.error(
        f.operation
            .as_ref()
            .or(f.action.as_ref())
            .map_or(0..0, |s| s.span()),
        "operation",
        format!(
            "action {action:?} needs operation = one of {}",
            lists.join(", ")
        ),
    ))
}

fn operation_or_service(s: &Spanned<String>, key: &str, src: &Source<'_>) -> Result<String> {
    let v = s.get_ref();
    if Service::is_name(v) || Service::of_operation(v).is_some() {
        Ok(v.clone())
    } else {
        Err(src.error(
            s.span(),
            key,
            format!("{v:?} is neither a simulated operation nor sts/iam/organizations"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::ACTIONS;
    use crate::sim::scenario::source::Error;
    use crate::sim::scenario::Scenario;
    use crate::sim::test_world::scenario;

    fn with_fault(action: &str, operation: &str) -> Result<Scenario, Error> {
        let fault = format!("[[faults]]\naction = \"{action}\"\noperation = \"{operation}\"\n");
        let text = scenario("", &fault);
        Scenario::from_toml_str(&text, "t.toml")
    }

    #[test]
    fn every_action_the_unknown_action_message_names_is_accepted() {
        for action in ACTIONS {
            let operation = match *action {
                "token-cycle" => "ListAccounts",
                _ => "ListAccessKeys",
            };
            assert!(with_fault(action, operation).is_ok(), "{action}");
        }
        match with_fault("use-access-keys", "ListAccessKeys") {
            Err(Error::Invalid { key, message, .. }) => {
                assert_eq!(key, "action");
                assert!(message.contains(&ACTIONS.join(", ")), "{message}");
                assert!(message.contains("use-access-key"), "{message}");
            }
            other => panic!("an unknown action is refused: {other:?}"),
        }
    }
}
