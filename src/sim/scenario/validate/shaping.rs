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

pub(crate) fn fault(f: &raw::Fault, src: &Source<'_>) -> Result<Fault> {
    let action_name = f.action.as_ref().map_or("error", |a| a.get_ref().as_str());
    let action = match action_name {
        "error" => {
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
                return Err(src.error(
                    s.span(),
                    "status",
                    "must be an HTTP error status (400-599)",
                ));
            }
            let message = f
                .message
                .clone()
                .unwrap_or_else(|| format!("Simulated {code}"));
            FaultAction::Error {
                code,
                status,
                message,
            }
        }
        "reset" => FaultAction::Reset,
        "hang" => FaultAction::Hang,
        "truncate" => FaultAction::Truncate,
        "add-access-key" => FaultAction::AddAccessKey,
        "sign-in" => FaultAction::SignIn,
        "upload-ssh-key" => FaultAction::UploadSshKey,
        "add-service-credential" => FaultAction::AddServiceCredential,
        "expire-session" => FaultAction::ExpireSession,
        "apply-then-reset" => FaultAction::ApplyThenReset,
        "truncated-no-marker" => {
            let lists = services::paged(Service::Iam);
            let list_op = f
                .operation
                .as_ref()
                .filter(|op| lists.contains(&op.get_ref().as_str()));
            if list_op.is_none() {
                return Err(src.error(
                    f.operation
                        .as_ref()
                        .or(f.action.as_ref())
                        .map_or(0..0, |s| s.span()),
                    "operation",
                    format!(
                        "action \"truncated-no-marker\" needs operation = one of {}",
                        lists.join(", ")
                    ),
                ));
            }
            FaultAction::TruncatedNoMarker
        }
        "token-cycle" => {
            let lists = services::paged(Service::Organizations);
            if !f
                .operation
                .as_ref()
                .is_some_and(|op| lists.contains(&op.get_ref().as_str()))
            {
                return Err(src.error(
                    f.operation
                        .as_ref()
                        .or(f.action.as_ref())
                        .map_or(0..0, |s| s.span()),
                    "operation",
                    format!(
                        "action \"token-cycle\" needs operation = one of {}",
                        lists.join(", ")
                    ),
                ));
            }
            FaultAction::TokenCycle
        }
        other => {
            return Err(src.error(
                f.action.as_ref().map_or(0..0, |a| a.span()),
                "action",
                format!(
                    "unknown fault action {other:?} (error, reset, hang, truncate, add-access-key, sign-in, upload-ssh-key, add-service-credential, expire-session, apply-then-reset, truncated-no-marker, token-cycle)"
                ),
            ))
        }
    };
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
