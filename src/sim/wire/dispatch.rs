//! The request pipeline: parse the wire protocol, identify the caller, apply throttles, latency
//! and faults, run the operation, render the response and log the call.

use crate::sim::services::sts::assume_role;
use crate::sim::services::{iam, organizations, sqs, sts};
use crate::sim::wire::api::{is_mutating, ApiError, Service, ORGANIZATIONS_OPERATIONS};
use crate::sim::wire::auth::{access_key_id, AuthError};
use crate::sim::wire::calls::{CallLog, CallRecord};
use crate::sim::wire::faults::{CallKey, Shaping};
use crate::sim::wire::protocol::{reset, respond, AuthFailure, Protocol};
use crate::sim::wire::query::{self, Xml, IAM_NS, STS_NS};
use crate::sim::wire::request::{Params, Request, Who};
use crate::sim::world::effects;
use crate::sim::world::model::FaultAction;
use crate::sim::world::state::World;
use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use time::OffsetDateTime;
use tokio::sync::watch;

const JSON_TARGET_PREFIX: &str = "AWSOrganizationsV20161128.";

/// Service name logged for requests that name no service the simulator knows.
const UNKNOWN_SERVICE: &str = "unknown";

/// Everything a request handler needs.
pub(crate) struct Sim {
    pub world: World,
    pub shaping: Shaping,
    pub calls: CallLog,
    pub shutdown: watch::Receiver<bool>,
}

/// A POST the simulator cannot run, with what it said about itself for the call log.
struct Rejected {
    protocol: Protocol,
    /// Service as sent: a simulated service's name, a foreign target prefix, or `unknown`.
    service: String,
    /// Operation as sent (empty when the request names none).
    op: String,
    err: ApiError,
}

/// Parses the protocol, service, operation and parameters of a POST.
fn parse(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Protocol, Service, String, Params), Rejected> {
    if let Some(target) = headers.get("x-amz-target") {
        let target = String::from_utf8_lossy(target.as_bytes()).into_owned();
        let (service, op) = match target.strip_prefix(JSON_TARGET_PREFIX) {
            Some(op) => (Service::Organizations.as_str().to_string(), op.to_string()),
            None => match target.split_once('.') {
                Some((prefix, op)) => (prefix.to_string(), op.to_string()),
                None => (UNKNOWN_SERVICE.to_string(), target.clone()),
            },
        };
        let reject = |err| Rejected {
            protocol: Protocol::Json,
            service: service.clone(),
            op: op.clone(),
            err,
        };
        if !target.starts_with(JSON_TARGET_PREFIX)
            || !ORGANIZATIONS_OPERATIONS.contains(&op.as_str())
        {
            return Err(reject(ApiError::new(
                400,
                "UnknownOperationException",
                format!("Unknown operation {target}"),
            )));
        }
        let params = if body.iter().all(u8::is_ascii_whitespace) {
            serde_json::Value::Object(Default::default())
        } else {
            serde_json::from_slice(body).map_err(|e| {
                reject(ApiError::new(
                    400,
                    "SerializationException",
                    format!("Invalid JSON body: {e}"),
                ))
            })?
        };
        return Ok((
            Protocol::Json,
            Service::Organizations,
            op,
            Params::Json(params),
        ));
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (action, version) = (field("Action"), field("Version"));
    let (service, ns) = match version.as_deref() {
        Some("2011-06-15") => (Service::Sts, STS_NS),
        Some("2010-05-08") => (Service::Iam, IAM_NS),
        _ => {
            let msg = "Not an AWS request this simulator understands: expected an X-Amz-Target header \
                       (Organizations awsJson1.1) or a form body with Action and Version 2011-06-15 (STS) or 2010-05-08 (IAM)";
            return Err(Rejected {
                protocol: Protocol::Query(STS_NS),
                service: UNKNOWN_SERVICE.to_string(),
                op: action.unwrap_or_default(),
                err: ApiError::new(400, "MissingAction", msg),
            });
        }
    };
    let protocol = Protocol::Query(ns);
    let Some(action) = action else {
        return Err(Rejected {
            protocol,
            service: service.as_str().to_string(),
            op: String::new(),
            err: ApiError::new(400, "MissingAction", "Missing Action"),
        });
    };
    if Service::of_operation(&action) != Some(service) {
        let msg = format!(
            "Could not find operation {action} for version {}",
            version.unwrap_or_default()
        );
        return Err(Rejected {
            protocol,
            service: service.as_str().to_string(),
            op: action,
            err: ApiError::new(400, "InvalidAction", msg),
        });
    }
    Ok((protocol, service, action, Params::Query(pairs)))
}

/// A call-log record for `op` with nothing known yet about the caller or the outcome.
pub(crate) fn record(service: String, op: &str) -> CallRecord {
    CallRecord {
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

/// Answers a request that is not a POST (the simulator speaks no REST protocol), logging it as
/// `<METHOD> <path>` unless the query string names an `Action`.
pub(crate) fn refuse(sim: &Sim, method: &Method, uri: &Uri, headers: &HeaderMap) -> Response {
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
    let err = ApiError::new(405, "MethodNotAllowed", msg.trim_end());
    finish(sim, rec, response, Some(&err))
}

pub(crate) fn identify(
    sim: &Sim,
    headers: &HeaderMap,
    protocol: Protocol,
) -> Result<Who, (String, ApiError)> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    let key = match access_key_id(auth) {
        Ok(k) => k.to_string(),
        Err(AuthError::Missing) => {
            return Err((String::new(), protocol.auth_error(AuthFailure::Missing)))
        }
        Err(AuthError::Malformed) => {
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

/// Handles one AWS API request end to end.
pub(crate) async fn handle(sim: &Sim, headers: &HeaderMap, body: &[u8]) -> Response {
    let sqs_op = headers
        .get("x-amz-target")
        .and_then(|t| t.to_str().ok())
        .and_then(|t| t.strip_prefix(sqs::TARGET_PREFIX))
        .map(str::to_string);
    if let Some(op) = sqs_op {
        return crate::sim::wire::unlock_wire::handle_sqs(sim, headers, &op, body).await;
    }
    let rid = sim.world.dice.request_id();
    let (protocol, service, op, params) = match parse(headers, body) {
        Ok(parsed) => parsed,
        Err(rejected) => {
            let mut rec = record(rejected.service, &rejected.op);
            (rec.caller, rec.caller_account) = signer(sim, headers);
            let response = rejected.protocol.error(&rejected.err, &rid);
            return finish(sim, rec, response, Some(&rejected.err));
        }
    };
    let mut record = record(service.as_str().to_string(), &op);
    let who = match identify(sim, headers, protocol) {
        Ok(who) => who,
        Err((key, err)) => {
            record.caller = key;
            return finish(sim, record, protocol.error(&err, &rid), Some(&err));
        }
    };
    let world = &sim.world;
    record.caller_account = Some(who.account(world).to_string());
    match &who {
        Who::Caller(c) => record.caller = c.access_key_id.clone(),
        Who::Session { key, session } => {
            record.caller = key.clone();
            record.account = Some(world.accounts[session.account].id.clone());
            record.task_policy = session.task_policy().map(|p| p.name());
        }
    }
    // A long-term caller's IAM calls act in its own account (ListOrganizationsFeatures is about
    // the organization, not an account).
    if let (Who::Caller(c), Service::Iam) = (&who, service) {
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
    let caller = match &who {
        Who::Caller(c) => Some(c.access_key_id.as_str()),
        Who::Session { .. } => None,
    };
    let key = CallKey {
        service,
        operation: &op,
        caller,
        account: record.account.as_deref(),
    };
    if sim.shaping.throttled(&key) {
        let err = match protocol {
            Protocol::Json => ApiError::new(400, "TooManyRequestsException", "AWS Organizations can't complete your request because another request is already in progress. Try again later."),
            Protocol::Query(_) => ApiError::new(400, "Throttling", "Rate exceeded"),
        };
        return finish(sim, record, protocol.error(&err, &rid), Some(&err));
    }
    if let Some(delay) = sim.shaping.latency(&key) {
        tokio::time::sleep(delay).await;
    }
    let mut truncate = false;
    let mut truncated_without_marker = false;
    let acting = record.account.clone();
    let acting = acting.as_deref();
    match sim.shaping.fault(&key) {
        None => {}
        Some(FaultAction::Error {
            code,
            status,
            message,
        }) => {
            let err = ApiError::new(status, code, message);
            return finish(sim, record, protocol.error(&err, &rid), Some(&err));
        }
        Some(FaultAction::Reset) => {
            sim.calls.push(record);
            return reset();
        }
        Some(FaultAction::Hang) => {
            sim.calls.push(record);
            let mut shutdown = sim.shutdown.clone();
            let _ = shutdown.wait_for(|stop| *stop).await;
            return reset();
        }
        Some(FaultAction::Truncate) => truncate = true,
        Some(FaultAction::AddAccessKey) => effects::add_access_key(world, acting),
        Some(FaultAction::SignIn) => effects::sign_in(world, acting),
        Some(FaultAction::UploadSshKey) => effects::upload_ssh_key(world, acting),
        Some(FaultAction::AddServiceCredential) => effects::add_service_credential(world, acting),
        Some(FaultAction::TruncatedNoMarker) => truncated_without_marker = true,
        Some(FaultAction::ExpireSession) => {
            // Only session calls match this action (see `faults::matches`).
            if let Who::Session { key, .. } = &who {
                effects::expire_session(world, key);
            }
            let err = protocol.auth_error(AuthFailure::Expired);
            return finish(sim, record, protocol.error(&err, &rid), Some(&err));
        }
    }
    let req = Request {
        op,
        params,
        who,
        truncated_without_marker,
    };
    let outcome = match (protocol, service) {
        (Protocol::Json, _) => {
            organizations::handle(world, &req).map(|v| v.to_string().into_bytes())
        }
        (Protocol::Query(ns), Service::Sts) => {
            sts::handle(world, &req).map(|x| query::success(&req.op, ns, x, &rid))
        }
        (Protocol::Query(ns), _) => {
            iam::handle(world, &req).map(|x: Xml| query::success(&req.op, ns, x, &rid))
        }
    };
    let content_type = match protocol {
        Protocol::Json => "application/x-amz-json-1.1",
        Protocol::Query(_) => "text/xml",
    };
    let (response, err) = match outcome {
        Ok(body) if truncate => (
            respond(200, content_type, body[..body.len() / 2].to_vec(), &rid),
            None,
        ),
        Ok(body) => (respond(200, content_type, body, &rid), None),
        Err(err) => (protocol.error(&err, &rid), Some(err)),
    };
    finish(sim, record, response, err.as_ref())
}

pub(crate) fn finish(
    sim: &Sim,
    mut record: CallRecord,
    response: Response,
    err: Option<&ApiError>,
) -> Response {
    record.status = response.status().as_u16();
    record.error = err.map(|e| e.code.to_string());
    sim.calls.push(record);
    response
}
