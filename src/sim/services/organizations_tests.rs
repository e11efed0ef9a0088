//! Organizations handlers over scenario worlds: scripted moves mid-walk, listings without
//! `Paths`, and the token-cycle fault.

use super::*;
use crate::sim::test_world::{scenario, world};

/// Two OUs under the root, an account in the first; `extra` goes into `[organization]`,
/// `rest` after the accounts.
fn org(extra: &str, rest: &str) -> World {
    world(&scenario(
        extra,
        &format!(
            r#"[[ous]]
id = "ou-a1b2-aaaaaaaa"
name = "A"
parent = "r-a1b2"

[[ous]]
id = "ou-a1b2-bbbbbbbb"
name = "B"
parent = "r-a1b2"

[[accounts]]
id = "222222222222"
ou = "ou-a1b2-aaaaaaaa"

{rest}"#
        ),
    ))
}

fn call(world: &World, op: &str, params: Value, token_cycle: bool) -> Value {
    let caller = world
        .callers
        .get("AKIAMANAGEMENT000001")
        .expect("management caller")
        .clone();
    let req = Request {
        op: op.to_string(),
        params: Params::Json(params),
        who: Who::Caller(caller),
        truncated_without_marker: false,
        region: crate::sim::services::request::REGION.to_string(),
        token_cycle,
    };
    handle(world, &req).expect("answer")
}

fn ids_under(world: &World, parent: &str) -> Vec<String> {
    let out = call(
        world,
        "ListAccountsForParent",
        json!({ "ParentId": parent }),
        false,
    );
    out["Accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| a["Id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn a_scripted_move_happens_after_the_walk_calls_it_waits_for() {
    let moves = "[[moves]]\naccount = \"222222222222\"\nto = \"ou-a1b2-bbbbbbbb\"\nafter = 1\nparent = \"ou-a1b2-bbbbbbbb\"\n";
    let w = org("", moves);
    assert_eq!(
        ids_under(&w, "ou-a1b2-aaaaaaaa"),
        ["222222222222"],
        "not counted: another parent"
    );
    assert!(
        ids_under(&w, "ou-a1b2-bbbbbbbb").is_empty(),
        "the counted call answers before the move"
    );
    assert!(ids_under(&w, "ou-a1b2-aaaaaaaa").is_empty());
    assert_eq!(ids_under(&w, "ou-a1b2-bbbbbbbb"), ["222222222222"]);
    let parents = call(
        &w,
        "ListParents",
        json!({ "ChildId": "222222222222" }),
        false,
    );
    assert_eq!(parents["Parents"][0]["Id"], "ou-a1b2-bbbbbbbb");
    let listed = call(&w, "ListAccounts", json!({}), false);
    let moved = listed["Accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["Id"] == "222222222222")
        .expect("listed")
        .clone();
    assert_eq!(
        moved["Paths"][0],
        "o-a1b2c3d4e5/r-a1b2/ou-a1b2-bbbbbbbb/222222222222/"
    );
}

#[test]
fn listings_can_leave_paths_out() {
    let plain = call(&org("", ""), "ListAccounts", json!({}), false);
    assert!(plain["Accounts"][1]["Paths"].is_array());
    let bare = call(
        &org("omit_paths = true", ""),
        "ListAccounts",
        json!({}),
        false,
    );
    let accounts = bare["Accounts"].as_array().expect("accounts");
    assert_eq!(accounts.len(), 2);
    assert!(
        accounts.iter().all(|a| a.get("Paths").is_none()),
        "{accounts:?}"
    );
}

#[test]
fn the_token_cycle_fault_leads_a_listing_back_to_its_second_page() {
    let many: String = (0..5)
        .map(|i| format!("[[accounts]]\nid = \"33333333333{i}\"\n"))
        .collect();
    let w = org("", &many);
    let page = |token: Option<&str>| {
        let mut params = json!({ "MaxResults": 2 });
        if let Some(t) = token {
            params["NextToken"] = json!(t);
        }
        let out = call(&w, "ListAccounts", params, true);
        out["NextToken"].as_str().map(str::to_string)
    };
    let a = page(None).expect("A");
    let b = page(Some(&a)).expect("B");
    assert_ne!(a, b);
    assert_eq!(page(Some(&b)), Some(a.clone()), "B leads back to A");
    assert_eq!(page(Some(&a)), Some(b), "and A to B again");
}
