//! Enumeration of an organization with an OU tree: walked (ListAccountsForParent and
//! ListOrganizationalUnitsForParent, several parents at once), every account found exactly once
//! (checked against the simulator's own list), OU names in `ou_path`, Organizations' throttling
//! ridden out.

use crate::support::cli::{report, reports, rootsweep, Csv};
use crate::support::scenario::{org, ENABLED};
use crate::support::sim::Sim;
use std::collections::BTreeSet;

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
