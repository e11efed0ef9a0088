//! Unit-test helpers: a world built from scenario text, and IAM calls against it through the
//! same handler the wire uses (no HTTP), as a role session in a member account or as any other
//! principal (a root session, a long-term caller).

use crate::sim::scenario::Scenario;
use crate::sim::services::error::Error;
use crate::sim::services::request::{Params, Request, Who};
use crate::sim::world::dice::Dice;
use crate::sim::world::state::{Grant, World};
use std::sync::Arc;
use time::OffsetDateTime;

/// `[organization]` (with `organization_extra` lines), the management caller, and `rest`.
pub(crate) fn scenario(organization_extra: &str, rest: &str) -> String {
    format!(
        r#"
[organization]
id = "o-a1b2c3d4e5"
management_account = "111111111111"
{organization_extra}

[[callers]]
access_key_id = "AKIAMANAGEMENT000001"
secret_access_key = "s"
account = "111111111111"

{rest}
"#
    )
}

/// The world a scenario describes.
pub(crate) fn world(text: &str) -> World {
    let scenario = Scenario::from_toml_str(text, "t.toml").expect("test scenario is valid");
    scenario.world(Arc::new(Dice::new(7)))
}

/// An IAM call as an hour-long role session in `account`: the result document, or the error.
pub(crate) fn iam(
    world: &World,
    account: &str,
    op: &str,
    params: &[(&str, &str)],
) -> Result<String, Error> {
    let role = Grant::Role {
        role: "OrganizationAccountAccessRole".into(),
        session_name: "test".into(),
    };
    iam_as(world, session(world, account, role), op, params)
}

/// An hour-long session in `account` with `grant` (a role, or a root-task policy).
pub(crate) fn session(world: &World, account: &str, grant: Grant) -> Who {
    let index = world.account(account).expect("account of the scenario");
    let expires = OffsetDateTime::now_utc() + time::Duration::hours(1);
    let (key, _, session) = world.new_session(index, grant, expires);
    Who::Session { key, session }
}

/// The scenario's long-term caller with access key id `key`.
pub(crate) fn caller(world: &World, key: &str) -> Who {
    Who::Caller(
        world
            .callers
            .get(key)
            .expect("caller of the scenario")
            .clone(),
    )
}

/// An IAM call as `who`: the result document, or the error.
pub(crate) fn iam_as(
    world: &World,
    who: Who,
    op: &str,
    params: &[(&str, &str)],
) -> Result<String, Error> {
    let req = Request {
        op: op.to_string(),
        params: Params::Query(
            params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
        who,
        truncated_without_marker: false,
        region: crate::sim::services::request::REGION.to_string(),
        token_cycle: false,
    };
    let xml = crate::sim::services::iam::handle(world, &req)?;
    Ok(String::from_utf8(xml.into_bytes()).expect("XML is UTF-8"))
}

/// Every text of `<name>` elements, in order.
pub(crate) fn texts<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(len) = after.find(&close) else { break };
        out.push(&after[..len]);
        rest = &after[len..];
    }
    out
}
