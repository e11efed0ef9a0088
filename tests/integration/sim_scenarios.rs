//! Scenario files: malformed ones are rejected with file, line and key; shipped ones load.

use crate::support::sim::Sim;
use rootsweep::sim::{Scenario, ScenarioError};
use std::path::{Path, PathBuf};
use std::process::Command;

fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name)
}

/// Runs `rootsweep sim serve` on a bad scenario and returns its stderr.
fn serve_fails(name: &str) -> String {
    let path = scenario_path(name);
    let out = Command::new(env!("CARGO_BIN_EXE_rootsweep"))
        .args(["sim", "serve", "--scenario"])
        .arg(&path)
        .output()
        .expect("run rootsweep");
    assert!(!out.status.success(), "{name} must be rejected");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn malformed_scenarios_exit_non_zero_naming_file_line_and_key() {
    for (name, location, key) in [
        ("bad/unknown_key.toml", "unknown_key.toml:12", "`colour`"),
        ("bad/wrong_type.toml", "wrong_type.toml:13", "`name`"),
        (
            "bad/duplicate_account.toml",
            "duplicate_account.toml:16",
            "`id`",
        ),
    ] {
        let stderr = serve_fails(name);
        assert!(
            stderr.contains(location),
            "{name}: expected {location} in {stderr}"
        );
        assert!(stderr.contains(key), "{name}: expected {key} in {stderr}");
    }
}

#[test]
fn library_errors_carry_the_same_location() {
    match Scenario::load(&scenario_path("bad/duplicate_account.toml")) {
        Err(ScenarioError::Invalid {
            line, key, message, ..
        }) => {
            assert_eq!((line, key.as_str()), (16, "id"));
            assert!(message.contains("duplicate"), "{message}");
        }
        other => panic!("expected a duplicate-id error, got {other:?}"),
    }
}

#[test]
fn shipped_scenarios_load_and_the_demo_matches_its_file() {
    let demo = Scenario::load(&scenario_path("demo.toml")).expect("demo.toml");
    let builtin = Scenario::demo();
    assert_eq!(
        demo.account_ids().collect::<Vec<_>>(),
        builtin.account_ids().collect::<Vec<_>>()
    );
    assert_eq!(builtin.management_access_key().0, "AKIAMANAGEMENT000001");
    let large = Scenario::load(&scenario_path("large.toml")).expect("large.toml");
    assert_eq!(large.account_ids().count(), 1001);
}

#[test]
fn served_demo_state_lists_every_account_and_no_calls_yet() {
    let sim = Sim::start(scenario_path("demo.toml"));
    let state = sim.state();
    let accounts = state["accounts"].as_object().expect("accounts");
    assert_eq!(accounts.len(), Scenario::demo().account_ids().count());
    assert_eq!(accounts["222222222211"]["state"], "CLOSED");
    assert_eq!(
        accounts["222222222203"]["root"]["mfa_devices"][0]["serial"],
        "GAHT12345678"
    );
    assert_eq!(state["organization"]["management_account"], "111111111111");
    assert!(sim.calls().is_empty());
}
