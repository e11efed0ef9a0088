//! The request pipeline, one flow for every protocol: read the request, identify the caller,
//! apply throttles, latency and faults, run the operation through its service's table, render
//! the response and log the call.

use crate::sim::services::error::Error;
use crate::sim::services::request::{Params, Request, Who};
use crate::sim::services::sts::{self, assume_role};
use crate::sim::services::{denials, iam, is_mutating, organizations, s3, sqs, Service};
use crate::sim::wire::auth::{self, access_key_id};
use crate::sim::wire::calls;
use crate::sim::wire::faults::{CallKey, Shaping};
use crate::sim::wire::parse::{self, Call, UNKNOWN_SERVICE};
use crate::sim::wire::protocol::{reset, AuthFailure, Protocol};
use crate::sim::wire::query;
use crate::sim::world::effects;
use crate::sim::world::model::FaultAction;
use crate::sim::world::state::World;
use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use time::OffsetDateTime;
use tokio::sync::watch;

/// Everything a request handler needs.
pub(crate) struct Sim {
    pub world: World,
    pub shaping: Shaping,
    pub calls: calls::Log,
    pub shutdown: watch::Receiver<bool>,
}

/// A call-log record for `op` with nothing known yet about the caller or the outcome.
pub(crate) fn record(service: String, op: &str) -> calls::Record {
    calls::Record {
        seq: 0,
        service,
        mutating: is_mutating(op),
        operation: op.to_string(),
        caller: String::new(),
        caller_account: None,
        account: None,
        task_policy: None,
        status: 0,
        error: None,
        at_ms: 0,
    }
}

/// The access key id a request is signed with and that key's account, read without checking
/// the signature, for logging requests that fail before identification.
pub(crate) fn signer(sim: &Sim, headers: &HeaderMap) -> (String, Option<String>) {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    let Ok(key) = access_key_id(auth) else {
        return (String::new(), None);
    };
    let account = match sim.world.callers.get(key) {
        Some(c) => Some(c.account.clone()),
        None => {
            let state = sim.world.lock();
            state
                .sessions
                .get(key)
                .map(|s| sim.world.accounts[s.account].id.clone())
        }
    };
    (key.to_string(), account)
}

/// Answers a request of no protocol the simulator speaks, logging it as `<METHOD> <path>`
/// unless the query string names an `Action`.
fn refuse(sim: &Sim, method: &Method, uri: &Uri, headers: &HeaderMap) -> Response {
    let action = uri.query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "Action")
            .map(|(_, v)| v.into_owned())
    });
    let op = action.unwrap_or_else(|| format!("{method} {}", uri.path()));
    let mut rec = record(UNKNOWN_SERVICE.to_string(), &op);
    (rec.caller, rec.caller_account) = signer(sim, headers);
    let msg = "The simulator accepts POSTed AWS API calls; GET /_sim/state or /_sim/calls to inspect it.\n";
    let mut response = Response::new(Body::from(msg));
    *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    let err = Error::new(405, "MethodNotAllowed", msg.trim_end());
    finish(sim, rec, response, Some(&err))
}

/// The caller of a request: a long-term caller of the scenario or a live session.
pub(crate) fn identify(
    sim: &Sim,
    headers: &HeaderMap,
    protocol: &Protocol,
) -> Result<Who, (String, Error)> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    let key = match access_key_id(auth) {
        Ok(k) => k.to_string(),
        Err(auth::Error::Missing) => {
            return Err((String::new(), protocol.auth_error(AuthFailure::Missing)))
        }
        Err(auth::Error::Malformed) => {
            return Err((String::new(), protocol.auth_error(AuthFailure::Unknown)))
        }
    };
    if let Some(c) = sim.world.callers.get(&key) {
        return Ok(Who::Caller(c.clone()));
    }
    let session = sim.world.lock().sessions.get(&key).cloned();
    let token = headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok());
    match session {
        Some(s) if token != Some(s.token.as_str()) => {
            Err((key, protocol.auth_error(AuthFailure::Unknown)))
        }
        Some(s) if s.expires <= OffsetDateTime::now_utc() => {
            Err((key, protocol.auth_error(AuthFailure::Expired)))
        }
        Some(session) => Ok(Who::Session { key, session }),
        None => Err((key, protocol.auth_error(AuthFailure::Unknown))),
    }
}

/// Handles a POSTed AWS API request end to end.
pub(crate) async fn handle(sim: &Sim, headers: &HeaderMap, body: &[u8]) -> Response {
    match parse::post(headers, body) {
        Ok(call) => run(sim, headers, call).await,
        Err(rejected) => {
            let rid = sim.world.dice.request_id();
            let mut rec = record(rejected.service, &rejected.op);
            (rec.caller, rec.caller_account) = signer(sim, headers);
            let response = rejected.protocol.error(&rejected.err, &rid);
            finish(sim, rec, response, Some(&rejected.err))
        }
    }
}

/// Handles any other request: an S3 bucket-policy request, else a refusal.
pub(crate) async fn handle_other(
    sim: &Sim,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Response {
    match parse::rest(method, uri) {
        Some(call) => run(sim, headers, call).await,
        None => refuse(sim, method, uri, headers),
    }
}

/// Identifies, shapes, runs and logs one call.
async fn run(sim: &Sim, headers: &HeaderMap, call: Call) -> Response {
    let rid = sim.world.dice.request_id();
    let Call {
        protocol,
        service,
        op,
        params,
    } = call;
    let mut record = record(service.as_str().to_string(), &op);
    let who = match identify(sim, headers, &protocol) {
        Ok(who) => who,
        Err((key, err)) => {
            record.caller = key;
            return finish(sim, record, protocol.error(&err, &rid), Some(&err));
        }
    };
    let world = &sim.world;
    attribute(world, &mut record, &who, service, &op, &params);
    let (record, altered) = match shape(sim, record, &who, &protocol, service, &op, &rid).await {
        Ok(shaped) => shaped,
        Err(response) => return response,
    };
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    // A root-session call the scenario's guardrails deny answers AccessDenied instead.
    let denied = denials::denial(world, &who, service, &op, &params);
    let req = Request {
        op,
        params,
        who,
        truncated_without_marker: altered.truncated_without_marker,
        region: auth::signing_region(auth)
            .unwrap_or(crate::sim::services::request::REGION)
            .to_string(),
        token_cycle: altered.token_cycle,
    };
    let answered = match denied {
        Some(err) => Err(err),
        None => answer(world, &protocol, service, &req, &rid),
    };
    if altered.reset_after {
        // The operation ran; its answer never reaches the caller.
        let mut record = record;
        record.status = match &answered {
            Ok((status, _, _)) => *status,
            Err(err) => err.status,
        };
        record.error = Some("ConnectionReset".into());
        sim.calls.push(record);
        return reset();
    }
    let (response, err) = match answered {
        Ok((status, content_type, body)) if altered.truncate => (
            protocol.answer(status, content_type, body[..body.len() / 2].to_vec(), &rid),
            None,
        ),
        Ok((status, content_type, body)) => {
            (protocol.answer(status, content_type, body, &rid), None)
        }
        Err(err) => (protocol.error(&err, &rid), Some(err)),
    };
    finish(sim, record, response, err.as_ref())
}

/// How a fault alters the answer of a call that still runs.
#[derive(Default)]
struct Altered {
    /// The body is cut in half.
    truncate: bool,
    /// An IAM list page says `IsTruncated=true` with no `Marker`.
    truncated_without_marker: bool,
    /// The operation runs, then the connection closes without its answer.
    reset_after: bool,
    /// An Organizations list page's `NextToken` cycles back.
    token_cycle: bool,
}

/// Applies the call's shaping: a throttle, a latency, a fault. `Err` is the response that
/// answers instead of the operation (logged); else the call runs, its answer altered as the
/// fault says.
async fn shape(
    sim: &Sim,
    record: calls::Record,
    who: &Who,
    protocol: &Protocol,
    service: Service,
    op: &str,
    rid: &str,
) -> Result<(calls::Record, Altered), Response> {
    let caller = match who {
        Who::Caller(c) if protocol.shaped_by_caller() => Some(c.access_key_id.as_str()),
        _ => None,
    };
    let key = CallKey {
        service,
        operation: op,
        caller,
        account: record.account.as_deref(),
    };
    if sim.shaping.throttled(&key) {
        let err = protocol.throttled();
        return Err(finish(sim, record, protocol.error(&err, rid), Some(&err)));
    }
    if let Some(delay) = sim.shaping.latency(&key) {
        tokio::time::sleep(delay).await;
    }
    let action = sim.shaping.fault(&key).filter(|a| protocol.speaks(a));
    fault(sim, record, action, who, protocol, rid).await
}

/// Applies the fault that matched the call, if any.
async fn fault(
    sim: &Sim,
    record: calls::Record,
    action: Option<FaultAction>,
    who: &Who,
    protocol: &Protocol,
    rid: &str,
) -> Result<(calls::Record, Altered), Response> {
    let world = &sim.world;
    let mut altered = Altered::default();
    let acting = record.account.clone();
    let acting = acting.as_deref();
    match action {
        None => {}
        Some(FaultAction::Error {
            code,
            status,
            message,
        }) => {
            let err = Error::new(status, code, message);
            return Err(finish(sim, record, protocol.error(&err, rid), Some(&err)));
        }
        Some(FaultAction::Reset) => {
            sim.calls.push(record);
            return Err(reset());
        }
        Some(FaultAction::Hang) => {
            sim.calls.push(record);
            let mut shutdown = sim.shutdown.clone();
            let _ = shutdown.wait_for(|stop| *stop).await;
            return Err(reset());
        }
        Some(FaultAction::Truncate) => altered.truncate = true,
        Some(FaultAction::AddAccessKey) => effects::add_access_key(world, acting),
        Some(FaultAction::SignIn) => effects::sign_in(world, acting),
        Some(FaultAction::UseAccessKey) => effects::use_access_key(world, acting),
        Some(FaultAction::UploadSshKey) => effects::upload_ssh_key(world, acting),
        Some(FaultAction::AddServiceCredential) => effects::add_service_credential(world, acting),
        Some(FaultAction::TruncatedNoMarker) => altered.truncated_without_marker = true,
        Some(FaultAction::ApplyThenReset) => altered.reset_after = true,
        Some(FaultAction::TokenCycle) => altered.token_cycle = true,
        Some(FaultAction::ExpireSession) => {
            // Only session calls match this action (see `faults::matches`).
            if let Who::Session { key, .. } = who {
                effects::expire_session(world, key);
            }
            let err = protocol.auth_error(AuthFailure::Expired);
            return Err(finish(sim, record, protocol.error(&err, rid), Some(&err)));
        }
    }
    Ok((record, altered))
}

/// Fills in who is calling and for which account: a session's account and task policy, a
/// long-term caller's own account for IAM, the target of AssumeRoot and AssumeRole.
fn attribute(
    world: &World,
    record: &mut calls::Record,
    who: &Who,
    service: Service,
    op: &str,
    params: &Params,
) {
    record.caller_account = Some(who.account(world).to_string());
    match who {
        Who::Caller(c) => record.caller = c.access_key_id.clone(),
        Who::Session { key, session } => {
            record.caller = key.clone();
            record.account = Some(world.accounts[session.account].id.clone());
            record.task_policy = session.task_policy().map(|p| p.name());
        }
    }
    // A long-term caller's IAM calls act in its own account (ListOrganizationsFeatures is about
    // the organization, not an account).
    if let (Who::Caller(c), Service::Iam) = (who, service) {
        if op != "ListOrganizationsFeatures" && world.account(&c.account).is_some() {
            record.account = Some(c.account.clone());
        }
    }
    if op == "AssumeRoot" {
        record.account = params
            .str("TargetPrincipal")
            .and_then(sts::target_account)
            .map(str::to_string);
        record.task_policy = params
            .str("TaskPolicyArn.arn")
            .and_then(|a| sts::task_policy(world, a))
            .map(|p| p.name());
    }
    if op == "AssumeRole" {
        record.account = params
            .str("RoleArn")
            .and_then(|a| assume_role::role_arn(world, a))
            .map(|(account, _)| account.to_string());
        record.task_policy = None;
    }
}

/// Runs the operation in its service; the status, content type and body of a success.
fn answer(
    world: &World,
    protocol: &Protocol,
    service: Service,
    req: &Request,
    rid: &str,
) -> Result<(u16, &'static str, Vec<u8>), Error> {
    let ok = |body: Vec<u8>| (200, protocol.content_type(), body);
    match (protocol, service) {
        (Protocol::Query(ns), Service::Sts) => {
            sts::handle(world, req).map(|x| ok(query::success(&req.op, ns, x, rid)))
        }
        (Protocol::Query(ns), _) => {
            iam::handle(world, req).map(|x| ok(query::success(&req.op, ns, x, rid)))
        }
        (Protocol::Json, _) => {
            organizations::handle(world, req).map(|v| ok(v.to_string().into_bytes()))
        }
        (Protocol::RestXml { .. }, _) => {
            s3::handle(world, req).map(|a| (a.status, a.content_type, a.body))
        }
        (Protocol::Json10, _) => sqs::handle(world, req).map(|v| ok(v.to_string().into_bytes())),
    }
}

/// Logs the call with the response's status and the error code, and hands the response back.
pub(crate) fn finish(
    sim: &Sim,
    mut record: calls::Record,
    response: Response,
    err: Option<&Error>,
) -> Response {
    record.status = response.status().as_u16();
    record.error = err.map(|e| e.code.to_string());
    sim.calls.push(record);
    response
}
