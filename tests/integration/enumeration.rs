//! Enumeration of an organization with an OU tree: walked (ListAccountsForParent and
//! ListOrganizationalUnitsForParent, several parents at once), every account found exactly once
//! (checked against the simulator's own list), OU names in `ou_path`, Organizations' throttling
//! ridden out; an account moved mid-walk still audited once, OU columns filled when the listing
//! has no `Paths`, a page-token cycle an incomplete run.

use crate::support::cli::{finish, report, reports, rootsweep, spawn, Csv, Run};
use crate::support::scenario::{org, ENABLED};
use crate::support::sim::Sim;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// 600 generated members: 22 OUs under the root (two pages of child OUs), 3 more below them,
/// every OU holding more than 20 accounts (two pages), and about 30 accounts directly under the
/// root; every Organizations call answers after `latency` ms.
fn tree(latency: u32, extra: &str) -> String {
    org(
        ENABLED,
        &format!(
            r#"[generate]
count = 600
seed = 17
ous = 25
top_ous = 22
ou_depth = 3
under_root = 0.05

[latency]
organizations = {latency}
{extra}"#
        ),
    )
}

fn count(sim: &Sim, op: &str) -> usize {
    sim.calls().iter().filter(|c| c["operation"] == op).count()
}

/// Every account of the audit CSV, checking none appears twice.
fn reported(csv: &Csv) -> BTreeSet<String> {
    let ids: Vec<String> = csv.rows.iter().map(|r| r["account_id"].clone()).collect();
    let unique: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(ids.len(), unique.len(), "an account was reported twice");
    unique
}

fn organization_accounts(sim: &Sim) -> BTreeSet<String> {
    let state = sim.state();
    state["accounts"]
        .as_object()
        .expect("accounts")
        .keys()
        .cloned()
        .collect()
}

#[test]
fn a_tree_is_walked_and_every_account_is_reported_once_with_its_ou_names() {
    let sim = Sim::start_toml(&tree(30, ""));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit", "--concurrency", "64"]).expect_code(0);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(reported(&csv), organization_accounts(&sim));
    let (for_parent, ous) = (
        count(&sim, "ListAccountsForParent"),
        count(&sim, "ListOrganizationalUnitsForParent"),
    );
    // Each parent listed once: its pages of 20 accounts (one, possibly empty, at least).
    let mut per_parent: std::collections::BTreeMap<String, usize> =
        (0..25).map(|i| (format!("ou-t001-gen{i:05}"), 0)).collect();
    let state = sim.state();
    for account in state["accounts"].as_object().expect("accounts").values() {
        *per_parent
            .entry(account["parent"].as_str().expect("parent").to_string())
            .or_default() += 1;
    }
    let pages: usize = per_parent.values().map(|n| n.div_ceil(20).max(1)).sum();
    assert_eq!(
        for_parent, pages,
        "ListAccountsForParent: one call per page"
    );
    assert!(
        per_parent.values().filter(|n| **n > 20).count() >= 20,
        "{per_parent:?}"
    );
    // The root's two pages of child OUs, then one page for each of the 25 OUs.
    assert_eq!(ous, 2 + 25, "ListOrganizationalUnitsForParent");
    assert_eq!(
        count(&sim, "ListAccounts"),
        601_usize.div_ceil(20),
        "the ListAccounts pass beside the walk reads every page once (the reconciliation)"
    );
    let mut under_root = 0;
    for row in &csv.rows {
        let id = &row["account_id"];
        let parent = state["accounts"][id]["parent"].as_str().expect("parent");
        assert!(
            row["ou_ids"].ends_with(parent),
            "{id}: ou_ids {} does not end with its parent {parent}",
            row["ou_ids"]
        );
        if parent == "r-t001" {
            under_root += 1;
            assert_eq!(row["ou_path"], "Root", "{id}");
        } else {
            let depth = row["ou_ids"].split('/').count();
            assert_eq!(row["ou_path"].split('/').count(), depth, "{id}");
            assert!(row["ou_path"].starts_with("Root/Generated "), "{id}");
        }
    }
    assert!(
        under_root > 20,
        "{under_root} accounts directly under the root"
    );
}

#[test]
fn throttled_organizations_calls_slow_the_walk_and_lose_no_account() {
    // About a third of Organizations calls answer TooManyRequestsException (seeded dice).
    let throttle = "\n[[throttle]]\nservice = \"organizations\"\nprobability = 0.3\n";
    let sim = Sim::start_toml(&tree(5, throttle));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit", "--concurrency", "64"]).expect_code(0);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(reported(&csv), organization_accounts(&sim));
    let throttled = sim
        .calls()
        .iter()
        .filter(|c| c["error"] == "TooManyRequestsException")
        .count();
    assert!(throttled > 0, "the scenario throttles Organizations");
    assert!(csv.rows.iter().all(|r| r["verdict"] != "unknown"));
}

#[test]
fn a_flat_organization_keeps_the_list_accounts_chain() {
    let flat = org(
        ENABLED,
        "[generate]\ncount = 60\nseed = 5\n\n[latency]\norganizations = 20\n",
    );
    let sim = Sim::start_toml(&flat);
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit"]).expect_code(0);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(reported(&csv), organization_accounts(&sim));
    assert_eq!(count(&sim, "ListAccountsForParent"), 0);
    assert_eq!(count(&sim, "ListAccounts"), 61_usize.div_ceil(20));
}

/// Runs `args` and waits at most `limit`: a listing that never ends fails the test instead of
/// hanging it.
fn run_within(sim: &Sim, dir: &std::path::Path, args: &[&str], limit: u64) -> Run {
    let mut child = spawn(sim, dir, args);
    let deadline = Instant::now() + Duration::from_secs(limit);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("rootsweep {args:?} still running after {limit} s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    finish(child)
}

/// OUs A and B under the root, C under A, D under C; `n` accounts (`2000000000NN`) spread over
/// the root and the four OUs, then `rest` (moves, faults).
fn four_ous(n: usize, organization_extra: &str, rest: &str) -> String {
    let ous = [
        ("ou-t001-aaaaaaaa", "A", "r-t001"),
        ("ou-t001-bbbbbbbb", "B", "r-t001"),
        ("ou-t001-cccccccc", "C", "ou-t001-aaaaaaaa"),
        ("ou-t001-dddddddd", "D", "ou-t001-cccccccc"),
    ];
    let mut text: String = ous
        .iter()
        .map(|(id, name, parent)| {
            format!("[[ous]]\nid = \"{id}\"\nname = \"{name}\"\nparent = \"{parent}\"\n\n")
        })
        .collect();
    for i in 0..n {
        let ou = match i % 5 {
            0 => String::new(),
            k => format!("ou = \"{}\"\n", ous[k - 1].0),
        };
        text.push_str(&format!(
            "[[accounts]]\nid = \"{:012}\"\n{ou}\n",
            200_000_000_000u64 + i as u64
        ));
    }
    org(
        &format!("{ENABLED}\n{organization_extra}"),
        &format!("{text}\n{rest}"),
    )
}

/// The last account of the listing (in D) moves to B once B's accounts were listed, before the
/// walk reaches D (two levels further down); an account of B moves to D at the same moment.
const MOVES: &str = r#"[[moves]]
account = "200000000099"
to = "ou-t001-bbbbbbbb"
after = 1
parent = "ou-t001-bbbbbbbb"

[[moves]]
account = "200000000002"
to = "ou-t001-dddddddd"
after = 1
parent = "ou-t001-bbbbbbbb"

[latency]
organizations = 60
"#;

#[test]
fn an_account_moved_between_ous_mid_walk_is_audited_exactly_once() {
    let sim = Sim::start_toml(&four_ous(100, "", MOVES));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit", "--concurrency", "16"]).expect_code(0);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(
        reported(&csv),
        organization_accounts(&sim),
        "every account, once"
    );
    let state = sim.state();
    for moved in ["200000000099", "200000000002"] {
        assert_eq!(
            state["accounts"][moved]["parent"],
            if moved.ends_with("99") {
                "ou-t001-bbbbbbbb"
            } else {
                "ou-t001-dddddddd"
            }
        );
    }
    // Where each account is: B for the one moved up; D (or B, where the walk listed it before
    // the move) for the one moved down.
    assert_eq!(csv.account("200000000099")["ou_path"], "Root/B");
    let down = csv.account("200000000002")["ou_path"].clone();
    assert!(["Root/B", "Root/A/C/D"].contains(&down.as_str()), "{down}");
    assert_eq!(
        count(&sim, "ListAccounts"),
        101_usize.div_ceil(20),
        "the pass reads every page"
    );
    assert!(
        count(&sim, "ListParents") >= 1,
        "the walk missed the account moved up: the reconciliation placed it"
    );
}

#[test]
fn without_paths_every_account_in_an_ou_has_its_ou_columns() {
    // ListAccounts (no `Paths`) is done long before the shape is known.
    let latency = "[latency]\nListRoots = 400\nListOrganizationalUnitsForParent = 100\n";
    let sim = Sim::start_toml(&four_ous(30, "omit_paths = true", latency));
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit"]).expect_code(0);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(reported(&csv), organization_accounts(&sim));
    let state = sim.state();
    let names = [
        ("r-t001", "Root"),
        ("ou-t001-aaaaaaaa", "Root/A"),
        ("ou-t001-bbbbbbbb", "Root/B"),
        ("ou-t001-cccccccc", "Root/A/C"),
        ("ou-t001-dddddddd", "Root/A/C/D"),
    ];
    for row in &csv.rows {
        let id = &row["account_id"];
        let parent = state["accounts"][id]["parent"].as_str().expect("parent");
        assert!(
            row["ou_ids"].ends_with(parent),
            "{id}: ou_ids {:?}",
            row["ou_ids"]
        );
        let (_, path) = names
            .iter()
            .find(|(ou, _)| *ou == parent)
            .expect("known parent");
        assert_eq!(&row["ou_path"], path, "{id}");
    }
}

#[test]
fn without_paths_a_flat_organization_is_at_the_root() {
    let flat = org(
        &format!("{ENABLED}\nomit_paths = true"),
        "[generate]\ncount = 45\nseed = 5\n",
    );
    let sim = Sim::start_toml(&flat);
    let dir = reports();
    rootsweep(&sim, dir.path(), &["audit"]).expect_code(0);
    let csv = Csv::read(&report(dir.path(), "audit-", ".csv"));
    assert_eq!(reported(&csv), organization_accounts(&sim));
    assert!(
        csv.rows
            .iter()
            .all(|r| r["ou_ids"] == "r-t001" && r["ou_path"] == "Root"),
        "{:?}",
        csv.rows
            .iter()
            .map(|r| (&r["ou_ids"], &r["ou_path"]))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_page_token_cycle_is_an_incomplete_run_not_an_endless_one() {
    for (operation, scenario) in [
        (
            "ListAccounts",
            org(ENABLED, "[generate]\ncount = 100\nseed = 5\n"),
        ),
        (
            "ListAccountsForParent",
            four_ous(300, "", "[latency]\nListAccounts = 50\n"),
        ),
    ] {
        let fault =
            format!("\n[[faults]]\naction = \"token-cycle\"\noperation = \"{operation}\"\n");
        let sim = Sim::start_toml(&format!("{scenario}{fault}"));
        let dir = reports();
        let run = run_within(&sim, dir.path(), &["audit"], 60);
        run.expect_code(1);
        assert!(
            run.stderr.contains(&format!("{operation}: PaginationLoop")),
            "{}",
            run.stderr
        );
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(report(dir.path(), "audit-", ".json")).expect("json"),
        )
        .expect("valid");
        assert_eq!(json["complete"], false);
    }
}
